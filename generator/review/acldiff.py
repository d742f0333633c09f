"""``magegen acl-diff``: what a change does to the permissions of each integration.

Either side is a module tree (a folder with etc/module.xml) or a spec file. Reviewers get, per
integration, the ACL resources granted and revoked, with titles, and what Magento will do with
the change in a store where the module is already installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import shown
from generator.magento.acl import AclCatalog
from generator.magento.files import CONSOLIDATED, SPLIT
from generator.magento.integrations import IntegrationFacts, Located, effective_ids
from generator.review.jsonout import line_safe_json
from generator.review.markdown import cell, title
from generator.review.treeside import RETIRED
from generator.spec.model import ModuleSpec

RETIRE_WARNING = (
    "every store that has it deletes it on its next setup:upgrade (magegen's sync data patch), "
    "with its OAuth consumer: its access tokens stop working"
)


@dataclass(frozen=True)
class IntegrationChange:
    """How one integration differs between the old and the new side."""

    name: str
    status: str  # "added", "removed", "retired" or "changed"
    format: str
    granted: tuple[str, ...] = ()
    revoked: tuple[str, ...] = ()
    other: tuple[str, ...] = ()  # e.g. "email: a@x -> b@x"
    warnings: tuple[str, ...] = field(default=())
    routes_gained: tuple[str, ...] = ()  # "POST /V1/orders/:id/cancel", filled by diffroutes
    routes_lost: tuple[str, ...] = ()


def states_of_spec(spec: ModuleSpec) -> dict[str, IntegrationFacts]:
    """The integrations a spec declares, resources completed as magegen writes them; those it
    retires have the format RETIRED."""
    from generator.pipeline.sync import wants_sync

    synced = wants_sync(spec)
    states = {
        i.name: IntegrationFacts(
            i.name,
            None,
            spec.integration_format.value,
            i.email,
            i.endpoint_url,
            i.identity_link_url,
            tuple(Located(r, None) for r in i.resources),
            synced,
        )
        for i in spec.integrations
    }
    for name in spec.retired:
        states[name] = IntegrationFacts(name, None, RETIRED)
    return states


def states_of_tree(root: Path) -> dict[str, IntegrationFacts]:
    """The integrations a module tree (or a folder of modules) declares, read as Magento reads
    them; those its data patches retire have the format RETIRED."""
    from generator.review.treeside import read_tree_side

    return read_tree_side(root).integrations


def compare(
    old: dict[str, IntegrationFacts],
    new: dict[str, IntegrationFacts],
    acl: AclCatalog,
    old_acl: AclCatalog | None = None,
) -> list[IntegrationChange]:
    """Every integration that differs in what Magento would grant or store, in the new side's
    order, then those removed. ``acl`` is the new side's tree, ``old_acl`` the old side's
    (default: the same); each side's own resources complete that side's grants."""
    changes = []
    before_acl = old_acl or acl
    for name, after in new.items():
        before = old.get(name)
        if after.format == RETIRED:
            if before is None or before.format != RETIRED:
                changes.append(_retired(name, before, before_acl))
            continue
        if before is None or before.format == RETIRED:
            granted = _granted(after, acl)
            changes.append(IntegrationChange(name, "added", after.format, granted=granted))
            continue
        change = _changed(before, after, before_acl, acl)
        if change is not None:
            changes.append(change)
    changes += [
        _removed(before, before_acl) for name, before in old.items() if _gone(name, before, new)
    ]
    return changes


def both_sides(old_acl: AclCatalog, new_acl: AclCatalog) -> AclCatalog:
    """The tree titles are shown from: the new side's, with the resources only the old side
    declares (own ids a change removes) added under their old parents."""
    if old_acl is new_acl:
        return new_acl
    from generator.magento.aclxml import AclTreeBuilder

    builder = AclTreeBuilder()
    builder.add_catalog(new_acl)
    for resource in old_acl.resources:  # in tree order: a parent comes before its children
        if resource.id not in new_acl and resource.parent is not None:
            builder.add_resource(
                resource.id, resource.parent, resource.module, resource.title, resource.sort_order
            )
    return builder.build(new_acl.magento_version)


def _retired(name: str, before: IntegrationFacts | None, acl: AclCatalog) -> IntegrationChange:
    """A retirement: a deletion in every store, above all of a name the old side never had."""
    if before is None:
        warning = (
            f"{RETIRE_WARNING}; the old side does not declare it, so this deletes an "
            "integration this module did not create (one made in the admin or by another "
            "module) if a store has one of that name"
        )
        return IntegrationChange(name, "retired", SPLIT, warnings=(warning,))
    revoked = _granted(before, acl)
    return IntegrationChange(
        name, "retired", before.format, revoked=revoked, warnings=(RETIRE_WARNING,)
    )


def _gone(name: str, before: IntegrationFacts, new: dict[str, IntegrationFacts]) -> bool:
    return name not in new and before.format != RETIRED


def _removed(before: IntegrationFacts, acl: AclCatalog) -> IntegrationChange:
    warning = (
        "removing it from the module does not delete it from stores where it exists; mark it "
        "retired: true in the spec (magegen's sync patch deletes it) or delete it in the admin "
        "(System > Extensions > Integrations)"
    )
    return IntegrationChange(
        before.name, "removed", before.format, revoked=_granted(before, acl), warnings=(warning,)
    )


def _granted(integration: IntegrationFacts, acl: AclCatalog) -> tuple[str, ...]:
    """What Magento grants the integration (for the consolidated format, parents included)."""
    return effective_ids(integration.format, integration.resource_ids, acl)


def _changed(
    before: IntegrationFacts, after: IntegrationFacts, old_acl: AclCatalog, acl: AclCatalog
) -> IntegrationChange | None:
    old, new = _granted(before, old_acl), _granted(after, acl)
    granted = tuple(r for r in new if r not in old)
    revoked = tuple(r for r in old if r not in new)
    other = tuple(
        f"{label}: {_value(getattr(before, key))} -> {_value(getattr(after, key))}"
        for key, label in (
            ("format", "format"),
            ("email", "email"),
            ("endpoint_url", "endpoint_url"),
            ("identity_link_url", "identity_link_url"),
        )
        if getattr(before, key) != getattr(after, key)
    )
    if not granted and not revoked and not other:
        return None
    return IntegrationChange(
        after.name, "changed", after.format, granted, revoked, other, _consequences(after)
    )


def _value(value: str | None) -> str:
    """A field's value for a one-line message: control characters escaped, long ones cut."""
    return "(none)" if not value else shown(value)


