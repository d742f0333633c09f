"""A module's own etc/acl.xml read back into the spec's ``acl:`` entries.

Own resources are those the file gives a title and Magento's tree does not hold; a top-level
one names the nearest id above it as its ``parent`` unless that is ``Magento_Backend::admin``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from generator.magento.acl import ADMIN, AclCatalog
from generator.magento.aclxml import AclTreeBuilder
from generator.magento.xml import parse_untrusted

ACL_XML = "etc/acl.xml"


def own_acl(root: Path, module: str, acl: AclCatalog) -> tuple[list[dict[str, Any]], AclCatalog]:
    """The ``acl:`` entries of the module at ``root`` and ``acl`` with its acl.xml merged in;
    ([], ``acl``) when it has none that can be read."""
    path = root / ACL_XML
    if not path.is_file():
        return [], acl
    content = path.read_bytes()
    document, _ = parse_untrusted(content, str(path))
    if document is None:
        return [], acl
    entries: list[dict[str, Any]] = []
    for resources in document.getroot().iterfind("acl/resources"):
        for element in resources.iterfind("resource"):
            _collect(element, None, acl, entries)
    builder = AclTreeBuilder()
    builder.add_catalog(acl)
    builder.add_document(module, document)
    return entries, builder.build(acl.magento_version)


def _collect(
    element: etree._Element, parent: str | None, acl: AclCatalog, into: list[dict[str, Any]]
) -> None:
    """Own resources at or below ``element`` (whose parent is ``parent``) appended to ``into``."""
    resource_id = element.get("id") or ""
    if element.get("title") is not None and resource_id not in acl:
        into.append(_entry(element, parent, acl))
        return
    for child in element.iterfind("resource"):
        _collect(child, resource_id, acl, into)


def _entry(element: etree._Element, parent: str | None, acl: AclCatalog) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": element.get("id"), "title": element.get("title")}
    sort_order = element.get("sortOrder")
    if sort_order is not None and sort_order.strip().lstrip("+-").isdigit():
        entry["sortOrder"] = int(sort_order)
    if parent is not None and parent != ADMIN:
        entry["parent"] = parent
    children: list[dict[str, Any]] = []
    for child in element.iterfind("resource"):
        _collect(child, None, acl, children)
    if children:
        entry["children"] = children
    return entry
