"""One side of ``magegen acl-diff`` that is a folder: a module, or a folder of modules.

Read as Magento reads it: every module of the folder, their integration config merged by name,
the integrations their data patches retire, and whether their etc/config.xml turns Bearer tokens
on. What makes the folder's XML say something else than the store will do is collected as notes
for the reviewer (di.xml changing the grant code, hand edits no sync patch carries to installed
stores, names several modules declare). A module registered from another folder cannot be
judged at all: that is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.errors import Problem, UsageError, shown
from generator.magento.files import MODULE_XML, REGISTRATION_PHP
from generator.magento.integrations import IntegrationFacts, merged_across_modules
from generator.magento.moduletree import ModuleFacts, read_module
from generator.magento.collation import integration_name_key

# Findings that leave a file of the tree unread: acl-diff cannot say what Magento grants.
UNREADABLE = ("MG100", "MG104", "MG105")
RETIRED = "retired"  # the format of an integration a side retires: it has no fields


@dataclass(frozen=True)
class TreeSide:
    """What a folder side declares, and what a reviewer must be told about it."""

    integrations: dict[str, IntegrationFacts]
    bearer: bool
    notes: tuple[str, ...]
    modules: tuple[ModuleFacts, ...]


def tree_roots(root: Path) -> list[Path]:
    """The module itself, or every module below a folder of modules (sorted: load order)."""
    if (root / MODULE_XML).is_file():
        return [root]
    from generator.review.discovery import module_roots

    found = module_roots([root]) if root.is_dir() else []
    if not found:
        raise UsageError([Problem(str(root), "is not a module folder (no etc/module.xml)")])
    return found


def read_tree_side(root: Path) -> TreeSide:
    """The side at ``root`` (a module folder or a folder holding modules)."""
    from generator.review.readscope import di_messages, elsewhere_message
    from generator.review.syncrecord import retired_names, synced_names, unsynced_problems

    modules: list[ModuleFacts] = []
    for module_root in tree_roots(root):
        module, problems = read_module(module_root)
        errors = [p for p in problems if p.code in UNREADABLE]
        if errors:
            raise UsageError(errors)
        elsewhere = elsewhere_message(module)
        if elsewhere is not None:
            where = module.registered_elsewhere
            file = module.display(REGISTRATION_PHP)
            raise UsageError([Problem(file, elsewhere, line=where.line if where else None)])
        modules.append(module)
    merged = merged_across_modules((m.config, m.api, m.consolidated) for m in modules)
    synced = frozenset().union(*(synced_names(m) for m in modules))
    applied = _applied(modules)
    states = {
        i.name: i._replace(email=i.email or applied[i.name].email, synced=i.name in synced)
        for i in merged
        if i.name in applied  # an api.xml grant nothing applies is not granted
    }
    for module in modules:
        for name in retired_names(module):
            states[name] = IntegrationFacts(name, None, RETIRED)
    notes = [*_shared_names(modules)]
    for module in modules:
        label = f"{shown(module.name.value)} " if module.name and len(modules) > 1 else ""
        notes += [f"{label}{relative}: {p.message}" for relative, p in di_messages(module)]
        for problem in unsynced_problems(module):
            relative = Path(problem.file).relative_to(module.root).as_posix()
            notes.append(f"{label}{relative}: {problem.message}")
        notes += [f"{label}{relative}: {BEARER_IN_PHP}" for relative in _bearer_in_php(module)]
    bearer = any(m.bearer_scopes for m in modules)
    return TreeSide(states, bearer, tuple(notes), tuple(modules))


def _applied(modules: list[ModuleFacts]) -> dict[str, IntegrationFacts]:
    """The integrations whose declared grant Magento may apply, by name: declared in a
    config.xml or integration.xml, or named only in api.xml and created by setup code."""
    from generator.magento.setupcode import applied_integrations

    return {facts.name: facts for module in modules for facts in applied_integrations(module)}


BEARER_IN_PHP = (
    "PHP code of the module names oauth/consumer/enable_integration_as_bearer: it may turn "
    "Bearer tokens on in the store (a config writer in a data patch, say), which no XML shows"
)


def _bearer_in_php(module: ModuleFacts) -> list[str]:
    """The module's PHP files that name the Bearer setting."""
    files = module.files.files if module.files is not None else ()
    php = [relative for relative in files if relative.endswith(".php")]
    return [r for r in php if "enable_integration_as_bearer" in (module.text(r) or "")]


def _shared_names(modules: list[ModuleFacts]) -> list[str]:
    """A note for each integration name (under the store's collation) several modules declare."""
    owners: dict[str, dict[str, None]] = {}
    spellings: dict[str, set[str]] = {}
    for module in modules:
        label = module.name.value if module.name else str(module.root)
        for integration in module.integrations():
            key = integration_name_key(integration.name)
            owners.setdefault(key, {})[f"'{shown(integration.name)}' ({shown(label)})"] = None
            spellings.setdefault(key, set()).add(integration.name)
    return [
        f"integration {' and '.join(found)} are one integration to Magento, which "
        + (_MERGED if len(spellings[key]) == 1 else _COLLATED)
        for key, found in owners.items()
        if len(found) > 1
    ]


_MERGED = "merges their config by name: the grant shown is the merged one"
# Names equal only under the store's collation: the config merge keeps them apart, but
# ConfigBasedIntegrationManager finds the stored integration by either name and updates it.
_COLLATED = (
    "finds the stored integration by either name (its collation ignores case, accents and "
    "trailing spaces): each update replaces the grant with the one processed last, so the store "
    "ends up with one of the grants shown, not their union"
)
