"""Put rendered files on disk without ever losing work.

Everything is decided first (``plan_write``), then carried out all or nothing (``apply_plan``):

- A new module is built in a hidden sibling folder and renamed into place in one step.
- In an existing folder (empty, or a module with ``--force``), every new file is first written
  to a temporary file beside its target; only when all are written are they renamed over the
  old ones, each old file kept as a hard-linked backup until the last rename succeeds. Any
  failure restores every file it had replaced and removes every temporary file and folder it
  made. An existing folder itself is never replaced.
- Files whose bytes are unchanged are not touched, and files magegen does not generate are never
  touched.
"""

from __future__ import annotations

import contextlib
import enum
import os
import shutil
from collections.abc import Collection, Sequence
from itertools import dropwhile
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from generator.errors import Problem, TargetError
from generator.pipeline.render import RenderedFile


class Action(enum.Enum):
    """What a write does, or would do, to one file."""

    CREATE = "create"
    CHANGE = "change"
    UNCHANGED = "unchanged"
    KEEP = "keep"  # a file magegen does not generate: never touched
    STALE = "stale"  # a file magegen generated before that this spec no longer produces: kept
    BLOCKED = "blocked"  # a link or folder where a generated file goes (comparing only)
    REMOVE = "remove"  # magegen's own superseded sync patch, proven by its bytes: removed


class PlannedFile(NamedTuple):
    """One file of the target folder and what writing does to it."""

    path: str
    action: Action
    content: bytes | None = None
    reason: str | None = None  # why a BLOCKED file cannot be compared


class WritePlan(NamedTuple):
    """Everything a write will do, decided before anything is touched."""

    target: Path
    files: tuple[PlannedFile, ...]
    new_tree: bool

    @property
    def changed(self) -> tuple[PlannedFile, ...]:
        """The files that will be created or overwritten."""
        return tuple(f for f in self.files if f.action in (Action.CREATE, Action.CHANGE))

    def having(self, action: Action) -> tuple[PlannedFile, ...]:
        """The files with ``action``."""
        return tuple(f for f in self.files if f.action is action)


MAX_EXISTING = 10_000  # files of a target folder looked at; a module holds far fewer
MAX_LISTED = 20  # existing files named when a folder is refused


def existing_files(target: Path, limit: int = MAX_EXISTING) -> list[str]:
    """Every file (or link) under ``target``, as sorted POSIX paths relative to it.

    The walk stops once more than ``limit`` are found (then ``limit`` + 1 are returned, from
    wherever the walk had got to), so a huge folder costs no more than a module would. Links to
    folders are listed, never followed.
    """
    found: list[str] = []
    folders = [""]
    while folders and len(found) <= limit:
        relative = folders.pop()
        try:
            entries = os.scandir(target / relative)
        except OSError:
            continue
        with entries:
            for entry in entries:
                name = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.append(name)
                else:
                    found.append(name)
                if len(found) > limit:
                    break
    return sorted(found)[: limit + 1]


def _refuse_existing(target: Path, present: Sequence[str]) -> TargetError:
    """The error for a folder that holds files, naming at most MAX_LISTED of them."""
    where = str(target)
    problems = [Problem(where, "already holds files; use --force to rewrite magegen's files")]
    problems += [Problem(str(target / name), "exists") for name in present[:MAX_LISTED]]
    rest = len(present) - MAX_LISTED
    if rest > 0:
        count = f"more than {MAX_EXISTING - MAX_LISTED}" if len(present) > MAX_EXISTING else rest
        problems.append(Problem(where, f"holds {count} more files", severity="note"))
    return TargetError(problems)


def plan_write(
    target: Path,
    files: Sequence[RenderedFile],
    force: bool,
    generated_paths: Collection[str] = (),
    compare: bool = False,
    superseded: Collection[str] = (),
) -> WritePlan:
    """Decide what writing ``files`` under ``target`` does; raise TargetError if it may not.

    ``generated_paths`` are all the paths magegen can generate: those on disk that ``files`` does
    not include are reported as stale rather than kept silently. With ``compare`` (only reading
    follows), a link or folder where a generated file goes is planned as BLOCKED, not refused.
    ``superseded`` are magegen's own superseded patches (generator.pipeline.lifecycle proves them
    so): they are removed.
    """
    for file in files:
        _check_relative(file.path)
    where = str(target)
    parts = target.parts
    leading = len(parts) - len(tuple(dropwhile(lambda part: part == "..", parts)))
    if ".." in parts[leading:]:
        raise TargetError(
            [Problem(where, "goes through '..' after a folder name; give the folder plainly")]
        )
    if target.is_symlink() and not target.exists():
        raise TargetError([Problem(where, "is a symbolic link to nothing")])
    if target.exists() and not target.is_dir():
        raise TargetError([Problem(where, "exists and is not a folder")])
    if not target.exists():
        planned = tuple(PlannedFile(f.path, Action.CREATE, f.content) for f in files)
        return WritePlan(target, planned, new_tree=True)
    # An existing folder is filled in place, never replaced: its mode, owner and any shell
    # standing in it stay as they are.
    present = existing_files(target)
    if present and not force:
        raise _refuse_existing(target, present)
    if len(present) > MAX_EXISTING:
        message = (
            f"holds more than {MAX_EXISTING} files, far more than a module; check -o "
            "(nothing was read or written)"
        )
        raise TargetError([Problem(where, message)])
    planned_files = [_plan_or_block(target, f, compare) for f in files]
    ours = {f.path for f in files}
    for name in present:
        if name in superseded and name not in ours:
            planned_files.append(PlannedFile(name, Action.REMOVE))
        elif name not in ours:
            action = Action.STALE if name in generated_paths else Action.KEEP
            planned_files.append(PlannedFile(name, action))
    return WritePlan(target, tuple(planned_files), new_tree=False)


