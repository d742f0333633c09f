"""magegen's benchmark (issue 7): cold start, in-process generation, validation at scale, PHP
checks and memory, each against a floor, as ratios. Not a test: it prints a table of medians,
ranges, ratios and PASS or MISS for each target, and never fails on a miss.

Run it from the repository root after ``pip install -e .``::

    python bench/run.py                  # the full run: about 3 minutes on 2 cores
    python bench/run.py --quick          # a smoke test: about 1 minute
    python bench/run.py --json out.json  # also dump every sample
    python bench/run.py --only validate,memory

How it measures:

- Comparisons run in interleaved rounds (A B, B A, A B, ...; see bench/measure.py) after one
  untimed warm-up round; ratios are taken within each round, then summarised as median [min-max].
- Processes are the installed ``magegen`` console script of this interpreter's environment and
  ``sys.executable``; a version manager's shim on PATH is timed apart, for information.
- Module trees of 1, 100 and 1,000 varied modules are written once by bench/make_trees.py and
  cached in bench/.cache/trees/<hash of magegen's sources>/ (``--cache-dir`` to move them).
- Measured Python processes may cache bytecode (in bench/.cache/pycache), as an installed
  magegen does, even where PYTHONDONTWRITEBYTECODE is set; see enable_bytecode_cache.
- Peak RSS is measured in separate runs started through GNU time (see measure.peak_rss_kib).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import floor_validate
import make_trees
from measure import (
    KIB_PER_MIB,
    MS_PER_S,
    ProcessRun,
    Run,
    Summary,
    differences,
    gnu_time,
    interleave,
    paired_ratios,
    peak_rss_kib,
    ratios,
    run_process,
    time_call,
)
from table import Row, Section, mib, ms, print_section, times, verdict

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
EXAMPLE_SPEC = REPO_ROOT / "examples" / "integration-manager.yaml"
EXAMPLE_NAME = "Beehexa/IntegrationManager"
FLOOR_IMPORTS = "import yaml, jinja2, click, lxml.etree"
FLOOR_SCRIPT = BENCH_DIR / "floor_validate.py"

# Targets of issue 7.
COLD_START_MAX_RATIO = 1.15  # magegen new / importing our dependencies
BUILD_MAX_MS = 2.0  # build() of one module, warm
VALIDATE_MIN_THROUGHPUT = 0.8  # magegen validate's modules/s over the floor script's
PER_MODULE_FLAT_MAX = 1.15  # marginal cost per module at 1,000 over at 100
XMLLINT_MIN_SPEEDUP = 10.0  # a per-file xmllint loop over magegen validate
RSS_MAX_MIB = 100.0  # peak RSS of magegen validate on 1,000 modules
# Peak RSS growth per module from 100 to 1,000 modules, so that a 10,000-module tree still fits
# in RSS_MAX_MIB; holding every parsed document would cost tens of KiB per module.
RSS_MAX_KIB_PER_MODULE = 5.0
PHP_MAX_PROCESSES = 1  # php processes per lint_php call

NO_BYTECODE_VARIABLE = "PYTHONDONTWRITEBYTECODE"
BYTECODE_PREFIX_VARIABLE = "PYTHONPYCACHEPREFIX"

SMALL_TREE, MEDIUM_TREE, LARGE_TREE = 1, 100, 1000
TREE_SIZES = (SMALL_TREE, MEDIUM_TREE, LARGE_TREE)
TOP_IMPORTS = 10
US_PER_MS = 1000.0
SECTIONS = ("cold", "build", "validate", "php", "memory")


@dataclass(frozen=True)
class Config:
    """How many times each thing is measured."""

    rounds: int = 10  # interleaved rounds of every comparison
    xmllint_rounds: int = 10  # rounds of the per-file xmllint loop on 100 modules
    xmllint_large_rounds: int = 3  # the same on 1,000 modules (about 15 s a loop)
    build_rounds: int = 10  # passes over the specs for in-process generation
    varied_specs: int = 50  # specs built per pass
    importtime_runs: int = 5  # -X importtime runs; medians per module
    breakdown_runs: int = 5  # fresh processes timing the phases of `new`
    php_rounds: int = 10  # lint_php calls, interleaved with per-file php -l samples
    full_validate_rounds: int = 5  # validate with and without PHP on 1,000 modules
    php_l_sample: int = 50  # files checked with one `php -l` each
    memory_runs: int = 5  # peak RSS runs of each command


QUICK = Config(
    rounds=3,
    xmllint_rounds=2,
    xmllint_large_rounds=1,
    build_rounds=3,
    varied_specs=10,
    importtime_runs=1,
    breakdown_runs=1,
    php_rounds=3,
    full_validate_rounds=1,
    php_l_sample=10,
    memory_runs=1,
)


def progress(message: str) -> None:
    """Tell the person waiting what runs now (on stderr, so stdout holds only the table)."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- commands under test --------------------------------------------------------------------------


