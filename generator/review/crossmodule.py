"""Findings across the validated modules: an integration name declared by more than one module
(MG321).

Magento merges the integration config of all modules by name before it acts on any of it: two
api.xml files (or integration.xml files) declaring one name grant the union of their resources,
the later module's email and URLs win, and a consolidated declaration replaces a split one.
Names equal only under the integration table's collation (case, accents, trailing spaces) are
kept apart by the merge but are one row in the store, so they clash as well: the last one
processed replaces the other's grant. A module that looks harmless on its own can so widen
another module's integration.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.errors import Problem, shown
from generator.magento.collation import integration_name_key

MERGED = (
    "integration '{name}' is also declared by {others}: Magento merges integration config of "
    "all modules by name, so its grant is the union of theirs and the last module's fields "
    "win; what this module alone says is not what the store grants"
)
# Names equal only under the collation: the config merge keeps them apart (it matches names
# exactly), but the store holds one row for them, and each processing replaces its grant.
COLLIDING = (
    "integration '{name}' is one integration in the store with {others} (names equal ignoring "
    "case, accents and trailing spaces are one row of the integration table): Magento keeps "
    "their config apart, so whichever is processed last replaces the other's grant; what this "
    "module alone says is not what the store grants"
)


def shared_name_problems(modules: Iterable) -> list[Problem]:
    """MG321 on every declaration of a name that another validated module declares too.

    ``modules`` are ModuleSummary objects (root, name, integrations with file and line)."""
    by_key: dict[str, list[tuple[object, object]]] = {}
    for module in modules:
        for integration in module.integrations:
            by_key.setdefault(integration_name_key(integration.name), []).append(
                (module, integration)
            )
    problems = []
    for entries in by_key.values():
        # Copies of one module (one name, two folders) are not two modules: Magento registers
        # a module name once. Modules whose name cannot be read are judged on their own.
        if len({module.name for module, _ in entries if module.name}) < 2:
            continue
        for module, integration in entries:
            if not module.name:
                continue
            others = ", ".join(
                dict.fromkeys(
                    f"{shown(other.name, 120)} ({theirs.format} format)"
                    for other, theirs in entries
                    if other.name and other.name != module.name
                )
            )
            spelled_alike = len({theirs.name for _, theirs in entries}) == 1
            template = MERGED if spelled_alike else COLLIDING
            message = template.format(name=shown(integration.name), others=others)
            file = str(module.root / integration.file) if integration.file else str(module.root)
            problems.append(Problem(file, message, line=integration.line, code="MG321"))
    return problems
