"""The ``new`` pipeline: spec, render, check, then write, as one call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.acl import AclCatalog, ModuleCatalog, bundled_acl, bundled_modules
from generator.checks import check_files

if TYPE_CHECKING:
    from generator.magento_root import Installation
from generator.drift import FileDrift, Mode, find_drift
from generator.errors import CheckError, Problem, SpecError, TargetError
from generator.model import ModuleSpec
from generator.render import RenderedFile, generated_paths, render
from generator.spec import load_spec
from generator.write import Action, WritePlan, apply_plan, plan_write

INSTALL_DATA = "Setup/InstallData.php"
INTEGRATION_FILES = frozenset({"etc/integration/config.xml", "etc/integration/api.xml"})


@dataclass(frozen=True)
class BuiltModule:
    """A module rendered and checked in memory, ready to be written."""

    spec: ModuleSpec
    files: tuple[RenderedFile, ...]
    warnings: tuple[Problem, ...]


@dataclass(frozen=True)
class GenerateResult:
    """What ``generate`` decided, what it wrote, and what the user should know."""

    plan: WritePlan
    written: tuple[Path, ...]
    warnings: tuple[Problem, ...]
    drift: tuple[FileDrift, ...] = ()  # filled by the comparing modes


def default_target(vendor: str, module: str) -> Path:
    """Where Magento expects a module's code: app/code/<Vendor>/<Module>."""
    return Path("app", "code", vendor, module)


@dataclass(frozen=True)
class Catalogs:
    """The ACL tree and module packages a spec is checked against, and what reading them found."""

    acl: AclCatalog
    modules: ModuleCatalog
    problems: tuple[Problem, ...] = ()
    installation: Installation | None = None


def catalogs(magento_root: Path | None = None) -> Catalogs:
    """Magento's core catalogs, merged with an installation's when ``magento_root`` is given."""
    if magento_root is None:
        return Catalogs(bundled_acl(), bundled_modules())
    from generator.magento_root import load_installation

    found = load_installation(magento_root, bundled_acl(), bundled_modules())
    return Catalogs(found.acl, found.modules, found.problems, found)


def build(name: str, spec_path: Path, magento_root: Path | None = None) -> BuiltModule:
    """Read, render and check the module ``name`` described by the spec at ``spec_path``.

    Raises SpecError or UsageError for bad input and CheckError when a rendered file fails a check.
    """
    known = catalogs(magento_root)
    try:
        loaded = load_spec(spec_path, name, known.acl, known.modules, magento_root is not None)
    except SpecError as exc:
        # What was skipped in the installation may be why a resource is unknown: say both.
        raise SpecError(known.problems + exc.problems) from None
    files = render(loaded.spec)
    problems = check_files(files, loaded.spec.namespace)
    if problems:
        raise CheckError(problems)
    return BuiltModule(loaded.spec, files, known.problems + loaded.warnings)


def generate(
    name: str,
    spec_path: Path,
    output: Path | None,
    force: bool,
    mode: Mode = Mode.WRITE,
    magento_root: Path | None = None,
) -> GenerateResult:
    """Write the module ``name`` described by ``spec_path`` to ``output``, all or nothing.

    Only ``Mode.WRITE`` writes; the other modes decide and check everything, and the comparing
    ones (check, diff) also list how the tree on disk drifted from the rendered files.
    """
    built = build(name, spec_path, magento_root)
    target = output if output is not None else default_target(built.spec.vendor, built.spec.module)
    # Comparing reads an existing tree as --force would, and writes nothing.
    plan = plan_write(target, built.files, force or mode.compares, generated_paths(built.spec))
    warnings = built.warnings + tuple(plan_warnings(plan, built.spec))
    if mode.compares:
        return GenerateResult(plan, (), warnings, find_drift(plan))
    written: list[Path] = []
    if mode is Mode.WRITE:
        try:
            written = apply_plan(plan)
        except OSError as exc:
            where = str(exc.filename or target)
            raise TargetError([Problem(where, f"cannot write: {exc.strerror or exc}")]) from None
    return GenerateResult(plan, tuple(written), warnings)


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
                "it is kept: delete it if it is not yours",
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
