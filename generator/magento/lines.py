"""Magento release lines (2.4.4 ... 2.4.9): their PHP ranges and packages, and which a module
targets.

The facts are data (``data/lines.json``), each with its source and the date it was last checked.
A module targets lines with a Composer constraint over Magento versions (``>=2.4.7``,
``~2.4.7 || ~2.4.8``); a line is targeted when the constraint admits some release of it, as
Composer would (``>2.4.7`` admits 2.4.7-p1, so it targets 2.4.7). The default targets are the
lines Adobe supported on the check date.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from generator.errors import shown
from generator.magento.constraints import (
    ConstraintError,
    admits_some,
    minor_span,
    parse_constraint,
    patch_span,
)

_DATA = Path(__file__).resolve().parent / "data" / "lines.json"
_LINE_NAME = re.compile(r"(\d+)\.(\d+)\.(\d+)")
_PHP_TERM = re.compile(r"~(\d+)\.(\d+)\.0")


@dataclass(frozen=True)
class MagentoLine:
    """One Magento release line, such as 2.4.7 (2.4.7 and its -pN patches)."""

    name: str
    php: str  # Magento's own constraint, e.g. ~8.2.0||~8.3.0||~8.4.0
    php_minors: tuple[tuple[int, int], ...]  # the PHP minor versions it allows, e.g. (8, 2)
    released: str
    end_of_support: str
    supported: bool  # in Adobe's standard support on the check date
    source: str

    @property
    def key(self) -> tuple[int, int, int]:
        """The line's numbers, for ordering."""
        return _numbers(self.name)


@dataclass(frozen=True)
class LineFacts:
    """Every known line, oldest first, with when and where the facts were checked."""

    lines: tuple[MagentoLine, ...]
    checked: str
    default_targets: str
    default_targets_reason: str
    packages: tuple[tuple[str, str], ...]  # the same on every line: magento/framework 103.0.*
    support_sources: tuple[str, ...]


def _numbers(name: str) -> tuple[int, int, int]:
    match = _LINE_NAME.fullmatch(name)
    if match is None:
        raise ValueError(f"{name!r} is not a line such as 2.4.7")
    return int(match[1]), int(match[2]), int(match[3])


def _php_minors(php: str) -> tuple[tuple[int, int], ...]:
    terms = [_PHP_TERM.fullmatch(term) for term in php.split("||")]
    if not terms or None in terms:
        raise ValueError(f"{php!r} is not a union of ~X.Y.0 ranges")
    return tuple(sorted((int(m[1]), int(m[2])) for m in terms if m))


@cache
def line_facts() -> LineFacts:
    """The bundled facts of every known Magento line."""
    document = json.loads(_DATA.read_text(encoding="utf-8"))
    lines = tuple(
        sorted(
            (
                MagentoLine(
                    entry["line"],
                    entry["php"],
                    _php_minors(entry["php"]),
                    entry["released"],
                    entry["end_of_support"],
                    entry["supported"],
                    entry["source"],
                )
                for entry in document["lines"]
            ),
            key=lambda line: line.key,
        )
    )
    return LineFacts(
        lines,
        document["checked"],
        document["default_targets"],
        document["default_targets_reason"],
        tuple(sorted(document["packages"].items())),
        tuple(document["support_sources"]),
    )


def known_lines() -> tuple[MagentoLine, ...]:
    """Every line magegen knows, oldest first."""
    return line_facts().lines


def line(name: str) -> MagentoLine:
    """The known line ``name`` (``2.4.7``); KeyError when magegen does not know it."""
    for candidate in known_lines():
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def select_lines(constraint: str) -> tuple[MagentoLine, ...]:
    """The known lines that ``constraint`` (Composer syntax, over Magento versions) targets,
    oldest first.

    Raises ConstraintError when Composer cannot read it, or when it targets no known line
    (the message names the known lines).
    """
    admitted = parse_constraint(constraint)
    chosen = tuple(
        candidate
        for candidate in known_lines()
        if admits_some(admitted, patch_span(*candidate.key))
    )
    if not chosen:
        names = ", ".join(candidate.name for candidate in known_lines())
        raise ConstraintError(
            f"'{shown(constraint)}' targets none of the Magento lines known: {names}"
        )
    return chosen


def default_targets() -> tuple[MagentoLine, ...]:
    """The lines a module targets unless it says otherwise: those Adobe supported on the date
    the facts were checked (``line_facts().checked``)."""
    return select_lines(line_facts().default_targets)


def php_constraint(lines: Iterable[MagentoLine]) -> str:
    """composer.json's ``php`` for a module that targets ``lines``: every PHP version any of
    them allows, as ``~X.Y.0`` ranges joined by ``||``, oldest first.

    The union never makes the module uninstallable on a line it claims. Raises ValueError for
    no lines.
    """
    minors = sorted({minor for target in lines for minor in target.php_minors})
    if not minors:
        raise ValueError("no target lines: a module must target at least one Magento line")
    return "||".join(f"~{major}.{minor}.0" for major, minor in minors)


def lines_excluded_by_php(php: str, lines: Iterable[MagentoLine]) -> tuple[MagentoLine, ...]:
    """The lines of ``lines`` on which a module whose composer.json says ``"php": php`` cannot
    be installed: its constraint admits none of the PHP versions the line allows.

    Raises ConstraintError when ``php`` is not a constraint magegen can read.
    """
    admitted = parse_constraint(php)
    return tuple(
        target
        for target in lines
        if not any(admits_some(admitted, minor_span(*minor)) for minor in target.php_minors)
    )


def packages() -> dict[str, str]:
    """The Magento packages every known line requires at the same constraint."""
    return dict(line_facts().packages)
