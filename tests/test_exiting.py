"""The process ends without its teardown once a command is done (generator.cli.exiting), and
nothing a normal exit does is lost: output, exit status, atexit handlers, threads, closed pipes.
Each run is a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from tests.conftest import EXAMPLE_NAME, EXAMPLE_SPEC, REPO

# Buffered output, as on most machines, so that a missing flush would lose it.
ENV = {
    **{key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"},
    "PYTHONPATH": str(REPO),
}


def _python(code: str, *args: str, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **options,  # type: ignore[arg-type]
    )


def _magegen(*args: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def broken_module(tmp_path: Path, run_cli: Callable[..., Result]) -> Path:
    """A generated module whose api.xml grants an id no Magento has: validate exits 1."""
    module = tmp_path / "module"
    assert run_cli("new", EXAMPLE_NAME, str(EXAMPLE_SPEC), "-o", str(module)).exit_code == 0
    api = module / "etc" / "integration" / "api.xml"
    text = api.read_text(encoding="utf-8")
    api.write_text(text.replace("</resources>", '<resource name="Acme_Nope::x"/></resources>', 1))
    return module


@pytest.mark.parametrize(
    "args",
    [
        ("--version",),
        ("validate", "{module}"),
        ("validate", "{module}", "--format", "json"),
        ("validate", "{missing}"),
        ("new", "not-a-name", "{missing}"),
        ("frobnicate",),
    ],
)
def test_a_process_says_and_exits_what_the_command_does(
    args: tuple[str, ...], broken_module: Path
) -> None:
    """Against click's own runner in this process (which never takes the fast exit): the same
    stdout, stderr and exit status."""
    filled = [a.format(module=broken_module, missing=broken_module / "absent") for a in args]
    process = _magegen(*filled)
    in_process = CliRunner().invoke(main, filled, prog_name="magegen")
    assert process.returncode == in_process.exit_code
    assert process.stdout == in_process.stdout
    assert process.stderr == in_process.stderr


def test_a_report_larger_than_a_pipe_arrives_whole(tmp_path: Path) -> None:
    """Every byte buffered for stdout is flushed before the process ends (a pipe holds 64 KiB;
    the JSON report of 40 modules is larger)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import make_trees
    finally:
        sys.path.remove(str(REPO / "bench"))
    tree = tmp_path / "tree"
    make_trees.write_tree(make_trees.make_cases(40), tree)
    process = _magegen("validate", tree, "--format", "json")
    assert len(process.stdout) > 65536
    report = json.loads(process.stdout)
    assert len(report["modules"]) == 40
    assert process.returncode == 0, process.stderr


# Registered before the command: atexit runs handlers last-registered first, so this one runs
# after the command's own.
_HANDLER = """
import atexit, sys
atexit.register(lambda: open(sys.argv[1], "w").write("ran"))
from generator.cli import main
main(["--version"], prog_name="magegen")
"""


def test_atexit_handlers_still_run(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    process = _python(_HANDLER, str(marker))
    assert process.returncode == 0
    assert process.stdout.startswith("magegen, version")
    assert marker.read_text(encoding="utf-8") == "ran"


_EXIT = """
import sys
from generator.cli.exiting import exit_now
print("before")
exit_now(SystemExit(eval(sys.argv[1])))
"""


@pytest.mark.parametrize(
    ("code", "status", "stderr"),
    [("None", 0, ""), ("3", 3, ""), ("'a message'", 1, "a message\n"), ("2**40", None, None)],
)
def test_exit_statuses_and_messages_are_pythons(
    code: str, status: int | None, stderr: str | None
) -> None:
    """As ``raise SystemExit(...)`` ends the process: a status, or a message (status 1)."""
    normal = _python(_EXIT.replace("exit_now(SystemExit(", "raise SystemExit(("), code)
    fast = _python(_EXIT, code)
    assert fast.stdout == normal.stdout == "before\n"
    assert (fast.returncode, fast.stderr) == (normal.returncode, normal.stderr)
    if status is not None:
        assert (fast.returncode, fast.stderr) == (status, stderr)


_THREAD = """
import threading, time
from generator.cli.exiting import exit_now
def late():
    time.sleep(0.3)
    print("thread done", flush=True)
threading.Thread(target=late).start()
exit_now(SystemExit(0))
"""


def test_a_running_thread_is_waited_for() -> None:
    process = _python(_THREAD)
    assert (process.returncode, process.stdout) == (0, "thread done\n")


_CLOSED = """
import sys
from generator.cli.exiting import exit_now
sys.stdout.write("x" * 100)  # buffered: the pipe is a file, not a terminal
sys.stdin.readline()  # the reader closes its end meanwhile
exit_now(SystemExit(0))
"""


def test_a_closed_stdout_ends_as_the_normal_exit_does() -> None:
    """The flush fails: the normal exit runs, and says so as it always has."""
    results = []
    for code in (_CLOSED, _CLOSED.replace("exit_now(SystemExit(0))", "raise SystemExit(0)")):
        process = subprocess.Popen(
            [sys.executable, "-c", code],
            env=ENV,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdin is not None and process.stdout is not None
        process.stdout.close()
        _, stderr = process.communicate("go\n", timeout=60)
        results.append((process.returncode, stderr))
    assert results[0] == results[1]
    assert results[0][0] != 0 and "BrokenPipeError" in results[0][1]
