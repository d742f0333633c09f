"""A progress bar for long runs on a terminal, and nothing anywhere else."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import IO, Any

import click

# Runs shorter than this show no bar at all: it would only flicker.
SHOW_AFTER_SECONDS = 1.0


class Progress:
    """A ``progress(done, total)`` callback that shows click's progress bar on ``stream``.

    The bar appears only when ``stream`` is a terminal and the run has already taken
    SHOW_AFTER_SECONDS, so quick runs and CI logs stay clean.
    """

    def __init__(
        self,
        stream: IO[str],
        label: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.label = label
        self.clock = clock
        self.started = clock()
        self.bar: Any = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if not self.stream.isatty() or self.clock() - self.started < SHOW_AFTER_SECONDS:
                return
            self.bar = click.progressbar(length=total, label=self.label, file=self.stream)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        """Finish the bar, if one is showing."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
