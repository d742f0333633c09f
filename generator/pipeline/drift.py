"""What ``magegen new`` does with a rendered module, and how a tree on disk drifted from it.

The comparing modes of generator.pipeline.mode (``--check``, ``--diff``) read the tree on disk
and write nothing: ``find_drift`` lists every generated file that is missing or differs, and
``unified_diff`` turns that into a patch that, applied with ``patch -p1`` or ``git apply`` in the
module folder, restores what the spec generates.

Files a person added to the module are not drift, and neither are files magegen generated
before that the spec no longer produces: the write plan reports those as stale, with a warning.
"""

from __future__ import annotations

import enum
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from generator.errors import Problem, shown
from generator.magento.files import INSTALL_DATA
from generator.pipeline.write import Action, WritePlan


class DriftKind(enum.Enum):
    """How a generated file on disk differs from what the spec generates."""

    MISSING = "is missing"
    DIFFERS = "differs from what the spec generates"
    BLOCKED = "is not a regular file where the spec generates one; it is not read"
    SUPERSEDED = "is magegen's own superseded data patch; magegen new --force removes it"
    SUPERSEDED_SCRIPT = (
        "is magegen's own InstallData, which the spec no longer generates; "
        "magegen new --force removes it"
    )


class FileDrift(NamedTuple):
    """One generated file whose bytes on disk are not what the spec generates."""

    path: str  # POSIX, relative to the module root
    kind: DriftKind
    expected: bytes
    actual: bytes | None = None  # None when the file is missing (or BLOCKED: never read)
    reason: str | None = None  # what is in the way, for BLOCKED: the whole message


def find_drift(plan: WritePlan) -> tuple[FileDrift, ...]:
    """Every generated file of ``plan`` that is missing or differs on disk, in plan order.

    ``plan`` must come from ``plan_write`` with ``force``, so that an existing tree is compared.
    """
    found = []
    for file in plan.files:
        if file.action is Action.BLOCKED:
            # A link is never followed: its target may lie outside the module.
            reason = blocked_reason(plan.target, file.path)
            found.append(FileDrift(file.path, DriftKind.BLOCKED, file.content or b"", None, reason))
            continue
        if file.action not in (Action.CREATE, Action.CHANGE):
            continue
        actual = None
        if file.action is Action.CHANGE:
            try:
                actual = (plan.target / file.path).read_bytes()
            except FileNotFoundError:  # removed since it was planned
                actual = None
        kind = DriftKind.MISSING if actual is None else DriftKind.DIFFERS
        found.append(FileDrift(file.path, kind, file.content or b"", actual))
    for file in plan.having(Action.REMOVE):
        actual = (plan.target / file.path).read_bytes()
        kind = DriftKind.SUPERSEDED_SCRIPT if file.path == INSTALL_DATA else DriftKind.SUPERSEDED
        found.append(FileDrift(file.path, kind, b"", actual))
    return tuple(found)


def blocked_reason(target: Path, path: str) -> str:
    """What stands where the spec generates the regular file ``path`` under ``target``, as a
    whole message (nothing there is read, and no link is followed)."""
    for parent in reversed(PurePosixPath(path).parents[:-1]):
        folder = target / parent
        if folder.is_symlink():
            return f"lies under {shown(str(folder))}, a symbolic link, which is never followed"
        if folder.exists() and not folder.is_dir():
            return f"lies under {shown(str(folder))}, which is not a folder"
    try:
        mode = (target / path).lstat().st_mode
    except OSError:
        return DriftKind.BLOCKED.value
    what = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return f"is {what} where the spec generates a regular file; it is not read"


_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def drift_problems(target: Path, drift: Iterable[FileDrift]) -> list[Problem]:
    """One error per drifted file, located at its path under ``target``."""
    return [Problem(str(target / item.path), item.reason or item.kind.value) for item in drift]


def blocked_problems(target: Path, drift: Iterable[FileDrift]) -> list[Problem]:
    """An error for each generated file that is not a regular file, which no diff can show.

    The tree does not match the spec, so ``--diff`` exits 1 for them, as ``--check`` does.
    """
    return drift_problems(target, [item for item in drift if item.kind is DriftKind.BLOCKED])


def unified_diff(drift: Sequence[FileDrift]) -> str:
    """A patch (``a/`` and ``b/`` paths, no timestamps, LF endings) from disk to the spec's files.

    A missing file is diffed from ``/dev/null``; a file that is not UTF-8 on either side gets a
    ``Binary files ... differ`` line instead of a diff. A BLOCKED file (a link, say) has no diff:
    no patch can replace it, and what it points to is never read.
    """
    return "".join(_file_diff(item) for item in drift if item.kind is not DriftKind.BLOCKED)


def _file_diff(item: FileDrift) -> str:
    old_name = "/dev/null" if item.actual is None else f"a/{item.path}"
    removed = item.kind in (DriftKind.SUPERSEDED, DriftKind.SUPERSEDED_SCRIPT)
    new_name = "/dev/null" if removed else f"b/{item.path}"
    try:
        old = "" if item.actual is None else item.actual.decode("utf-8")
        new = item.expected.decode("utf-8")
    except UnicodeDecodeError:
        return f"Binary files {old_name} and {new_name} differ\n"
    import difflib  # only --diff needs it

    lines = difflib.unified_diff(_lines(old), _lines(new), old_name, new_name, lineterm="\n")
    return "".join(_terminated(lines))


def _lines(text: str) -> list[str]:
    """``text`` split after each LF only (not after CR or other Unicode line breaks)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _terminated(lines: Iterable[str]) -> Iterator[str]:
    """Diff lines, with the marker patch tools expect after a last line that has no LF."""
    for line in lines:
        if line.endswith("\n"):
            yield line
        else:
            yield line + "\n\\ No newline at end of file\n"
