"""Two ``magegen new`` runs on one target never interleave: one wins entirely, or waits."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import REPO, tree

NAME = "Acme/Erp"
ROUNDS = 4


def spec(folder: Path, label: str, count: int) -> Path:
    """A spec whose generated files differ from another label's; integration names are shared,
    so that a later spec never drops one the tree declares."""
    lines = [f"module: {{description: {label}, version: 1.0.{count}}}", "integrations:"]
    for index in range(count):
        lines += [
            f"  - name: Sync {index}",
            f"    email: {label.lower()}{index}@acme.example",
            "    resources: ['Magento_Backend::admin/**']",
        ]
    path = folder / f"{label}.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def magegen(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_a_run_waits_while_another_holds_the_target(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "module"
    assert run_cli("new", NAME, spec(tmp_path, "First", 2), "-o", out).exit_code == 0
    before = tree(out)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\n"
            "from generator.pipeline.lock import locked\n"
            "with locked([Path(sys.argv[1])]):\n"
            "    print('locked', flush=True)\n    time.sleep(2)\n"
            "    print(time.monotonic(), flush=True)\n",
            str(out),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "locked\n"
    writer = magegen("new", NAME, spec(tmp_path, "Second", 3), "-o", out, "--force")
    time.sleep(1.2)
    assert writer.poll() is None  # still waiting
    assert tree(out) == before
    released = float(holder.stdout.readline())
    _, stderr = writer.communicate(timeout=60)
    finished = time.monotonic()
    assert holder.wait(timeout=10) == 0
    holder.stdout.close()
    assert writer.returncode == 0, stderr
    assert finished > released
    assert b"second2@acme.example" in tree(out)["etc/integration/config.xml"]


def test_parallel_forced_runs_with_different_specs_never_mix(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    first, second = spec(tmp_path, "Alpha", 20), spec(tmp_path, "Beta", 20)
    expected = []
    for label, path in (("a", first), ("b", second)):
        assert run_cli("new", NAME, path, "-o", tmp_path / label).exit_code == 0
        expected.append(tree(tmp_path / label))
    out = tmp_path / "module"
    assert run_cli("new", NAME, first, "-o", out).exit_code == 0
    for round_number in range(ROUNDS):
        runs = [magegen("new", NAME, path, "-o", out, "--force") for path in (second, first)]
        outcomes = [(run.communicate(timeout=120)[1], run.returncode) for run in runs]
        for stderr, code in outcomes:
            assert code == 0 or (code == 2 and "another magegen run" in stderr), stderr
        assert tree(out) in expected, f"round {round_number}: the tree mixes both specs"
        assert not [p for p in out.rglob(".*magegen-*")], "a staging file was left behind"
