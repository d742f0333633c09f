"""What a module's PHP does with its integrations: which setup scripts run, which integrations
they pass to ``processIntegrationConfig()``, and what else in the module uses Magento's
integration APIs (MG302, MG303, MG310, MG311)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from generator.errors import Problem, Severity, shown
from generator.magento.moduletree import ModuleFacts
from generator.magento.phpcode import PhpCode, read_php

CONFIG = "etc/integration/config.xml"
INSTALL_DATA = "Setup/InstallData.php"
# Setup classes Magento finds by exact file and class name; they run only with a setup_version.
VERSIONED_SCRIPTS = ("InstallData", "UpgradeData", "InstallSchema", "UpgradeSchema")
SETUP_SCRIPTS = (*VERSIONED_SCRIPTS, "Recurring", "RecurringData", "Uninstall")
PHP_LIMIT = 2 << 20  # bytes read of one PHP file; larger files are not searched

# Each name is matched first and then checked not to continue an identifier (the lookbehind
# after it): a pattern that starts with a lookbehind is tried at every offset of the file.
_CALL = re.compile(r"processIntegrationConfig(?<![\w$]processIntegrationConfig)\s*\(")
# Code that can create an integration without a literal processIntegrationConfig() call.
_INTEGRATION_NAMES = (
    "ConfigBasedIntegrationManager",
    "IntegrationServiceInterface",
    "IntegrationService",
    "IntegrationFactory",
    "processConfigBasedIntegrations",
    "processIntegrationConfig",
)
_NAMES_SHARE = b"Integration"  # every name above holds it: a file without it calls none
_INTEGRATION_API = re.compile(
    "(" + "|".join(rf"{name}(?<![\w$]{name})" for name in _INTEGRATION_NAMES) + r")(?!\w)"
)
_PARENTHESIS = re.compile(r"[()]")
_ONLY_LISTS = re.compile(r"(?i:array)|[\s\[\](),]")


@dataclass
class _Scan:
    """What the module's PHP does with integrations."""

    processed: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # name: where
    anything: bool = False  # a running setup script passes something other than literals
    evidence: list[str] = field(default_factory=list)  # other uses of the integration APIs


def setup_problems(module: ModuleFacts) -> Iterator[Problem]:
    """MG302, MG303, MG310 and MG311 for ``module``."""
    yield from _misnamed_scripts(module)
    install_data = module.root / INSTALL_DATA
    if install_data.is_file() and module.setup_version is None and not _refused(module, "module"):
        yield _problem(
            module, INSTALL_DATA, "never runs: etc/module.xml has no setup_version", "MG302"
        )
    if _refused(module, "integration") or _refused(module, "module"):
        return  # a refused file: what it declares (integrations, setup_version) is not known
    scan = _scan(module)
    yield from _never_created(module, scan)
    yield from _undeclared(module, scan)


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


def _misnamed_scripts(module: ModuleFacts) -> Iterator[Problem]:
    setup = module.root / "Setup"
    names = sorted(os.listdir(setup)) if setup.is_dir() and not setup.is_symlink() else []
    expected = {f"{script}.php".casefold(): f"{script}.php" for script in SETUP_SCRIPTS}
    for name in names:
        right = expected.get(name.casefold())
        if right is not None and right != name:
            yield _problem(
                module,
                f"Setup/{name}",
                f"is not named {right}: Magento looks for {right} and never runs this file on a "
                "case-sensitive file system (Linux)",
                "MG311",
            )


def _never_created(module: ModuleFacts, scan: _Scan) -> Iterator[Problem]:
    if not module.config or scan.anything:
        return
    for name, facts in module.config.items():
        if name in scan.processed or _consolidated(module, name):
            continue
        if scan.evidence:
            found = ", ".join(scan.evidence[:3]) + (" and more" * (len(scan.evidence) > 3))
            yield _problem(
                module,
                CONFIG,
                f"integration '{shown(name)}' is passed to processIntegrationConfig() by no setup "
                f"script; check that other code creates it ({found})",
                "MG303",
                facts.line,
                severity=Severity.WARNING,
            )
        else:
            yield _problem(
                module,
                CONFIG,
                f"integration '{shown(name)}' is never created: no setup script that runs passes "
                "it to processIntegrationConfig(), and no PHP of the module uses Magento's "
                "integration APIs",
                "MG303",
                facts.line,
            )


