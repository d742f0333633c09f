"""PHP source understood without PHP: a structural check (strings, comments and brackets), and
PHP seen as code (which calls are real, and what each string literal holds, decoded as PHP does).

It is not a PHP parser. It tokenises just enough of PHP (the open tag, string literals, heredocs,
comments) to find what breaks a generated file in practice: a string literal that a value broke
out of, a comment that never ends, a bracket that is never closed or closed by the wrong one.
Real ``php -l`` is the judge in the test suite; this check runs every time, in-process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPEN_TAG = re.compile(r"<\?php(?=\s)")
_HEREDOC = re.compile(r"<<<[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1\r?\n")
_PAIRS = {")": "(", "]": "[", "}": "{"}
# What can open or close something: quotes, comments (not a #[ attribute), heredocs, the closing
# tag, brackets.
_INTERESTING = re.compile(r"['\"`]|//|#(?!\[)|/\*|<<<|\?>|[()\[\]{}]")
# The rest of a string literal up to its closing quote, escapes skipped.
_STRING_END = {
    quote: re.compile(rf"(?:[^{quote}\\]|\\.)*{quote}", re.DOTALL) for quote in ("'", '"', "`")
}


def check_php(source: str) -> list[tuple[int, str]]:
    """Problems in ``source`` as (line, message) pairs; an empty list when it looks sound."""
    if not _OPEN_TAG.match(source):
        return [(1, "a PHP file must start with '<?php'")]
    scanner = _Scanner(source)
    scanner.run()
    return scanner.problems


class _Scanner:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.problems: list[tuple[int, str]] = []
        self.brackets: list[tuple[str, int]] = []

    def line_at(self, pos: int) -> int:
        return self.source.count("\n", 0, pos) + 1

    def fail(self, pos: int, message: str) -> None:
        self.problems.append((self.line_at(pos), message))

    def run(self) -> None:
        src = self.source
        self.pos = _OPEN_TAG.match(src).end()  # type: ignore[union-attr]
        while not self.problems:
            # Jump to the next character that can matter; everything between is plain code.
            found = _INTERESTING.search(src, self.pos)
            if found is None:
                break
            self.pos = found.start()
            token = found.group()
            if token in ("'", '"', "`"):
                self.quoted(token)
            elif token in ("//", "#"):
                self.line_comment()
            elif token == "/*":
                self.block_comment()
            elif token == "<<<":
                self.heredoc()
            elif token == "?>":
                self.inline_html()
            elif token in "([{":
                self.brackets.append((token, self.pos))
                self.pos += 1
            else:
                self.close(token)
        if not self.problems:
            for opener, pos in self.brackets[-1:]:
                self.fail(pos, f"'{opener}' is never closed")

    def quoted(self, quote: str) -> None:
        end = _STRING_END[quote].match(self.source, self.pos + 1)
        if end is None:
            self.fail(self.pos, f"string literal opened with {quote} is never closed")
        else:
            self.pos = end.end()

    def line_comment(self) -> None:
        end = self.source.find("\n", self.pos)
        close_tag = self.source.find("?>", self.pos)
        if close_tag != -1 and (end == -1 or close_tag < end):
            self.pos = close_tag
        else:
            self.pos = len(self.source) if end == -1 else end + 1

    def block_comment(self) -> None:
        end = self.source.find("*/", self.pos + 2)
        if end == -1:
            self.fail(self.pos, "comment opened with /* is never closed")
        else:
            self.pos = end + 2

    def heredoc(self) -> None:
        match = _HEREDOC.match(self.source, self.pos)
        if not match:
            self.pos += 3
            return
        closing = re.compile(rf"^[ \t]*{match.group(2)}\b", re.MULTILINE)
        end = closing.search(self.source, match.end())
        if not end:
            self.fail(self.pos, f"heredoc {match.group(2)} is never closed")
        else:
            self.pos = end.end()

    def inline_html(self) -> None:
        reopen = _OPEN_TAG.search(self.source, self.pos + 2)
        self.pos = reopen.end() if reopen else len(self.source)

    def close(self, closer: str) -> None:
        if not self.brackets:
            self.fail(self.pos, f"'{closer}' closes nothing")
            return
        opener, opened_at = self.brackets.pop()
        if opener != _PAIRS[closer]:
            self.fail(
                self.pos, f"'{closer}' closes '{opener}' opened on line {self.line_at(opened_at)}"
            )
        self.pos += 1


# -- PHP source seen as code: what is a real call, and what a string literal holds.

_CODE_OPEN = re.compile(r"<\?php(?=\s)|<\?=")
_CODE_INTERESTING = re.compile(r"['\"`]|//|#(?!\[)|/\*|<<<|\?>")
_NOT_NEWLINE = re.compile(r"[^\n]")
_SINGLE_ESCAPE = re.compile(r"\\([\\'])")
_DOUBLE_ESCAPE = re.compile(
    r"\\(?:(?P<simple>[nrtvef\\$\"])|(?P<octal>[0-7]{1,3})|x(?P<hex>[0-9A-Fa-f]{1,2})"
    r"|u\{(?P<codepoint>[0-9A-Fa-f]+)\})"
)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "v": "\v", "e": "\x1b", "f": "\f"}
# An unescaped "$name" or "{$" in a double-quoted string: PHP interpolates a variable there.
_INTERPOLATION = re.compile(r"(?<!\\)(?:\\\\)*(?:\$[A-Za-z_\x80-\U0010ffff]|\{\$)")


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


def read_php(source: str) -> PhpCode:
    """``source`` split into code and string literals (see PhpCode)."""
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
    return _NOT_NEWLINE.sub(" ", text)


def _skipped_end(source: str, start: int, token: str) -> int:
    """Where the string, comment or heredoc opened by ``token`` at ``start`` ends."""
    if token in ("'", '"', "`"):
        end = _STRING_END[token].match(source, start + 1)
        return end.end() if end else len(source)
    if token in ("//", "#"):
        ends = [i for i in (source.find("\n", start), source.find("?>", start)) if i != -1]
        return min(ends) if ends else len(source)
    if token == "/*":
        end = source.find("*/", start + 2)
        return end + 2 if end != -1 else len(source)
    heredoc = _HEREDOC.match(source, start)
    if heredoc is None:
        return start + 3
    closing = re.compile(rf"^[ \t]*{heredoc.group(2)}\b", re.MULTILINE)
    end = closing.search(source, heredoc.end())
    return end.end() if end else len(source)