def _check_relative(path: str) -> None:
    """A generated path stays inside the module: relative, no '..', no empty parts."""
    if any(part in ("..", ".", "") for part in path.split("/")) or "\\" in path:
        raise TargetError([Problem(path, "refusing a path that could leave the module folder")])


def _plan_or_block(target: Path, file: RenderedFile, compare: bool) -> PlannedFile:
    """``_plan_file``; when only comparing, a file that cannot be written is BLOCKED."""
    try:
        return _plan_file(target, file)
    except TargetError as exc:
        if not compare:
            raise
        (problem,) = exc.problems
        under = (
            "" if problem.file == str(target / file.path) else f"lies under {problem.file}, which "
        )
        return PlannedFile(file.path, Action.BLOCKED, file.content, under + problem.message)


def _plan_file(target: Path, file: RenderedFile) -> PlannedFile:
    path = target / file.path
    for parent in reversed(PurePosixPath(file.path).parents[:-1]):
        folder = target / parent
        if folder.is_symlink():
            raise TargetError(
                [Problem(str(folder), "is a symbolic link; refusing to write through it")]
            )
        if folder.exists() and not folder.is_dir():
            raise TargetError([Problem(str(folder), "is in the way: magegen needs a folder here")])
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise TargetError([Problem(str(path), "is not a regular file; not replacing it")])
    if not path.exists():
        return PlannedFile(file.path, Action.CREATE, file.content)
    if path.read_bytes() == file.content:
        return PlannedFile(file.path, Action.UNCHANGED)
    return PlannedFile(file.path, Action.CHANGE, file.content)


def apply_plan(plan: WritePlan) -> list[Path]:
    """Carry out ``plan`` all or nothing; return the paths written, in plan order.

    Raises OSError when the file system refuses, after restoring what was there before.
    """
    changed = plan.changed
    removed = plan.having(Action.REMOVE)
    if plan.new_tree:
        _write_new_tree(plan.target, changed)
    elif changed or removed:
        _replace_files(plan.target, changed, removed)
    return [plan.target / p.path for p in changed]


def _temporary_name(path: Path, purpose: str) -> Path:
    # os.urandom, as secrets.token_hex does, without importing secrets (hmac and OpenSSL)
    return path.parent / f".{path.name}.magegen-{purpose}-{os.urandom(4).hex()}"


def _make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; return those created, outermost first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        created.mkdir()
    return list(reversed(missing))


def _remove_folders(created: list[Path]) -> None:
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _write_new_tree(target: Path, files: Sequence[PlannedFile]) -> None:
    created = _make_folders(target.parent)
    staging = _temporary_name(target, "new")
    try:
        staging.mkdir()
        for file in files:
            path = staging / file.path
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_new_file(path, file.content or b"")
        # rename() replaces an empty folder atomically; a folder filled meanwhile makes it fail.
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_folders(created)
        raise


def _write_new_file(path: Path, content: bytes) -> None:
    # O_EXCL never follows or reuses anything already there; the mode honours the umask.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def _replace_files(
    target: Path, files: Sequence[PlannedFile], removed: Sequence[PlannedFile] = ()
) -> None:
    created_folders: list[Path] = []
    staged: list[tuple[Path, Path]] = []  # (temporary file, final path)
    backups: dict[Path, Path] = {}  # final path -> hard link to its old content
    replaced: list[Path] = []
    try:
        for file in files:
            final = target / file.path
            created_folders += _make_folders(final.parent)
            temporary = _temporary_name(final, "new")
            staged.append((temporary, final))
            _write_new_file(temporary, file.content or b"")
            if final.exists():
                os.chmod(temporary, final.stat().st_mode & 0o7777)
        doomed = [(None, target / file.path) for file in removed]
        for _, final in [*staged, *doomed]:
            if final.exists():
                backup = _temporary_name(final, "old")
                try:
                    os.link(final, backup)
                except OSError:  # a file system without hard links
                    shutil.copy2(final, backup)
                backups[final] = backup
        for temporary, final in staged:
            os.replace(temporary, final)
            replaced.append(final)
        for _, final in doomed:
            final.unlink()
            replaced.append(final)  # restored from its backup on failure
    except BaseException:
        for final in reversed(replaced):
            if final in backups:
                os.replace(backups.pop(final), final)
            else:
                final.unlink(missing_ok=True)
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for backup in backups.values():
            backup.unlink(missing_ok=True)
        _remove_folders(created_folders)
        raise
    for backup in backups.values():
        backup.unlink(missing_ok=True)
