"""``magegen validate``: check every module under some paths, one module at a time."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from generator.errors import Problem, Severity, UsageError, shown
from generator.magento.acl import AclCatalog, defer_rankings, rankings_wanted
from generator.magento.catalogs import Catalogs, catalogs
from generator.magento.files import API_XML, CONFIG_XML, CONSOLIDATED_XML, SPLIT
from generator.magento.moduletree import XSI_NO_NAMESPACE, ModuleFacts, read_module
from generator.review.crossmodule import shared_name_problems
from generator.review.discovery import module_roots
from generator.review.findings import check_module
from generator.review.treecontext import Context, tree_context

if TYPE_CHECKING:
    from generator.magento.urn import UrnResolver


class IntegrationSummary(NamedTuple):
    """An integration a module declares, for reports."""

    name: str
    format: str  # "split" (config.xml + api.xml) or "consolidated" (integration.xml)
    email: str | None
    resources: tuple[str, ...] | None  # None: the file that grants them was refused
    file: str | None = None  # the file that declares it, relative to the module root
    line: int | None = None


class ModuleSummary(NamedTuple):
    """A module that was checked, for reports."""

    root: Path
    name: str | None
    integrations: tuple[IntegrationSummary, ...]


class ValidationResult(NamedTuple):
    """Everything ``validate`` found."""

    modules: tuple[ModuleSummary, ...]
    problems: tuple[Problem, ...]
    notes: tuple[str, ...]
    acl: AclCatalog

    def count(self, severity: str) -> int:
        """How many findings have ``severity``."""
        return sum(p.severity == severity for p in self.problems)

    def exit_code(self, strict: bool) -> int:
        """0 when clean, 1 with errors (or, when strict, warnings)."""
        failing = self.count("error") + (self.count("warning") if strict else 0)
        return 1 if failing else 0


def validate_paths(
    paths: Iterable[Path],
    magento_root: Path | None = None,
    check_php: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> ValidationResult:
    """Check every module under ``paths``; ``progress(done, total)`` is told as modules finish."""
    paths = list(paths)
    for path in paths:
        if not path.is_dir():
            raise UsageError([Problem(str(path), "is not a folder")])
    listings: dict[str, list[os.DirEntry[str]]] = {}  # folders listed once, read by each module
    roots = module_roots(paths, listings)
    if not roots:
        where = ", ".join(str(p) for p in paths)
        raise UsageError([Problem(where, "holds no module (no etc/module.xml below it)")])
    known = catalogs(magento_root)
    urns = _urn_resolver(known)
    context = tree_context(roots, known, listings)
    problems = list(known.problems)
    summaries: list[ModuleSummary] = []
    php_files: list[Path] = []
    # Without php on PATH, each module's PHP files get the structural check with the module,
    # from the bytes it read (and in every process); with php, one php process parses them all.
    php = _php_check(check_php)
    structural: dict[str, list[Problem]] = {}
    for checked in _check_all(roots, context, urns, php, progress, listings):
        problems += checked.problems
        summaries.append(checked.summary)
        php_files += checked.php_files
        structural.update(checked.structural)
    problems += shared_name_problems(summaries)
    notes = []
    if php == LINT:
        from generator.review.phplint import lint_php

        # A module nested in another (a test fixture, say) shares its PHP files: check each once.
        linted = lint_php(sorted(set(php_files)))
        problems += linted.problems
        if linted.note:
            notes.append(linted.note)
    elif php == STRUCTURAL:
        from generator.review.phplint import NO_PHP_NOTE

        for found in structural.values():  # (by path: a file of nested modules counts once)
            problems += found
        if structural:
            notes.append(NO_PHP_NOTE)
    else:
        notes.append("PHP syntax was not checked (--no-php)")
    problems.sort(key=Problem.sort_key)
    return ValidationResult(tuple(summaries), tuple(problems), tuple(notes), context.acl)


# How PHP files are checked: not at all (--no-php), by one php process for every file once the
# modules are read, or (no php on PATH) structurally, with each module.
NO_PHP, LINT, STRUCTURAL = "none", "lint", "structural"


def _check_shared(
    total: int,
    check: Callable[[int], _Checked],
    workers: int,
    told: Callable[[int], None] | None,
) -> list[_Checked]:
    """Every module checked by ``workers`` processes, each taking the next ones when free.

    Which process checks which module depends on timing, so suggestions for unknown ACL ids
    (a budget per run) are not ranked there: the modules that asked for one are checked again
    here afterwards, in order, as one process checking them all would have ranked them.
    """
    from generator.review.shares import shared

    defer_rankings(True)
    try:
        # The first module here, before the fork: what each process would import, compile or
        # load for its first module (the sync-patch reader, patterns, release data) is then
        # done once, and the children inherit it.
        first = check(0)
        rest = shared(
            total - 1,
            lambda index: check(index + 1),
            workers - 1,
            None if told is None else (lambda done: told(done + 1)),
        )
    finally:
        defer_rankings(False)
    checked = [first, *rest]
    return [check(i) if found.ranks_later else found for i, found in enumerate(checked)]


def _php_check(check_php: bool) -> str:
    if not check_php:
        return NO_PHP
    import shutil

    return LINT if shutil.which("php") else STRUCTURAL


class _Checked(NamedTuple):
    """What checking one module found (sent back from worker processes, so picklable)."""

    summary: ModuleSummary
    problems: list[Problem]
    php_files: list[Path]  # to parse with php (LINT)
    structural: dict[str, list[Problem]]  # each PHP file's structural findings (STRUCTURAL)
    ranks_later: bool = False  # it asked for suggestions while they were deferred


def _check_one(
    root: Path,
    context: Context,
    urns: UrnResolver | None,
    php: str = LINT,
    listings: dict[str, list[os.DirEntry[str]]] | None = None,
) -> _Checked:
    """One module checked; an unexpected failure becomes a finding, never the run's end.

    Its PHP files are kept only for LINT (memory stays flat as trees grow, and a child process
    sends less back)."""
    try:
        wanted = rankings_wanted()
        module, problems = read_module(root, keep_xml=urns is not None, listings=listings)
        problems = _lenient_module_xml(problems) + check_module(module, context)
        if urns is not None:
            problems += _magento_schema_problems(module, urns)
            module.xml_files.clear()  # keep memory flat: documents are not needed any more
        php_files = module.php_files if php == LINT else []
        structural = _structural_by_file(module) if php == STRUCTURAL else {}
        ranks_later = rankings_wanted() != wanted
        return _Checked(_summary(module), problems, php_files, structural, ranks_later)
    except Exception as exc:
        message = (
            f"magegen itself failed on this module ({type(exc).__name__}: "
            f"{shown(str(exc))}); the other modules were checked. Please report it."
        )
        problem = Problem(str(root / "etc" / "module.xml"), message, code="MG190")
        return _Checked(ModuleSummary(root, None, ()), [problem], [], {})


def _structural_by_file(module: ModuleFacts) -> dict[str, list[Problem]]:
    """The structural check of each PHP file of ``module``, by path, from the bytes it read."""
    from generator.review.phplint import structural_problems

    files = module.files
    if files is None:
        return {}
    root = str(module.root)
    found = {}
    for relative in files.files:
        if relative.endswith(".php"):
            # (the path's text as str(module.root / relative) gives it, without making a path)
            path = relative if root == "." else os.path.join(root, relative)
            found[path] = structural_problems(path, files.read(relative))
    return found


_MODULE_XML_NOTE = (
    " (a warning: Magento checks only that etc/module.xml is well-formed, never its schema)"
)


def _lenient_module_xml(problems: list[Problem]) -> list[Problem]:
    """Schema findings on etc/module.xml as warnings: Magento never validates module.xml."""
    return [
        p._replace(severity=Severity.WARNING, message=p.message + _MODULE_XML_NOTE)
        if p.code in ("MG101", "MG102") and p.file.endswith("/etc/module.xml")
        else p
        for p in problems
    ]


# From this many modules on, a second process pays for its fork and for sending its results
# back (measured with bench/run.py).
PARALLEL_FROM = 32
MAX_WORKERS = 8


def _check_all(
    roots: list[Path],
    context: Context,
    urns: UrnResolver | None,
    php: str,
    progress: Callable[[int, int], None] | None,
    listings: dict[str, list[os.DirEntry[str]]] | None = None,
) -> list[_Checked]:
    """Each module checked, in ``roots`` order; large trees on every usable core.

    With an installation (``urns``), modules are checked in this process, so that each of its
    schemas is compiled once per run.
    """
    workers = 1 if urns is not None else _pool_size(len(roots))
    total = len(roots)
    told = None if progress is None else (lambda done: progress(done, total))

    def check(index: int) -> _Checked:
        return _check_one(roots[index], context, urns, php, listings)

    if workers > 1:
        return _check_shared(total, check, workers, told)
    checked = []
    for index in range(total):
        checked.append(check(index))
        if told is not None:
            told(index + 1)
    return checked


def _pool_size(modules: int) -> int:
    """How many processes should check ``modules`` modules: 1 unless more pay for themselves.

    That takes enough modules, fork (children inherit the context), and cores nobody else is
    using: a child costs its fork and the pages it copies from this process. The load average
    counts this process too (about 1 once runs follow each other, as in a benchmark or a CI
    job): the other cores are busy with what the load holds beyond that. A child on a core
    that turns out busy costs little (processes take modules as they are free), so a core
    half idle counts.
    """
    if modules < PARALLEL_FROM or not hasattr(os, "fork") or not hasattr(os, "getloadavg"):
        return 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    usable = usable or 1
    idle = usable - max(os.getloadavg()[0], 1.0)  # cores beyond this one that nobody uses
    return max(1, min(usable, MAX_WORKERS, 1 + int(idle + 0.5)))  # this process, one per idle


def _urn_resolver(known: Catalogs) -> UrnResolver | None:
    if known.installation is None:
        return None
    from generator.magento.urn import UrnResolver

    return UrnResolver(known.installation.root, known.installation.module_paths)


def _magento_schema_problems(module: ModuleFacts, urns: UrnResolver) -> list[Problem]:
    """Each XML file checked against the installation's schema of its kind, as Magento does."""
    from generator.magento.filekinds import schema_for

    problems = []
    for path, document in module.xml_files:
        declared = document.getroot().get(XSI_NO_NAMESPACE) or ""
        if not declared.startswith("urn:magento:"):
            continue
        relative = path.relative_to(module.root).as_posix()
        display = module.display(relative)
        location = schema_for(relative, declared)
        schema = urns.schema(location)
        if isinstance(schema, str):
            problems.append(
                Problem(display, shown(schema), line=1, severity="warning", code="MG103")
            )
        else:
            problems += _schema_findings(display, location, schema, document)
    return problems


