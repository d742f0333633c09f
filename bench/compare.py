"""Before and after in one run: issue 24's two ratios for a baseline checkout and this one.

    git worktree add /tmp/magegen-main main      # or: git archive main | tar -x -C DIR
    python bench/compare.py /tmp/magegen-main    # --rounds 20 on a noisy machine

Each round runs, in alternating order: the import floor, ``magegen new`` on the example spec
with the baseline's code and with this checkout's (the console script, with PYTHONPATH naming
the checkout), then bench/floor_validate.py and ``magegen validate`` of both on the cached
300-module tree, with ``--no-php`` and with no php on PATH (the structural PHP check). Ratios are
taken per round, against the floor of the same round. Besides wall time it reports the CPU time
(user + system) of each process, which other work on a shared machine disturbs less.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import make_trees
from commands import console_script, floor_argv, machine, validate_argv
from measure import Run, Series, Summary, interleave, paired_ratios, ratios, run_process
from run import enable_bytecode_cache
from settings import (
    COLD_START_MAX_RATIO,
    EXAMPLE_NAME,
    EXAMPLE_SPEC,
    FLOOR_IMPORTS,
    MEDIUM_TREE,
    REPO_ROOT,
    VALIDATE_MIN_THROUGHPUT,
    progress,
)
from table import Row, Section, ms, print_section, times

COLD_TARGET = f"<= {COLD_START_MAX_RATIO:.2f}x"
VALIDATE_TARGET = f">= {VALIDATE_MIN_THROUGHPUT:.2f}x"


@dataclass(frozen=True)
class _Timed(Run):
    """A run with the CPU seconds its process (and its children) used."""

    cpu: float = 0.0


def _timed(argv: list[str], env: dict[str, str] | None = None) -> _Timed:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = run_process(argv, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return _Timed(run.seconds, cpu)


def _cpu(series: Series) -> list[float]:
    return [run.cpu for run in series.runs if isinstance(run, _Timed)]


def _variants(baseline: Path, tree: Path, scratch: Path) -> dict[str, Callable[[], Run]]:
    script = str(console_script())
    checkouts = {"before": baseline, "after": REPO_ROOT}
    empty = scratch / "empty-path"
    empty.mkdir()

    def env(checkout: Path, path: str | None = None) -> dict[str, str]:
        found = {**os.environ, "PYTHONPATH": str(checkout)}
        return found if path is None else {**found, "PATH": path}

    def new(checkout: Path) -> _Timed:
        target = Path(tempfile.mkdtemp(dir=scratch)) / "module"
        argv = [script, "new", EXAMPLE_NAME, str(EXAMPLE_SPEC), "-o", str(target)]
        return _timed(argv, env(checkout))

    variants: dict[str, Callable[[], Run]] = {
        "floor": lambda: _timed([sys.executable, "-c", FLOOR_IMPORTS]),
        "floor_validate": lambda: _timed([str(a) for a in floor_argv(tree)]),
    }
    for key, checkout in checkouts.items():
        variants[f"new {key}"] = lambda checkout=checkout: new(checkout)
        argv = [str(a) for a in validate_argv(Path(script), tree)]
        variants[f"validate {key}"] = lambda argv=argv, c=checkout: _timed(argv, env(c))
        argv = [str(a) for a in validate_argv(Path(script), tree, php=True)]
        variants[f"structural {key}"] = lambda argv=argv, c=checkout: _timed(
            argv, env(c, str(empty))
        )
    return variants


def _rows(series: dict[str, Series]) -> Section:
    section = Section(f"Issue 24, before and after, {MEDIUM_TREE} modules for validate")
    for key in ("before", "after"):
        cold = Summary.of(paired_ratios(series[f"new {key}"], series["floor"]))
        cold_cpu = Summary.of(ratios(_cpu(series[f"new {key}"]), _cpu(series["floor"])))
        new = series[f"new {key}"]
        section.add(
            Row(f"{key}: magegen new", ms(Summary.of(new.seconds)), times(cold), COLD_TARGET),
            Row(f"{key}: magegen new, CPU", ms(Summary.of(_cpu(new))), times(cold_cpu), "info"),
        )
        for kind, label in (("validate", "validate --no-php"), ("structural", "validate, no php")):
            found = series[f"{kind} {key}"]
            wall = Summary.of(paired_ratios(series["floor_validate"], found))
            cpu = Summary.of(ratios(_cpu(series["floor_validate"]), _cpu(found)))
            section.add(
                Row(f"{key}: {label}", ms(Summary.of(found.seconds)), times(wall), VALIDATE_TARGET),
                Row(f"{key}: {label}, CPU", ms(Summary.of(_cpu(found))), times(cpu), "info"),
            )
    section.add(
        Row("floor: " + FLOOR_IMPORTS, ms(Summary.of(series["floor"].seconds))),
        Row("floor: import, CPU", ms(Summary.of(_cpu(series["floor"])))),
        Row("floor: bench/floor_validate.py", ms(Summary.of(series["floor_validate"].seconds))),
        Row("floor: floor_validate.py, CPU", ms(Summary.of(_cpu(series["floor_validate"])))),
    )
    section.notes.append("new: ratio = time / floor's; validate: ratio = floor's time / time")
    return section


def main(argv: list[str] | None = None) -> int:
    """Interleave the floors, the baseline and this checkout; print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (15)")
    args = parser.parse_args(argv)
    enable_bytecode_cache(make_trees.CACHE_DIR)
    described = machine()
    print(f"magegen bench/compare.py, {described.pop('date')}; baseline {args.baseline}")
    for key, value in described.items():
        print(f"  {key:<10} {value}")
    tree = make_trees.cached_tree(MEDIUM_TREE, make_trees.CACHE_DIR)
    with tempfile.TemporaryDirectory(prefix="magegen-compare-") as scratch:
        variants = _variants(args.baseline.resolve(), tree, Path(scratch))
        progress(f"compare: {args.rounds} interleaved rounds of {', '.join(variants)}")
        series = interleave(variants, args.rounds)
    print_section(1, _rows(series), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
