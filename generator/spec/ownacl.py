"""What the spec's ``acl:`` means against Magento's tree: the module's own resources, checked,
and the tree that integrations are granted from, with them merged in.

Magento merges every module's acl.xml by id: a module may add roots under
``Magento_Backend::admin`` or children under any existing id. Own ids must match Magento's
pattern, be unique, and not be ids Magento declares already; a prefix other than the module's
own name is allowed (a warning: usually copy and paste).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.magento import rules
from generator.magento.acl import ADMIN, AclCatalog
from generator.magento.grants import module_of
from generator.spec.aclsection import AclEntrySection
from generator.spec.fields import Report, join
from generator.spec.model import AclEntry, ModuleSpec

if TYPE_CHECKING:
    from generator.magento.aclxml import AclTreeBuilder


def own_acl(
    report: Report, sections: tuple[AclEntrySection, ...], own_name: str, catalog: AclCatalog
) -> tuple[tuple[AclEntry, ...], AclCatalog]:
    """The module's own resources and the tree with them merged into ``catalog``; without
    entries, ``catalog`` itself."""
    if not sections:
        return (), catalog
    from generator.magento.aclxml import AclTreeBuilder  # only for a spec with acl:

    builder = AclTreeBuilder()
    builder.add_catalog(catalog)
    state = _State(report, own_name, catalog, builder, {})
    state.pending = frozenset(_all_ids(sections))
    entries = []
    for section in sections:
        parent = _parent(state, section)
        entry = state.entry(section, parent) if parent is not None else None
        if entry is not None:
            entries.append(entry)
    merged = builder.build(catalog.magento_version)
    chains = tuple(
        AclEntry(e.id, e.title, e.sort_order, e.children, tuple(merged.path(e.ancestors[-1])))
        for e in entries
    )
    return chains, merged


def _parent(state: _State, section: AclEntrySection) -> str | None:
    """The existing id a top-level entry nests under; None (reported) when there is none."""
    if section.parent is None:
        return ADMIN
    parent = section.parent.value
    if parent in state.catalog or parent in state.declared:
        return parent
    close = state.catalog.suggestions(parent, limit=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    later = " yet: declare it before this entry" if _declared_in(parent, state) else ""
    state.report.add(
        section.parent.at,
        join(section.field, "parent"),
        f"unknown ACL resource {rules.shown(parent)}{hint}; a parent must exist in Magento's "
        f"tree or be declared earlier in acl:{later}",
    )
    return None


def _declared_in(resource_id: str, state: _State) -> bool:
    return resource_id in state.pending


def _all_ids(sections: tuple[AclEntrySection, ...]) -> list[str]:
    found = []
    for section in sections:
        if section.id is not None:
            found.append(section.id.value)
        found += _all_ids(section.children)
    return found


class _State:
    """What checking the entries needs: the report, the trees, and the ids seen so far."""

    def __init__(
        self,
        report: Report,
        own_name: str,
        catalog: AclCatalog,
        builder: AclTreeBuilder,
        declared: dict[str, str],
    ) -> None:
        self.report = report
        self.own_name = own_name
        self.catalog = catalog
        self.builder = builder
        self.declared = declared  # own id -> the field that declared it
        self.pending: frozenset[str] = frozenset()

    def entry(self, section: AclEntrySection, parent: str) -> AclEntry | None:
        """``section`` checked and merged under ``parent``; None when it cannot be."""
        if section.id is None:
            return None
        resource_id = section.id.value
        if not self._fresh(section):
            return None
        # A bad or missing title is reported where it is written; the id is still declared, so
        # the integrations that grant it give no second, follow-on error.
        title = section.title if section.title is not None else resource_id
        self.builder.add_resource(resource_id, parent, self.own_name, title, section.sort_order)
        children = tuple(
            child._replace(ancestors=())
            for child in (self.entry(c, resource_id) for c in section.children)
            if child is not None
        )
        return AclEntry(resource_id, title, section.sort_order, children, (parent,))

    def _fresh(self, section: AclEntrySection) -> bool:
        """Whether the entry's id is new: neither Magento's nor declared before."""
        assert section.id is not None
        resource_id, at = section.id.value, section.id.at
        id_field = join(section.field, "id")
        existing = self.catalog.get(resource_id)
        if existing is not None:
            self.report.add(
                at,
                id_field,
                f"{rules.shown(resource_id)} is already declared by {existing.module} "
                f"({rules.shown(existing.title)}); Magento would merge the two: choose an id "
                f"of your own ({self.own_name}::...)",
            )
            return False
        if resource_id in self.declared:
            self.report.add(
                at,
                id_field,
                f"{rules.shown(resource_id)} is already declared at {self.declared[resource_id]}",
            )
            return False
        self.declared[resource_id] = section.field
        prefix = module_of(resource_id)
        if prefix != self.own_name:
            self.report.add(
                at,
                id_field,
                f"{rules.shown(resource_id)} has the prefix {prefix}, not the module's own "
                f"{self.own_name}; Magento allows it, but it usually comes from copy and paste",
                severity="warning",
            )
        return True


def with_own_acl(spec: ModuleSpec, catalog: AclCatalog) -> AclCatalog:
    """``catalog`` with the resources of ``spec``'s ``acl:`` merged in, titles included, as
    its generated etc/acl.xml adds them; ``catalog`` itself when it declares none."""
    if not spec.acl:
        return catalog
    from generator.magento.aclxml import AclTreeBuilder

    builder = AclTreeBuilder()
    builder.add_catalog(catalog)

    def add(entry: AclEntry, parent: str) -> None:
        builder.add_resource(entry.id, parent, spec.name, entry.title, entry.sort_order)
        for child in entry.children:
            add(child, entry.id)

    for entry in spec.acl:
        add(entry, entry.ancestors[-1])
    return builder.build(catalog.magento_version)
