"""The benchmark's printed table: sections of rows with a value, a ratio, a target and a result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TextIO

from measure import Summary

PASS = "PASS"
MISS = "MISS"
LABEL_WIDTH = 58
VALUE_WIDTH = 28
RATIO_WIDTH = 22
TARGET_WIDTH = 22


@dataclass(frozen=True)
class Row:
    """One line of a section. Empty fields print as blanks."""

    label: str
    value: str = ""
    ratio: str = ""
    target: str = ""
    result: str = ""


@dataclass
class Section:
    """A numbered part of the benchmark: its rows, notes under them, and data for --json."""

    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def add(self, *rows: Row) -> None:
        """Append rows."""
        self.rows.extend(rows)


def verdict(passed: bool) -> str:
    """PASS or MISS."""
    return PASS if passed else MISS


def ms(summary: Summary, decimals: int = 1) -> str:
    """A summary of seconds, shown in milliseconds: ``312.4 ms [298.1-340.2]``."""
    s = summary.scaled(1000.0)
    return f"{s.median:.{decimals}f} ms [{s.low:.{decimals}f}-{s.high:.{decimals}f}]"


def times(summary: Summary, decimals: int = 2) -> str:
    """A summary of ratios: ``1.05x [0.98-1.11]``."""
    return (
        f"{summary.median:.{decimals}f}x [{summary.low:.{decimals}f}-{summary.high:.{decimals}f}]"
    )


def mib(summary: Summary) -> str:
    """A summary of MiB: ``41.2 MiB [41.0-41.5]``."""
    return f"{summary.median:.1f} MiB [{summary.low:.1f}-{summary.high:.1f}]"


def print_section(number: int, section: Section, out: TextIO) -> None:
    """Print one section as aligned plain text."""
    print(f"\n{number}. {section.title}", file=out)
    header = Row("measure", "median [min-max]", "ratio [min-max]", "target", "result")
    rule = "-" * (LABEL_WIDTH + VALUE_WIDTH + RATIO_WIDTH + TARGET_WIDTH + len(MISS) + 4)
    print(_line(header), file=out)
    print(rule, file=out)
    for row in section.rows:
        print(_line(row), file=out)
    for note in section.notes:
        print(f"  note: {note}", file=out)


def _line(row: Row) -> str:
    label = row.label if len(row.label) <= LABEL_WIDTH else row.label[: LABEL_WIDTH - 3] + "..."
    text = (
        f"{label:<{LABEL_WIDTH}} {row.value:<{VALUE_WIDTH}} {row.ratio:<{RATIO_WIDTH}} "
        f"{row.target:<{TARGET_WIDTH}} {row.result}"
    )
    return text.rstrip()
