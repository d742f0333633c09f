"""PHP source seen as code, without PHP: which calls are real (not inside a string, heredoc or
comment), and what each string literal holds, decoded exactly as PHP decodes it.

It shares its tokens with the structural check (generator.magento.phpsource).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from generator.magento.phpsource import HEREDOC, STRING_END

_CODE_OPEN = re.compile(r"<\?php(?=\s)|<\?=")
_CODE_INTERESTING = re.compile(r"['\"`]|//|#(?!\[)|/\*|<<<|\?>")
_SINGLE_ESCAPE = re.compile(r"\\([\\'])")
_DOUBLE_ESCAPE = re.compile(
    r"\\(?:(?P<simple>[nrtvef\\$\"])|(?P<octal>[0-7]{1,3})|x(?P<hex>[0-9A-Fa-f]{1,2})"
    r"|u\{(?P<codepoint>[0-9A-Fa-f]+)\})"
)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "v": "\v", "e": "\x1b", "f": "\f"}
# An unescaped "$name" or "{$" in a double-quoted string: PHP interpolates a variable there. A
# name starts with [A-Za-z_\x80-\U0010ffff], written as the ASCII it excludes: the range takes
# milliseconds to compile, at every start.
_INTERPOLATION = re.compile(r"(?<!\\)(?:\\\\)*(?:\$[^\x00-\x40\x5b-\x5e\x60\x7b-\x7f]|\{\$)")


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


@dataclass(frozen=True)
class PhpCode:
    """PHP source seen as code.

    ``code`` has the length and line breaks of the source, with comments, heredocs, nowdocs and
    inline HTML blanked, and every string literal blanked between its quotes. ``literals`` maps
    the offset of each single- or double-quoted literal to its end and its value (None when the
    literal interpolates a variable, so its value is not known).
    """

    code: str
    literals: dict[int, tuple[int, str | None]]

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


def _read_php(source: str) -> PhpCode:
    pieces: list[str] = []
    literals: dict[int, tuple[int, str | None]] = {}
    position, length, in_code = 0, len(source), False
    while position < length:
        if not in_code:
            opened = _CODE_OPEN.search(source, position)
            end = opened.end() if opened else length
            pieces.append(_blank(source[position:end]))
            position, in_code = end, opened is not None
            continue
        found = _CODE_INTERESTING.search(source, position)
        if found is None:
            pieces.append(source[position:])
            break
        pieces.append(source[position : found.start()])
        start, token = found.start(), found.group()
        if token == "?>":
            pieces.append("  ")
            position, in_code = start + 2, False
            continue
        end = _skipped_end(source, start, token)
        if token in ("'", '"'):
            literal = source[start:end]
            interpolates = token == '"' and _INTERPOLATION.search(literal[1:-1])
            value = None if interpolates or len(literal) < 2 else decode_php_string(literal)
            literals[start] = (end, value)
            pieces.append(token + _blank(source[start + 1 : end - 1]) + source[end - 1 : end])
        else:
            pieces.append(_blank(source[start:end]))
        position = end
    return PhpCode("".join(pieces), literals)


def _blank(text: str) -> str:
    """``text`` with every character but a line break made a space."""
    return "\n".join(" " * len(line) for line in text.split("\n"))


def _skipped_end(source: str, start: int, token: str) -> int:
    """Where the string, comment or heredoc opened by ``token`` at ``start`` ends."""
    if token in ("'", '"', "`"):
        end = STRING_END[token].match(source, start + 1)
        return end.end() if end else len(source)
    if token in ("//", "#"):
        ends = [i for i in (source.find("\n", start), source.find("?>", start)) if i != -1]
        return min(ends) if ends else len(source)
    if token == "/*":
        end = source.find("*/", start + 2)
        return end + 2 if end != -1 else len(source)
    heredoc = HEREDOC.match(source, start)
    if heredoc is None:
        return start + 3
    closing = re.compile(rf"^[ \t]*{heredoc.group(2)}\b", re.MULTILINE)
    end = closing.search(source, heredoc.end())
    return end.end() if end else len(source)
