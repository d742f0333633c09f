"""The validate progress bar: on a terminal for long runs, never in logs."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli import progress as progress_module
from generator.cli import main
from generator.cli.progress import SHOW_AFTER_SECONDS, Progress


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_long_run_on_a_terminal_shows_a_bar() -> None:
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, "Checking modules", clock)
    progress(10, 1000)
    assert stream.getvalue() == "", "nothing before a second has passed"
    clock.now += SHOW_AFTER_SECONDS + 0.1
    progress(500, 1000)
    progress(1000, 1000)
    progress.close()
    assert "Checking modules" in stream.getvalue()
    assert "100%" in stream.getvalue()


def test_no_bar_when_not_a_terminal() -> None:
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, "Checking modules", clock)
    clock.now += 60
    progress(500, 1000)
    progress.close()
    assert stream.getvalue() == ""


def test_a_quick_run_shows_no_bar() -> None:
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, "Checking modules", clock)
    progress(1000, 1000)
    progress.close()
    assert stream.getvalue() == ""


def run_validate(
    module: Path, stderr: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """Run the real CLI's ``validate`` with ``sys.stderr`` as given; (exit code, stdout, stderr).

    Not through CliRunner, whose stderr is never a terminal: here the test decides.
    """
    stdout = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    with pytest.raises(SystemExit) as exited:
        main.main(["validate", str(module)], prog_name="magegen")
    return exited.value.code, stdout.getvalue(), stderr.getvalue()


def test_validate_prints_no_bar_into_logs(
    generate: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log gets no bar: not when stderr is a pipe or file, not after a quick run on a terminal.

    The control run shows that a long run on a terminal does draw the bar, on stderr only, so
    the two refusals are the guards in generator/cli/progress.py at work and nothing else.
    """
    module = generate()
    report = "magegen: 1 module checked, 0 errors, 0 warnings\n"

    monkeypatch.setattr(progress_module, "SHOW_AFTER_SECONDS", 0.0)  # every run counts as long
    assert run_validate(module, io.StringIO(), monkeypatch) == (0, report, "")
    code, stdout, stderr = run_validate(module, Terminal(), monkeypatch)
    assert (code, stdout) == (0, report)
    assert "Checking modules" in stderr and "100%" in stderr, "control: a long run shows a bar"

    monkeypatch.setattr(progress_module, "SHOW_AFTER_SECONDS", 3600.0)  # every run counts as quick
    assert run_validate(module, Terminal(), monkeypatch) == (0, report, "")
