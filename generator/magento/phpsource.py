"""A structural check of PHP source that needs no PHP: strings, comments and brackets.

It is not a PHP parser. It tokenises just enough of PHP (the open tag, string literals, heredocs,
comments) to find what breaks a generated file in practice: a string literal that a value broke
out of, a comment that never ends, a bracket that is never closed or closed by the wrong one.
Real ``php -l`` is the judge in the test suite; this check runs every time, in-process.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from generator.patterns import lazy

if TYPE_CHECKING:
    from generator.magento.phpcode import PhpCode

_OPEN_TAG = lazy(r"<\?php(?=\s)")
HEREDOC = lazy(r"<<<[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1\r?\n")
_PAIRS = {")": "(", "]": "[", "}": "{"}
# What can open something that hides brackets: quotes, comments (not a #[ attribute), heredocs,
# the closing tag. The brackets of the code between two of them are handled as one run.
# Written as ['"`]|//|#(?!\[)|/\*|<<<|\?>, but with each alternative starting with a character of
# its own: the engine then searches for those characters instead of trying every offset.
_SKIPPED = lazy(r"'|\"|`|/[/*]|#(?!\[)|<<<|\?>")
_BRACKET = lazy(r"[()\[\]{}]")
# The rest of a string literal up to its closing quote, escapes skipped: (?:[^'\\]|\\.)*' for ',
# unrolled so that the engine runs over plain characters without trying two branches at each.
STRING_END = {
    quote: lazy(rf"[^{quote}\\]*(?:\\.[^{quote}\\]*)*{quote}", re.DOTALL)
    for quote in ("'", '"', "`")
}


def check_php(source: str, read: PhpCode | None = None) -> list[tuple[int, str]]:
    """Problems in ``source`` as (line, message) pairs; an empty list when it looks sound.

    ``read``: ``source`` as ``generator.magento.phpcode.read_php`` read it, when the caller has
    it. That reader hides the same strings, comments and heredocs as this check, up to the same
    ends, so when it found them all closed (and no closing tag), the brackets of its code are
    those this check pairs.
    """
    if not _OPEN_TAG.match(source):
        return [(1, "a PHP file must start with '<?php'")]
    # Sound files, nearly all of them, are told by their brackets as one string; any other is
    # read again bracket by bracket, to say where the first problem is.
    if read is not None and read.closed:
        if _nest(_BRACKET.findall(read.code)):
            return []
    else:
        quick = _Scanner(source, quick=True)
        quick.run()
        if not quick.problems and _nest(quick.bracket_text):
            return []
    scanner = _Scanner(source)
    scanner.run()
    return scanner.problems


# Deeper nesting than this is read bracket by bracket (each level costs _nest a pass).
_NEST_PASSES = 64


def _nest(brackets: list[str]) -> bool:
    """Whether ``brackets`` (the code's brackets in order) pair up, each closed by its own kind
    after all it encloses: removing every adjacent pair, again and again, leaves nothing."""
    text = "".join(brackets)
    for _ in range(_NEST_PASSES):
        paired = text.replace("()", "").replace("[]", "").replace("{}", "")
        if paired == text:
            return not paired
        text = paired
    return False


class _Scanner:
    def __init__(self, source: str, quick: bool = False) -> None:
        self.source = source
        self.pos = 0
        self.problems: list[tuple[int, str]] = []
        self.brackets: list[tuple[str, int, int]] = []  # (opener, its run, its index there)
        # quick: strings and comments are read as always, but each run of code's brackets are
        # only collected, for check_php to pair them at once.
        self.quick = quick
        self.bracket_text: list[str] = []

    def line_at(self, pos: int) -> int:
        return self.source.count("\n", 0, pos) + 1

    def fail(self, pos: int, message: str) -> None:
        self.problems.append((self.line_at(pos), message))

    def run(self) -> None:
        src = self.source
        self.pos = _OPEN_TAG.match(src).end()  # type: ignore[union-attr]
        while not self.problems:
            # Jump to the next string, comment, heredoc or closing tag; between is plain code.
            found = _SKIPPED.search(src, self.pos)
            self.code_brackets(found.start() if found else len(src))
            if found is None or self.problems:
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
            else:
                self.inline_html()
        if not self.problems and not self.quick:
            for opener, run, index in self.brackets[-1:]:
                self.fail(self.bracket_at(run, index), f"'{opener}' is never closed")

    def code_brackets(self, end: int) -> None:
        """Open and close the brackets of the plain code from ``self.pos`` to ``end``.

        An open bracket is kept as the run of code it is in and its index among the run's
        brackets: where it is is needed only to report it (``bracket_at``).
        """
        brackets, run = self.brackets, self.pos
        if self.quick:
            self.bracket_text += _BRACKET.findall(self.source, run, end)
            return
        for index, token in enumerate(_BRACKET.findall(self.source, run, end)):
            if token in "([{":
                brackets.append((token, run, index))
            elif brackets and brackets[-1][0] == _PAIRS[token]:
                brackets.pop()
            else:
                self.pos = self.bracket_at(run, index)
                self.close(token)  # reports what is wrong
                return

    def bracket_at(self, run: int, index: int) -> int:
        """Where the bracket ``index`` (from 0) of the code run starting at ``run`` is."""
        for found, bracket in enumerate(_BRACKET.finditer(self.source, run)):
            if found == index:
                return bracket.start()
        raise AssertionError("a bracket counted in the run is always found again")

    def quoted(self, quote: str) -> None:
        end = STRING_END[quote].match(self.source, self.pos + 1)
        if end is None:
            self.fail(self.pos, f"string literal opened with {quote} is never closed")
        else:
            self.pos = end.end()

    def line_comment(self) -> None:
        end = self.source.find("\n", self.pos)
        # (a closing tag before the line break: looked for up to it, not to the file's end)
        close_tag = self.source.find("?>", self.pos, len(self.source) if end == -1 else end)
        if close_tag != -1:
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
        match = HEREDOC.match(self.source, self.pos)
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
        opener, run, index = self.brackets.pop()
        if opener != _PAIRS[closer]:
            opened_at = self.bracket_at(run, index)
            self.fail(
                self.pos, f"'{closer}' closes '{opener}' opened on line {self.line_at(opened_at)}"
            )
        self.pos += 1
