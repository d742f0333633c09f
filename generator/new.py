"""The ``new`` pipeline: spec, render, check, then write, as one call."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from generator.check import check_files
from generator.drift import FileDrift, Mode, find_drift
from generator.errors import (
    CheckError,
    MagegenError,
    Problem,
    SpecError,
    TargetError,
    UsageError,
)
from generator.magento.catalogs import Catalogs, catalogs
from generator.render import TEMPLATE_NAMES, RenderedFile, generated_paths, render, template_of
from generator.spec.model import ModuleSpec
from generator.spec.reader import LoadedSpec, load_spec, parse_module_name
from generator.templatedir import TemplateDir, folder_problem
from generator.write import Action, WritePlan, apply_plan, plan_write

INSTALL_DATA = "Setup/InstallData.php"
INTEGRATION_FILES = frozenset({"etc/integration/config.xml", "etc/integration/api.xml"})


class BuiltModule(NamedTuple):
    """A module rendered and checked in memory, ready to be written."""

    spec: ModuleSpec
    files: tuple[RenderedFile, ...]
    warnings: tuple[Problem, ...]
    composer_name_at: tuple[int, int] | None = None  # where the spec wrote composer.name


class GenerateResult(NamedTuple):
    """What ``generate`` decided, what it wrote, and what the user should know."""

    plan: WritePlan
    written: tuple[Path, ...]
    warnings: tuple[Problem, ...]
    drift: tuple[FileDrift, ...] = ()  # filled by the comparing modes


def default_target(vendor: str, module: str) -> Path:
    """Where Magento expects a module's code: app/code/<Vendor>/<Module>."""
    return Path("app", "code", vendor, module)


def build(
    name: str | None,
    spec_path: Path,
    magento_root: Path | None = None,
    templates: Path | None = None,
) -> BuiltModule:
    """Read, render and check the module ``name`` described by the spec at ``spec_path``.

    ``templates`` is a folder of custom templates; without it, the spec's ``templates:`` key is
    used. Raises SpecError, UsageError or TemplateError for bad input and CheckError when a
    rendered file fails a check.
    """
    known = catalogs(magento_root)
    try:
        built = _build(name, spec_path, known, _template_option(templates))
    except SpecError as exc:
        # What was skipped in the installation may be why a resource is unknown: say both.
        raise SpecError(known.problems + exc.problems) from None
    return built._replace(warnings=known.problems + built.warnings)


def _template_option(templates: Path | None) -> TemplateDir | None:
    """The folder ``--templates`` names; a missing one is a usage error."""
    if templates is None:
        return None
    problem = folder_problem(templates)
    if problem:
        raise UsageError([Problem("--templates", problem)])
    return TemplateDir.at(templates)


def _spec_templates(loaded: LoadedSpec, spec_path: Path) -> TemplateDir | None:
    """The folder the spec's ``templates:`` key names, relative to the spec's folder."""
    if loaded.templates is None:
        return None
    problem = folder_problem(loaded.templates)
    if problem:
        line, column = loaded.templates_at or (None, None)
        raise SpecError([Problem(str(spec_path), problem, line, column, field="templates")])
    return TemplateDir.at(loaded.templates)


def _build(
    name: str | None, spec_path: Path, known: Catalogs, option: TemplateDir | None
) -> BuiltModule:
    """``build`` with the catalogs and the ``--templates`` folder already found; the warnings
    are the module's own."""
    loaded = load_spec(spec_path, name, known.acl, known.modules, known.installation is not None)
    templates = option or _spec_templates(loaded, spec_path)
    warnings = list(loaded.warnings)
    if templates is not None:
        warnings += templates.unknown_files(TEMPLATE_NAMES)
    files = render(loaded.spec, templates)
    problems = check_files(files, loaded.spec.namespace)
    if problems:
        raise CheckError(problems + _custom_template_notes(problems, loaded.spec, templates))
    return BuiltModule(loaded.spec, files, tuple(warnings), loaded.where("composer.name"))


