"""Section 2: in-process generation, ``generator.pipeline.new.build`` warm, per module."""

from __future__ import annotations

import time
from pathlib import Path

import make_trees
from measure import (
    MS_PER_S,
    Run,
    Summary,
    interleave,
    time_call,
)
from settings import BUILD_MAX_MS, EXAMPLE_NAME, EXAMPLE_SPEC, Config, progress
from table import Row, Section, ms, verdict


def section_build(config: Config, scratch: Path) -> Section:
    """2. generator.pipeline.new.build, warm, per module; and its three phases."""
    from generator.pipeline.check import check_files
    from generator.pipeline.new import build, catalogs
    from generator.pipeline.render import render
    from generator.spec.reader import load_spec

    section = Section("In-process generation: generator.pipeline.new.build(), warm, per module")
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
