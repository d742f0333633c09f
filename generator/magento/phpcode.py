"""PHP source seen as code, without PHP: which calls are real (not inside a string, heredoc or
comment), and what each string literal holds, decoded exactly as PHP decodes it.

It shares its tokens with the structural check (generator.magento.phpsource).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

from generator.magento.phpsource import HEREDOC
from generator.patterns import lazy

_CODE_OPEN = re.compile(r"<\?php(?=\s)|<\?=")
# What hides code, whole: a string literal to its closing quote (escapes skipped) or, when it
# never closes, to the end of the source; a line comment up to its line break or a closing tag;
# a block comment to its "*/" or the end; the "<<<" of a heredoc; the closing tag. What opens
# each is ['"`]|//|#(?!\[)|/\*|<<<|\?>; each alternative starts with its own character, so that
# the engine searches for those characters instead of trying every offset.
_HIDDEN = re.compile(
    r"'(?:[^'\\]*(?:\\.[^'\\]*)*'|.*)"
    r'|"(?:[^"\\]*(?:\\.[^"\\]*)*"|.*)'
    r"|`(?:[^`\\]*(?:\\.[^`\\]*)*`|.*)"
    r"|//[^\n?]*(?:\?(?!>)[^\n?]*)*"
    r"|#(?!\[)[^\n?]*(?:\?(?!>)[^\n?]*)*"
    r"|/\*(?:[^*]*\*+(?:[^/*][^*]*\*+)*/|.*)"
    r"|<<<|\?>",
    re.DOTALL,
)
_SINGLE_ESCAPE = lazy(r"\\([\\'])")
_DOUBLE_ESCAPE = lazy(
    r"\\(?:(?P<simple>[nrtvef\\$\"])|(?P<octal>[0-7]{1,3})|x(?P<hex>[0-9A-Fa-f]{1,2})"
    r"|u\{(?P<codepoint>[0-9A-Fa-f]+)\})"
)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "v": "\v", "e": "\x1b", "f": "\f"}
# An unescaped "$name" or "{$" in a double-quoted string: PHP interpolates a variable there. A
# name starts with [A-Za-z_\x80-\U0010ffff], written as the ASCII it excludes: the range takes
# milliseconds to compile, at every start.
_INTERPOLATION = lazy(r"(?<!\\)(?:\\\\)*(?:\$[^\x00-\x40\x5b-\x5e\x60\x7b-\x7f]|\{\$)")


def decode_php_string(literal: str) -> str:
    """The value of a PHP string literal (quotes included), decoded exactly as PHP decodes it.

    Single quotes know only ``\\\\`` and ``\\'``; double quotes know ``\\n \\t \\v \\e \\f \\r
    \\$ \\" \\\\``, octal ``\\0``-``\\377``, ``\\xHH`` and ``\\u{...}``. An escape PHP does not
    know stays as written, backslash included. Bytes that are not UTF-8 come back as surrogate
    escapes, so they never equal a name read from XML.
    """
    quote, body = literal[0], literal[1:-1]
    if quote == "'":
        return _SINGLE_ESCAPE.sub(r"\1", body)
    decoded = bytearray()
    position = 0
    for match in _DOUBLE_ESCAPE.finditer(body):
        decoded += body[position : match.start()].encode("utf-8", "surrogateescape")
        decoded += _escape_bytes(match)
        position = match.end()
    decoded += body[position:].encode("utf-8", "surrogateescape")
    return decoded.decode("utf-8", "surrogateescape")


def _escape_bytes(match: re.Match[str]) -> bytes:
    if match["simple"] is not None:
        return _SIMPLE_ESCAPES.get(match["simple"], match["simple"]).encode()
    if match["octal"] is not None:
        return bytes([int(match["octal"], 8) & 0xFF])  # PHP keeps the low byte of \400 and up
    if match["hex"] is not None:
        return bytes([int(match["hex"], 16)])
    codepoint = int(match["codepoint"], 16)
    if codepoint > 0x10FFFF:
        return match.group().encode()  # PHP refuses the file; keep what is written
    return chr(codepoint).encode("utf-8", "surrogatepass")


class PhpCode(NamedTuple):
    """PHP source seen as code.

    ``code`` has the length and line breaks of the source, with comments, heredocs, nowdocs and
    inline HTML blanked, and every string literal blanked between its quotes. ``literals`` maps
    the offset of each single- or double-quoted literal to its end and its value (None when the
    literal interpolates a variable, so its value is not known). ``closed``: the source stays
    PHP code from its opening tag to its end (no closing tag), and every string literal,
    comment and heredoc in it ends before the source does; the structural check then needs
    only ``code``'s brackets (``generator.magento.phpsource.check_php``).
    """

    code: str
    literals: dict[int, tuple[int, str | None]]
    closed: bool = False

    def line_at(self, offset: int) -> int:
        """The 1-based line of ``offset``."""
        return self.code.count("\n", 0, offset) + 1

    def column_at(self, offset: int) -> int:
        """The 1-based column of ``offset``."""
        return offset - self.code.rfind("\n", 0, offset)

    def literal_runs(self, start: int, end: int) -> list[tuple[int, int, str | None]]:
        """The string literals that start between ``start`` and ``end``, those joined by ``.``
        alone (a long string split over lines) as one: (offset, end, value), the value None
        when a part's is not known."""
        runs: list[tuple[int, int, str | None]] = []
        offsets = list(self.literals)  # in the order read_php found them: ascending
        for offset in offsets[bisect_left(offsets, start) : bisect_left(offsets, end)]:
            literal_end, value = self.literals[offset]
            if runs and self.code[runs[-1][1] : offset].strip() == ".":
                first, _, before = runs[-1]
                joined = None if before is None or value is None else before + value
                runs[-1] = (first, literal_end, joined)
            else:
                runs.append((offset, literal_end, value))
        return runs


