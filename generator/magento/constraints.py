"""Composer version constraints read as sets of versions, with Composer's semantics.

``rules.check_constraint`` says whether Composer can read a constraint; this module says which
versions it admits, so that magegen can ask: which Magento lines does ``~2.4.7 || ~2.4.8``
select, and which PHP versions does a module's ``"php": "^8.2"`` allow?

A constraint becomes a union of intervals over normalized versions, as Composer's
VersionParser normalizes them: four numbers and a stability (``2.4.7-p9`` is 2.4.7.0-patch9,
after 2.4.7.0 and before 2.4.8.0-dev). Composer's own choices are kept: ``>=2.4`` and ``~2.4.7``
start at the ``-dev`` of their version, ``<2.4.8`` ends before 2.4.8's ``-dev``, and a bare
``2.4.7`` is that version exactly. Dev branches (``dev-main``) name no version and are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from generator.errors import shown
from generator.magento.rules import check_constraint
from generator.patterns import lazy

# dev < alpha < beta < RC < stable < patch, as Composer orders stabilities.
_RANK = {"dev": 0, "alpha": 1, "a": 1, "beta": 2, "b": 2, "rc": 3, "stable": 4}
_PATCH = {"patch", "pl", "p"}
DEV, STABLE = 0, 4

_VERSION = lazy(
    r"v?(?P<numbers>\d+(?:\.\d+){0,3})(?P<wild>\.[*xX])?"
    r"(?:-?(?P<stability>alpha|beta|RC|rc|a|b|patch|pl|p|dev|stable)\.?(?P<number>\d+)?)?"
)
_OPERATOR = lazy(r"(>=|<=|!=|==|>|<|=|~|\^)?(.*)")
# Constraints such as ~8.1.0||~8.2.0, ^2.4, >=7.4 or 103.0.* (what magegen writes for Magento's
# packages): part of the language check_constraint accepts, so they are read without compiling
# Composer's whole grammar (milliseconds per run).
_PLAIN_TERM = (
    r"(?:(?:[~^]|>=|<=|>|<|!=|==|=)?\s*v?\d{1,5}(?:\.\d+){0,3}|\d{1,5}(?:\.\d+){0,2}\.\*)"
)
_PLAIN = lazy(rf"\s*{_PLAIN_TERM}(?:\s*\|\|?\s*{_PLAIN_TERM})*\s*")


class ConstraintError(ValueError):
    """A constraint magegen cannot read as a set of versions; the message says why."""


class Version(NamedTuple):
    """A normalized version: four numbers, a stability rank and its number."""

    numbers: tuple[int, int, int, int]
    rank: int = STABLE
    number: int = 0


class Bound(NamedTuple):
    """One end of an interval."""

    version: Version
    inclusive: bool


class Interval(NamedTuple):
    """The versions between ``low`` and ``high``; None is unbounded."""

    low: Bound | None
    high: Bound | None

    def is_empty(self) -> bool:
        """Whether no version lies in this interval."""
        if self.low is None or self.high is None:
            return False
        if self.low.version != self.high.version:
            return self.low.version > self.high.version
        return not (self.low.inclusive and self.high.inclusive)

    def intersect(self, other: Interval) -> Interval:
        """The versions in both intervals."""
        return Interval(_tighter(self.low, other.low, 1), _tighter(self.high, other.high, -1))


def _tighter(a: Bound | None, b: Bound | None, direction: int) -> Bound | None:
    if a is None or b is None:
        return a or b
    if a.version != b.version:
        return a if (a.version > b.version) == (direction > 0) else b
    return a if not a.inclusive else b


EVERYTHING = (Interval(None, None),)


class _Parsed(NamedTuple):
    numbers: tuple[int, ...]
    wildcard: bool
    rank: int
    number: int
    explicit_stability: bool


def _parse_version(text: str, original: str) -> _Parsed:
    match = _VERSION.fullmatch(text.split("@", 1)[0])
    if match is None:
        raise ConstraintError(f"'{shown(original)}': '{shown(text)}' is not a version")
    stability = (match["stability"] or "stable").lower()
    rank = 5 if stability in _PATCH else _RANK[stability]
    numbers = tuple(int(n) for n in match["numbers"].split("."))
    if match["wild"] and len(numbers) > 3:
        raise ConstraintError(f"'{shown(original)}': '{shown(text)}' has too many parts")
    return _Parsed(
        numbers, bool(match["wild"]), rank, int(match["number"] or 0), bool(match["stability"])
    )


def _version(numbers: Iterable[int], rank: int = STABLE, number: int = 0) -> Version:
    padded = (*numbers, 0, 0, 0, 0)[:4]
    return Version(padded, rank, number)  # type: ignore[arg-type]


def _bumped(numbers: tuple[int, ...], position: int) -> Version:
    """The ``-dev`` of the version after ``numbers`` at ``position`` (2.4.7 at 1: 2.5.0-dev)."""
    return _version((*numbers[:position], numbers[position] + 1), DEV)


def _low(parsed: _Parsed) -> Version:
    """Where ``>=``, ``~`` and ``^`` start: the version's -dev unless a stability is given."""
    if parsed.explicit_stability:
        return _version(parsed.numbers, parsed.rank, parsed.number)
    return _version(parsed.numbers, DEV)


