"""Custom templates rendered in a child process, with hard limits the sandbox cannot give.

The sandbox and the bounds of ``templatebox`` stop a template between two steps, but one step can
be a single call in C that builds gigabytes (``"x"|center(4000000000)``, ``"%2000000000d" % 1``,
``big|replace("x", "y" * 100000)``): no check runs until it returns. So custom templates render
in a forked child (the built-in templates stay in-process):

- its address space may grow by ``Budget.memory`` bytes at most (``RLIMIT_AS``, set relative to
  what the child inherits), so such a call ends in MemoryError in the child, never in the run;
- the parent kills it (SIGKILL) once ``Budget.seconds`` plus a grace have passed, which a call in
  C cannot delay;
- the parent reads at most ``result_bound`` bytes of what the child sends back.

Every failure becomes one TemplateError naming the template that was rendering. Without
``os.fork`` (Windows), rendering stays in-process under the bounds of ``templatebox`` alone.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import struct
import time
from collections.abc import Callable
from typing import NamedTuple

from generator.errors import Problem
from generator.sandbox.box import Budget

GRACE_SECONDS = 1.0  # past the budget, for the child's own timer to report a located error
FRAME = struct.Struct(">cQ")  # kind, payload length
STARTED, FILE, PROBLEM, FAILED, DONE = b"S", b"F", b"P", b"X", b"D"
OUT_OF_MEMORY = 3  # the child's exit status when its memory ran out outside a template


class Rendered(NamedTuple):
    """What rendering custom templates gave: files (path, bytes) and problems."""

    files: list[tuple[str, bytes]]
    problems: list[Problem]


# The work done in the child: it calls ``started(template_name)`` before each template.
Work = Callable[[Callable[[str], None]], Rendered]


class ChildFailed(Exception):
    """magegen's own code failed in the child; carries the child's traceback as text."""


def render_isolated(work: Work, budget: Budget, where: Callable[[str], str]) -> Rendered:
    """``work()`` run in a forked child under ``budget``; in-process where there is no fork.

    ``where(template_name)`` is how a problem names the template that was rendering when the
    child had to be stopped (``""`` before any started).
    """
    if not hasattr(os, "fork"):
        return work(lambda name: None)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(work, budget, write_end)
    os.close(write_end)
    try:
        return _collect(pid, read_end, budget, where)
    except BaseException:  # Ctrl-C, say: no child outlives the run
        _stop(pid)
        raise
    finally:
        os.close(read_end)


def _stop(pid: int) -> None:
    """Kill the child ``pid`` if it still runs, and reap it."""
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def result_bound(budget: Budget) -> int:
    """Bytes the parent reads back at most: every file at the output bound, UTF-8 at worst."""
    return 8 * 4 * budget.output + (1 << 20)


def _child(work: Work, budget: Budget, out: int) -> None:
    """Render under the memory limit, send frames to ``out``, and exit; never returns."""
    code = 0
    try:
        _limit_memory(budget.memory)
        result = work(lambda name: _send(out, STARTED, name.encode("utf-8")))
        for path, content in result.files:
            _send(out, FILE, path.encode("utf-8"), b"\0", content)
        for problem in result.problems:
            _send(out, PROBLEM, json.dumps((*problem[:4], problem.severity)).encode("ascii"))
        _send(out, DONE, b"")
    except MemoryError:  # past the limit outside a template: nothing can be sent any more
        code = OUT_OF_MEMORY
    except BaseException:  # everything must reach the parent, then _exit
        code = 70
        try:
            import traceback

            _send(out, FAILED, traceback.format_exc().encode("utf-8", "replace"))
        except BaseException:  # the parent reports the bare exit status
            pass
    finally:
        os._exit(code)


def _limit_memory(extra: int) -> None:
    """Let the address space grow by ``extra`` bytes past what the child has now."""
    now = _address_space()
    if now is None:
        return  # no /proc: only the time limit and the bounds of templatebox apply
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = now + extra
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or wanted < soft:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _address_space() -> int | None:
    """This process's address space in bytes (Linux's /proc/self/statm), or None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * resource.getpagesize()


def _send(out: int, kind: bytes, *parts: bytes) -> None:
    """One frame: its kind, its length, then ``parts`` (never joined: a copy may not fit)."""
    _write(out, FRAME.pack(kind, sum(len(part) for part in parts)))
    for part in parts:
        _write(out, part)


def _write(out: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(out, view) :]


def _problem(payload: bytes) -> Problem:
    file, message, line, column, severity = json.loads(payload)
    return Problem(file, message, line, column, severity=severity)


def _collect(pid: int, pipe: int, budget: Budget, where: Callable[[str], str]) -> Rendered:
    """Read the child's frames until it is done, stopping it at the deadline or the bound."""
    deadline = time.monotonic() + budget.seconds + GRACE_SECONDS
    data = bytearray()
    stopped = None
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([pipe], [], [], left)[0]:
            stopped = f"runs longer than {budget.seconds:g} s"
            break
        chunk = os.read(pipe, 1 << 20)
        if not chunk:
            break
        data += chunk
        if len(data) > result_bound(budget):
            stopped = f"prints more than {result_bound(budget)} bytes in all"
            break
    if stopped is not None:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)  # reaped: a later _stop finds no such process
    return _outcome(bytes(data), status, stopped, budget, where)


def _outcome(
    data: bytes, status: int, stopped: str | None, budget: Budget, where: Callable[[str], str]
) -> Rendered:
    """The child's frames read back; a stopped or failed child as one problem."""
    files: list[tuple[str, bytes]] = []
    problems: list[Problem] = []
    started = ""
    done = False
    offset = 0
    while offset + FRAME.size <= len(data):
        kind, size = FRAME.unpack_from(data, offset)
        payload = data[offset + FRAME.size : offset + FRAME.size + size]
        offset += FRAME.size + size
        if kind == STARTED:
            started = payload.decode("utf-8")
        elif kind == FILE:
            path, _, content = payload.partition(b"\0")
            files.append((path.decode("utf-8"), content))
        elif kind == PROBLEM:
            problems.append(_problem(payload))
        elif kind == FAILED:
            raise ChildFailed(payload.decode("utf-8", "replace"))
        elif kind == DONE:
            done = True
    if done and stopped is None:
        return Rendered(files, problems)
    if stopped is None:
        stopped = _ending(status, budget)
    message = f"template error: {stopped} (the bound for this spec; see README, Templates)"
    return Rendered([], [Problem(where(started), message)])


def _ending(status: int, budget: Budget) -> str:
    """Why a child that sent no result ended, as a message."""
    memory = f"{budget.memory >> 20} MiB"
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == OUT_OF_MEMORY:
        return f"needs more than {memory} of memory"
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return f"was stopped by signal {number} ({_signal_name(number)})"
    code = os.WEXITSTATUS(status)
    return f"ended without a result (exit status {code}); it may need more than {memory} of memory"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown"