def _consequences(after: IntegrationFacts) -> tuple[str, ...]:
    if after.format == CONSOLIDATED:
        return (
            "Magento deletes and recreates this integration on the next setup:upgrade: it gets "
            "new consumer keys, and every access token issued to it stops working",
        )
    if after.synced:
        return ()  # the sync data patch updates it in place: same id, consumer and tokens
    return (
        "a store where the module is already installed never applies this change: InstallData "
        "and data patches run only once. Add a new data patch whose apply() calls "
        f"processIntegrationConfig(['{shown(after.name)}']) (or change it in the admin)",
    )


def render_text(
    changes: list[IntegrationChange],
    acl: AclCatalog,
    notes: tuple[str, ...] = (),
    lead: tuple[str, ...] = (),
) -> str:
    """What a reviewer must know first (``lead``), the changes for a terminal, then the
    module-wide ``notes``."""
    tail = [f"note: {note}" for note in notes]
    lines = [f"warning: {shown(warning, 2000)}" for warning in lead]
    if not changes:
        return "\n".join([*lines, "No integration permissions change.", *tail]) + "\n"
    for change in changes:
        lines.append(
            f"integration '{shown(change.name)}' ({change.format} format): {change.status}"
        )
        lines += [f"  + {shown(r)}  {shown(_title(acl, r))}" for r in change.granted]
        lines += [f"  - {shown(r)}  {shown(_title(acl, r))}" for r in change.revoked]
        lines += [f"  can now call {shown(r)}" for r in change.routes_gained]
        lines += [f"  can no longer call {shown(r)}" for r in change.routes_lost]
        lines += [f"  ~ {other}" for other in change.other]
        lines += [f"  warning: {warning}" for warning in change.warnings]
    return "\n".join(lines + tail) + "\n"


def render_markdown(
    changes: list[IntegrationChange],
    acl: AclCatalog,
    notes: tuple[str, ...] = (),
    lead: tuple[str, ...] = (),
) -> str:
    """The changes as a comment for a pull request: what a reviewer must know first, a
    summary, each integration, then the module-wide ``notes``."""
    tail = [f"> **Note:** {cell(note)}" for note in notes]
    head = ["### Integration permissions", ""]
    head += [f"> **Warning:** {cell(warning)}\n" for warning in lead]
    if not changes:
        lines = [*head, "No integration permissions change.", *(["", *tail] if tail else [])]
        return "\n".join(lines) + "\n"
    from generator.review.aclsummary import route_table, summary

    lines = [*head, *summary(changes), ""]
    for change in changes:
        lines.append(f"#### `{_code(change.name)}` ({change.format} format): {change.status}")
        lines.append("")
        if change.granted or change.revoked:
            lines += ["| | Resource | Title |", "|---|---|---|"]
            lines += [
                f"| granted | `{_code(r)}` | {cell(_title(acl, r))} |" for r in change.granted
            ]
            lines += [
                f"| revoked | `{_code(r)}` | {cell(_title(acl, r))} |" for r in change.revoked
            ]
            lines.append("")
        lines += route_table(change)
        lines += [f"- {cell(other)}" for other in change.other]
        lines += [f"> **Warning:** {cell(warning)}" for warning in change.warnings]
        lines.append("")
    lines += tail
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(
    changes: list[IntegrationChange],
    acl: AclCatalog,
    notes: tuple[str, ...] = (),
    lead: tuple[str, ...] = (),
) -> str:
    """The changes for programs (a list; an object with the notes when there are any)."""
    integrations = [
        {
            "name": c.name,
            "status": c.status,
            "format": c.format,
            "granted": [{"id": r, "title": _title(acl, r)} for r in c.granted],
            "revoked": [{"id": r, "title": _title(acl, r)} for r in c.revoked],
            "other": list(c.other),
            "warnings": list(c.warnings),
            "routes_gained": list(c.routes_gained),
            "routes_lost": list(c.routes_lost),
        }
        for c in changes
    ]
    if not notes and not lead:
        return line_safe_json(integrations)
    return line_safe_json(
        {"integrations": integrations, "warnings": list(lead), "notes": list(notes)}
    )


def _title(acl: AclCatalog, resource_id: str) -> str:
    return title(acl, resource_id) or "(unknown resource)"


def _code(text: str) -> str:
    return shown(text).replace("`", "'")