def _term(term: str, original: str) -> tuple[Interval, ...]:
    """The intervals of one term such as ``>=2.4.7``, ``~2.4.7`` or ``2.4.*``."""
    if term in ("*", "x", "X") or term.startswith("@"):
        return EVERYTHING
    if term.startswith("dev-"):
        raise ConstraintError(f"'{shown(original)}': the branch '{shown(term)}' names no version")
    operator, rest = _OPERATOR.fullmatch(term).groups()  # type: ignore[union-attr]
    parsed = _parse_version(rest, original)
    numbers = parsed.numbers
    if parsed.wildcard:
        if operator not in (None, "=", "=="):
            raise ConstraintError(
                f"'{shown(original)}': '{shown(term)}' mixes an operator and a wildcard"
            )
        return (Interval(Bound(_version(numbers, DEV), True), Bound(_bumped(numbers, -1), False)),)
    exact = _version(numbers, parsed.rank, parsed.number)
    if operator == "~":
        position = max(len(numbers) - 2, 0)
        return (Interval(Bound(_low(parsed), True), Bound(_bumped(numbers, position), False)),)
    if operator == "^":
        position = next((i for i, n in enumerate(numbers) if n), len(numbers) - 1)
        return (Interval(Bound(_low(parsed), True), Bound(_bumped(numbers, position), False)),)
    if operator == ">=":
        return (Interval(Bound(_low(parsed), True), None),)
    if operator == ">":
        return (Interval(Bound(exact, False), None),)
    if operator == "<":
        high = exact if parsed.explicit_stability else _version(numbers, DEV)
        return (Interval(None, Bound(high, False)),)
    if operator == "<=":
        return (Interval(None, Bound(exact, True)),)
    if operator == "!=":
        return (Interval(None, Bound(exact, False)), Interval(Bound(exact, False), None))
    return (Interval(Bound(exact, True), Bound(exact, True)),)


def _hyphen(low: str, high: str, original: str) -> tuple[Interval, ...]:
    """``2.4.6 - 2.4.8``: from the first version; through the second, or below its next
    version when it is partial (``2.4.6 - 2.4`` ends before 2.5)."""
    start = _parse_version(low, original)
    end = _parse_version(high, original)
    if len(end.numbers) < 3 and not end.explicit_stability:
        upper = Bound(_bumped(end.numbers, -1), False)
    else:
        upper = Bound(_version(end.numbers, end.rank, end.number), True)
    return (Interval(Bound(_low(start), True), upper),)


def _intersect(a: tuple[Interval, ...], b: tuple[Interval, ...]) -> tuple[Interval, ...]:
    found = (x.intersect(y) for x in a for y in b)
    return tuple(i for i in found if not i.is_empty())


@lru_cache(maxsize=256)  # validate reads the same few php constraints in every module
def parse_constraint(value: str) -> tuple[Interval, ...]:
    """The versions ``value`` admits, as Composer reads it: a union of intervals.

    Raises ConstraintError for what Composer cannot read and for dev branches.
    """
    problem = None if _PLAIN.fullmatch(value) else check_constraint(value)
    if problem is not None:
        raise ConstraintError(problem)
    union: list[Interval] = []
    for alternative in re.split(r"\s*\|\|?\s*", value.strip()):
        hyphen = re.fullmatch(r"(\S+) - (\S+)", alternative)
        if hyphen:
            union += _hyphen(hyphen[1], hyphen[2], value)
            continue
        joined = re.sub(r"(>=|<=|!=|==|[<>=~^])\s+", r"\1", alternative)
        admitted = EVERYTHING
        for term in re.split(r"\s*,\s*|\s+", joined):
            admitted = _intersect(admitted, _term(term, value))
        union += admitted
    return tuple(union)


def admits_some(constraint: tuple[Interval, ...], span: tuple[Interval, ...]) -> bool:
    """Whether some version lies both in ``constraint`` and in ``span``."""
    return bool(_intersect(constraint, span))


def minor_span(major: int, minor: int) -> tuple[Interval, ...]:
    """Every version of a minor line, ``~major.minor.0``: major.minor.0-dev up to the next minor."""
    low = Bound(_version((major, minor), DEV), True)
    return (Interval(low, Bound(_version((major, minor + 1), DEV), False)),)


def patch_span(major: int, minor: int, patch: int) -> tuple[Interval, ...]:
    """Every version of a release line such as Magento's 2.4.7: 2.4.7-dev through 2.4.7-p9 and
    beyond, up to 2.4.8's -dev."""
    low = _version((major, minor, patch), DEV)
    return (Interval(Bound(low, True), Bound(_version((major, minor, patch + 1), DEV), False)),)


def release_key(release: str) -> Version:
    """A release name (``2.4.7-p4``) as Composer orders it: 2.4.7 < 2.4.7-p1 < … < 2.4.8.

    Raises ConstraintError when it is not a version.
    """
    parsed = _parse_version(release, release)
    if parsed.wildcard:
        raise ConstraintError(f"'{shown(release)}' is not a release")
    return _version(parsed.numbers, parsed.rank, parsed.number)


def admits(constraint: tuple[Interval, ...], version: Version) -> bool:
    """Whether ``constraint`` admits exactly ``version``."""
    point = (Interval(Bound(version, True), Bound(version, True)),)
    return admits_some(constraint, point)


def intersect(a: tuple[Interval, ...], b: tuple[Interval, ...]) -> tuple[Interval, ...]:
    """The versions in both ``a`` and ``b``."""
    return _intersect(a, b)


def later_than(version: Version) -> tuple[Interval, ...]:
    """Every version after ``version``."""
    return (Interval(Bound(version, False), None),)
