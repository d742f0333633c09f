"""Section 5: peak RSS of ``magegen validate`` as the tree grows, and of the floors."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from commands import console_script, floor_argv, modules_label, validate_argv
from measure import (
    KIB_PER_MIB,
    Summary,
    gnu_time,
    peak_rss_kib,
)
from settings import (
    EXAMPLE_NAME,
    EXAMPLE_SPEC,
    FLOOR_IMPORTS,
    LARGE_TREE,
    MEDIUM_TREE,
    RSS_MAX_KIB_PER_MODULE,
    RSS_MAX_MIB,
    Config,
    progress,
)
from table import Row, Section, mib, verdict


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
        commands[f"magegen validate --no-php, {modules_label(size)}"] = lambda _, tree=tree: (
            validate_argv(script, tree)
        )
    for size in (MEDIUM_TREE, LARGE_TREE):
        commands[f"floor_validate.py, {size} modules"] = lambda _, size=size: floor_argv(
            trees[size]
        )
    if shutil.which("php") is not None:
        label = f"magegen validate with PHP, {LARGE_TREE} modules"
        commands[label] = lambda _: validate_argv(script, trees[LARGE_TREE], php=True)
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
