"""The validate progress bar: on a terminal for long runs, never in logs."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from generator.progress import SHOW_AFTER_SECONDS, Progress


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


def test_validate_prints_no_bar_into_logs(
    tmp_path: Path, generate: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    module = generate()
    result = run_cli("validate", module)
    assert result.exit_code == 0
    assert "Checking modules" not in result.output