def _custom_template_notes(
    problems: Sequence[Problem], spec: ModuleSpec, templates: TemplateDir | None
) -> list[Problem]:
    """A note for each failing file that a custom template rendered."""
    notes = []
    for path in dict.fromkeys(problem.file for problem in problems):
        template_name = template_of(path, spec)
        if templates is not None and template_name and templates.holds(template_name):
            notes.append(
                Problem(
                    templates.shown_path(template_name),
                    f"{path} comes from this custom template",
                    severity="note",
                )
            )
    return notes


class Generated(NamedTuple):
    """What one ``magegen new`` run decided for each module, in the order they were given."""

    results: tuple[GenerateResult, ...]
    warnings: tuple[Problem, ...] = ()  # about the run as a whole (the installation read)


def generate(
    name: str | None,
    spec_path: Path,
    output: Path | None,
    force: bool,
    mode: Mode = Mode.WRITE,
    magento_root: Path | None = None,
    templates: Path | None = None,
) -> GenerateResult:
    """Write the module ``name`` described by ``spec_path`` to ``output``, all or nothing.

    Only ``Mode.WRITE`` writes; the other modes decide and check everything, and the comparing
    ones (check, diff) also list how the tree on disk drifted from the rendered files.
    """
    generated = generate_all([(name, spec_path)], output, force, mode, magento_root, templates)
    (result,) = generated.results
    return result._replace(warnings=generated.warnings + result.warnings)


def generate_all(
    modules: Sequence[tuple[str | None, Path]],
    output: Path | None,
    force: bool,
    mode: Mode = Mode.WRITE,
    magento_root: Path | None = None,
    templates: Path | None = None,
) -> Generated:
    """Generate every (NAME, SPEC) of ``modules``: all are read, rendered, checked and planned
    before any is written, and nothing is written unless all of them pass.

    ``output`` is the module root and goes with one module only; several modules each go to
    app/code/<Vendor>/<Module>. Raises the errors of every module at once.
    """
    if output is not None and len(modules) > 1:
        raise UsageError(
            [
                Problem(
                    "--output",
                    "names one module's folder; with several modules each goes to "
                    "app/code/<Vendor>/<Module> under the current folder",
                )
            ]
        )
    _refuse_repeated_modules(modules)
    option = _template_option(templates)
    known = catalogs(magento_root)
    built: list[BuiltModule] = []
    errors: list[MagegenError] = []
    for name, spec_path in modules:
        try:
            built.append(_build(name, spec_path, known, option))
        except MagegenError as exc:
            errors.append(exc)
    _raise_all(errors, known.problems)
    # A module named only in its spec is known once the spec is read.
    named = [(m.spec.name, path) for m, (_, path) in zip(built, modules, strict=True)]
    _refuse_repeated_modules(named)
    _refuse_shared_packages(built, [spec_path for _, spec_path in modules])
    plans: list[WritePlan] = []
    for module in built:
        spec = module.spec
        target = output if output is not None else default_target(spec.vendor, spec.module)
        # Comparing reads an existing tree as --force would, and writes nothing.
        try:
            plans.append(
                plan_write(target, module.files, force or mode.compares, generated_paths(spec))
            )
        except TargetError as exc:
            errors.append(exc)
    _raise_all(errors, known.problems)
    results = []
    for module, plan in zip(built, plans, strict=True):
        warnings = module.warnings + tuple(plan_warnings(plan, module.spec))
        drift = find_drift(plan) if mode.compares else ()
        results.append(GenerateResult(plan, (), warnings, drift))
    if mode is Mode.WRITE:
        results = _write_all(results)
    return Generated(tuple(results), known.problems)


