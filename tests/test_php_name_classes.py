"""The PHP name classes written as the ASCII they exclude match exactly what the Unicode ranges
they stand for match (those take milliseconds to compile, so only this test compiles them)."""

from __future__ import annotations

import re

import pytest

from generator.magento.phpclasses import NAME_PART, NAME_START
from generator.magento.phpvalues import NAME_PART_OR_BACKSLASH

# Every ASCII and Latin-1 point, the surrogates' edges, and points across the planes.
POINTS = [
    *range(0x180),
    0x2028, 0x3000, 0xD7FF, 0xD800, 0xDFFF, 0xE000, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF,
]


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        (NAME_START, r"[A-Za-z_\x80-\U0010ffff]"),
        (NAME_PART, r"[\w\x80-\U0010ffff]"),
        (NAME_PART_OR_BACKSLASH, r"[\w\\\x80-\U0010ffff]"),
    ],
    ids=["start", "part", "part-or-backslash"],
)
def test_ascii_exclusion_matches_the_unicode_range(written: str, meant: str) -> None:
    fast, slow = re.compile(written), re.compile(meant)
    for point in POINTS:
        char = chr(point)
        assert bool(fast.fullmatch(char)) == bool(slow.fullmatch(char)), hex(point)
