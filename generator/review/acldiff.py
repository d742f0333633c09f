"""``magegen acl-diff``: what a change does to the permissions of each integration.

Either side is a module tree (a folder with etc/module.xml) or a spec file. Reviewers get, per
integration, the ACL resources granted and revoked, with titles, and what Magento will do with
the change in a store where the module is already installed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import Problem, UsageError
from generator.magento.acl import AclCatalog
from generator.spec.model import ModuleSpec

SPLIT = "split"
CONSOLIDATED = "consolidated"


@dataclass(frozen=True)
class IntegrationState:
    """One integration as a tree or spec declares it."""

    name: str
    format: str
    email: str | None
    endpoint_url: str | None
    identity_link_url: str | None
    resources: tuple[str, ...]


@dataclass(frozen=True)
class IntegrationChange:
    """How one integration differs between the old and the new side."""

    name: str
    status: str  # "added", "removed" or "changed"
    format: str
    granted: tuple[str, ...] = ()
    revoked: tuple[str, ...] = ()
    other: tuple[str, ...] = ()  # e.g. "email: a@x -> b@x"
    warnings: tuple[str, ...] = field(default=())


def states_of_spec(spec: ModuleSpec) -> dict[str, IntegrationState]:
    """The integrations a spec declares, resources completed as magegen writes them."""
    integration_format = spec.integration_format.value
    return {
        i.name: IntegrationState(
            i.name, integration_format, i.email, i.endpoint_url, i.identity_link_url, i.resources
        )
        for i in spec.integrations
    }


def states_of_tree(root: Path) -> dict[str, IntegrationState]:
    """The integrations a module tree declares, resources as its XML lists them."""
    from generator.magento.moduletree import read_module

    if not (root / "etc" / "module.xml").is_file():
        raise UsageError([Problem(str(root), "is not a module folder (no etc/module.xml)")])
    module, problems = read_module(root)
    errors = [p for p in problems if p.code == "MG100"]
    if errors:
        raise UsageError(errors)
    states = {}
    config, api = module.config or {}, module.api or {}
    for name in [*config, *(n for n in api if n not in config)]:
        contact = config.get(name) or api[name]
        resources = tuple(r.value for r in api[name].resources) if name in api else ()
        states[name] = IntegrationState(
            name, SPLIT, contact.email, contact.endpoint_url, contact.identity_link_url, resources
        )
    for name, facts in (module.consolidated or {}).items():
        states[name] = IntegrationState(
            name,
            CONSOLIDATED,
            facts.email,
            facts.endpoint_url,
            facts.identity_link_url,
            tuple(r.value for r in facts.resources),
        )
    return states


def compare(
    old: dict[str, IntegrationState], new: dict[str, IntegrationState]
) -> list[IntegrationChange]:
    """Every integration that differs, in the new side's order, then those removed."""
    changes = []
    for name, after in new.items():
        before = old.get(name)
        if before is None:
            changes.append(IntegrationChange(name, "added", after.format, granted=after.resources))
            continue
        change = _changed(before, after)
        if change is not None:
            changes.append(change)
    for name, before in old.items():
        if name not in new:
            changes.append(
                IntegrationChange(
                    name,
                    "removed",
                    before.format,
                    revoked=before.resources,
                    warnings=(
                        "removing it from the module does not delete it from stores where it "
                        "exists; delete it in the admin (System > Integrations)",
                    ),
                )
            )
    return changes


def _changed(before: IntegrationState, after: IntegrationState) -> IntegrationChange | None:
    granted = tuple(r for r in after.resources if r not in before.resources)
    revoked = tuple(r for r in before.resources if r not in after.resources)
    other = tuple(
        f"{label}: {getattr(before, key) or '(none)'} -> {getattr(after, key) or '(none)'}"
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


def _consequences(after: IntegrationState) -> tuple[str, ...]:
    if after.format == CONSOLIDATED:
        return (
            "Magento deletes and recreates this integration on the next setup:upgrade: it gets "
            "new consumer keys, and every access token issued to it stops working",
        )
    return (
        "a store where the module is already installed never applies this change: InstallData "
        "and data patches run only once. Add a new data patch whose apply() calls "
        f"processIntegrationConfig(['{after.name}']) (or change it in the admin)",
    )


def render_text(changes: list[IntegrationChange], acl: AclCatalog) -> str:
    """The changes for a terminal."""
    if not changes:
        return "No integration permissions change.\n"
    lines = []
    for change in changes:
        lines.append(f"integration '{change.name}' ({change.format} format): {change.status}")
        lines += [f"  + {r}  {_title(acl, r)}" for r in change.granted]
        lines += [f"  - {r}  {_title(acl, r)}" for r in change.revoked]
        lines += [f"  ~ {other}" for other in change.other]
        lines += [f"  warning: {warning}" for warning in change.warnings]
    return "\n".join(lines) + "\n"


def render_markdown(changes: list[IntegrationChange], acl: AclCatalog) -> str:
    """The changes as a comment for a pull request."""
    if not changes:
        return "### Integration permissions\n\nNo integration permissions change.\n"
    lines = ["### Integration permissions", ""]
    for change in changes:
        lines.append(f"#### `{_code(change.name)}` ({change.format} format): {change.status}")
        lines.append("")
        if change.granted or change.revoked:
            lines += ["| | Resource | Title |", "|---|---|---|"]
            lines += [f"| granted | `{r}` | {_cell(_title(acl, r))} |" for r in change.granted]
            lines += [f"| revoked | `{r}` | {_cell(_title(acl, r))} |" for r in change.revoked]
            lines.append("")
        lines += [f"- {_cell(other)}" for other in change.other]
        lines += [f"> **Warning:** {_cell(warning)}" for warning in change.warnings]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(changes: list[IntegrationChange], acl: AclCatalog) -> str:
    """The changes for programs."""
    document = [
        {
            "name": c.name,
            "status": c.status,
            "format": c.format,
            "granted": [{"id": r, "title": _title(acl, r)} for r in c.granted],
            "revoked": [{"id": r, "title": _title(acl, r)} for r in c.revoked],
            "other": list(c.other),
            "warnings": list(c.warnings),
        }
        for c in changes
    ]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _title(acl: AclCatalog, resource_id: str) -> str:
    resource = acl.get(resource_id)
    return resource.title if resource else "(unknown resource)"


def _cell(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _code(text: str) -> str:
    return text.replace("`", "'")
