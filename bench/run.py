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
- Module trees of 1, 300 and 1,000 varied modules are written once by bench/make_trees.py and
  cached in bench/.cache/trees/<hash of magegen's sources>/ (``--cache-dir`` to move them).
- Measured Python processes may cache bytecode (in bench/.cache/pycache), as an installed
  magegen does, even where PYTHONDONTWRITEBYTECODE is set; see enable_bytecode_cache.
- Peak RSS is measured in separate runs started through GNU time (see measure.peak_rss_kib).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import make_trees
from cold import section_cold_start
from commands import machine
from generation import section_build
from memory import section_memory
from php_checks import section_php
from settings import (
    BYTECODE_PREFIX_VARIABLE,
    LARGE_TREE,
    NO_BYTECODE_VARIABLE,
    QUICK,
    SECTIONS,
    TREE_SIZES,
    Config,
    progress,
)
from table import Section, print_section
from validation import section_validate


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
