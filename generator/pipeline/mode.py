"""What ``magegen new`` does with a rendered module: write it, list what a write would do, or
compare it with the tree on disk.

The mode is chosen once from the command-line options (``Mode.from_options``), as black chooses
its ``WriteBack``. A plain write imports nothing of the comparing modes (generator.pipeline.drift).
"""

from __future__ import annotations

import enum

from generator.errors import Problem, UsageError


class Mode(enum.Enum):
    """What ``magegen new`` does once the module is rendered and checked."""

    WRITE = "write"
    DRY_RUN = "dry-run"  # list what a write would do
    CHECK = "check"  # exit 1 when the tree on disk drifted
    DIFF = "diff"  # print the drift as a unified diff
    CHECK_DIFF = "check-diff"  # both

    @classmethod
    def from_options(cls, *, force: bool, dry_run: bool, check: bool, diff: bool) -> Mode:
        """The one mode the options ask for; raise UsageError for options that contradict."""
        if check or diff:
            given = " and ".join(name for name, on in (("--check", check), ("--diff", diff)) if on)
            problems = [
                Problem(option, f"cannot be combined with {given}: {reason}")
                for option, on, reason in (
                    ("--force", force, "comparing never writes, so there is nothing to force"),
                    ("--dry-run", dry_run, "comparing already writes nothing"),
                )
                if on
            ]
            if problems:
                raise UsageError(problems)
            if check and diff:
                return cls.CHECK_DIFF
            return cls.CHECK if check else cls.DIFF
        return cls.DRY_RUN if dry_run else cls.WRITE

    @property
    def compares(self) -> bool:
        """Whether this mode compares the rendered files with the tree on disk."""
        return self in (Mode.CHECK, Mode.DIFF, Mode.CHECK_DIFF)

    @property
    def shows_diff(self) -> bool:
        """Whether this mode prints a unified diff."""
        return self in (Mode.DIFF, Mode.CHECK_DIFF)

    @property
    def fails_on_drift(self) -> bool:
        """Whether drift makes this mode exit 1."""
        return self in (Mode.CHECK, Mode.CHECK_DIFF)
