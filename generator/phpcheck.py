"""A structural check of PHP source that needs no PHP: strings, comments and brackets.

It is not a PHP parser. It tokenises just enough of PHP (the open tag, string literals, heredocs,
comments) to find what breaks a generated file in practice: a string literal that a value broke
out of, a comment that never ends, a bracket that is never closed or closed by the wrong one.
Real ``php -l`` is the judge in the test suite; this check runs every time, in-process.
"""

from __future__ import annotations

import re

_OPEN_TAG = re.compile(r"<\?php(?=\s)")
_HEREDOC = re.compile(r"<<<[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1\r?\n")
_PAIRS = {")": "(", "]": "[", "}": "{"}


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
        self.pos = _OPEN_TAG.match(src).end()
        while self.pos < len(src) and not self.problems:
            ch = src[self.pos]
            if ch in "'\"`":
                self.quoted(ch)
            elif src.startswith(("//", "#"), self.pos) and not src.startswith("#[", self.pos):
                self.line_comment()
            elif src.startswith("/*", self.pos):
                self.block_comment()
            elif src.startswith("<<<", self.pos):
                self.heredoc()
            elif src.startswith("?>", self.pos):
                self.inline_html()
            elif ch in "([{":
                self.brackets.append((ch, self.pos))
                self.pos += 1
            elif ch in ")]}":
                self.close(ch)
            else:
                self.pos += 1
        if not self.problems:
            for opener, pos in self.brackets[-1:]:
                self.fail(pos, f"'{opener}' is never closed")

    def quoted(self, quote: str) -> None:
        start = self.pos
        pos = start + 1
        src = self.source
        while pos < len(src):
            if src[pos] == "\\":
                pos += 2
            elif src[pos] == quote:
                self.pos = pos + 1
                return
            else:
                pos += 1
        self.fail(start, f"string literal opened with {quote} is never closed")

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
