"""Integrations read from a module's files exactly as Magento 2.4's converters read them.

Magento does not validate these files against their XSDs in production mode, so a file our
schemas reject is still what the store acts on. Its converters:

- find ``<integration>`` elements with DOM's getElementsByTagName: at any depth, in document
  order; a repeated name replaces the earlier declaration (the last one wins). PHP's DOM (checked
  on 8.2) matches such a search by local name, whatever the element's prefix or namespace, and
  ``attributes->getNamedItem('name')`` takes the first attribute whose local name is ``name``,
  in any namespace: so ``<x:resource x:name="..."/>`` is granted like ``<resource name="..."/>``;
- config.xml: take the first descendant ``email``, ``endpoint_url`` and ``identity_link_url``;
- api.xml: grant every descendant ``resource`` of the integration, at any depth, in order;
- integration.xml (consolidated): read the integration's child elements (a repeated one wins
  over the earlier), grant every descendant ``resource`` of its ``resources`` children, and add
  each granted id's ACL parents itself.

When one name is in both formats, the consolidated declaration's grant is the one applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter
from typing import NamedTuple

from lxml import etree

from generator.magento.acl import ADMIN, ALL, AclCatalog
from generator.magento.files import CONSOLIDATED, SPLIT

CONTACT_FIELDS = ("email", "endpoint_url", "identity_link_url")


class Located(NamedTuple):
    """A value and the line (and, where known, the column) it is on."""

    value: str
    line: int | None
    column: int | None = None


_value = itemgetter(0)  # a Located's value


class IntegrationFacts(NamedTuple):
    """One integration as Magento reads it: its contact fields and the ACL ids it grants."""

    name: str
    line: int | None
    format: str = SPLIT  # SPLIT (config.xml + api.xml) or CONSOLIDATED (integration.xml)
    email: str | None = None
    endpoint_url: str | None = None
    identity_link_url: str | None = None
    resources: tuple[Located, ...] = ()
    synced: bool = False  # a magegen sync data patch brings installed stores to this state

    @property
    def resource_ids(self) -> tuple[str, ...]:
        """The ids the files list, in order, each once."""
        return tuple(dict.fromkeys(map(_value, self.resources)))


def named_item(element: etree._Element, name: str) -> str | None:
    """The attribute PHP's ``attributes->getNamedItem(name)`` gives: the first, in document
    order, whose local name is ``name``, in any namespace (libxml2's xmlHasProp)."""
    suffix = "}" + name
    for key, value in element.items():  # ("{namespace}local" or "local"; no "}" in a local name)
        if key == name or key.endswith(suffix):
            return value
    return None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def text_content(element: etree._Element) -> str:
    """The element's text as DOM's nodeValue gives it (comments left out)."""
    if len(element):  # (children counted: elements, comments, processing instructions)
        return "".join(element.itertext())
    return element.text or ""  # only text and CDATA: what itertext() gives, without its walk


# A resource read is made a Located with tuple.__new__, as Located(value, line) makes it
# without a Python call per resource (the readers run for every module a tree holds).
_tuple_new = tuple.__new__
_CONTACT_TAGS = tuple("{*}" + field for field in CONTACT_FIELDS)


def _all_integrations(document: etree._ElementTree) -> list[tuple[str, etree._Element]]:
    """(name, element) of each named integration of the document, the root included."""
    found = []
    for element in document.getroot().iter("{*}integration"):  # the root, then its descendants
        name = named_item(element, "name")
        if name is not None:  # Magento fails on a nameless one; our schemas report it
            found.append((name, element))
    return found


def read_config_xml(document: etree._ElementTree) -> dict[str, IntegrationFacts]:
    """config.xml's integrations: contact fields only (each the first descendant so named)."""
    found: dict[str, IntegrationFacts] = {}
    for name, element in _all_integrations(document):
        contact: dict[str, str] = {}
        for field in element.iterdescendants(*_CONTACT_TAGS):  # in document order
            key = _local(field.tag)
            if key not in contact:
                contact[key] = text_content(field)
                if len(contact) == len(CONTACT_FIELDS):
                    break
        found[name] = IntegrationFacts(
            name,
            element.sourceline,
            SPLIT,
            contact.get("email"),
            contact.get("endpoint_url"),
            contact.get("identity_link_url"),
        )
    return found


def read_api_xml(document: etree._ElementTree) -> dict[str, IntegrationFacts]:
    """api.xml's integrations: the resources each grants."""
    return {
        name: IntegrationFacts(name, element.sourceline, SPLIT, resources=_resources(element))
        for name, element in _all_integrations(document)
    }


def read_consolidated_xml(document: etree._ElementTree) -> dict[str, IntegrationFacts]:
    """integration.xml's integrations, as listed (ACL parents are added by ``effective_ids``)."""
    found: dict[str, IntegrationFacts] = {}
    for name, element in _all_integrations(document):
        contact: dict[str, str | None] = dict.fromkeys(CONTACT_FIELDS)
        resources: list[Located] = []
        # The child elements whose nodeName (DOM's ``prefix:local`` or ``local``) is a contact
        # field or "resources": those of that local name, without a prefix.
        for child in element.iterchildren(*_CONTACT_TAGS, "{*}resources"):
            if child.prefix:
                continue
            key = _local(child.tag)
            if key == "resources":
                resources += _resources(child)
            else:
                contact[key] = text_content(child)
        found[name] = IntegrationFacts(
            name,
            element.sourceline,
            CONSOLIDATED,
            contact["email"],
            contact["endpoint_url"],
            contact["identity_link_url"],
            tuple(resources),
        )
    return found


def _resources(element: etree._Element) -> tuple[Located, ...]:
    """Each descendant ``resource`` of ``element`` that has a name (named_item), in order."""
    found: list[Located] = []
    append = found.append
    for resource in element.iterdescendants("{*}resource"):
        for key, value in resource.items():  # named_item(resource, "name"), inline
            if key == "name" or key.endswith("}name"):
                append(_tuple_new(Located, (value, resource.sourceline, None)))
                break
    return tuple(found)


def declared_integrations(
    config: dict[str, IntegrationFacts] | None,
    api: dict[str, IntegrationFacts] | None,
    consolidated: dict[str, IntegrationFacts] | None,
) -> tuple[IntegrationFacts, ...]:
    """A module's integrations, one per name: config.xml's contact with api.xml's resources
    (names only in api.xml too), then integration.xml's, whose grant wins for a shared name."""
    config, api = config or {}, api or {}
    merged: dict[str, IntegrationFacts] = {}
    for name in [*config, *(n for n in api if n not in config)]:
        contact = config.get(name) or api[name]
        grant = api[name].resources if name in api else ()
        merged[name] = IntegrationFacts(
            name,
            contact.line,
            SPLIT,
            contact.email,
            contact.endpoint_url,
            contact.identity_link_url,
            grant,
        )
    for name, facts in (consolidated or {}).items():
        merged.pop(name, None)
        merged[name] = facts
    return tuple(merged.values())


def merged_across_modules(
    modules: Iterable[
        tuple[
            dict[str, IntegrationFacts] | None,
            dict[str, IntegrationFacts] | None,
            dict[str, IntegrationFacts] | None,
        ]
    ],
) -> tuple[IntegrationFacts, ...]:
    """The integrations of several modules' (config.xml, api.xml, integration.xml), in load
    order, as Magento merges them by name before it reads them: a resource declared by any
    module is granted, and a later module's fields win."""
    merged: tuple[dict[str, IntegrationFacts], ...] = ({}, {}, {})
    for files in modules:
        for into, declared in zip(merged, files):
            for name, facts in (declared or {}).items():
                into[name] = facts if name not in into else _merge_two(into[name], facts)
    config, api, consolidated = merged
    return declared_integrations(config or None, api or None, consolidated or None)


def _merge_two(earlier: IntegrationFacts, later: IntegrationFacts) -> IntegrationFacts:
    fields = {key: getattr(later, key) or getattr(earlier, key) for key in CONTACT_FIELDS}
    return IntegrationFacts(
        later.name,
        later.line,
        later.format,
        resources=earlier.resources + later.resources,
        **fields,
    )


def effective_ids(
    integration_format: str, listed: Iterable[str], acl: AclCatalog
) -> tuple[str, ...]:
    """The ids Magento grants for ``listed``: as listed in the split format; in the consolidated
    one, each known id preceded by its parents below the admin root, and nothing outside the
    admin root (its converter keeps only ids below Magento_Backend::admin, so it drops
    Magento_Backend::all). Ids the catalog does not know are kept: they may belong to a module
    installed where the integration runs."""
    granted: dict[str, None] = {}
    for resource_id in listed:
        if integration_format == CONSOLIDATED:
            if resource_id == ALL or (resource_id in acl and ADMIN not in acl.path(resource_id)):
                continue
            if resource_id in acl:
                granted.update(dict.fromkeys(acl.ancestors_below_admin(resource_id)))
        granted[resource_id] = None
    return tuple(granted)
