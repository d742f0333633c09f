"""MG311 for setup code Magento never finds by its name: a script whose file name is a close
misspelling of one Magento looks for (``UpdgradeData.php``, ``Instaldata.php``), and a patch
outside the folders Magento reads (``Setup/Patches/Data``, a subfolder of ``Setup/Patch/Data``).

Only files shaped like setup code are judged (they name one of Magento's setup interfaces), so a
helper such as ``Setup/Installer.php`` is never taken for a misspelled script.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.errors import Problem, shown
from generator.magento.moduletree import ModuleFacts
from generator.magento.setupcode import PATCH_DIRS, SETUP_SCRIPTS
from generator.patterns import lazy

MAX_DISTANCE = 2  # edits between a file name and the script it was meant to be
_SETUP_INTERFACE = lazy(
    r"(?<![\w$])(?:Install|Upgrade)(?:Data|Schema)Interface|(?<![\w$])UninstallInterface"
    r"|(?<![\w$])(?:ModuleDataSetup|SchemaSetup|DataPatch|SchemaPatch)Interface"
)
_CLASS = lazy(r"(?<![\w$\\>:])class\s+(?!extends\b|implements\b)[A-Za-z_]")
_ABSTRACT = lazy(r"(?<![\w$\\>:])abstract\s+class\s")
_PATCH_INTERFACE = lazy(r"(?<![\w$])(?:DataPatch|SchemaPatch)Interface")


_SCRIPTS_FOLDED = frozenset(script.casefold() for script in SETUP_SCRIPTS)


def misspelled_scripts(module: ModuleFacts) -> Iterator[Problem]:
    """MG311 for each setup-shaped file Magento never runs because of its name or folder."""
    for relative in module.files.files if module.files is not None else ():
        if not relative.startswith("Setup"):
            continue  # (its folder cannot start so either: spared splitting it)
        folder, _, file_name = relative.rpartition("/")
        if not file_name.endswith(".php") or not folder.startswith("Setup"):
            continue
        if folder == "Setup":
            message = _misspelled_script(module, relative, file_name.removesuffix(".php"))
        else:
            message = _misplaced_patch(module, relative, folder)
        if message is not None:
            yield Problem(module.display(relative), message, code="MG311")


def _misspelled_script(module: ModuleFacts, relative: str, stem: str) -> str | None:
    if stem.casefold() in _SCRIPTS_FOLDED:
        return None  # right, or a case mistake (reported on its own)
    meant = _closest(stem, SETUP_SCRIPTS)
    if meant is None or not _shaped(module, relative, _SETUP_INTERFACE):
        return None
    return (
        f"looks like a misspelling of Setup/{meant}.php: Magento loads only the class "
        f"{meant} from Setup/{meant}.php, so it never runs this file"
    )


def _misplaced_patch(module: ModuleFacts, relative: str, folder: str) -> str | None:
    if folder in PATCH_DIRS or not _shaped(module, relative, _PATCH_INTERFACE):
        return None
    inside = next((d for d in PATCH_DIRS if folder.startswith(d + "/")), None)
    if inside is not None:
        return (
            f"is a patch in a subfolder of {inside}: Magento runs only the patches directly in "
            f"{inside}, so it never runs this one"
        )
    meant = _closest(folder, PATCH_DIRS)
    if meant is None:
        return None
    return (
        f"is a patch in {shown(folder)}, not {meant}: Magento reads patches only from "
        f"{meant}, so it never runs this one"
    )


def _shaped(module: ModuleFacts, relative: str, interface: re.Pattern[str]) -> bool:
    from generator.magento.phpcode import read_php

    text = module.text(relative)
    if text is None:
        return False
    code = read_php(text).code
    concrete = len(_CLASS.findall(code)) > len(_ABSTRACT.findall(code))
    return concrete and interface.search(code) is not None


def _closest(name: str, candidates: tuple[str, ...]) -> str | None:
    """The one candidate within MAX_DISTANCE edits of ``name`` (case ignored), if exactly one
    is nearest."""
    scored = sorted((_distance(name.casefold(), c.casefold()), c) for c in candidates)
    best, meant = scored[0]
    if best > MAX_DISTANCE or best * 3 > len(meant):
        return None
    if len(scored) > 1 and scored[1][0] == best:
        return None
    return meant


def _distance(left: str, right: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from ``left`` to ``right``."""
    if abs(len(left) - len(right)) > MAX_DISTANCE:
        return MAX_DISTANCE + 1
    previous2: list[int] = []
    previous = list(range(len(right) + 1))
    for i, a in enumerate(left, 1):
        current = [i]
        for j, b in enumerate(right, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == right[j - 2] and left[i - 2] == b:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]
