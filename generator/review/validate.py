"""``magegen validate``: check every module under some paths, one module at a time."""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from generator.errors import Problem, Severity, UsageError, shown
from generator.magento.acl import AclCatalog
from generator.magento.catalogs import Catalogs, catalogs
from generator.magento.filekinds import schema_for
from generator.magento.files import API_XML, CONFIG_XML, CONSOLIDATED_XML, SPLIT
from generator.magento.moduletree import XSI_NO_NAMESPACE, ModuleFacts, read_module
from generator.magento.xml import is_libxml2_noise
from generator.review.crossmodule import shared_name_problems
from generator.review.discovery import module_roots
from generator.review.findings import check_module
from generator.review.phplint import lint_php
from generator.review.treecontext import Context, tree_context

if TYPE_CHECKING:
    from generator.magento.urn import UrnResolver


@dataclass(frozen=True)
class IntegrationSummary:
    """An integration a module declares, for reports."""

    name: str
    format: str  # "split" (config.xml + api.xml) or "consolidated" (integration.xml)
    email: str | None
    resources: tuple[str, ...] | None  # None: the file that grants them was refused
    file: str | None = None  # the file that declares it, relative to the module root
    line: int | None = None


@dataclass(frozen=True)
class ModuleSummary:
    """A module that was checked, for reports."""

    root: Path
    name: str | None
    integrations: tuple[IntegrationSummary, ...]


@dataclass(frozen=True)
class ValidationResult:
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
    roots = module_roots(paths)
    if not roots:
        where = ", ".join(str(p) for p in paths)
        raise UsageError([Problem(where, "holds no module (no etc/module.xml below it)")])
    known = catalogs(magento_root)
    urns = _urn_resolver(known)
    context = tree_context(roots, known)
    problems = list(known.problems)
    summaries: list[ModuleSummary] = []
    php_files: list[Path] = []
    for checked in _check_all(roots, context, urns, progress):
        problems += checked.problems
        summaries.append(checked.summary)
        if check_php:  # (kept only when needed: memory stays flat as trees grow)
            php_files += checked.php_files
    problems += shared_name_problems(summaries)
    notes = []
    if check_php:
        # A module nested in another (a test fixture, say) shares its PHP files: check each once.
        linted = lint_php(sorted(set(php_files)))
        problems += linted.problems
        if linted.note:
            notes.append(linted.note)
    else:
        notes.append("PHP syntax was not checked (--no-php)")
    problems.sort(key=Problem.sort_key)
    return ValidationResult(tuple(summaries), tuple(problems), tuple(notes), context.acl)


class _Checked(NamedTuple):
    """What checking one module found (sent back from worker processes, so picklable)."""

    summary: ModuleSummary
    problems: list[Problem]
    php_files: list[Path]


def _check_one(root: Path, context: Context, urns: UrnResolver | None) -> _Checked:
    """One module checked; an unexpected failure becomes a finding, never the run's end."""
    try:
        module, problems = read_module(root, keep_xml=urns is not None)
        problems = _lenient_module_xml(problems) + check_module(module, context)
        if urns is not None:
            problems += _magento_schema_problems(module, urns)
            module.xml_files.clear()  # keep memory flat: documents are not needed any more
        return _Checked(_summary(module), problems, module.php_files)
    except Exception as exc:
        message = (
            f"magegen itself failed on this module ({type(exc).__name__}: "
            f"{shown(str(exc))}); the other modules were checked. Please report it."
        )
        problem = Problem(str(root / "etc" / "module.xml"), message, code="MG190")
        return _Checked(ModuleSummary(root, None, ()), [problem], [])


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
PARALLEL_FROM = 64
MAX_WORKERS = 8


def _check_all(
    roots: list[Path],
    context: Context,
    urns: UrnResolver | None,
    progress: Callable[[int, int], None] | None,
) -> Iterator[_Checked]:
    """Each module checked, in ``roots`` order; large trees on every usable core.

    With an installation (``urns``), modules are checked in this process, so that each of its
    schemas is compiled once per run.
    """
    workers = 1 if urns is not None else _pool_size(len(roots))
    share = max(1, -(-len(roots) // workers))  # this process checks the first share
    children: list[tuple[int, int, list[Path]]] = []
    if workers > 1:
        gc.freeze()  # the collector of a child then never touches (and copies) what exists now
        starts = range(share, len(roots), share)
        children = [_fork_share(roots[start : start + share], context) for start in starts]
        gc.unfreeze()  # (in this process only: its garbage stays collectable)
    done = 0
    try:
        for root in roots[:share]:
            yield _check_one(root, context, urns)
            done += 1
            if progress is not None:
                progress(done, len(roots))
        while children:
            for checked in _collect_share(*children.pop(0), context):
                yield checked
                done += 1
            if progress is not None:
                progress(done, len(roots))
    finally:
        for pid, reading, _ in children:  # left early: stop the children, leave no zombie
            os.close(reading)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _pool_size(modules: int) -> int:
    """How many processes should check ``modules`` modules: 1 unless more pay for themselves.

    That takes enough modules, fork (children inherit the context), and cores nobody else is
    using: a child costs its fork and the pages it copies from this process, which a core that
    other processes keep busy never wins back (measured with bench/run.py on a shared machine).
    """
    if modules < PARALLEL_FROM or not hasattr(os, "fork"):
        return 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    idle = (usable or 1) - os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return max(1, min(usable or 1, MAX_WORKERS, 1 + int(idle)))  # this process, one per idle core


def _fork_share(roots: list[Path], context: Context) -> tuple[int, int, list[Path]]:
    """A child process that checks ``roots`` and sends the results back; (pid, pipe, roots)."""
    import pickle

    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: check, send, and leave without running the parent's exit code
        os.close(reading)
        status = 1
        try:
            with open(writing, "wb") as pipe:
                checked = [_check_one(root, context, None) for root in roots]
                pickle.dump(checked, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(writing)
    return pid, reading, roots


def _collect_share(pid: int, reading: int, roots: list[Path], context: Context) -> list[_Checked]:
    """What the child ``pid`` found; should it have failed, its modules are checked here."""
    import pickle

    with open(reading, "rb") as pipe:
        sent = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status == 0:
        try:
            checked = pickle.loads(sent)
        except Exception:  # a child killed part-way leaves a cut pickle
            checked = None
        if isinstance(checked, list) and len(checked) == len(roots):
            return checked
    return [_check_one(root, context, None) for root in roots]


def _urn_resolver(known: Catalogs) -> UrnResolver | None:
    if known.installation is None:
        return None
    from generator.magento.urn import UrnResolver

    return UrnResolver(known.installation.root, known.installation.module_paths)


def _magento_schema_problems(module: ModuleFacts, urns: UrnResolver) -> list[Problem]:
    """Each XML file checked against the installation's schema of its kind, as Magento does."""
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
