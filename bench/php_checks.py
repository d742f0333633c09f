"""Section 4: the PHP checks, one ``lint_php`` call against ``php -l`` per file."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from commands import console_script, validate_argv
from measure import (
    Run,
    Summary,
    differences,
    interleave,
    ratios,
    run_process,
    time_call,
)
from settings import LARGE_TREE, PHP_MAX_PROCESSES, Config, progress
from table import Row, Section, ms, times, verdict


@contextlib.contextmanager
def counted_processes() -> Iterator[list[str]]:
    """Record every process started through ``subprocess.Popen`` (so ``subprocess.run`` too)."""
    started: list[str] = []
    original = subprocess.Popen

    class Counting(original):  # type: ignore[misc, valid-type]
        def __init__(self, args: Any, *rest: Any, **kwargs: Any) -> None:
            started.append(str(args[0] if isinstance(args, list | tuple) else args))
            super().__init__(args, *rest, **kwargs)

    subprocess.Popen = Counting  # type: ignore[misc]
    try:
        yield started
    finally:
        subprocess.Popen = original  # type: ignore[misc]


def _rate(count: int, summary: Summary) -> str:
    """Files per second from a summary of seconds (the slowest run gives the lowest rate)."""
    return f"{count / summary.median:,.0f} [{count / summary.high:,.0f}-{count / summary.low:,.0f}]"


def section_php(config: Config, tree: Path) -> Section:
    """4. generator.review.phplint.lint_php over every PHP file of the 1,000-module tree."""
    from generator.review.phplint import lint_php

    section = Section(f"PHP checks at scale: review.phplint.lint_php, {LARGE_TREE} modules")
    php = shutil.which("php")
    if php is None:
        section.notes.append("php is not installed: skipped")
        return section
    files = sorted(tree.rglob("*.php"))
    sample = files[:: max(1, len(files) // config.php_l_sample)][: config.php_l_sample]
    spawned: list[list[str]] = []

    def lint_all() -> Run:
        with counted_processes() as started:
            run = time_call(lambda: _expect_clean(lint_php(files)))
        spawned.append(started)
        return run

    def php_l_each() -> Run:
        return Run(sum(run_process([php, "-l", f]).seconds for f in sample))

    progress(
        f"php: {config.php_rounds} rounds of lint_php ({len(files)} files), php -l ({len(sample)})"
    )
    series = interleave({"lint_php": lint_all, "php_l": php_l_each}, config.php_rounds)
    batch, single = Summary.of(series["lint_php"].seconds), Summary.of(series["php_l"].seconds)
    per_call = max(len(s) for s in spawned)
    per_file = ratios(series["php_l"].seconds, series["lint_php"].seconds)
    speedup = Summary.of([ratio * len(files) / len(sample) for ratio in per_file])
    section.add(
        Row(f"lint_php, {len(files)} files, one call", ms(batch)),
        Row("  files per second", _rate(len(files), batch)),
        Row(
            "  processes started per lint_php call",
            f"{per_call} ({', '.join(sorted({Path(p).name for s in spawned for p in s}))})",
            "",
            f"= {PHP_MAX_PROCESSES}",
            verdict(per_call == PHP_MAX_PROCESSES),
        ),
        Row(f"php -l per file, {len(sample)} files: files per second", _rate(len(sample), single)),
        Row("lint_php files/s / php -l per file files/s", "", times(speedup, 0), "info"),
    )

    script = console_script()
    large = {
        "no_php": lambda: run_process(validate_argv(script, tree)),
        "php": lambda: run_process(validate_argv(script, tree, php=True)),
    }
    progress(f"php: {config.full_validate_rounds} rounds of validate with and without PHP")
    full = interleave(large, config.full_validate_rounds)
    added = Summary.of(differences(full["php"].seconds, full["no_php"].seconds))
    section.add(
        Row(
            f"magegen validate with PHP, {LARGE_TREE} modules (n={config.full_validate_rounds})",
            ms(Summary.of(full["php"].seconds)),
        ),
        Row("  of which the PHP check (with - without, same round)", ms(added)),
    )
    section.data = {
        "files": len(files),
        "php_l_sample": len(sample),
        "seconds": {k: s.seconds for k, s in series.items()},
        "processes_per_call": [len(s) for s in spawned],
        "validate_seconds": {k: s.seconds for k, s in full.items()},
    }
    return section


def _expect_clean(result: Any) -> None:
    if result.problems or result.note:
        raise RuntimeError(f"lint_php: {len(result.problems)} problems, note {result.note!r}")