def console_script() -> Path:
    """The installed ``magegen`` script of this interpreter's environment.

    Looked up next to ``sys.executable`` first, so that a version manager's shim on PATH (pyenv's
    is a bash script) is not what gets measured; then on PATH.
    """
    here = shutil.which("magegen", path=str(Path(sys.executable).parent))
    found = here or shutil.which("magegen")
    if found is None:
        sys.exit("bench: no `magegen` script; run `pip install -e .` first")
    return Path(found)


def module_invocation() -> tuple[list[str], str]:
    """The CLI run through the interpreter without the console script, and its label.

    ``python -m generator`` once the package has a ``__main__``; until then the console script's
    own two lines, given to ``python -c``.
    """
    if importlib.util.find_spec("generator.__main__") is not None:
        return [sys.executable, "-m", "generator"], "python -m generator"
    code = "import sys; from generator.cli import main; sys.argv[0] = 'magegen'; main()"
    return [sys.executable, "-c", code], "python -c 'from generator.cli import main; main()'"


def path_shim(script: Path) -> Path | None:
    """The ``magegen`` on PATH when it is not ``script`` itself (a pyenv or asdf shim)."""
    found = shutil.which("magegen")
    if found is None or Path(found).resolve() == script.resolve():
        return None
    return Path(found)


# -- machine --------------------------------------------------------------------------------------