# The last few small sources read: a module's checks each read its setup code (the setup-code
# reader, the sync record, the setup names), so one parse is shared. PhpCode is never changed.
_RECENT: dict[str, PhpCode] = {}
RECENT_COUNT = 8
RECENT_MAX_CHARS = 64 << 10


def read_php(source: str) -> PhpCode:
    """``source`` split into code and string literals (see PhpCode)."""
    found = _RECENT.get(source)
    if found is None:
        found = _read_php(source)
        if len(source) <= RECENT_MAX_CHARS:
            if len(_RECENT) >= RECENT_COUNT:
                del _RECENT[next(iter(_RECENT))]  # the oldest
            _RECENT[source] = found
    return found


def recent_php(source: str) -> PhpCode | None:
    """``read_php(source)`` when it was read lately (and is kept), else None: nothing is read."""
    return _RECENT.get(source)


def _read_php(source: str) -> PhpCode:
    pieces: list[str] = []
    literals: dict[int, tuple[int, str | None]] = {}
    position, length, in_code = 0, len(source), False
    closed = True  # (see PhpCode; a hidden run that reaches the end counts as not closed)
    search = _HIDDEN.search
    while position < length:
        if not in_code:
            opened = _CODE_OPEN.search(source, position)
            end = opened.end() if opened else length
            pieces.append(_blank(source[position:end]))
            position, in_code = end, opened is not None
            continue
        found = search(source, position)
        if found is None:
            pieces.append(source[position:])
            break
        start, end = found.span()
        pieces.append(source[position:start])
        token = source[start]
        if end >= length:
            closed = False
        if token == "'" or token == '"':
            body = source[start + 1 : end - 1]
            literals[start] = (end, _literal_value(token, body) if end - start >= 2 else None)
            pieces.append(token + _blank(body) + source[end - 1 : end])
        elif token == "?":  # the closing tag
            pieces.append("  ")
            in_code = closed = False
        else:
            if token == "<":
                end = _heredoc_end(source, start)
                closed = closed and end < length
            pieces.append(_blank(source[start:end]))
        position = end
    return PhpCode("".join(pieces), literals, closed and in_code)


def _literal_value(quote: str, body: str) -> str | None:
    """The value of the literal ``quote + body + quote``; None when it interpolates."""
    if quote == '"' and "$" in body and _INTERPOLATION.search(body):
        return None
    if "\\" not in body and (quote == "'" or body.isascii()):
        # No escape: the value is the body, as decode_php_string finds (which also re-encodes
        # non-ASCII text of a double-quoted literal: that is left to it).
        return body
    return decode_php_string(quote + body + quote)


# Every byte a space but the line break's: applied to text encoded as ASCII with each other
# character replaced by one "?", so the length in characters is kept.
_BLANKS = bytes(10 if byte == 10 else 32 for byte in range(256))


def _blank(text: str) -> str:
    """``text`` with every character but a line break made a space."""
    if "\n" not in text:
        return " " * len(text)
    return text.encode("ascii", "replace").translate(_BLANKS).decode("ascii")


def _heredoc_end(source: str, start: int) -> int:
    """Where the heredoc or nowdoc whose ``<<<`` is at ``start`` ends (``<<<`` alone, when it
    opens none)."""
    heredoc = HEREDOC.match(source, start)
    if heredoc is None:
        return start + 3
    closing = re.compile(rf"^[ \t]*{heredoc.group(2)}\b", re.MULTILINE)
    end = closing.search(source, heredoc.end())
    return end.end() if end else len(source)
