"""A module's etc/config.xml, as far as calling the REST API goes: whether it lets integration
access tokens be used as standalone Bearer tokens.

Since 2.4.4 Magento refuses an integration's access token sent as ``Authorization: Bearer``
unless ``oauth/consumer/enable_integration_as_bearer`` is set; a module's config.xml can set it
for the default scope (store-wide), or under ``<websites><code>`` or ``<stores><code>`` for one
website or store view. Magento reads the flag with ``isSetFlag``, so any value PHP reads as true
turns it on: everything but an empty value and ``0`` (``false`` and `` 0`` included).
"""

from __future__ import annotations

from lxml import etree

from generator.magento.xml import parse_untrusted

CONFIG_XML = "etc/config.xml"
BEARER_PATH = "default/oauth/consumer/enable_integration_as_bearer"
# The flag below a scope: default/..., websites/<code>/..., stores/<code>/...
_FLAG = ("oauth", "consumer", "enable_integration_as_bearer")
SCOPED = {"default": 0, "websites": 1, "stores": 1}  # scope element: levels of codes below it


def bearer_scopes(document: etree._ElementTree | etree._Element) -> tuple[str, ...]:
    """The scopes (``default``, ``websites/base``, ``stores/admin``) in which a parsed
    etc/config.xml turns integration tokens into Bearer tokens, as Magento reads the flag."""
    root = document.getroot() if isinstance(document, etree._ElementTree) else document
    found: dict[str, bool] = {}
    for scope in _children(root):
        levels = SCOPED.get(scope.tag)
        if levels is None:
            continue
        for code, holder in _scope_codes(scope, levels):
            where = f"{scope.tag}/{code}" if code else scope.tag
            for element in _descend(holder, _FLAG):
                found[where] = php_true(_config_value(element))
    return tuple(where for where, on in found.items() if on)


def bearer_in(document: etree._ElementTree | etree._Element) -> bool:
    """Whether a parsed etc/config.xml turns integration tokens into Bearer tokens in any scope."""
    return bool(bearer_scopes(document))


def php_true(value: str | None) -> bool:
    """Whether PHP's ``(bool)`` cast makes ``value`` true: all but None, ``""`` and ``"0"``."""
    return value not in (None, "", "0")


def _children(element: etree._Element) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)]


def _scope_codes(scope: etree._Element, levels: int):
    if not levels:
        return [("", scope)]
    return [(code.tag, code) for code in _children(scope)]


def _descend(element: etree._Element, path: tuple[str, ...]) -> list[etree._Element]:
    """The elements at ``path`` below ``element``; Magento merges repeated ones, the last wins."""
    current = [element]
    for name in path:
        current = [child for parent in current for child in _children(parent) if child.tag == name]
    return current[-1:]


def _config_value(element: etree._Element) -> str | None:
    """The value Magento's initial config reader takes from a leaf: its last text or CDATA
    node that is not blank (kept untrimmed). An element with child elements becomes a
    non-empty array, which PHP reads as true: "1" stands for it."""
    if _children(element):
        return "1"
    texts = [element.text or "", *(child.tail or "" for child in element)]
    values = [text for text in texts if text.strip()]
    return values[-1] if values else ""


def bearer_in_text(content: bytes | str | None) -> bool:
    """``bearer_in`` for the bytes of an etc/config.xml; False when absent or not XML."""
    if content is None:
        return False
    raw = content.encode("utf-8") if isinstance(content, str) else content
    document, _ = parse_untrusted(raw, CONFIG_XML)
    return document is not None and bearer_in(document)
