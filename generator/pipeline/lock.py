"""One ``magegen new`` at a time per target folder.

Two runs writing the same module must not interleave (A's module.xml with B's api.xml). Each
run that writes holds an exclusive ``flock`` on the nearest existing folder of each target (the
target itself once it exists, else the closest parent that does) from before it looks at the
target until its last rename. A run that locked a parent re-checks after locking that the
parent is still the nearest existing folder (another run may have created the target
meanwhile) and locks again if not. A run that cannot lock within ``WAIT_SECONDS`` fails with a
clear message and writes nothing. The lock is on the folders themselves: no lock file is left
behind, and nothing is created to take it. Without ``fcntl`` (Windows) there is no lock.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Sequence
from os import open as open_folder  # bound once: the lock is not part of the writes
from pathlib import Path

from generator.errors import Problem, TargetError

WAIT_SECONDS = 60.0
POLL_SECONDS = 0.05


def nearest_folder(target: Path) -> Path:
    """``target`` if it is a folder, else its closest existing parent folder."""
    folder = target.absolute()
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder


@contextlib.contextmanager
def locked(targets: Sequence[Path], wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the lock of every folder of ``targets`` for the block; TargetError after ``wait``."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    deadline = time.monotonic() + wait
    while True:
        held = _lock_all(fcntl, targets, deadline)
        if all(nearest_folder(target) in held for target in targets):
            break
        _release(fcntl, held)  # a target appeared meanwhile: lock it instead
    try:
        yield
    finally:
        _release(fcntl, held)


def _lock_all(fcntl: object, targets: Sequence[Path], deadline: float) -> dict[Path, int]:
    """Lock the nearest folder of each target, in a fixed order; the open folders by path."""
    folders = sorted({nearest_folder(target) for target in targets})
    held: dict[Path, int] = {}
    seen: set[tuple[int, int]] = set()
    try:
        for folder in folders:
            try:
                fd = open_folder(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            except OSError as exc:
                message = f"cannot open it to lock it for writing: {exc.strerror or exc}"
                raise TargetError([Problem(str(folder), message)]) from None
            info = os.fstat(fd)
            if (info.st_dev, info.st_ino) in seen:  # one folder by two paths: locked already
                os.close(fd)
                held[folder] = -1
                continue
            held[folder] = fd
            seen.add((info.st_dev, info.st_ino))
            _wait_for(fcntl, fd, folder, deadline)
    except BaseException:
        _release(fcntl, held)
        raise
    return held


def _wait_for(fcntl: object, fd: int, folder: Path, deadline: float) -> None:
    """Take the exclusive lock of the open ``folder``, polling until ``deadline``."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # type: ignore[attr-defined]
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                message = (
                    "another magegen run is writing here and did not finish in time; "
                    "nothing was written: run again when it is done"
                )
                raise TargetError([Problem(str(folder), message)]) from None
            time.sleep(POLL_SECONDS)


def _release(fcntl: object, held: dict[Path, int]) -> None:
    for fd in held.values():
        if fd >= 0:
            os.close(fd)  # closing the last descriptor releases the flock
