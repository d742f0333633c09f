"""What a module's PHP does with its integrations: which setup scripts run, which integrations
they create, and what else in the module uses Magento's integration APIs (MG302, MG303, MG310,
MG311, MG312). Which code Magento runs, and what it creates, is read by
``generator.magento.setupcode``."""

from __future__ import annotations

import bisect
import errno
import os
import stat
from collections.abc import Iterator

from generator.errors import Problem, Severity, shown
from generator.magento import unlinked
from generator.magento.files import INSTALL_DATA, SETUP_DIR
from generator.magento.moduletree import ModuleFacts
from generator.magento.setupcode import SETUP_SCRIPTS, SetupCode, setup_code
from generator.review.setupnames import misspelled_scripts

CONFIG = "etc/integration/config.xml"


def setup_problems(module: ModuleFacts, setup: SetupCode | None = None) -> Iterator[Problem]:
    """MG302, MG303, MG310, MG311 and MG312 for ``module`` (``setup``: its setup code, read
    here when not given)."""
    names = _folder_names(module, SETUP_DIR)  # None: no Setup folder
    yield from _misnamed_scripts(module, names or [])
    yield from misspelled_scripts(module)
    unversioned = module.setup_version is None and not _refused(module, "module")
    if _holds_install_data(module, names is not None) and unversioned:
        yield _problem(
            module, INSTALL_DATA, "never runs: etc/module.xml has no setup_version", "MG302"
        )
    if _refused(module, "integration") or _refused(module, "module"):
        return  # a refused file: what it declares (integrations, setup_version) is not known
    setup = setup if setup is not None else setup_code(module)
    # (each only where it may find something: most modules need none of them)
    if setup.misloaded:
        yield from _misloaded(module, setup)
    if module.config and not setup.unknown:
        yield from _never_created(module, setup)
    if setup.processed:
        yield from _undeclared(module, setup)


def _refused(module: ModuleFacts, kind: str) -> bool:
    refused = getattr(module, "refused", ())
    if kind == "module":
        return "etc/module.xml" in refused
    return any(r.startswith("etc/integration") for r in refused)


def _problem(
    module: ModuleFacts,
    relative: str,
    message: str,
    code: str,
    line: int | None = None,
    column: int | None = None,
    severity: Severity = Severity.ERROR,
) -> Problem:
    display = module.display(relative)
    return Problem(display, message, line=line, column=column, severity=severity, code=code)


# What a failed stat means "nothing there" by (pathlib's is_file and is_dir answer False).
_ABSENT = (errno.ENOENT, errno.ENOTDIR)


def _is_file(module: ModuleFacts, relative: str) -> bool:
    """``(module.root / relative).is_file()``, with one ``os.stat`` where it succeeds."""
    try:
        return stat.S_ISREG(os.stat(os.path.join(module.root, relative)).st_mode)
    except OSError as exc:
        if exc.errno in _ABSENT:
            return False
        return (module.root / relative).is_file()  # which errors it ignores, and which not


def _holds_install_data(module: ModuleFacts, setup_there: bool) -> bool:
    """``_is_file(module, INSTALL_DATA)``, without asking the file system what is known: a
    Setup that ``os.lstat`` found absent holds nothing, and a file the module reader listed as
    readable is a regular file (it was stat'ed through every folder above it)."""
    if not setup_there:
        return False
    if module.files is not None and INSTALL_DATA in module.files.files:
        return True
    return _is_file(module, INSTALL_DATA)


def _folder_names(module: ModuleFacts, relative: str) -> list[str] | None:
    """What the module's folder ``relative`` holds, sorted; nothing unless it is a folder and
    not a link, and None when it is absent (``os.lstat`` fails with ENOENT or ENOTDIR). One
    ``os.lstat`` where it succeeds on a path that is not a link; none for a folder the module
    reader walked into, opened instead with a flag that refuses a link."""
    path = os.path.join(module.root, relative)
    if _read_below(module, relative):
        # A folder the reader walked into: most likely still one. Listed through a descriptor
        # that refuses a link (it may have become one since), else judged as any other.
        names = unlinked.list_unlinked(path) if unlinked.SUPPORTED else None
        if names is not None:
            return names
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        if exc.errno in _ABSENT:
            return None
        mode = None
    if mode is None or stat.S_ISLNK(mode):  # as pathlib decides (and fails)
        folder = module.root / relative
        return sorted(os.listdir(folder)) if folder.is_dir() and not folder.is_symlink() else []
    return sorted(os.listdir(path)) if stat.S_ISDIR(mode) else []


