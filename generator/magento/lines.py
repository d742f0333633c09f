"""Magento release lines (2.4.4 ... 2.4.9): when each is supported, and which lines a module
targets by default.

The facts are data (``data/lines.json``), each with its source and the date it was last checked.
Everything else about a line comes from its releases (``generator.magento.releases``), derived
from Magento's own files. A line magegen knows no release of yet (2.4.9) carries its php here,
from Magento's development branch, and is judged by the newest known release
(``generator.magento.targetset``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import NamedTuple, Protocol

from generator.magento.constraints import admits_some, minor_span, parse_constraint

_DATA = Path(__file__).resolve().parent / "data" / "lines.json"
_LINE_NAME = re.compile(r"(\d+)\.(\d+)\.(\d+)")
_PHP_TERM = re.compile(r"~(\d+)\.(\d+)\.0")


class PhpSource(Protocol):
    """A release or a line, as far as composer.json's php is concerned."""

    name: str
    php: str | None
    php_minors: tuple[tuple[int, int], ...]


class MagentoLine(NamedTuple):
    """One Magento release line, such as 2.4.7 (2.4.7 and its -pN patches)."""

    name: str
    released: str
    end_of_support: str
    supported: bool  # in Adobe's standard support on the check date
    source: str
    php: str | None = None  # only for a line with no known release (2.4.9)
    php_minors: tuple[tuple[int, int], ...] = ()

    @property
    def key(self) -> tuple[int, int, int]:
        """The line's numbers, for ordering."""
        return _numbers(self.name)


class LineFacts(NamedTuple):
    """Every known line, oldest first, with when and where the facts were checked."""

    lines: tuple[MagentoLine, ...]
    checked: str
    default_targets: str
    default_targets_reason: str
    support_sources: tuple[str, ...]


def _numbers(name: str) -> tuple[int, int, int]:
    match = _LINE_NAME.fullmatch(name)
    if match is None:
        raise ValueError(f"{name!r} is not a line such as 2.4.7")
    return int(match[1]), int(match[2]), int(match[3])


def php_minors(php: str) -> tuple[tuple[int, int], ...]:
    """The PHP minor versions of a Magento php constraint (``~8.2.0||~8.3.0``): ((8, 2), (8, 3)).

    Raises ValueError when it is not a union of ``~X.Y.0`` ranges.
    """
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
                    entry["released"],
                    entry["end_of_support"],
                    entry["supported"],
                    entry["source"],
                    entry.get("php"),
                    php_minors(entry["php"]) if "php" in entry else (),
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
        tuple(document["support_sources"]),
    )


def known_lines() -> tuple[MagentoLine, ...]:
    """Every line magegen knows, oldest first."""
    return line_facts().lines


def php_constraint(sources: Iterable[PhpSource]) -> str:
    """composer.json's ``php`` for a module that targets ``sources`` (releases, or lines with no
    known release): every PHP version any of them allows, as ``~X.Y.0`` ranges joined by
    ``||``, oldest first.

    The union never makes the module uninstallable on a release it claims. Raises ValueError for
    no sources.
    """
    minors = sorted({minor for target in sources for minor in target.php_minors})
    if not minors:
        raise ValueError("no targets: a module must target at least one Magento release")
    return "||".join(f"~{major}.{minor}.0" for major, minor in minors)


def excluded_by_php(php: str, sources: Iterable[PhpSource]) -> tuple[PhpSource, ...]:
    """The releases (or lines) of ``sources`` on which a module whose composer.json says
    ``"php": php`` cannot be installed: its constraint admits none of the PHP versions they
    allow.

    Raises ConstraintError when ``php`` is not a constraint magegen can read.
    """
    admitted = parse_constraint(php)
    return tuple(
        target
        for target in sources
        if not any(admits_some(admitted, minor_span(*minor)) for minor in target.php_minors)
    )

