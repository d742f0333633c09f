"""Findings about what Magento reads beyond the module's own XML: the folder registration.php
registers (MG203) and di.xml files that change the integration, OAuth or authorization code
(MG320). Either way, the grant a reviewer reads in the folder is not the one the store applies.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.errors import Problem, shown
from generator.magento.acl import bundled_core
from generator.magento.files import REGISTRATION_PHP
from generator.magento.moduletree import ModuleFacts

ELSEWHERE = (
    "registers the module at {path}, not at its own folder (__DIR__): Magento loads the "
    "module's etc/ and Setup/ from there, so what this folder declares is not what the store "
    "reads and its grant cannot be judged from it"
)
DI_OVERRIDE = (
    "{what}: this changes how Magento reads or applies integration grants, so what "
    "etc/integration/ and etc/integration.xml say is not what the store grants"
)


def elsewhere_message(module: ModuleFacts) -> str | None:
    """Why the folder is not what Magento loads, or None when registration.php names it."""
    where = module.registered_elsewhere
    return None if where is None else ELSEWHERE.format(path=shown(where.value, 120))


def registration_path_problems(module: ModuleFacts) -> Iterator[Problem]:
    """MG203: registration.php registers another folder than the module's own."""
    message = elsewhere_message(module)
    where = module.registered_elsewhere
    if message is not None and where is not None:
        yield Problem(
            module.display(REGISTRATION_PHP),
            message,
            line=where.line,
            column=where.column,
            code="MG203",
        )


def judges_own_grant_code(module: ModuleFacts) -> bool:
    """Whether the module is Magento's own code, whose di.xml configures these classes."""
    return module.name is not None and module.name.value in bundled_core()


def di_messages(module: ModuleFacts) -> list[tuple[str, Problem]]:
    """Each di.xml change of the grant code: (its file, its finding)."""
    if not module.di_overrides or judges_own_grant_code(module):
        return []  # (most modules change nothing: no need to ask whose code they are)
    found = []
    for relative, overrides in sorted(module.di_overrides.items()):
        for override in overrides:
            message = DI_OVERRIDE.format(what=shown(override.value, 240))
            problem = Problem(module.display(relative), message, line=override.line, code="MG320")
            found.append((relative, problem))
    return found


def di_problems(module: ModuleFacts) -> Iterator[Problem]:
    """MG320: a di.xml replaces, plugs into or reconfigures the grant code."""
    for _, problem in di_messages(module):
        yield problem
