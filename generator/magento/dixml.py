"""What a module's di.xml (``etc/di.xml`` or ``etc/<area>/di.xml``) changes of the code that
reads and applies integration grants.

Magento's object manager lets any module give another class new constructor arguments (a
``fileName`` for the integration config readers: another file is read as api.xml), replace an
interface or class (``<preference>``), or wrap it (``<plugin>`` inside ``<type>``). Where a
module does that to the integration, OAuth or authorization code, the grant an integration gets
can no longer be told from its XML.
"""

from __future__ import annotations


from lxml import etree

from generator.magento.integrations import Located
from generator.patterns import lazy

# The code that reads integration config, creates and updates integrations, stores their grants,
# checks OAuth tokens and authorizes web API calls. PHP class names ignore case.
# The config file resolvers and readers every reader of integration config goes through count
# too: a plugin there can hand Magento another api.xml.
GUARDED = lazy(
    r"magento\\(?:integration|oauth|authorization|webapi\\model\\authorization"
    r"|webapi\\controller\\rest\\requestvalidator|framework\\oauth|framework\\authorization"
    r"|framework\\webapi\\authorization|framework\\acl"
    r"|framework\\config\\(?:fileresolver|reader\\filesystem|dom\b)"
    r"|framework\\module\\dir\\reader)",
)
DI_XML = lazy(r"etc/(?:[a-z_]+/)?di\.xml")


def is_di_xml(relative: str) -> bool:
    """Whether ``relative`` is a di.xml Magento reads (global or of one area)."""
    return DI_XML.fullmatch(relative) is not None


def guarded(class_name: str | None) -> bool:
    """Whether ``class_name`` is part of the integration, OAuth or authorization code."""
    if not class_name:
        return False
    return GUARDED.match(class_name.strip().lstrip("\\").casefold()) is not None


def grant_overrides(document: etree._ElementTree) -> list[Located]:
    """Each place in a di.xml that changes the integration, OAuth or authorization code: what
    it does, on the line it is written."""
    found: list[Located] = []
    for element in document.getroot().iter():
        if not isinstance(element.tag, str):
            continue
        what = _override(etree.QName(element).localname, element)
        if what is not None:
            found.append(Located(what, element.sourceline))
    return found


def _override(tag: str, element: etree._Element) -> str | None:
    """What the di.xml element does to the grant code, or None when it leaves it alone."""
    if tag == "preference" and guarded(element.get("for")):
        return f"replaces {element.get('for')} with {element.get('type')}"
    if tag == "type" and guarded(element.get("name")):
        return f"changes the arguments or plugins of {element.get('name')}"
    if tag == "virtualType" and (guarded(element.get("type")) or guarded(element.get("name"))):
        return f"declares {element.get('name')} as a variant of {element.get('type')}"
    return None