def _first_line(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    except OSError:
        return "not installed"
    return ((done.stdout or done.stderr).strip().splitlines() or ["?"])[0]


def _search(path: str, pattern: str) -> str | None:
    file = Path(path)
    if not file.is_file():
        return None
    match = re.search(pattern, file.read_text(errors="replace"), re.MULTILINE)
    return match.group(1).strip() if match else None


def machine() -> dict[str, str]:
    """What the numbers were measured on, and when."""
    from lxml import etree

    from generator import __version__

    git = ["git", "-C", str(REPO_ROOT)]
    commit = _first_line([*git, "rev-parse", "--short", "HEAD"])
    status = subprocess.run(
        [*git, "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    )
    changed = ", uncommitted changes" if status.stdout.strip() else ""
    memory_kib = _search("/proc/meminfo", r"^MemTotal:\s*(\d+) kB")
    system = _search("/etc/os-release", r'^PRETTY_NAME="?([^"\n]+)') or platform.system()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": f"{os.cpu_count()} (usable: {len(os.sched_getaffinity(0))})",
        "cpu_model": _search("/proc/cpuinfo", r"^model name\s*:\s*(.+)$") or platform.machine(),
        "memory": f"{int(memory_kib) // KIB_PER_MIB**2} GiB" if memory_kib else "unknown",
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min, at start)",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": f"{system}, kernel {platform.release()}",
        "magegen": f"{__version__} (git {commit}{changed})",
        "lxml": "lxml {} / libxml2 {}".format(
            ".".join(map(str, etree.LXML_VERSION[:3])), ".".join(map(str, etree.LIBXML_VERSION))
        ),
        "php": _first_line(["php", "--version"]),
        "xmllint": _first_line(["xmllint", "--version"]),
    }


# -- 1. cold start --------------------------------------------------------------------------------


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
                f"<= {COLD_START_MAX_RATIO:.2f}x",
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


# -- 2. in-process generation ---------------------------------------------------------------------


def section_build(config: Config, scratch: Path) -> Section:
    """2. generator.new.build, warm, per module; and its three phases."""
    from generator.check import check_files
    from generator.new import build, catalogs
    from generator.render import render
    from generator.spec.reader import load_spec

    section = Section("In-process generation: generator.new.build(), warm, per module")
    cases = make_trees.make_cases(config.varied_specs, make_trees.SEED + 1)
    specs = make_trees.write_specs(cases, scratch / "specs")
    for name, path in [(EXAMPLE_NAME, EXAMPLE_SPEC), *specs]:
        build(name, path)  # warm-up: imports, compiled templates and schemas, catalogs

    def build_example() -> Run:
        return time_call(lambda: build(EXAMPLE_NAME, EXAMPLE_SPEC))

    def build_varied() -> Run:
        run = time_call(lambda: [build(name, path) for name, path in specs])
        return Run(run.seconds / len(specs))

    phase_seconds: dict[str, list[float]] = {"load_spec": [], "render": [], "check_files": []}

    def phases() -> Run:
        known = catalogs()
        totals = dict.fromkeys(phase_seconds, 0.0)
        clock = time.perf_counter
        start = clock()
        for name, path in specs:
            began = clock()
            loaded = load_spec(path, name, known.acl, known.modules)
            loaded_at = clock()
            files = render(loaded.spec)
            rendered_at = clock()
            check_files(files, loaded.spec.namespace)
            checked_at = clock()
            totals["load_spec"] += loaded_at - began
            totals["render"] += rendered_at - loaded_at
            totals["check_files"] += checked_at - rendered_at
        for key, total in totals.items():
            phase_seconds[key].append(total / len(specs))
        return Run(clock() - start)

    progress(f"in-process build: {config.build_rounds} rounds, {len(specs)} varied specs")
    series = interleave(
        {"example": build_example, "varied": build_varied, "phases": phases},
        config.build_rounds,
        warmup=0,
    )
    for key, label in (
        ("example", "build(), the example spec"),
        ("varied", f"build(), {len(specs)} varied specs, per spec"),
    ):
        summary = Summary.of(series[key].seconds)
        passed = summary.median * MS_PER_S <= BUILD_MAX_MS
        section.add(Row(label, ms(summary, 3), "", f"<= {BUILD_MAX_MS:.1f} ms", verdict(passed)))
    for key, values in phase_seconds.items():
        section.add(Row(f"  {key}(), varied specs, per spec", ms(Summary.of(values), 3)))
    section.data = {
        "seconds_per_module": {k: s.seconds for k, s in series.items() if k != "phases"},
        "phase_seconds_per_module": phase_seconds,
    }
    return section


# -- 3. validation at scale -----------------------------------------------------------------------


def _modules(count: int) -> str:
    return f"{count} module" if count == 1 else f"{count} modules"


def _validate(script: Path, tree: Path, php: bool = False) -> list[str]:
    return [str(script), "validate", str(tree), *([] if php else ["--no-php"])]


def _floor(tree: Path) -> list[str]:
    return [sys.executable, str(FLOOR_SCRIPT), str(tree)]


def _xmllint_list(tree: Path, listing: Path) -> int:
    """Write ``<xsd>\\t<xml file>`` lines for every XML file of ``tree`` we have a schema for."""
    from generator.magento.xml import SCHEMA_FOR_PATH
    from generator.resources import schemas_dir

    lines = []
    for root in floor_validate.module_roots([tree]):
        for path, relative in floor_validate.module_files(root):
            name = SCHEMA_FOR_PATH.get(relative)
            if name is not None:
                lines.append(f"{schemas_dir() / name}\t{path}\n")
    listing.write_text("".join(sorted(lines)), encoding="utf-8")
    return len(lines)


# The obvious shell alternative: one xmllint per file, against the file's schema.
_XMLLINT_LOOP = (
    'tab="$(printf "\\t")"; while IFS="$tab" read -r xsd file; do '
    'xmllint --noout --schema "$xsd" "$file" 2>/dev/null || exit 1; done < "$1"'
)


def _xmllint_rows(
    section: Section, script: Path, tree: Path, size: int, rounds: int, scratch: Path
) -> None:
    listing = scratch / f"xmllint-{size}.tsv"
    count = _xmllint_list(tree, listing)
    progress(f"validate: {rounds} rounds of an xmllint loop over {count} files ({size} modules)")
    loop = interleave(
        {
            "magegen": lambda: run_process(_validate(script, tree)),
            "xmllint": lambda: run_process(["sh", "-c", _XMLLINT_LOOP, "sh", listing]),
            "floor": lambda: run_process(_floor(tree)),
        },
        rounds,
        warmup=0,  # the trees are in the page cache already, and a loop takes seconds
    )
    speedup = Summary.of(paired_ratios(loop["xmllint"], loop["magegen"]))
    floor_speedup = Summary.of(paired_ratios(loop["xmllint"], loop["floor"]))
    section.add(
        Row(
            f"{_modules(size)}: xmllint loop, {count} files (n={rounds})",
            ms(Summary.of(loop["xmllint"].seconds)),
        ),
        Row(
            f"{_modules(size)}: magegen validate, same rounds",
            ms(Summary.of(loop["magegen"].seconds)),
        ),
        Row(
            f"{_modules(size)}: xmllint loop / magegen validate",
            "",
            times(speedup, 1),
            f">= {XMLLINT_MIN_SPEEDUP:.0f}x",
            verdict(speedup.median >= XMLLINT_MIN_SPEEDUP),
        ),
        Row(
            f"{_modules(size)}: xmllint loop / floor_validate.py",
            "",
            times(floor_speedup, 1),
            "info",
        ),
    )
    section.data.setdefault("xmllint", {})[str(size)] = {k: s.seconds for k, s in loop.items()}


def section_validate(config: Config, trees: dict[int, Path], scratch: Path) -> Section:
    """3. magegen validate --no-php against the floor script, at 1, 100 and 1,000 modules."""
    from generator.magento.xml import SCHEMA_FOR_PATH

    if floor_validate.SCHEMA_FOR_PATH != SCHEMA_FOR_PATH:
        raise RuntimeError("bench/floor_validate.py's SCHEMA_FOR_PATH differs from generator's")
    script = console_script()
    section = Section(
        "Validation at scale: magegen validate --no-php against bench/floor_validate.py"
    )
    variants: dict[str, Callable[[], Run]] = {}
    for size, tree in trees.items():
        variants[f"magegen{size}"] = lambda tree=tree: run_process(_validate(script, tree))
        variants[f"floor{size}"] = lambda tree=tree: run_process(_floor(tree))
    progress(
        f"validate: {config.rounds} interleaved rounds at {', '.join(map(str, trees))} modules"
    )
    series = interleave(variants, config.rounds)
    for size in TREE_SIZES:
        ours, floor = series[f"magegen{size}"], series[f"floor{size}"]
        throughput = Summary.of(paired_ratios(floor, ours))
        judged = size != SMALL_TREE
        section.add(
            Row(f"{_modules(size)}: magegen validate --no-php", ms(Summary.of(ours.seconds))),
            Row(f"{_modules(size)}: floor_validate.py", ms(Summary.of(floor.seconds))),
            Row(
                f"{_modules(size)}: throughput magegen / floor",
                "",
                times(throughput),
                f">= {VALIDATE_MIN_THROUGHPUT:.2f}x" if judged else "info",
                verdict(throughput.median >= VALIDATE_MIN_THROUGHPUT) if judged else "",
            ),
        )

    def marginal(key: str, size: int) -> list[float]:
        """Seconds per module beyond the 1-module run of the same round (start-up removed)."""
        big, small = series[f"{key}{size}"].seconds, series[f"{key}{SMALL_TREE}"].seconds
        return [(b - s) / (size - SMALL_TREE) for b, s in zip(big, small, strict=True)]

    for size in (MEDIUM_TREE, LARGE_TREE):
        for key in ("magegen", "floor"):
            per = Summary.of([s / size for s in series[f"{key}{size}"].seconds])
            section.add(Row(f"ms per module at {size}, {key} (wall / modules)", ms(per, 3)))
    for size in (MEDIUM_TREE, LARGE_TREE):
        for key in ("magegen", "floor"):
            per = Summary.of(marginal(key, size))
            section.add(Row(f"marginal ms per module at {size}, {key}", ms(per, 3)))
    flat = Summary.of(ratios(marginal("magegen", LARGE_TREE), marginal("magegen", MEDIUM_TREE)))
    marginal_throughput = Summary.of(
        ratios(marginal("floor", LARGE_TREE), marginal("magegen", LARGE_TREE))
    )
    section.add(
        Row(
            f"flat: marginal at {LARGE_TREE} / marginal at {MEDIUM_TREE}, magegen",
            "",
            times(flat),
            f"<= {PER_MODULE_FLAT_MAX:.2f}x",
            verdict(flat.median <= PER_MODULE_FLAT_MAX),
        ),
        Row(
            f"marginal throughput magegen / floor at {LARGE_TREE}",
            "",
            times(marginal_throughput),
            "info",
        ),
    )
    section.notes.append(
        "marginal = (wall at N - wall at 1 module, same round) / (N - 1): start-up taken out"
    )
    section.data["seconds"] = {k: s.seconds for k, s in series.items()}
    section.data["trees"] = {str(k): str(v) for k, v in trees.items()}

    if shutil.which("xmllint") is None:
        section.notes.append("xmllint is not installed: the per-file xmllint loop was skipped")
        return section
    _xmllint_rows(section, script, trees[MEDIUM_TREE], MEDIUM_TREE, config.xmllint_rounds, scratch)
    _xmllint_rows(
        section, script, trees[LARGE_TREE], LARGE_TREE, config.xmllint_large_rounds, scratch
    )
    section.notes.append(
        "the xmllint loop checks only the XML files, against magegen's XSDs; magegen checks more"
    )
    return section


# -- 4. PHP checks --------------------------------------------------------------------------------


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
        "no_php": lambda: run_process(_validate(script, tree)),
        "php": lambda: run_process(_validate(script, tree, php=True)),
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


# -- 5. memory ------------------------------------------------------------------------------------


def section_memory(config: Config, trees: dict[int, Path], scratch: Path) -> Section:
    """5. Peak RSS of magegen validate as the tree grows, and of the floors."""
    how = "GNU time" if gnu_time() else "a bare Python spawner (its ~10 MiB are a lower bound)"
    section = Section(f"Memory: peak RSS, {config.memory_runs} runs each, started by {how}")
    script = console_script()
    commands: dict[str, Callable[[int], list[str]]] = {
        f'floor: python -c "{FLOOR_IMPORTS}"': lambda _: [sys.executable, "-c", FLOOR_IMPORTS],
        "magegen new, example spec": lambda number: [
            *(str(script), "new", EXAMPLE_NAME, str(EXAMPLE_SPEC)),
            *("-o", str(scratch / f"memory-new-{number}")),
        ],
    }
    for size, tree in trees.items():
        commands[f"magegen validate --no-php, {_modules(size)}"] = lambda _, tree=tree: _validate(
            script, tree
        )
    for size in (MEDIUM_TREE, LARGE_TREE):
        commands[f"floor_validate.py, {size} modules"] = lambda _, size=size: _floor(trees[size])
    if shutil.which("php") is not None:
        label = f"magegen validate with PHP, {LARGE_TREE} modules"
        commands[label] = lambda _: _validate(script, trees[LARGE_TREE], php=True)
    progress(f"memory: {config.memory_runs} runs of {len(commands)} commands")
    peaks: dict[str, list[float]] = {label: [] for label in commands}
    for number in range(config.memory_runs):
        for label, command in commands.items():
            peaks[label].append(peak_rss_kib(command(number)) / KIB_PER_MIB)
    medium = Summary.of(peaks[f"magegen validate --no-php, {MEDIUM_TREE} modules"])
    large = Summary.of(peaks[f"magegen validate --no-php, {LARGE_TREE} modules"])
    for label, values in peaks.items():
        judged = label == f"magegen validate --no-php, {LARGE_TREE} modules"
        section.add(
            Row(
                label,
                mib(Summary.of(values)),
                "",
                f"<= {RSS_MAX_MIB:.0f} MiB" if judged else "",
                verdict(max(values) <= RSS_MAX_MIB) if judged else "",
            )
        )
    per_module = (large.median - medium.median) * KIB_PER_MIB / (LARGE_TREE - MEDIUM_TREE)
    section.add(
        Row(
            f"validate RSS growth from {MEDIUM_TREE} to {LARGE_TREE} modules",
            f"{per_module:.2f} KiB per module",
            f"{large.median / medium.median:.2f}x",
            f"<= {RSS_MAX_KIB_PER_MODULE:.0f} KiB",
            verdict(per_module <= RSS_MAX_KIB_PER_MODULE),
        )
    )
    section.notes.append("with PHP, the figure is the larger of magegen's and php's peaks")
    section.notes.append(
        f"growth target: {RSS_MAX_KIB_PER_MODULE:.0f} KiB per module keeps 10,000 modules "
        f"under {RSS_MAX_MIB:.0f} MiB; the ratio column is RSS at {LARGE_TREE} / at {MEDIUM_TREE}"
    )
    section.data = {"peak_rss_mib": peaks}
    return section


# -- main -----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        description="magegen's benchmark: ratios against floors, as a table."
    )
    parser.add_argument("--quick", action="store_true", help="few rounds: a smoke test")
    parser.add_argument("--rounds", type=int, help="interleaved rounds of each comparison")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every sample here")
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to run, of: {','.join(SECTIONS)}",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=make_trees.CACHE_DIR,
        help="where generated module trees are cached (default: bench/.cache)",
    )
    args = parser.parse_args(argv)
    unknown = set(args.only.split(",")) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    return args


