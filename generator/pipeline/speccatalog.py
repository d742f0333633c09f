"""The store a spec is checked against when the command line names none: its ``catalog:`` key.

Precedence: ``--magento-root`` or ``--catalog`` on the command line, then ``$MAGENTO_ROOT`` or
``$MAGEGEN_CATALOG``, then the spec's ``catalog:`` (a catalog file relative to the spec's
folder), then magegen's bundled core.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.errors import Problem, SpecError, UsageError, shown
from generator.magento.catalogs import CatalogFile, Catalogs, catalogs
from generator.spec.reader import spec_catalog


def catalogs_for_spec(spec_path: Path, known: Catalogs, store_given: bool) -> Catalogs:
    """``known`` when a store was given (``store_given``) or the spec names no catalog file;
    else the catalogs of the file its ``catalog:`` key names.

    The key is confined like ``templates:``: a relative path inside the spec's folder (for a spec
    read from a pipe, ``<(git show main:spec.yaml)``, the current folder). A missing, broken,
    hostile or outside file is a SpecError (exit 2) at the key, naming the file.
    """
    if store_given:
        return known
    named = spec_catalog(spec_path)
    if named is None:
        return known
    value, (line, column) = named
    home, piped = spec_home(spec_path)
    file = home / value

    def refuse(reason: str) -> SpecError:
        where = (
            f" (the spec came from a pipe, so catalog: is read from the current folder "
            f"{shown(str(home))}: run magegen where the file is, or pass --catalog FILE)"
        )
        message = f"catalog file {shown(str(file), 400)}: {reason}{where if piped else ''}"
        return SpecError([Problem(str(spec_path), message, line, column, field="catalog")])

    outside = confinement_problem(value, home)
    if outside is not None:
        raise refuse(outside)
    try:
        return catalogs(CatalogFile(file))
    except UsageError as exc:
        raise refuse("; ".join(problem.message for problem in exc.problems)) from None


def spec_home(spec_path: Path) -> tuple[Path, bool]:
    """The folder a spec's relative paths are read from, and whether the spec came from a pipe
    (a process substitution such as ``<(git show main:spec.yaml)``), whose folder (/dev/fd)
    holds nothing of the project: then the current folder."""
    try:
        piped = not stat.S_ISREG(os.stat(spec_path).st_mode)
    except OSError:
        piped = False
    return (Path.cwd(), True) if piped else (spec_path.parent, False)


def confinement_problem(value: str, home: Path) -> str | None:
    """Why the relative path ``value`` may not be read from ``home``, or None: an absolute
    path, a ``..``, or a link that leads out of ``home`` (specs arrive in pull requests)."""
    written = Path(value)
    if written.is_absolute() or ".." in written.parts:
        return (
            "must be a path inside the spec's folder, without '..' (give any other file with "
            "--catalog FILE)"
        )
    try:
        inside = (home / written).resolve().is_relative_to(home.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        return "leads out of the spec's folder through a link; magegen does not follow it"
    return None
