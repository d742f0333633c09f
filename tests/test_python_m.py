"""``python -m generator`` runs the same command line as ``magegen``, in a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from generator import __version__
from tests.conftest import EXAMPLE_NAME, EXAMPLE_SPEC, REPO, tree


def python_m(*args: str | os.PathLike[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m generator ARGS`` with this checkout first on the import path."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_version_and_help_name_magegen(tmp_path: Path) -> None:
    version = python_m("--version", cwd=tmp_path)
    assert (version.returncode, version.stdout, version.stderr) == (
        0,
        f"magegen, version {__version__}\n",
        "",
    )
    usage = python_m("--help", cwd=tmp_path)
    assert usage.returncode == 0
    assert usage.stdout.startswith("Usage: magegen [OPTIONS] COMMAND [ARGS]...\n")


def test_new_writes_the_same_module_as_the_cli(
    tmp_path: Path, generate: Callable[..., Path]
) -> None:
    out = tmp_path / "by-python-m"
    result = python_m("new", EXAMPLE_NAME, EXAMPLE_SPEC, "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert tree(out) == tree(generate())


def test_bad_input_exits_2_without_a_traceback(tmp_path: Path) -> None:
    result = python_m("new", EXAMPLE_NAME, tmp_path / "missing.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{tmp_path / 'missing.yaml'}: error: ")
