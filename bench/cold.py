"""Section 1: cold start, ``magegen new`` as a fresh process against importing our dependencies."""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from commands import console_script, module_invocation, path_shim
from measure import (
    ProcessRun,
    Run,
    Summary,
    differences,
    interleave,
    paired_ratios,
    run_process,
)
from settings import (
    BYTECODE_PREFIX_VARIABLE,
    COLD_START_GOAL_RATIO,
    COLD_START_MAX_RATIO,
    EXAMPLE_NAME,
    EXAMPLE_SPEC,
    FLOOR_IMPORTS,
    NO_BYTECODE_VARIABLE,
    REPO_ROOT,
    TOP_IMPORTS,
    US_PER_MS,
    Config,
    progress,
)
from table import Row, Section, ms, times, verdict


def _run_new(prefix: list[str], scratch: Path, env: dict[str, str] | None = None) -> ProcessRun:
    """``<prefix> new`` on the example spec into a fresh folder; only the process is timed."""
    folder = Path(tempfile.mkdtemp(dir=scratch))
    target = folder / "module"
    try:
        run = run_process([*prefix, "new", EXAMPLE_NAME, EXAMPLE_SPEC, "-o", target], env=env)
        if not (target / "etc" / "module.xml").is_file():
            raise RuntimeError(f"magegen new wrote no module to {target}")
        return run
    finally:
        shutil.rmtree(folder)


# One fresh process that times its own phases: the floor's imports, then generator.cli, then
# `new` twice (the first pays for lazy imports and one-time compiles, the second only works).
_PHASES = """
import json, sys, time
name, spec, first, second = sys.argv[1:5]
t0 = time.perf_counter()
import yaml, jinja2, click, lxml.etree
t1 = time.perf_counter()
from generator.cli import main
t2 = time.perf_counter()
main(["new", name, spec, "-o", first], standalone_mode=False)
t3 = time.perf_counter()
main(["new", name, spec, "-o", second], standalone_mode=False)
t4 = time.perf_counter()
print(json.dumps({"floor_imports": t1 - t0, "cli_import": t2 - t1,
                  "first_new": t3 - t2, "warm_new": t4 - t3}))
"""

_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)")


def _import_times(argv: list[str]) -> dict[str, tuple[int, int]]:
    """Module -> (self us, cumulative us) from one ``-X importtime`` run of ``argv``."""
    run = run_process([sys.executable, "-X", "importtime", *argv])
    found = {}
    for line in run.stderr.decode(errors="replace").splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            found[match.group(3)] = (int(match.group(1)), int(match.group(2)))
    return found


def import_offenders(script: Path, scratch: Path, runs: int) -> tuple[list[dict], dict]:
    """The modules `new` imports beyond the floor's, by median self time; and the totals."""
    floor_modules = set(_import_times(["-c", FLOOR_IMPORTS]))
    samples = []
    for _ in range(runs):
        folder = Path(tempfile.mkdtemp(dir=scratch))
        try:
            argv = [str(script), "new", EXAMPLE_NAME, str(EXAMPLE_SPEC), "-o", str(folder / "m")]
            samples.append(_import_times(argv))
        finally:
            shutil.rmtree(folder)
    medians = {
        name: (
            statistics.median(s[name][0] for s in samples if name in s),
            statistics.median(s[name][1] for s in samples if name in s),
        )
        for name in set().union(*samples)
    }
    beyond = {name: value for name, value in medians.items() if name not in floor_modules}
    ranked = sorted(beyond.items(), key=lambda item: item[1][0], reverse=True)
    top = [{"module": n, "self_us": s, "cumulative_us": c} for n, (s, c) in ranked[:TOP_IMPORTS]]
    totals = {
        "floor_self_us": sum(s for n, (s, _) in medians.items() if n in floor_modules),
        "beyond_floor_self_us": sum(s for s, _ in beyond.values()),
        "beyond_floor_modules": len(beyond),
    }
    return top, totals


