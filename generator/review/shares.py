"""Work shared with forked children: each process claims the next block of items from one pipe.

A static split (this process the first half, a child the second) ends when its slower half
ends: a child that a busy core delays, or this process's own report after its half, leaves the
other core idle. Here every process (this one included) takes the next block of items from a
pipe of block numbers until it is empty, so whichever process is faster checks more. Reading a
few bytes from a pipe is atomic: no block is taken twice, and none is lost while a process
lives. A child sends what it checked back when the pipe is empty; should it fail (or die part-way,
holding blocks nobody else saw), every item missing from the results is checked here.
"""

from __future__ import annotations

import gc
import os
import signal
from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")

# Block numbers written to the pipe at once, before any process reads: 4 bytes each, so that
# they fit in the smallest pipe Linux gives (one 4 KiB page) and the write never blocks.
MAX_BLOCKS = 1024
_NUMBER = 4  # bytes of one block number


def shared(
    count: int,
    check: Callable[[int], Result],
    children: int,
    progress: Callable[[int], None] | None = None,
) -> list[Result]:
    """``[check(0), ..., check(count - 1)]``, computed here and in ``children`` forked processes.

    ``check`` must return what pickle can send back. ``progress(done)`` is told as this process
    checks items (and, at the end, with ``count``).
    """
    size = max(1, -(-count // MAX_BLOCKS))  # items per block
    blocks, feed = os.pipe()
    os.write(feed, b"".join(n.to_bytes(_NUMBER, "little") for n in range(-(-count // size))))
    os.close(feed)  # every process sees the end once the blocks are taken
    gc.freeze()  # the collector of a child then never touches (and copies) what exists now
    forked: list[tuple[int, int]] = []
    try:
        for _ in range(children):
            try:
                forked.append(_fork(blocks, check, size, count))
            except OSError:  # no process left to fork: fewer children
                break
        gc.unfreeze()  # (in this process only: its garbage stays collectable)
        found = _claim(blocks, check, size, count, progress)
        os.close(blocks)
        blocks = -1
        while forked:
            found.update(_collect(*forked.pop(0)))
    finally:
        gc.unfreeze()
        if blocks != -1:
            os.close(blocks)
        for pid, results in forked:  # left early: stop the children, leave no zombie
            os.close(results)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    checked = [found[index] if index in found else check(index) for index in range(count)]
    if progress is not None:
        progress(count)
    return checked


def _claim(
    blocks: int,
    check: Callable[[int], Result],
    size: int,
    count: int,
    progress: Callable[[int], None] | None = None,
) -> dict[int, Result]:
    """Each item of every block this process takes from the pipe ``blocks``, checked."""
    found: dict[int, Result] = {}
    while True:
        taken = os.read(blocks, _NUMBER)
        if len(taken) < _NUMBER:  # empty (reads of a few bytes are never split)
            return found
        start = int.from_bytes(taken, "little") * size
        for index in range(start, min(start + size, count)):
            found[index] = check(index)
        if progress is not None:
            progress(len(found))


def _fork(blocks: int, check: Callable[[int], Result], size: int, count: int) -> tuple[int, int]:
    """A child that checks the blocks it takes and sends them back; (pid, its results' pipe)."""
    import pickle

    results, sending = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(results)
        os.close(sending)
        raise
    if pid == 0:  # the child: check, send, and leave without running the parent's exit code
        status = 1
        try:
            os.close(results)
            found = _claim(blocks, check, size, count)
            with open(sending, "wb") as pipe:
                pickle.dump(found, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(sending)
    return pid, results


def _collect(pid: int, results: int) -> dict:
    """What the child ``pid`` checked; nothing when it failed (its items are checked again)."""
    import pickle

    with open(results, "rb") as pipe:
        sent = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return {}
    try:
        found = pickle.loads(sent)
    except Exception:  # a child killed part-way leaves a cut pickle
        return {}
    return found if isinstance(found, dict) else {}
