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
    append = pieces.append
    literals: dict[int, tuple[int, str | None]] = {}
    position, length, in_code = 0, len(source), False
    closed = True  # (see PhpCode; a hidden run that reaches the end counts as not closed)
    mark, misses = _marks(source).find, 0
    while position < length:
        if not in_code:
            opened = _CODE_OPEN.search(source, position)
            end = opened.end() if opened else length
            append(_blank(source[position:end]))
            position, in_code = end, opened is not None
            continue
        start = mark(1, position)
        if start == -1:
            append(source[position:])
            break
        if source.startswith("/*", start):  # a block comment (the most of them), to its "*/"
            end = source.find("*/", start + 2)
            end = length if end == -1 else end + 2
            append(source[position:start])
            append(_blank(source[start:end]))
            closed = closed and end < length
            position = end
            continue
        end = _run_end(source, start)
        while end == -1:  # a mark that opens nothing: the next (or, after many, a search)
            misses += 1
            start = mark(1, start + 1) if misses < MAX_MISSES else _search_start(source, start)
            end = len(source) if start == -1 else _run_end(source, start)
        if start == -1:
            append(source[position:])
            break
        append(source[position:start])
        token = source[start]
        if end >= length:
            closed = False
        if token == "'" or token == '"':
            body = source[start + 1 : end - 1]
            if end - start < 2:
                value = None
            elif token == "'" and "\\" not in body:
                value = body  # (what _literal_value gives, without the call)
            else:
                value = _literal_value(token, body)
            literals[start] = (end, value)
            append(token + _blank(body) + source[end - 1 : end])
        elif token == "?":  # the closing tag
            append("  ")
            in_code = closed = False
        else:
            if token == "<":
                end = _heredoc_end(source, start)
                closed = closed and end < length
            append(_blank(source[start:end]))
        position = end
    return PhpCode("".join(pieces), literals, closed and in_code)


# The runs that hide code (strings, comments, heredocs, the closing tag) are found from marks:
# the source encoded as ASCII (any other character as "?") and translated, each character that
# may open a run as the byte 1, each other as 0. bytes.find finds the next mark where the
# engine, searching for _HIDDEN's first characters, tries every offset (several times slower);
# where the run ends is found as text (_run_end).
_OPENERS = bytes(1 if chr(byte) in "'\"`/#<?" else 0 for byte in range(256))
# Marks that open nothing ("/" of a division, "<", "?", "#[", a non-ASCII name in code), each
# a few calls of Python: after this many in one source, the rest is searched with _HIDDEN.
MAX_MISSES = 256


def _marks(source: str) -> bytes:
    return source.encode("ascii", "replace").translate(_OPENERS)


def _search_start(source: str, position: int) -> int:
    """Where the first hidden run after ``position`` starts, searched with _HIDDEN; -1 if none."""
    found = _HIDDEN.search(source, position + 1)
    return -1 if found is None else found.start()


def _run_end(source: str, start: int) -> int:
    """Where the hidden run that ``source[start]`` opens ends, as _HIDDEN matches it there;
    -1 when that character opens none."""
    token = source[start]
    if token == "'" or token == '"':
        end = source.find(token, start + 1)
        if end == -1:
            return len(source)  # never closed: to the end
        if source.find("\\", start + 1, end) == -1:
            return end + 1
        return _HIDDEN.match(source, start).end()  # (escapes: the engine skips them)
    if token == "/":
        following = source[start + 1 : start + 2]
        if following == "*":
            end = source.find("*/", start + 2)
            return len(source) if end == -1 else end + 2
        return _line_end(source, start + 2) if following == "/" else -1
    if token == "#":
        return -1 if source.startswith("[", start + 1) else _line_end(source, start + 1)
    if token == "?":
        return start + 2 if source.startswith(">", start + 1) else -1
    if token == "<":
        return start + 3 if source.startswith("<<", start + 1) else -1
    found = _HIDDEN.match(source, start) if token == "`" else None
    return -1 if found is None else found.end()  # (not an opener: a non-ASCII character)


def _line_end(source: str, start: int) -> int:
    """The end of a line comment whose text starts at ``start``: its line break, a closing tag
    or the end of the source, whichever comes first."""
    end = source.find("\n", start)
    if end == -1:
        end = len(source)
    closing = source.find("?>", start, end)
    return end if closing == -1 else closing


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
