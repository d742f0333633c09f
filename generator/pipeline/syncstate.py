"""The state a sync data patch records in its class docblock, written and read back.

The state is a JSON object. Its canonical text (sorted keys, no spaces, ASCII only, ``/``
written ``\\/``) is what the patch's class name is hashed from. The docblock shows it
pretty-printed, one key or list item a line with PHP's JSON_PRETTY_PRINT indent, below the
marker ``magegen-sync: {``, so that a reviewer can read it and every line fits the coding
standard's 120 columns:

     * magegen-sync: {
     *     "integrations": [
     *         {
     *             "email": "erp@acme.example",
     *             "endpoint_url": "https:\\/\\/erp.acme.example\\/a\\/very\\/long\\/path"
     *                 "\\/that\\/goes\\/on",
     ...
     * }

A string too long for its line goes on in string literals on the lines below it, as adjacent
literals join in C or Python; JSON never puts two strings side by side, so the reader can tell.
Patches from magegen before this layout hold the canonical text on the marker line itself; they
are read too.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

from generator.magento.rules import MAX_LINE_COLUMNS
from generator.patterns import lazy

MARKER = "magegen-sync: "
# Each docblock line: " * " and then the text.
LINE_PREFIX = " * "
INDENT = "    "
_LONG_LINE = lazy(r'(?P<head> *(?:"[a-z_]+": )?)"(?P<body>.*)"(?P<tail>,?)')
# What a JSON string's text is made of, with ensure_ascii: escapes stay whole.
_UNITS = lazy(r"\\u[0-9a-fA-F]{4}|\\.|.", re.DOTALL)
_CLOSING = LINE_PREFIX + "}"
# A long string breaks after one of these if it leaves at most _LOOK_BACK characters to carry.
_SEPARATORS = frozenset(("\\/", " ", "-", "&", "?", ",", ";", "."))
_LOOK_BACK = 24
# A JSON string literal: "(?:[^"\\\n]|\\.)*", unrolled and possessive: the engine runs over plain
# characters without trying two branches at each, and never gives any back, which could not
# end a literal anyway (the same matches; searching a state for two literals side by side goes
# from about 27 to 4 us).
LITERAL = r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"'
_LITERAL = lazy(LITERAL)
# A string literal and those that go on with it (only spaces and line breaks between them).
_LITERAL_RUN = lazy(rf"{LITERAL}(?:[ \n]*{LITERAL})*")
# A literal followed by another: found wherever a run of two or more starts (and maybe elsewhere).
_TWO_LITERALS = re.compile(rf'{LITERAL}[ \n]*"')
_QUOTES_APART = re.compile(r'"[ \n]*"')


class Recorded(NamedTuple):
    """A state read from a patch: its canonical text, and whether it was on one line."""

    canonical: str
    one_line: bool


# What json.dumps(state, ensure_ascii=True, sort_keys=True, separators=(",", ":")) builds at
# each call, built once.
_CANONICAL = json.JSONEncoder(ensure_ascii=True, sort_keys=True, separators=(",", ":"))


def canonical_text(state: object) -> str:
    """The canonical JSON of ``state``: ASCII only, and never ``*/`` (``/`` is escaped)."""
    return _CANONICAL.encode(state).replace("/", "\\/")


def state_lines(canonical: str) -> tuple[str, ...]:
    """The docblock lines (without `` * ``) that record the state ``canonical``, marker first.

    Each fits MAX_LINE_COLUMNS with its prefix, however long the state's strings are.
    """
    pretty = json.dumps(json.loads(canonical), ensure_ascii=True, sort_keys=True, indent=4)
    lines = (MARKER + pretty.replace("/", "\\/")).split("\n")
    width = MAX_LINE_COLUMNS - len(LINE_PREFIX)
    return tuple(part for line in lines for part in _wrapped(line, width))


def _wrapped(line: str, width: int) -> list[str]:
    """``line``, or its string literal split over literals on the lines below it: after a
    ``/``, space or other separator near the end of each line where there is one."""
    match = _LONG_LINE.fullmatch(line)
    if len(line) <= width or match is None:
        return [line]
    continued = " " * (len(match["head"]) - len(match["head"].lstrip(" "))) + INDENT
    lead, tail = match["head"] + '"', '"' + match["tail"]
    parts: list[str] = []
    piece: list[str] = []
    for unit in _UNITS.findall(match["body"]):
        if len(lead) + len("".join(piece)) + len(unit) + len(tail) > width:
            cut = _cut(piece)
            parts.append(lead + "".join(piece[:cut]) + '"')
            lead, piece = continued + '"', piece[cut:]
        piece.append(unit)
    parts.append(lead + "".join(piece) + tail)
    return parts


def _cut(units: list[str]) -> int:
    """Where to end a line's piece of ``units``: after the last separator that leaves at most
    _LOOK_BACK characters for the next line, else after them all."""
    carried = 0
    for index in range(len(units) - 1, 0, -1):
        if units[index] in _SEPARATORS:
            return index + 1
        carried += len(units[index])
        if carried > _LOOK_BACK:
            break
    return len(units)


def read_state(text: str) -> Recorded | None:
    """The state a patch's text records after its one marker line; None if it holds none.

    Reads the pretty layout and the one-line layout of earlier patches. What it returns is
    only a claim: the caller proves it by rendering the patch again.
    """
    found = read_state_value(text)
    return None if found is None else found[0]


def read_state_value(text: str) -> tuple[Recorded, object] | None:
    """``read_state(text)`` and, for the pretty layout, the JSON value it was canonicalised from
    (None for the one-line layout, which is not decoded here)."""
    # The one line that starts with the marker (a line starts the text or follows a "\n").
    # (The needle's one "\n" is its first character, so its occurrences never overlap: two
    # finds tell what counting them would.)
    marker = LINE_PREFIX + MARKER
    after = text.find("\n" + marker)
    if text.startswith(marker):
        if after != -1:
            return None
        start = 0
    elif after == -1 or text.find("\n" + marker, after + 1) != -1:
        return None
    else:
        start = after + 1
    line_end = text.find("\n", start)
    first = text[start + len(marker) : len(text) if line_end == -1 else line_end]
    if first != "{":
        return Recorded(first, True), None
    if line_end == -1:
        return None  # no closing line
    # The first line after it that is exactly _CLOSING.
    closing = text.find("\n" + _CLOSING, line_end)
    while closing != -1:
        end = closing + 1 + len(_CLOSING)
        if end == len(text) or text[end] == "\n":
            break
        closing = text.find("\n" + _CLOSING, closing + 1)
    else:
        return None
    body = text[line_end + 1 : end]  # the lines below the marker's, the closing one included
    if not body.startswith(LINE_PREFIX) or body.count("\n") != body.count("\n" + LINE_PREFIX):
        return None  # a line that does not start with the prefix
    pretty = "{\n" + body[len(LINE_PREFIX) :].replace("\n" + LINE_PREFIX, "\n")
    try:
        value = json.loads(_joined(pretty))
        return Recorded(canonical_text(value), False), value
    except (ValueError, RecursionError):
        return None


def _joined(text: str) -> str:
    """``text`` with each run of adjacent string literals joined into one literal."""

    def join(run: re.Match[str]) -> str:
        return '"' + "".join(literal[1:-1] for literal in _LITERAL.findall(run[0])) + '"'

    # (A closing quote, spaces and an opening quote: what two literals side by side need, and
    # faster to rule out.)
    if _QUOTES_APART.search(text) is None or _TWO_LITERALS.search(text) is None:
        return text  # each run is one literal, which joins to itself
    return _LITERAL_RUN.sub(join, text)
