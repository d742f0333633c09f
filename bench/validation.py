"""Section 3: ``magegen validate`` at scale against the floor script and an xmllint loop."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import floor_validate
from commands import console_script, floor_argv, modules_label, validate_argv
from measure import (
    Run,
    Summary,
    interleave,
    paired_ratios,
    ratios,
    run_process,
)
from settings import (
    LARGE_TREE,
    MEDIUM_TREE,
    PER_MODULE_FLAT_MAX,
    SMALL_TREE,
    TREE_SIZES,
    VALIDATE_GOAL_THROUGHPUT,
    VALIDATE_MIN_THROUGHPUT,
    XMLLINT_MIN_SPEEDUP,
    Config,
    progress,
)
from table import Row, Section, ms, times, verdict


def _empty_folder(scratch: Path) -> Path:
    """A folder with no programs in it, to stand for a PATH without php."""
    folder = scratch / "empty-path"
    folder.mkdir(exist_ok=True)
    return folder


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
            "magegen": lambda: run_process(validate_argv(script, tree)),
            "xmllint": lambda: run_process(["sh", "-c", _XMLLINT_LOOP, "sh", listing]),
            "floor": lambda: run_process(floor_argv(tree)),
        },
        rounds,
        warmup=0,  # the trees are in the page cache already, and a loop takes seconds
    )
    speedup = Summary.of(paired_ratios(loop["xmllint"], loop["magegen"]))
    floor_speedup = Summary.of(paired_ratios(loop["xmllint"], loop["floor"]))
    section.add(
        Row(
            f"{modules_label(size)}: xmllint loop, {count} files (n={rounds})",
            ms(Summary.of(loop["xmllint"].seconds)),
        ),
        Row(
            f"{modules_label(size)}: magegen validate, same rounds",
            ms(Summary.of(loop["magegen"].seconds)),
        ),
        Row(
            f"{modules_label(size)}: xmllint loop / magegen validate",
            "",
            times(speedup, 1),
            f">= {XMLLINT_MIN_SPEEDUP:.0f}x",
            verdict(speedup.median >= XMLLINT_MIN_SPEEDUP),
        ),
        Row(
            f"{modules_label(size)}: xmllint loop / floor_validate.py",
            "",
            times(floor_speedup, 1),
            "info",
        ),
    )
    section.data.setdefault("xmllint", {})[str(size)] = {k: s.seconds for k, s in loop.items()}


def section_validate(config: Config, trees: dict[int, Path], scratch: Path) -> Section:
    """3. magegen validate --no-php against the floor script, at 1, 300 and 1,000 modules."""
    from generator.magento.xml import SCHEMA_FOR_PATH

    if floor_validate.SCHEMA_FOR_PATH != SCHEMA_FOR_PATH:
        raise RuntimeError("bench/floor_validate.py's SCHEMA_FOR_PATH differs from generator's")
    script = console_script()
    section = Section(
        "Validation at scale: magegen validate --no-php against bench/floor_validate.py"
    )
    variants: dict[str, Callable[[], Run]] = {}
    for size, tree in trees.items():
        variants[f"magegen{size}"] = lambda tree=tree: run_process(validate_argv(script, tree))
        variants[f"floor{size}"] = lambda tree=tree: run_process(floor_argv(tree))
    # Without --no-php but with no php on PATH: the structural PHP check runs instead.
    no_php_path = {**os.environ, "PATH": str(_empty_folder(scratch))}
    variants["structural"] = lambda: run_process(
        validate_argv(script, trees[MEDIUM_TREE], php=True), env=no_php_path
    )
    progress(
        f"validate: {config.rounds} interleaved rounds at {', '.join(map(str, trees))} modules"
    )
    series = interleave(variants, config.rounds)
    for size in TREE_SIZES:
        ours, floor = series[f"magegen{size}"], series[f"floor{size}"]
        throughput = Summary.of(paired_ratios(floor, ours))
        judged = size != SMALL_TREE
        section.add(
            Row(f"{modules_label(size)}: magegen validate --no-php", ms(Summary.of(ours.seconds))),
            Row(f"{modules_label(size)}: floor_validate.py", ms(Summary.of(floor.seconds))),
            Row(
                f"{modules_label(size)}: throughput magegen / floor",
                "",
                times(throughput),
                f">= {VALIDATE_MIN_THROUGHPUT:.2f}x (goal {VALIDATE_GOAL_THROUGHPUT:.2f}x)"
                if judged
                else "info",
                verdict(throughput.median >= VALIDATE_MIN_THROUGHPUT) if judged else "",
            ),
        )

    structural = Summary.of(paired_ratios(series[f"floor{MEDIUM_TREE}"], series["structural"]))
    section.add(
        Row(
            f"{modules_label(MEDIUM_TREE)}: magegen validate, no php on PATH (structural check)",
            ms(Summary.of(series["structural"].seconds)),
            times(structural),
            "info",
        )
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