def _read_below(module: ModuleFacts, folder: str) -> bool:
    """Whether the module reader listed a file below ``folder``: it walks only into folders
    that are not links, so ``folder`` is one."""
    files = module.files.files if module.files is not None else ()
    prefix = folder + "/"
    at = bisect.bisect_left(files, prefix)  # (the reader's files are sorted)
    return at < len(files) and files[at].startswith(prefix)


_SCRIPT_FILES = {f"{script}.php".casefold(): f"{script}.php" for script in SETUP_SCRIPTS}


def _misnamed_scripts(module: ModuleFacts, names: list[str]) -> Iterator[Problem]:
    """MG311 for each name of the Setup folder (``names``) that is a setup script's in
    another case."""
    for name in names:
        right = _SCRIPT_FILES.get(name.casefold())
        if right is not None and right != name:
            yield _problem(
                module,
                f"Setup/{name}",
                f"is not named {right}: Magento looks for {right} and never runs this file on a "
                "case-sensitive file system (Linux)",
                "MG311",
            )


def _misloaded(module: ModuleFacts, setup: SetupCode) -> Iterator[Problem]:
    """MG312: a setup file that does not declare the class Magento loads from it."""
    for found in setup.misloaded:
        declared = ", ".join(shown(name) for name in found.declared[:3]) or "no class"
        if found.relative.startswith("Setup/Patch/"):
            # PatchReader lists the file, so Magento asks for the class, which does not exist.
            outcome = "setup:upgrade stops when it tries to apply this patch"
        else:
            outcome = "Magento skips it without a word"
        yield _problem(
            module,
            found.relative,
            f"declares {declared}, not {shown(found.expected)}, the class Magento loads from "
            f"this file (from the module name in etc/module.xml): {outcome}, so what it "
            "creates or updates never happens",
            "MG312",
        )


def _never_created(module: ModuleFacts, setup: SetupCode) -> Iterator[Problem]:
    if not module.config or setup.unknown:
        return
    for name, facts in module.config.items():
        if setup.creation(name) is not None or _consolidated(module, name):
            continue
        if setup.evidence:
            found = ", ".join(setup.evidence[:3]) + (" and more" * (len(setup.evidence) > 3))
            yield _problem(
                module,
                CONFIG,
                f"integration '{shown(name)}' is created by no setup script that runs; check "
                f"that other code creates it ({shown(found)})",
                "MG303",
                facts.line,
                severity=Severity.WARNING,
            )
        else:
            yield _problem(
                module,
                CONFIG,
                f"integration '{shown(name)}' is never created: no setup script that runs "
                "creates it (processIntegrationConfig() and the like), and no other PHP of the "
                f"module uses Magento's integration APIs{_unreached(setup)}",
                "MG303",
                facts.line,
            )


def _unreached(setup: SetupCode) -> str:
    if not setup.unreached:
        return ""
    files = ", ".join(shown(relative) for relative in setup.unreached[:3])
    return f" ({files} would, but Magento never runs that code at setup)"


def _consolidated(module: ModuleFacts, name: str) -> bool:
    return name in (module.consolidated or {})


def _undeclared(module: ModuleFacts, setup: SetupCode) -> Iterator[Problem]:
    declared = module.config or {}
    for name, creation in sorted(setup.processed.items()):
        if name in declared:
            continue
        at = (creation.line, creation.column)
        if module.config is not None:
            message = (
                f"processIntegrationConfig() names '{shown(name)}', which "
                f"{CONFIG} does not declare: setup:upgrade fails with 'Undefined array key'"
            )
            yield _problem(module, creation.relative, message, "MG310", *at)
        else:
            message = (
                f"processIntegrationConfig() names '{shown(name)}', but the module has no "
                f"{CONFIG}: unless another module declares it, setup:upgrade fails with "
                "'Undefined array key'"
            )
            yield _problem(module, creation.relative, message, "MG310", *at, Severity.WARNING)
