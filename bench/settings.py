"""What the benchmark measures against: paths, the targets of issue 7, and how many rounds."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
EXAMPLE_SPEC = REPO_ROOT / "examples" / "integration-manager.yaml"
EXAMPLE_NAME = "Beehexa/IntegrationManager"
FLOOR_IMPORTS = "import yaml, jinja2, click, lxml.etree"
FLOOR_SCRIPT = BENCH_DIR / "floor_validate.py"

# Targets of issue 7, and of issue 24 for the two ratios (issue 7's figures are their goals).
COLD_START_MAX_RATIO = 1.25  # magegen new / importing our dependencies
COLD_START_GOAL_RATIO = 1.15
BUILD_MAX_MS = 2.0  # build() of one module, warm
VALIDATE_MIN_THROUGHPUT = 0.6  # magegen validate's modules/s over the floor script's
VALIDATE_GOAL_THROUGHPUT = 0.8
PER_MODULE_FLAT_MAX = 1.15  # marginal cost per module at 1,000 over at 100
XMLLINT_MIN_SPEEDUP = 10.0  # a per-file xmllint loop over magegen validate
RSS_MAX_MIB = 100.0  # peak RSS of magegen validate on 1,000 modules
# Peak RSS growth per module from 100 to 1,000 modules, so that a 10,000-module tree still fits
# in RSS_MAX_MIB; holding every parsed document would cost tens of KiB per module.
RSS_MAX_KIB_PER_MODULE = 5.0
PHP_MAX_PROCESSES = 1  # php processes per lint_php call

NO_BYTECODE_VARIABLE = "PYTHONDONTWRITEBYTECODE"
BYTECODE_PREFIX_VARIABLE = "PYTHONPYCACHEPREFIX"

SMALL_TREE, MEDIUM_TREE, LARGE_TREE = 1, 300, 1000  # issue 24 judges validate at 300
TREE_SIZES = (SMALL_TREE, MEDIUM_TREE, LARGE_TREE)
TOP_IMPORTS = 10
US_PER_MS = 1000.0
SECTIONS = ("cold", "build", "validate", "php", "memory")


@dataclass(frozen=True)
class Config:
    """How many times each thing is measured."""

    rounds: int = 10  # interleaved rounds of every comparison
    xmllint_rounds: int = 10  # rounds of the per-file xmllint loop on 300 modules
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
