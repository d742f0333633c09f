"""The nested resources of a module's etc/acl.xml, as Magento modules write them.

A module adds its resources under existing ids by repeating the chain of those ids, with only
their ``id``, from ``Magento_Backend::admin`` down; entries that share a chain share it in the
file, in the order the spec first reaches each id.
"""

from __future__ import annotations

from typing import NamedTuple

from generator.spec.model import AclEntry


class AclNode(NamedTuple):
    """One ``<resource>`` of the file: an existing id (no title) or one of the module's own."""

    id: str
    title: str | None = None
    sort_order: int | None = None
    children: tuple[AclNode, ...] = ()


class _Draft:
    def __init__(self, resource_id: str) -> None:
        self.id = resource_id
        self.title: str | None = None
        self.sort_order: int | None = None
        self.children: dict[str, _Draft] = {}

    def child(self, resource_id: str) -> _Draft:
        return self.children.setdefault(resource_id, _Draft(resource_id))

    def node(self) -> AclNode:
        below = tuple(child.node() for child in self.children.values())
        return AclNode(self.id, self.title, self.sort_order, below)


def acl_nodes(entries: tuple[AclEntry, ...]) -> tuple[AclNode, ...]:
    """The top-level ``<resource>`` elements of the module's acl.xml for its own ``entries``."""
    roots: dict[str, _Draft] = {}
    for entry in entries:
        chain = entry.ancestors
        draft = roots.setdefault(chain[0], _Draft(chain[0]))
        for resource_id in chain[1:]:
            draft = draft.child(resource_id)
        _place(draft, entry)
    return tuple(root.node() for root in roots.values())


def _place(parent: _Draft, entry: AclEntry) -> None:
    draft = parent.child(entry.id)
    draft.title = entry.title
    draft.sort_order = entry.sort_order
    for child in entry.children:
        _place(draft, child)