def _schema_findings(display: str, location: str, schema, document) -> list[Problem]:
    from lxml import etree

    from generator.magento.xml import is_libxml2_noise

    stopped = False
    try:
        schema.validate(document)
    except etree.XMLSchemaValidateError:
        stopped = True  # libxml2 gave up part-way (seen on a di.xml argument without xsi:type)
    found = [
        Problem(
            display,
            f"does not match {location}: {shown(e.message, 400)}",
            line=e.line or None,
            column=e.column or None,
            code="MG102",
        )
        for e in schema.error_log
        if not is_libxml2_noise(e.message) and not e.message.startswith("Internal error")
    ]
    if stopped or any(e.message.startswith("Internal error") for e in schema.error_log):
        found.append(
            Problem(
                display,
                f"libxml2 stopped checking this file against {location} part-way; later "
                "problems in it may be unreported",
                line=1,
                severity=Severity.WARNING,
                code="MG102",
            )
        )
    return found


def _summary(module: ModuleFacts) -> ModuleSummary:
    api_refused = API_XML in module.refused
    integrations = tuple(
        IntegrationSummary(
            i.name,
            i.format,
            i.email,
            # Ids interned: modules grant the same few hundred, and summaries live to the end.
            None if api_refused and i.format == SPLIT else tuple(map(sys.intern, i.resource_ids)),
            _declaring_file(module, i.name, i.format),
            i.line,
        )
        for i in module.integrations()
    )
    name = module.name.value if module.name else None
    return ModuleSummary(module.root, name, integrations)


def _declaring_file(module: ModuleFacts, name: str, integration_format: str) -> str:
    if integration_format != SPLIT:
        return CONSOLIDATED_XML
    return CONFIG_XML if name in (module.config or {}) else API_XML