def _refuse_repeated_modules(modules: Sequence[tuple[str | None, Path]]) -> None:
    """Every NAME must be valid, and no module may be given twice."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str], tuple[str, Path]] = {}
    for name, spec_path in modules:
        if name is None:
            continue  # named in its spec: checked once the spec is read
        try:
            vendor, module = parse_module_name(name)
        except UsageError as exc:
            problems += exc.problems
            continue
        # Case-insensitively, as app/code/<Vendor>/<Module> is on many file systems.
        key = (vendor.lower(), module.lower())
        if key in seen:
            first_name, first_spec = seen[key]
            problems.append(
                Problem(
                    "NAME",
                    f"{name} ({spec_path}) is the same module as {first_name} ({first_spec}); "
                    "give each module once",
                )
            )
        else:
            seen[key] = (name, spec_path)
    if problems:
        raise UsageError(problems)


def _refuse_shared_packages(built: Sequence[BuiltModule], spec_paths: Sequence[Path]) -> None:
    """Two modules of one run must not share a composer package name."""
    first: dict[str, tuple[ModuleSpec, Path]] = {}
    problems = []
    for module, spec_path in zip(built, spec_paths, strict=True):
        package = module.spec.composer_name
        if package in first:
            other, other_path = first[package]
            line, column = module.composer_name_at or (None, None)
            problems.append(
                Problem(
                    str(spec_path),
                    f"{module.spec.name} has the composer package {package}, as {other.name} "
                    f"({other_path}) has; each module needs its own",
                    line,
                    column,
                    field="composer.name",
                )
            )
        else:
            first[package] = (module.spec, spec_path)
    if problems:
        raise SpecError(problems)


def _raise_all(errors: Sequence[MagegenError], notes: tuple[Problem, ...]) -> None:
    """Raise every problem of ``errors`` at once, as the one whose exit code is highest."""
    if not errors:
        return
    worst = max(errors, key=lambda error: error.exit_code)
    raise type(worst)(notes + tuple(p for error in errors for p in error.problems))


def _write_all(results: Sequence[GenerateResult]) -> list[GenerateResult]:
    """Carry out every plan, in order. Each module is written all or nothing; if the file
    system refuses one, the modules before it stay written and the error names them."""
    written = []
    for result in results:
        try:
            paths = apply_plan(result.plan)
        except OSError as exc:
            # A failure in magegen's own staging file is the target's failure.
            named = str(exc.filename or "")
            where = named if named and ".magegen-" not in named else str(result.plan.target)
            problems = [Problem(where, f"cannot write: {exc.strerror or exc}")]
            problems += [
                Problem(str(done.plan.target), "was written before the failure", severity="note")
                for done in written
                if done.written
            ]
            raise TargetError(problems) from None
        written.append(result._replace(written=tuple(paths)))
    return written


def plan_warnings(plan: WritePlan, spec: ModuleSpec) -> list[Problem]:
    """What the user should hear about where and over what the module is written."""
    warnings = []
    target = plan.target
    under_app_code = (
        target.parent.parent.name == "code" and target.parent.parent.parent.name == "app"
    )
    if under_app_code and (target.parent.name, target.name) != (spec.vendor, spec.module):
        warnings.append(
            Problem(
                str(target),
                f"Magento autoloads app/code/{spec.vendor}/{spec.module} for the namespace "
                f"{spec.namespace}; from this folder its classes will not be found",
                severity="warning",
            )
        )
    for file in plan.having(Action.STALE):
        warnings.append(
            Problem(
                str(target / file.path),
                "magegen generated this file before, but this spec no longer does; "
                "it is kept, and the module stays inconsistent until you delete it "
                "(magegen validate shows how)",
                severity="warning",
            )
        )
    changed = {file.path for file in plan.having(Action.CHANGE)}
    installer_existed = any(
        file.path == INSTALL_DATA and file.action in (Action.CHANGE, Action.UNCHANGED)
        for file in plan.files
    )
    if installer_existed and changed & INTEGRATION_FILES:
        warnings.append(
            Problem(
                str(target / INSTALL_DATA),
                "integrations changed in a module that already had InstallData: a store where "
                "it is installed will not see the change (InstallData runs once); use a new "
                "data patch, a setup_version bump with an upgrade script, or the admin",
                severity="warning",
            )
        )
    return warnings
