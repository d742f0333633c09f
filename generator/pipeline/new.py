"""The ``new`` pipeline: spec, render, check, then write, as one call."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from generator.errors import (
    CheckError,
    MagegenError,
    Problem,
    SpecError,
    TargetError,
    UsageError,
)
from generator.magento.catalogs import Catalogs, catalogs
from generator.pipeline.check import check_files
from generator.pipeline.context import TargetAcl, route_loader
from generator.pipeline.customtemplates import (
    custom_template_notes,
    spec_templates,
    template_option,
)
from generator.pipeline.lock import locked
from generator.pipeline.mode import Mode
from generator.pipeline.render import (
    TEMPLATE_NAMES,
    RenderedFile,
    generated_paths,
    render,
)
from generator.pipeline.speccatalog import catalogs_for_spec
from generator.pipeline.target import default_target, earlier_patches, plan_warnings, wrong_folder
from generator.pipeline.write import Action, WritePlan, apply_plan, plan_write
from generator.spec.model import ModuleSpec
from generator.spec.reader import load_spec, parse_module_name

if TYPE_CHECKING:
    from generator.pipeline.drift import FileDrift
    from generator.sandbox.folder import TemplateDir


class BuiltModule(NamedTuple):
    """A module rendered and checked in memory, ready to be written."""

    spec: ModuleSpec
    files: tuple[RenderedFile, ...]
    warnings: tuple[Problem, ...]
    templates: TemplateDir | None = None  # to recognise magegen's own superseded patches
    composer_name_at: tuple[int, int] | None = None  # where the spec wrote composer.name


class GenerateResult(NamedTuple):
    """One module: what ``generate_all`` decided and wrote, and what the user should know."""

    plan: WritePlan
    written: tuple[Path, ...]
    warnings: tuple[Problem, ...]
    drift: tuple[FileDrift, ...] = ()  # filled by the comparing modes
    spec: ModuleSpec | None = None


def build(
    name: str | None,
    spec_path: Path,
    magento_root: Path | None = None,
    templates: Path | None = None,
) -> BuiltModule:
    """Read, render and check the module ``name`` described by the spec at ``spec_path``.

    The in-process API for rendering a module without writing it: the benchmark measures it
    (bench/run.py, section "build") and makes its trees with it, and tests compare modules
    with it. ``magegen new`` goes through ``generate_all``, which adds planning and writing.

    ``templates`` is a folder of custom templates; without it, the spec's ``templates:`` key is
    used. Raises SpecError, UsageError or TemplateError for bad input and CheckError when a
    rendered file fails a check.
    """
    known = catalogs(magento_root)
    try:
        built = _build(name, spec_path, known, template_option(templates), magento_root)
    except SpecError as exc:
        # What was skipped in the installation may be why a resource is unknown: say both.
        raise SpecError(known.problems + exc.problems) from None
    return built._replace(warnings=known.problems + built.warnings)


def _build(
    name: str | None,
    spec_path: Path,
    known: Catalogs,
    option: TemplateDir | None,
    store: Path | None,
    target: TargetAcl | None = None,
) -> BuiltModule:
    """``build`` with the catalogs and the ``--templates`` folder already found; the warnings
    are the module's own. Without a ``store`` named, the spec's ``catalog:`` key may name one.
    With ``target``, grants may name the ids of the target folder's hand-written etc/acl.xml."""
    known = catalogs_for_spec(spec_path, known, store is not None)
    try:
        loaded = load_spec(
            spec_path,
            name,
            known.acl,
            known.modules,
            known.from_store,
            routes=route_loader(known),
            acl_for=target,
        )
    except SpecError as exc:
        # A skipped acl.xml of the target may be why an id is unknown: say both.
        raise SpecError((target.problems if target else ()) + exc.problems) from None
    templates = option or spec_templates(loaded, spec_path)
    warnings = [*(target.problems if target else ()), *loaded.warnings]
    if templates is not None:
        warnings += templates.unknown_files(TEMPLATE_NAMES)
    files = render(loaded.spec, templates)
    problems = check_files(files, loaded.spec.namespace)
    if problems:
        raise CheckError(problems + custom_template_notes(problems, loaded.spec, templates))
    if loaded.spec.retired:
        from generator.pipeline.lifecycle import retire_warnings

        warnings += retire_warnings(loaded.spec, str(spec_path))
    composer_name_at = loaded.where("composer.name")
    return BuiltModule(loaded.spec, files, tuple(warnings), templates, composer_name_at)