def enable_bytecode_cache(cache_dir: Path) -> str:
    """Let measured processes cache bytecode, as an installed magegen does; say how.

    A wheel install ships compiled .pyc files and an editable install writes them on first use;
    with PYTHONDONTWRITEBYTECODE set (as in some containers) an editable install would compile
    every magegen module on every run, while the floor's libraries have their .pyc files. The
    cache goes to a prefix under ``cache_dir``, never into the source tree.
    """
    if BYTECODE_PREFIX_VARIABLE in os.environ:
        os.environ.pop(NO_BYTECODE_VARIABLE, None)
        return f"cached in ${BYTECODE_PREFIX_VARIABLE} ({os.environ[BYTECODE_PREFIX_VARIABLE]})"
    prefix = cache_dir / "pycache"
    unset = f"; {NO_BYTECODE_VARIABLE} unset" if os.environ.pop(NO_BYTECODE_VARIABLE, None) else ""
    os.environ[BYTECODE_PREFIX_VARIABLE] = str(prefix)
    return f"cached in {prefix} (via {BYTECODE_PREFIX_VARIABLE}{unset})"


def print_header(described: dict[str, str], config: Config, argv: list[str]) -> None:
    """The date, the command, the machine and how things are counted."""
    print(f"magegen benchmark, {described['date']}")
    print(f"command: python bench/run.py {' '.join(argv)}".rstrip())
    for key, value in described.items():
        if key != "date":
            print(f"  {key:<10} {value}")
    print(
        f"  rounds     {config.rounds} interleaved (A B, B A, ...) after 1 untimed warm-up round, "
        "unless a row says n=...; median [min-max]; ratios are taken per round"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the selected sections, print the table, optionally dump the samples."""
    arguments = sys.argv[1:] if argv is None else argv
    args = parse_args(arguments)
    config = QUICK if args.quick else Config()
    if args.rounds:
        config = replace(
            config,
            rounds=args.rounds,
            xmllint_rounds=args.rounds,
            build_rounds=args.rounds,
            php_rounds=args.rounds,
        )
    wanted = args.only.split(",")
    described = machine()
    described["bytecode"] = enable_bytecode_cache(args.cache_dir)
    print_header(described, config, arguments)
    results: dict[str, Any] = {"machine": described, "config": asdict(config), "sections": {}}
    trees: dict[int, Path] = {}

    def need_trees() -> dict[int, Path]:
        if not trees:
            for size in TREE_SIZES:
                progress(f"module tree of {size}: cached under {args.cache_dir}")
                trees[size] = make_trees.cached_tree(size, args.cache_dir)
        return trees

    failed = False
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="magegen-bench-") as scratch_name:
        scratch = Path(scratch_name)
        steps: dict[str, Callable[[], Section]] = {
            "cold": lambda: section_cold_start(config, scratch),
            "build": lambda: section_build(config, scratch),
            "validate": lambda: section_validate(config, need_trees(), scratch),
            "php": lambda: section_php(config, need_trees()[LARGE_TREE]),
            "memory": lambda: section_memory(config, need_trees(), scratch),
        }
        for number, (key, step) in enumerate(steps.items(), start=1):
            if key not in wanted:
                continue
            try:
                section = step()
            except Exception as exc:
                failed = True
                traceback.print_exc()
                section = Section(f"{key}: failed", notes=[f"{type(exc).__name__}: {exc}"])
            print_section(number, section, sys.stdout)
            sys.stdout.flush()
            results["sections"][key] = {
                "title": section.title,
                "rows": [asdict(r) for r in section.rows],
                "notes": section.notes,
                "data": section.data,
            }
    elapsed = time.perf_counter() - started
    print(f"\nmodule trees: {args.cache_dir}; whole run: {elapsed:.0f} s")
    results["elapsed_seconds"] = elapsed
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        progress(f"samples written to {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
