"""What a command prints and writes survives its exit. The command line freezes the objects
still alive when the interpreter shuts down (generator.cli), so that its collector does not walk
them: nothing may rely on that collector to flush output or finish a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import EXAMPLE_NAME, EXAMPLE_SPEC, tree
from tests.test_python_m import python_m


def test_a_long_listing_reaches_a_pipe_whole(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    piped = python_m("acl", cwd=tmp_path)
    assert (piped.returncode, piped.stderr) == (0, "")
    assert len(piped.stdout.splitlines()) > 200  # far more than one write of a buffer
    assert piped.stdout == run_cli("acl").output


def test_a_dry_run_lists_every_file_and_writes_none(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    target = tmp_path / "module"
    args = ("new", EXAMPLE_NAME, EXAMPLE_SPEC, "-o", target, "--dry-run")
    piped = python_m(*args, cwd=tmp_path)
    assert piped.returncode == 0
    assert piped.stdout == run_cli(*args).output
    assert piped.stdout.count("create") == 7 and not target.exists()
    written = python_m("new", EXAMPLE_NAME, EXAMPLE_SPEC, "-o", target, cwd=tmp_path)
    assert written.returncode == 0 and len(tree(target)) == 7
