"""validate, acl-diff and spec-from end without the interpreter's last full garbage collection
(about 10 ms of each run's exit on a large tree): everything is frozen first, in a real process,
and the run's output and exit status are what they are without it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import EXAMPLE_NAME, EXAMPLE_SPEC, REPO

# Registered before the command runs, so that it runs after the command's own exit handlers:
# it tells how many objects are frozen by then.
_RUN = """
import atexit, gc, os, sys
atexit.register(lambda: os.write(2, b"frozen %d\\n" % gc.get_freeze_count()))
from generator.cli import main
main(sys.argv[1:], prog_name="magegen")
"""


def _run(*args: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _RUN, *map(str, args)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_last_collection_is_left_out_and_the_run_unchanged(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    module = tmp_path / "module"
    assert run_cli("new", EXAMPLE_NAME, EXAMPLE_SPEC, "-o", module).exit_code == 0
    checked = _run("validate", "--no-php", "--format", "json", module)
    in_process = run_cli("validate", "--no-php", "--format", "json", module)
    assert (checked.returncode, checked.stdout) == (in_process.exit_code, in_process.stdout)
    broken = tmp_path / "broken"
    (broken / "etc").mkdir(parents=True)
    (broken / "etc" / "module.xml").write_text("<config>")
    failed = _run("validate", "--no-php", broken)
    assert failed.returncode == 1 and "[MG100]" in failed.stdout
    diffed = _run("acl-diff", module, module)
    assert diffed.returncode == 0
    for result in (checked, failed, diffed):
        frozen = [line for line in result.stderr.splitlines() if line.startswith("frozen ")]
        assert len(frozen) == 1 and int(frozen[0].split()[1]) > 1000, result.stderr
