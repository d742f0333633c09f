"""Error types. Each problem knows where it is; errors never print themselves."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import NamedTuple

# Characters that show nothing, or reorder what follows: Unicode's format characters (category
# Cf: zero-width spaces and joiners, soft hyphen, the bidirectional embeddings, overrides and
# isolates, the byte order mark, tag characters) and the invisible fillers and joiners of other
# categories. Two names that differ only in these look identical, so they are always escaped.
INVISIBLE = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f\u1160"
    "\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef"
)
# Control characters (C0, DEL, C1), the line and paragraph separators some terminals and
# renderers break lines at, and the invisible characters above.
_UNPRINTABLE = f"[\x00-\x1f\x7f-\x9f\u2028\u2029{INVISIBLE}]"
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
SHOWN_LIMIT = 120  # characters of one value shown in a message; the rest is elided


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    if ord(char) < 0x100:
        return f"\\x{ord(char):02x}"
    return f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}"


@cache
def _unprintable() -> re.Pattern[str]:
    """The unprintable characters' pattern, compiled when first needed (this module cannot use
    generator.patterns: it is the lowest layer)."""
    return re.compile(_UNPRINTABLE)


def one_line(text: str) -> str:
    """``text`` with every control character and line separator escaped, never shortened."""
    return _unprintable().sub(_escape, text)


def shown(value: str, limit: int = SHOWN_LIMIT) -> str:
    """``value`` made safe to show inside a one-line message.

    Control characters become visible escapes (``\\n``, ``\\x1b``), so a value read from a file
    can never start a new line, forge a finding or a workflow command; a value longer than
    ``limit`` characters is cut in the middle.
    """
    if len(value) > limit:
        keep = max(limit // 2 - 2, 1)
        value = f"{value[:keep]}…{value[-keep:]}"
    return one_line(value)


class Severity(str, enum.Enum):
    """How much a finding matters: errors fail a run, warnings only with ``--strict``.

    Equal to, and shown as, its spelling (``"error"``); a str Enum rather than StrEnum, which
    needs Python 3.11.
    """

    def __str__(self) -> str:
        return str(self.value)

    ERROR = "error"
    WARNING = "warning"


def closest(word: str, choices: Sequence[str]) -> str | None:
    """The choice ``word`` most likely misspells, if any is close."""
    import difflib  # only when something is misspelt

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def suggestion(word: str, choices: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the choice ``word`` most likely misspells, or nothing."""
    close = closest(word, choices)
    return f" (did you mean '{close}'?)" if close else ""


class Problem(NamedTuple):
    """One finding, located in a file (and, when known, a line and column, both 1-based)."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    severity: str = Severity.ERROR
    code: str | None = None

    def __str__(self) -> str:
        """``file:line:col: severity: field: message [CODE]``, always on one line."""
        where = one_line(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        subject = f"{one_line(self.field)}: " if self.field else ""
        tag = f" [{self.code}]" if self.code else ""
        return f"{where}: {self.severity}: {subject}{one_line(self.message)}{tag}"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order by file, line, column, then code and message."""
        return (self.file, self.line or 0, self.column or 0, self.code or "", self.message)


class MagegenError(Exception):
    """Base of every error magegen reports to its user; carries one or more problems."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SpecError(MagegenError):
    """The spec file is missing, unreadable or invalid."""


class UsageError(MagegenError):
    """A command-line argument is invalid, e.g. a malformed module name."""


class TargetError(MagegenError):
    """The output folder cannot be written as asked (existing files, a file in the way)."""


class CheckError(MagegenError):
    """The rendered module failed its own checks, so nothing was written."""

    exit_code = 1


class TemplateError(MagegenError):
    """A custom template cannot be read, compiled or rendered (a user's template, so bad input)."""


class ModuleError(MagegenError):
    """A module folder cannot be read back: missing, unreadable or invalid files (exit 2)."""
