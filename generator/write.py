"""Put rendered files on disk without ever losing work.

A new module is built in a hidden sibling folder and renamed into place in one step, so a failure
leaves nothing behind. Over an existing module (``--force``), each file is written to a temporary
file beside it and renamed over the old one; files whose bytes are unchanged are not touched, and
files magegen does not generate are never touched.
"""

from __future__ import annotations

import enum
import os
import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.errors import Problem, TargetError
from generator.render import RenderedFile


class Action(enum.Enum):
    """What writing does to one file."""

    CREATE = "create"
    OVERWRITE = "overwrite"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class PlannedFile:
    """One rendered file and what writing it will do."""

    file: RenderedFile
    action: Action


@dataclass(frozen=True)
class WritePlan:
    """Everything a write will do, decided before anything is touched."""

    target: Path
    files: tuple[PlannedFile, ...]
    new_tree: bool

    @property
    def changed(self) -> tuple[PlannedFile, ...]:
        """The files that will be created or overwritten."""
        return tuple(f for f in self.files if f.action is not Action.UNCHANGED)


def existing_files(target: Path) -> list[str]:
    """Every file (or link) under ``target``, as sorted POSIX paths relative to it."""
    found = []
    for root, dirs, names in os.walk(target):
        dirs.sort()
        for name in names + [d for d in dirs if (Path(root) / d).is_symlink()]:
            found.append((Path(root) / name).relative_to(target).as_posix())
    return sorted(found)


def plan_write(target: Path, files: Sequence[RenderedFile], force: bool) -> WritePlan:
    """Decide what writing ``files`` under ``target`` does; raise TargetError if it may not."""
    where = str(target)
    if target.exists() and not target.is_dir():
        raise TargetError([Problem(where, "exists and is not a folder")])
    present = existing_files(target) if target.is_dir() else []
    if not present:
        planned = tuple(PlannedFile(f, Action.CREATE) for f in files)
        return WritePlan(target, planned, new_tree=True)
    if not force:
        problems = [Problem(where, "already holds files; use --force to rewrite magegen's files")]
        problems += [Problem(str(target / name), "exists") for name in present]
        raise TargetError(problems)
    return WritePlan(target, tuple(_plan_file(target, f) for f in files), new_tree=False)


def _plan_file(target: Path, file: RenderedFile) -> PlannedFile:
    path = target / file.path
    for parent in reversed(Path(file.path).parents[:-1]):
        folder = target / parent
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise TargetError([Problem(str(folder), "is in the way: magegen needs a folder here")])
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise TargetError([Problem(str(path), "is not a regular file; not replacing it")])
    if not path.exists():
        return PlannedFile(file, Action.CREATE)
    if path.read_bytes() == file.content:
        return PlannedFile(file, Action.UNCHANGED)
    return PlannedFile(file, Action.OVERWRITE)


def apply_plan(plan: WritePlan) -> list[Path]:
    """Carry out ``plan``; return the paths written, in plan order."""
    if plan.new_tree:
        _write_new_tree(plan.target, [p.file for p in plan.files])
    else:
        for planned in plan.changed:
            _replace_file(plan.target / planned.file.path, planned.file.content)
    return [plan.target / p.file.path for p in plan.changed]


def _write_new_tree(target: Path, files: Sequence[RenderedFile]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.magegen-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        for file in files:
            path = staging / file.path
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_new_file(path, file.content)
        # rename() replaces an empty folder atomically; a folder someone filled meanwhile fails.
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_new_file(path: Path, content: bytes) -> None:
    # O_EXCL never follows or reuses anything already there; the mode honours the umask.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def _replace_file(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.magegen-{secrets.token_hex(4)}"
    try:
        _write_new_file(temporary, content)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
