"""The ``new`` pipeline: spec, render, check, then write, as one call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.checks import check_files
from generator.errors import CheckError, Problem, TargetError
from generator.model import ModuleSpec
from generator.render import GENERATED_PATHS, RenderedFile, render
from generator.spec import load_spec
from generator.write import apply_plan, plan_write


@dataclass(frozen=True)
class GenerateResult:
    """What ``generate`` wrote, and what it wants the user to know."""

    target: Path
    written: tuple[Path, ...]
    warnings: tuple[Problem, ...]


def default_target(vendor: str, module: str) -> Path:
    """Where Magento expects a module's code: app/code/<Vendor>/<Module>."""
    return Path("app", "code", vendor, module)


@dataclass(frozen=True)
class BuiltModule:
    """A module rendered and checked in memory, ready to be written."""

    spec: ModuleSpec
    files: tuple[RenderedFile, ...]
    warnings: tuple[Problem, ...]


def build(name: str, spec_path: Path) -> BuiltModule:
    """Read, render and check the module ``name`` described by the spec at ``spec_path``.

    Raises SpecError or UsageError for bad input and CheckError when a rendered file fails a check.
    """
    loaded = load_spec(spec_path, name)
    files = render(loaded.spec)
    problems = check_files(files, loaded.spec.namespace)
    if problems:
        raise CheckError(problems)
    return BuiltModule(loaded.spec, files, loaded.warnings)


def generate(name: str, spec_path: Path, output: Path | None, force: bool) -> GenerateResult:
    """Write the module ``name`` described by ``spec_path`` to ``output``, all or nothing."""
    built = build(name, spec_path)
    target = output if output is not None else default_target(built.spec.vendor, built.spec.module)
    plan = plan_write(target, built.files, force)
    stale = [] if plan.new_tree else _stale_files(target, built.files)
    try:
        written = apply_plan(plan)
    except OSError as exc:
        problem = Problem(str(exc.filename or target), f"cannot write: {exc.strerror}")
        raise TargetError([problem]) from None
    return GenerateResult(target, tuple(written), built.warnings + tuple(stale))


def _stale_files(target: Path, files: tuple[RenderedFile, ...]) -> list[Problem]:
    """Files an earlier run generated that this spec no longer produces."""
    current = {f.path for f in files}
    return [
        Problem(
            str(target / path),
            "magegen generated this file before, but this spec no longer does; "
            "delete it if it is not yours",
            severity="warning",
        )
        for path in GENERATED_PATHS
        if path not in current and (target / path).is_file()
    ]