def _consolidated(module: ModuleFacts, name: str) -> bool:
    return name in (module.consolidated or {})


def _undeclared(module: ModuleFacts, scan: _Scan) -> Iterator[Problem]:
    declared = module.config or {}
    for name, (relative, line, column) in sorted(scan.processed.items()):
        if name in declared:
            continue
        if module.config is not None:
            message = (
                f"processIntegrationConfig() names '{shown(name)}', which "
                f"{CONFIG} does not declare: setup:upgrade fails with 'Undefined array key'"
            )
            yield _problem(module, relative, message, "MG310", line, column)
        else:
            message = (
                f"processIntegrationConfig() names '{shown(name)}', but the module has no "
                f"{CONFIG}: unless another module declares it, setup:upgrade fails with "
                "'Undefined array key'"
            )
            yield _problem(module, relative, message, "MG310", line, column, Severity.WARNING)


def _scan(module: ModuleFacts) -> _Scan:
    scan = _Scan()
    for path in module.php_files:
        relative = path.relative_to(module.root).as_posix()
        runs = _runs(module, relative)
        if not runs and _is_dormant_setup_script(relative):
            continue  # never run, and no sign of other code creating integrations either
        php = _read(module, relative)
        if php is None:
            continue
        if runs:
            _scan_setup_script(scan, relative, php)
        else:
            for match in _INTEGRATION_API.finditer(php.code):
                at = php.line_at(match.start())
                scan.evidence.append(f"{shown(relative)}:{at} uses {match.group(1)}")
                break
    return scan


def _runs(module: ModuleFacts, relative: str) -> bool:
    """Whether Magento runs the PHP file ``relative`` as setup (data patches, setup classes)."""
    if not relative.startswith("Setup/"):
        return False
    stem = relative.removeprefix("Setup/").removesuffix(".php")
    if stem.casefold() in (s.casefold() for s in SETUP_SCRIPTS):
        return stem in SETUP_SCRIPTS and (
            module.setup_version is not None or stem not in VERSIONED_SCRIPTS
        )
    return True


def _is_dormant_setup_script(relative: str) -> bool:
    """A setup class Magento would only run with a setup_version (or another spelling)."""
    stem = relative.removeprefix("Setup/").removesuffix(".php")
    return relative.startswith("Setup/") and stem.casefold() in (
        s.casefold() for s in SETUP_SCRIPTS
    )


def _scan_setup_script(scan: _Scan, relative: str, php: PhpCode) -> None:
    for call in _CALL.finditer(php.code):
        start, end = call.end(), _closing(php.code, call.end())
        arguments, names, rest = php.code[start:end], [], []
        position = 0
        for offset, literal_end, value in php.literal_runs(start, end):
            rest.append(arguments[position : offset - start])
            position = literal_end - start
            if value is None:
                scan.anything = True
            else:
                names.append((value, offset))
        rest.append(arguments[position:])
        if _ONLY_LISTS.sub("", "".join(rest)) or (not names and arguments.strip()):
            scan.anything = True  # a variable or expression: any integration may be processed
        for name, offset in names:
            where = (relative, php.line_at(offset), php.column_at(offset) + 1)
            scan.processed.setdefault(name, where)
    for match in _INTEGRATION_API.finditer(php.code):
        if match.group(1) not in ("ConfigBasedIntegrationManager", "processIntegrationConfig"):
            scan.evidence.append(
                f"{shown(relative)}:{php.line_at(match.start())} uses {match.group(1)}"
            )
            break


def _closing(code: str, start: int) -> int:
    """The offset of the bracket that closes the call opened just before ``start``."""
    depth = 1
    for bracket in _PARENTHESIS.finditer(code, start):
        depth += 1 if bracket.group() == "(" else -1
        if depth == 0:
            return bracket.start()
    return len(code)


def _read(module: ModuleFacts, relative: str) -> PhpCode | None:
    """The PHP file as the module reader read it (inside the tree, a regular file, capped), if
    it is not absurdly large for PHP source."""
    content = module.files.read(relative) if module.files is not None else None
    if content is None or len(content) > PHP_LIMIT or _NAMES_SHARE not in content:
        return None  # (a file that names none of the integration APIs has nothing to scan)
    return read_php(content.decode("utf-8", "surrogateescape"))
