"""Timing primitives for the benchmark: timed processes, peak RSS, interleaved rounds.

Machines that run the benchmark are shared and noisy, so comparisons are made in rounds: each
round runs every variant once, back to back, and the order reverses every other round (A B, B A,
A B, ...), so that drift and position effects hit every variant alike. Ratios are taken within a
round and summarised by their median.
"""

from __future__ import annotations

import functools
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

KIB_PER_MIB = 1024
MS_PER_S = 1000.0


@dataclass(frozen=True)
class Run:
    """One timed run, in wall seconds."""

    seconds: float


@dataclass(frozen=True)
class ProcessRun(Run):
    """A timed process, with what it printed."""

    returncode: int = 0
    stdout: bytes = b""
    stderr: bytes = b""


class ProcessFailed(RuntimeError):
    """A measured process exited with a status it should not have."""


def _check(
    argv: Sequence[str | Path], returncode: int, output: bytes, expect: Sequence[int]
) -> None:
    if returncode not in expect:
        shown = " ".join(str(a) for a in argv)
        detail = output.decode(errors="replace")[-2000:]
        raise ProcessFailed(f"{shown}: exit {returncode}\n{detail}")


def run_process(
    argv: Sequence[str | Path],
    cwd: Path | None = None,
    expect: Sequence[int] = (0,),
    env: Mapping[str, str] | None = None,
) -> ProcessRun:
    """Run ``argv`` to completion and time it, from just before the spawn to the reaping.

    Output goes to temporary files rather than pipes, so a chatty process never blocks on a full
    pipe and reading it costs nothing inside the timed span.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        returncode = subprocess.call(
            [str(a) for a in argv],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=None if env is None else dict(env),
        )
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        result = ProcessRun(seconds, returncode, out.read(), err.read())
    _check(argv, returncode, result.stderr or result.stdout, expect)
    return result


# Peak RSS needs care: Linux folds the RSS high-water mark of the process that forked into the
# child's ru_maxrss at exec, so a child of this (large) benchmark process reports at least the
# benchmark's own RSS. The measured command is therefore started by a small process: GNU time,
# or failing that a bare Python that only spawns and waits (whose ~10 MiB become a lower bound).
_RSS_HELPER = """
import os, sys
null = os.open(os.devnull, os.O_WRONLY)
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ,
                      file_actions=[(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


@functools.cache
def gnu_time() -> str | None:
    """The path of GNU time, if installed (``-f %M`` prints the child's peak RSS in KiB)."""
    found = shutil.which("time")
    if found is None:
        return None
    probe = subprocess.run([found, "-f", "%M", "true"], capture_output=True, text=True, check=False)
    return found if probe.returncode == 0 and probe.stderr.strip().isdigit() else None


def peak_rss_kib(argv: Sequence[str | Path], expect: Sequence[int] = (0,)) -> int:
    """The peak RSS of ``argv``'s process (and the processes it waited for), in KiB."""
    command = [str(a) for a in argv]
    timer = gnu_time()
    if timer is not None:
        with tempfile.NamedTemporaryFile("r") as report:
            done = subprocess.run(
                [timer, "-f", "%M", "-o", report.name, *command],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                check=False,
            )
            _check(argv, done.returncode, done.stderr, expect)
            return int(report.read().split()[-1])
    done = subprocess.run(
        [sys.executable, "-c", _RSS_HELPER, *command], capture_output=True, text=True, check=False
    )
    returncode, kib = map(int, done.stdout.split())
    _check(argv, returncode, done.stderr.encode(), expect)
    return kib


def time_call(call: Callable[[], object]) -> Run:
    """Time one in-process call."""
    start = time.perf_counter()
    call()
    return Run(time.perf_counter() - start)


@dataclass
class Series:
    """Every run of one variant."""

    runs: list[Run] = field(default_factory=list)

    @property
    def seconds(self) -> list[float]:
        """Wall times, in run order."""
        return [r.seconds for r in self.runs]


@dataclass(frozen=True)
class Summary:
    """Median, minimum and maximum of some values."""

    median: float
    low: float
    high: float
    count: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        """Summarise ``values`` (at least one)."""
        return cls(statistics.median(values), min(values), max(values), len(values))

    def scaled(self, factor: float) -> Summary:
        """The same summary with every value multiplied by ``factor``."""
        return Summary(self.median * factor, self.low * factor, self.high * factor, self.count)

    def as_dict(self) -> dict[str, float]:
        """For the JSON dump."""
        return {"median": self.median, "min": self.low, "max": self.high, "n": self.count}


def interleave(
    variants: Mapping[str, Callable[[], Run]], rounds: int, warmup: int = 1
) -> dict[str, Series]:
    """Run every variant once per round, reversing the order every other round.

    ``warmup`` untimed rounds come first (page cache, .pyc files, compiled templates).
    """
    names = list(variants)
    for _ in range(warmup):
        for name in names:
            variants[name]()
    series = {name: Series() for name in names}
    for number in range(rounds):
        order = names if number % 2 == 0 else names[::-1]
        for name in order:
            series[name].runs.append(variants[name]())
    return series


def ratios(numerators: Sequence[float], denominators: Sequence[float]) -> list[float]:
    """Element-wise ``numerators / denominators`` (values of the same rounds)."""
    return [n / d for n, d in zip(numerators, denominators, strict=True)]


def differences(minuends: Sequence[float], subtrahends: Sequence[float]) -> list[float]:
    """Element-wise ``minuends - subtrahends`` (values of the same rounds)."""
    return [m - s for m, s in zip(minuends, subtrahends, strict=True)]


def paired_ratios(numerator: Series, denominator: Series) -> list[float]:
    """Per-round ratios ``numerator / denominator`` of wall time."""
    return ratios(numerator.seconds, denominator.seconds)
