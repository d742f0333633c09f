"""The spec's ``acl:`` key read from YAML nodes: the module's own ACL resources, as written.

Only the shape is judged here (keys, id pattern, title, sortOrder); what the entries mean
together with Magento's tree is decided by generator.spec.ownacl.
"""

from __future__ import annotations

from typing import NamedTuple

from yaml.nodes import Node, ScalarNode

from generator.magento import rules
from generator.spec.fields import Located, NodeReader, join
from generator.spec.format import ACL_CHILD_DEPTH, acl_entry
from generator.spec.yamlfile import Position, kind, position

INT_TAG = "tag:yaml.org,2002:int"


class AclEntrySection(NamedTuple):
    """One entry of ``acl:`` (or of an entry's ``children``); values are None where bad."""

    field: str  # acl[0], acl[0].children[1], ...
    at: Position
    id: Located | None
    title: str | None
    sort_order: int | None = None
    parent: Located | None = None
    children: tuple[AclEntrySection, ...] = ()


def read_acl(reader: NodeReader, node: Node | None) -> tuple[AclEntrySection, ...]:
    """``acl:``, each entry that is a mapping; problems go to ``reader``'s report."""
    if node is None:
        return ()
    return _entries(reader, node, "acl", ACL_CHILD_DEPTH, top=True)


def _entries(
    reader: NodeReader, node: Node, field: str, depth: int, top: bool
) -> tuple[AclEntrySection, ...]:
    found = []
    for index, item in enumerate(reader.sequence(node, field) or []):
        entry = _entry(reader, item, join(field, index), depth, top)
        if entry is not None:
            found.append(entry)
    return tuple(found)


def _entry(
    reader: NodeReader, node: Node, item_field: str, depth: int, top: bool
) -> AclEntrySection | None:
    section = acl_entry(depth, top)
    entries = reader.mapping(node, item_field, (*section.keys(), "parent"))
    if entries is None:
        return None
    reader.require(entries, item_field, section.required())
    parent_node = entries.get("parent")
    if not top and parent_node is not None:
        reader.report(
            parent_node,
            join(item_field, "parent"),
            "only a top-level entry names its parent: a child nests under the entry that lists it",
        )
        parent_node = None
    children_node = entries.get("children")
    title = reader.located(entries.get("title"), join(item_field, "title"), rules.check_acl_title)
    return AclEntrySection(
        field=item_field,
        at=position(node),
        id=reader.located(entries.get("id"), join(item_field, "id"), rules.check_acl_id),
        title=title.value if title else None,
        sort_order=_sort_order(reader, entries.get("sortOrder"), join(item_field, "sortOrder")),
        parent=reader.located(parent_node, join(item_field, "parent"), rules.check_acl_id),
        children=()
        if children_node is None
        else _entries(reader, children_node, join(item_field, "children"), depth - 1, False),
    )


def _sort_order(reader: NodeReader, node: Node | None, field: str) -> int | None:
    """``sortOrder``: a whole number in xs:int's range."""
    if node is None:
        return None
    if not isinstance(node, ScalarNode) or node.tag != INT_TAG:
        reader.report(node, field, f"expected a whole number, got {kind(node)}")
        return None
    try:
        digits = node.value.replace("_", "")
        value = int(digits, 10) if digits.lstrip("+-").isdigit() else int(digits, 0)
    except ValueError:
        reader.report(node, field, f"expected a whole number, got {rules.shown(node.value)}")
        return None
    low, high = rules.XS_INT
    if not low <= value <= high:
        reader.report(node, field, f"must be between {low} and {high} (xs:int)")
        return None
    return value
