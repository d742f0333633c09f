"""Merge acl.xml files into an AclCatalog, as Magento merges them."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from generator.errors import shown
from generator.magento.acl import AclCatalog, AclResource
from generator.magento.xml import safe_xml_parser


class _Node:
    """One resource of the tree being merged (a plain class: cheap to define and to make)."""

    __slots__ = (
        "id", "parent", "module", "title", "title_module", "sort_order", "disabled", "children"
    )

    def __init__(self, resource_id: str, parent: str | None, module: str) -> None:
        self.id = resource_id
        self.parent = parent
        self.module = module
        self.title: str | None = None
        self.title_module: str | None = None
        self.sort_order: int | None = None
        self.disabled = False
        self.children: list[str] = []


class AclTreeBuilder:
    """Collects acl.xml files (and existing catalogs) in module load order, then builds a tree."""

    def __init__(self) -> None:
        self._nodes: dict[str, _Node] = {}
        self._roots: list[str] = []
        self.conflicts: list[str] = []

    def add_catalog(self, catalog: AclCatalog) -> None:
        """Seed the tree with a catalog, as if its files had been read first."""
        for resource in catalog.resources:
            node = self._node(resource.id, resource.parent, resource.module)
            node.title = resource.title
            node.title_module = resource.module
            node.sort_order = resource.sort_order
            node.disabled = resource.disabled

    def add_resource(
        self, resource_id: str, parent: str, module: str, title: str, sort_order: int | None
    ) -> None:
        """Merge one resource declared outside any file (a spec's ``acl:``) under ``parent``,
        which must be in the tree already."""
        node = self._node(resource_id, parent, module)
        node.title = title
        node.title_module = node.title_module or module
        node.sort_order = sort_order

    def add_file(self, module: str, content: bytes) -> None:
        """Merge one module's acl.xml. Raises etree.XMLSyntaxError for malformed XML."""
        self.add_document(module, etree.fromstring(content, safe_xml_parser()).getroottree())

    def add_document(self, module: str, document: etree._ElementTree) -> None:
        """Merge one module's acl.xml, already parsed."""
        root = document.getroot()
        for resources in root.iterfind("acl/resources"):
            for element in resources.iterfind("resource"):
                self._merge(element, None, module)

    def _merge(self, element: etree._Element, parent: str | None, module: str) -> None:
        """Merge ``element`` and everything below it (without recursion: files may nest
        deeply, and merged files deeper still)."""
        pending = [(element, parent)]
        while pending:
            current, above = pending.pop()
            resource_id = current.get("id")
            if not resource_id:
                continue
            self._merge_attributes(current, self._node(resource_id, above, module), module)
            children = list(current.iterfind("resource"))
            pending.extend((child, resource_id) for child in reversed(children))

    def _merge_attributes(self, element: etree._Element, node: _Node, module: str) -> None:
        if element.get("title") is not None:
            node.title = element.get("title")
            node.title_module = node.title_module or module
        if element.get("sortOrder") is not None:
            try:
                node.sort_order = int(element.get("sortOrder"))
            except ValueError:
                self.conflicts.append(
                    f"{shown(node.id)}: sortOrder is not a number in {shown(module)}"
                )
        if element.get("disabled") is not None:
            # Magento's converter disables a resource only for the string "true".
            node.disabled = element.get("disabled") == "true"

    def _node(self, resource_id: str, parent: str | None, module: str) -> _Node:
        node = self._nodes.get(resource_id)
        if node is None:
            node = _Node(resource_id, parent, module)
            self._nodes[resource_id] = node
            siblings = self._nodes[parent].children if parent is not None else self._roots
            siblings.append(resource_id)
        elif node.parent != parent:
            self.conflicts.append(
                f"{shown(resource_id)}: {shown(module)} declares it under "
                f"{_where(parent)}, but it was under {_where(node.parent)} before"
            )
        return node

    def _sorted(self, ids: Iterable[str]) -> list[str]:
        return sorted(ids, key=lambda i: self._nodes[i].sort_order or 0)

    def build(self, magento_version: str) -> AclCatalog:
        """The merged tree, each level ordered by sortOrder (stable, 0 when absent)."""
        ordered: list[AclResource] = []
        pending = list(reversed(self._sorted(self._roots)))
        while pending:  # depth first, without recursion
            node = self._nodes[pending.pop()]
            ordered.append(
                AclResource(
                    id=node.id,
                    title=node.title if node.title is not None else node.id,
                    parent=node.parent,
                    module=node.title_module or node.module,
                    sort_order=node.sort_order,
                    disabled=node.disabled,
                )
            )
            pending.extend(reversed(self._sorted(node.children)))
        return AclCatalog(magento_version, tuple(ordered))


def load_order(sequences: dict[str, list[str]]) -> list[str]:
    """Modules sorted as Magento loads them: by name, then each after the modules it follows.

    Modules a sequence names but that are not present are ignored.
    """
    ordered: list[str] = []
    state: dict[str, str] = {}

    def place(module: str) -> None:
        if state.get(module) is not None:
            return  # placed, or being placed (a cycle, which Magento refuses; ignore it here)
        state[module] = "placing"
        for before in sorted(sequences.get(module, [])):
            if before in sequences:
                place(before)
        state[module] = "placed"
        ordered.append(module)

    for module in sorted(sequences):
        place(module)
    return ordered


def _where(parent: str | None) -> str:
    return "the top of the tree" if parent is None else shown(parent)