def section_cold_start(config: Config, scratch: Path) -> Section:
    """1. `magegen new` as a fresh process against importing our dependencies."""
    section = Section(f"Cold start: magegen new on {EXAMPLE_SPEC.relative_to(REPO_ROOT)}")
    script = console_script()
    module_argv, module_label = module_invocation()
    variants: dict[str, Callable[[], Run]] = {
        "floor": lambda: run_process([sys.executable, "-c", FLOOR_IMPORTS]),
        "script": lambda: _run_new([str(script)], scratch),
        "module": lambda: _run_new(module_argv, scratch),
    }
    no_bytecode = {k: v for k, v in os.environ.items() if k != BYTECODE_PREFIX_VARIABLE}
    no_bytecode[NO_BYTECODE_VARIABLE] = "1"
    variants["no_bytecode"] = lambda: _run_new([str(script)], scratch, no_bytecode)
    shim = path_shim(script)
    if shim is not None:
        variants["shim"] = lambda: _run_new([str(shim)], scratch)
    progress(f"cold start: {config.rounds} interleaved rounds of {', '.join(variants)}")
    series = interleave(variants, config.rounds)
    floor = series["floor"]
    section.add(Row(f'floor: python -c "{FLOOR_IMPORTS}"', ms(Summary.of(floor.seconds))))
    for key, label in (("script", "magegen new (console script)"), ("module", module_label)):
        ratio = Summary.of(paired_ratios(series[key], floor))
        section.add(
            Row(
                label,
                ms(Summary.of(series[key].seconds)),
                times(ratio),
                f"<= {COLD_START_MAX_RATIO:.2f}x (goal {COLD_START_GOAL_RATIO:.2f}x)",
                verdict(ratio.median <= COLD_START_MAX_RATIO),
            )
        )
    ratio = Summary.of(paired_ratios(series["no_bytecode"], floor))
    section.add(
        Row(
            f"magegen new, {NO_BYTECODE_VARIABLE}=1",
            ms(Summary.of(series["no_bytecode"].seconds)),
            times(ratio),
            "info",
        )
    )
    section.notes.append(f"console script: {script}; interpreter: {sys.executable}")
    section.notes.append(
        f"with {NO_BYTECODE_VARIABLE}=1 an editable install compiles magegen's modules on every "
        "run, while the floor's come from site-packages' .pyc files"
    )
    if shim is not None:
        ratio = Summary.of(paired_ratios(series["shim"], floor))
        section.add(
            Row(
                "magegen new via the shim on PATH",
                ms(Summary.of(series["shim"].seconds)),
                times(ratio),
                "info",
            )
        )
        section.notes.append(f"{shim} is a version manager's shim: its extra cost is not magegen's")
    section.data["seconds"] = {k: s.seconds for k, s in series.items()}
    section.data["console_script"] = str(script)

    progress(f"cold start: phases of `new` in {config.breakdown_runs} fresh processes")
    phases: dict[str, list[float]] = {}
    for _ in range(config.breakdown_runs):
        folder = Path(tempfile.mkdtemp(dir=scratch))
        try:
            argv = [sys.executable, "-c", _PHASES, EXAMPLE_NAME, EXAMPLE_SPEC]
            run = run_process([*argv, folder / "a", folder / "b"])
        finally:
            shutil.rmtree(folder)
        measured = json.loads(run.stdout)
        measured["interpreter"] = run.seconds - sum(measured.values())
        for key, value in measured.items():
            phases.setdefault(key, []).append(value)
    one_time = differences(phases["first_new"], phases["warm_new"])
    section.add(
        Row(f"phases of one process running new twice (n={config.breakdown_runs}):"),
        Row("  spawn, interpreter start-up and exit", ms(Summary.of(phases["interpreter"]))),
        Row(f"  {FLOOR_IMPORTS}", ms(Summary.of(phases["floor_imports"]))),
        Row("  then: from generator.cli import main", ms(Summary.of(phases["cli_import"]))),
        Row("  first new: lazy imports, one-time setup, work", ms(Summary.of(phases["first_new"]))),
        Row("  second new, same process: the work alone", ms(Summary.of(phases["warm_new"]))),
        Row("  one-time cost of new (first - second)", ms(Summary.of(one_time))),
    )
    section.data["phases"] = phases

    progress(f"cold start: -X importtime of `new`, {config.importtime_runs} runs")
    top, totals = import_offenders(script, scratch, config.importtime_runs)
    beyond_ms = totals["beyond_floor_self_us"] / US_PER_MS
    section.add(
        Row(f"-X importtime of new (medians of {config.importtime_runs} runs, self time):"),
        Row(
            f"  {totals['beyond_floor_modules']} modules the floor does not import",
            f"{beyond_ms:.1f} ms",
        ),
        Row("  modules the floor imports too", f"{totals['floor_self_us'] / US_PER_MS:.1f} ms"),
        Row(f"  top {TOP_IMPORTS} beyond the floor: module", "self us / cumulative us"),
        *(
            Row(f"    {item['module']}", f"{item['self_us']:>8.0f} / {item['cumulative_us']:>8.0f}")
            for item in top
        ),
    )
    section.notes.append("-X importtime slows imports down; compare its figures with each other")
    section.data["importtime"] = {"top": top, "totals": totals}
    return section