class Generated(NamedTuple):
    """What one ``magegen new`` run decided for each module, in the order they were given."""

    results: tuple[GenerateResult, ...]
    warnings: tuple[Problem, ...] = ()  # about the run as a whole (the installation read)


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
    option = template_option(templates)
    known = catalogs(magento_root)
    built: list[BuiltModule] = []
    errors: list[MagegenError] = []
    for name, spec_path in modules:
        try:
            built.append(_build(name, spec_path, known, option, magento_root, TargetAcl(output)))
        except MagegenError as exc:
            errors.append(exc)
    _raise_all(errors, known.problems)
    # A module named only in its spec is known once the spec is read.
    named = [(m.spec.name, path) for m, (_, path) in zip(built, modules, strict=True)]
    _refuse_repeated_modules(named)
    _refuse_shared_packages(built, [spec_path for _, spec_path in modules])
    targets = [output or default_target(m.spec.vendor, m.spec.module) for m in built]
    if output is None:
        _refuse_wrong_folder(built)
    # Writing holds the targets from the first look at them to the last rename, so that two
    # runs never interleave; the other modes only read.
    guard = locked(targets) if mode is Mode.WRITE else contextlib.nullcontext()
    with guard:
        spec_paths = [spec_path for _, spec_path in modules]
        results = _plan_all(built, targets, spec_paths, force, mode, known.problems)
        if mode is Mode.WRITE:
            results = _write_all(results)
    return Generated(tuple(results), known.problems)


def _refuse_wrong_folder(built: Sequence[BuiltModule]) -> None:
    """Without -o, refuse a current folder where app/code/<Vendor>/<Module> makes no sense."""
    problem = wrong_folder(Path.cwd(), built[0].spec) if built else None
    if problem is not None:
        raise UsageError([problem])


def _plan_all(
    built: Sequence[BuiltModule],
    targets: Sequence[Path],
    spec_paths: Sequence[Path],
    force: bool,
    mode: Mode,
    notes: tuple[Problem, ...],
) -> list[GenerateResult]:
    """Plan every module's write (comparing and dry runs read an existing tree as --force
    would, and write nothing); raise the problems of every module at once."""
    errors: list[MagegenError] = []
    results = []
    for module, target, spec_path in zip(built, targets, spec_paths, strict=True):
        spec = module.spec
        try:
            plan = _plan(module, target, force, mode, spec_path)
        except (TargetError, SpecError) as exc:
            errors.append(exc)
            continue
        warnings = module.warnings + tuple(plan_warnings(plan, spec, mode is Mode.WRITE))
        if mode is Mode.DRY_RUN and not force and not plan.new_tree and _holds_files(plan):
            warnings += (_refusal_note(target),)
        drift: tuple[FileDrift, ...] = ()
        if mode.compares:
            from generator.pipeline.drift import find_drift  # only --check and --diff compare

            drift = find_drift(plan)
        results.append(GenerateResult(plan, (), warnings, drift, spec))
    _raise_all(errors, notes)
    return results


def _holds_files(plan: WritePlan) -> bool:
    return any(file.action is not Action.CREATE for file in plan.files)


def _refusal_note(target: Path) -> Problem:
    """What a dry run says about a folder that ``new`` without --force would refuse."""
    message = (
        "already holds files: new would refuse it and write nothing; the list shows what "
        "new --force would do"
    )
    return Problem(str(target), message, severity="note")


def _plan(module: BuiltModule, target: Path, force: bool, mode: Mode, spec_path: Path) -> WritePlan:
    """The write plan for ``module`` at ``target``; comparing and dry runs read an existing tree
    as --force would, and write nothing.

    With --force (or when comparing), magegen's own superseded data patches and its InstallData
    that the spec no longer generates are planned for removal; an integration the tree declares
    that the spec neither keeps nor retires is an error.
    """
    spec = module.spec
    as_force = force or mode is not Mode.WRITE
    superseded: tuple[str, ...] = ()
    if as_force:  # only a run over an existing tree needs lifecycle's proofs
        from generator.pipeline.lifecycle import (
            dropped_integrations,
            superseded_install_data,
            superseded_patches,
        )

        superseded = superseded_patches(target, spec, module.templates)
        superseded += superseded_install_data(target, spec, module.templates)
        dropped = dropped_integrations(target, spec, str(spec_path), superseded)
        if dropped:
            raise SpecError(dropped)
    known = generated_paths(spec) | earlier_patches(target, spec)
    known = _without_hand_written_config(module, target, known, str(spec_path))
    return plan_write(target, module.files, as_force, known, mode.compares, superseded)


def _without_hand_written_config(
    module: BuiltModule, target: Path, known: frozenset[str], spec_path: str
) -> frozenset[str]:
    """``known`` without etc/config.xml when the target's is not magegen's own (then it is never
    stale); a spec that would replace such a file is refused."""
    if not target.exists():
        return known  # nothing there (nor below a link to nothing): a new tree
    from generator.pipeline.bearerfile import CONFIG_XML, hand_written_config, refuse_replacing

    if not hand_written_config(target):
        return known
    rendered = next((f.content for f in module.files if f.path == CONFIG_XML), b"")
    refuse_replacing(module.spec, target, spec_path, rendered)
    return known - {CONFIG_XML}


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
