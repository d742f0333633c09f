"""The PHP patterns written for speed match exactly what the patterns they stand for match: name
classes written as the ASCII they exclude (the Unicode ranges take milliseconds to compile), and
search patterns that start with a literal instead of a lookbehind (tried at every offset)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from generator.magento import phpclasses, setupcode
from generator.magento.phpclasses import NAME_PART, NAME_START
from generator.magento.phpcode import read_php
from generator.magento.phpsource import _SKIPPED, STRING_END
from generator.pipeline import syncstate
from generator.magento.phpvalues import NAME_PART_OR_BACKSLASH

REPO = Path(__file__).resolve().parent.parent
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


# The patterns as first written: each starts with its lookbehind (slow to search, the same matches).
_AFTER = r"(?<![\w$\\>:])"
_NAME = r"[A-Za-z_\x80-\U0010ffff][\w\x80-\U0010ffff]*"
_QUALIFIED = rf"\\?{_NAME}(?:\\{_NAME})*"
MEANT = {
    "setupcode.creating_calls": r"(?<![\w$])"
    r"(processIntegrationConfig|processConfigBasedIntegrations)"
    r"\s*\(|->\s*(create|update)\s*\(",
    "setupcode.INTEGRATION_API": r"(?<![\w$])(ConfigBasedIntegrationManager"
    r"|IntegrationServiceInterface|IntegrationService|IntegrationFactory"
    r"|processConfigBasedIntegrations|processIntegrationConfig)(?!\w)",
    "phpclasses._NAMESPACE": rf"{_AFTER}namespace\s+({_NAME}(?:\\{_NAME})*)\s*[;{{]",
    "phpclasses._USE": rf"{_AFTER}use\s",
    "phpclasses._DECLARATION": rf"{_AFTER}(?:class|interface|trait|enum)\s+"
    rf"(?!extends\b|implements\b)({_NAME})",
    "phpclasses._CONSTANT": rf"{_AFTER}const\s+(?:{_QUALIFIED}\s+)?({_NAME})\s*=(?!=)",
    "phpclasses._REFERENCE": rf"{_AFTER}{_QUALIFIED}(?![\w\\])",
}
# Pieces of PHP that sit at the edges of those patterns, joined at random (seeded) below.
PIECES = [
    "class", "interface", "trait", "enum", "use", "const", "extends", "implements", "namespace",
    "Foo", "bar_9", "processIntegrationConfig", "processConfigBasedIntegrations", "create",
    "update", "IntegrationService", "Interface", "IntegrationFactory",
    "ConfigBasedIntegrationManager", "é", "ñame", "Ω", "\U0001f600", "9", "_", "\\", "$", "->",
    ">", "::", ":", " ", "\n", "\t", "=", "==", "(", ")", "{", "}", ";", ",", "'", "@", "[", "]",
    "^", "`",
]


def _samples() -> list[str]:
    rng = random.Random(24)
    found = [path.read_text(encoding="utf-8") for path in sorted(REPO.rglob("tests/**/*.php"))]
    found += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12))) for _ in range(4000)]
    return found


def _found(name: str, code: str) -> list[tuple[tuple[int, int], object]]:
    """What the written pattern finds: spans and groups; for the creating calls (searched as two
    patterns, which call each is) and whether any is found."""
    if name == "setupcode.creating_calls":
        assert setupcode._has_call(code) == bool(setupcode.creating_calls(code))
        return [(m.span(), setupcode.call_of(m)) for m in setupcode.creating_calls(code)]
    module, _, attribute = name.partition(".")
    written = getattr({"phpclasses": phpclasses, "setupcode": setupcode}[module], attribute)
    return [(m.span(), m.groups()) for m in written.finditer(code)]


@pytest.mark.parametrize("name", sorted(MEANT))
def test_search_patterns_find_what_the_lookbehind_first_ones_find(name: str) -> None:
    meant = re.compile(MEANT[name])
    for text in _samples():
        code = read_php(text).code if text.startswith("<?php") else text
        expected = [
            (m.span(), m.groups() if name != "setupcode.creating_calls" else m.group(1))
            for m in meant.finditer(code)
        ]
        if name == "setupcode.creating_calls":
            expected = [(span, call or setupcode.SERVICE_CREATE) for span, call in expected]
        assert _found(name, code) == expected, repr(code[:200])


def test_declarations_searched_for_the_keywords_present_are_all_of_them() -> None:
    meant = re.compile(MEANT["phpclasses._DECLARATION"])
    for text in _samples():
        code = read_php(text).code if text.startswith("<?php") else text
        found = [(m.span(), m.groups()) for m in phpclasses._declarations(code)]
        assert found == [(m.span(), m.groups()) for m in meant.finditer(code)], repr(code[:200])


# Patterns unrolled (and made possessive) for speed, and the plain ones they stand for.
UNROLLED = {
    "string end '": (STRING_END["'"], r"(?:[^'\\]|\\.)*'", re.DOTALL),
    'string end "': (STRING_END['"'], r'(?:[^"\\]|\\.)*"', re.DOTALL),
    "string end `": (STRING_END["`"], r"(?:[^`\\]|\\.)*`", re.DOTALL),
    "what hides brackets": (_SKIPPED, r"['\"`]|//|#(?!\[)|/\*|<<<|\?>", 0),
    "a JSON literal": (syncstate._LITERAL, r'"(?:[^"\\\n]|\\.)*"', 0),
    "two JSON literals": (syncstate._TWO_LITERALS, r'"(?:[^"\\\n]|\\.)*"[ \n]*"', 0),
}
JSON_PIECES = ['"', "\\", "\\\"", "\\n", "\n", " ", "a", "é", ",", ":", "{", "}", "[", "]"]


@pytest.mark.parametrize("name", sorted(UNROLLED))
def test_unrolled_patterns_match_what_the_plain_ones_match(name: str) -> None:
    written, plain, flags = UNROLLED[name]
    meant = re.compile(plain, flags)
    rng = random.Random(name)
    texts = _samples() + [
        "".join(rng.choice(JSON_PIECES) for _ in range(rng.randint(1, 16))) for _ in range(4000)
    ]
    for text in texts:
        for start in range(0, len(text), max(1, len(text) // 8)):
            match = written.match(text, start)
            expected = meant.match(text, start)
            assert (match and match.span()) == (expected and expected.span()), repr(text[:200])
        if not name.startswith("string end"):  # (those are only matched, never searched)
            found = [m.span() for m in written.finditer(text)]
            assert found == [m.span() for m in meant.finditer(text)], repr(text[:200])
