"""The setup-code reader's value reader, rewritten for speed (issue 24: each token read once
and handed on, a variable's assignment found from its last mention back, an array of string
literals alone read at once, the module's constants read once one is named), reads exactly
what the reader as first written reads: that reader is kept here, and both read the value at
every offset of the repository's PHP files and of thousands of seeded random modules."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from generator.magento.phpclasses import PhpClasses, read_classes
from generator.magento.phpvalues import (
    _MAGENTO_CONSTANTS,
    MAX_DEPTH,
    MAX_NESTING,
    UNKNOWN,
    ModuleValues,
    PhpArray,
    Text,
    text_of,
)

REPO = Path(__file__).resolve().parent.parent

# The reader's patterns as first written (names as the Unicode ranges they are).
_TOKEN = re.compile(
    r"\s*(?:(?P<arrow>=>)|(?P<cast>\(\s*string\s*\))|(?P<static>::)"
    r"|(?P<name>\\?[A-Za-z_\x80-\U0010ffff][\w\\\x80-\U0010ffff]*)"
    r"|(?P<variable>\$[A-Za-z_]\w*)|(?P<number>\d+)(?![\w.])|(?P<other>.))",
    re.DOTALL,
)
_CLOSERS = {"[": "]", "(": ")", "{": "}"}
_SKIP_STOP = re.compile(r"['\"\[\](){},;=]")


class _PlainValues:
    """ModuleValues as first written."""

    def __init__(self, files: Mapping[str, PhpClasses]) -> None:
        self.files = files
        # Each file's tokens by position, once read: values read again (a variable's, a
        # constant's) and the reader's look-ahead meet the same positions.
        self.tokens: dict[str, dict[int, tuple[str, str, int, int]]] = {}
        self._constants: dict[str, tuple[PhpClasses, int]] = {}
        for found in files.values():
            for key, offset in found.constants.items():
                self._constants.setdefault(key, (found, offset))

    def value(self, found: PhpClasses, start: int, depth: int = 0) -> tuple[object, int]:
        """The value of the expression at ``start`` of ``found``, and where it ends."""
        return _PlainReader(self, found, depth).expression(start)

    def constant(self, found: PhpClasses, owner: str, name: str, at: int, depth: int) -> object:
        """The value of ``owner::name`` as written at ``at`` in ``found``."""
        if name.casefold() == "class":
            return Text(found.resolve(owner), at, found.relative)
        if owner.casefold() in ("self", "static"):
            resolved = found.class_at(at)
            if resolved is None:
                return UNKNOWN
        else:
            resolved = found.resolve(owner)
        magento = _MAGENTO_CONSTANTS.get(resolved.casefold(), {})
        if name in magento:
            return magento[name]
        declared = self._constants.get(f"{resolved}::{name}".casefold())
        if declared is None or depth >= MAX_DEPTH:
            return UNKNOWN
        where, offset = declared
        return self.value(where, offset, depth + 1)[0]

    def assigned(self, found: PhpClasses, variable: str, before: int, depth: int) -> object:
        """The value last assigned to ``variable`` (``$name = ...;``) before ``before``."""
        last = None
        for match in _assignment(variable).finditer(found.php.code, 0, before):
            last = match
        if last is None or depth >= MAX_DEPTH:
            return UNKNOWN
        return self.value(found, last.end(), depth + 1)[0]


@lru_cache(maxsize=256)
def _assignment(variable: str) -> re.Pattern[str]:
    """An assignment to ``variable`` (``$name = ``, not ``==`` nor ``=>``)."""
    return re.compile(re.escape(variable) + r"\s*=(?![=>])")


class _PlainReader:
    """A small reader of constant PHP expressions over ``PhpClasses.php``."""

    def __init__(self, values: _PlainValues, found: PhpClasses, depth: int) -> None:
        self.values = values
        self.found = found
        self.code = found.php.code
        self.literals = found.php.literals
        self.tokens = values.tokens.setdefault(found.relative, {})
        self.depth = depth
        self.nesting = 0

    def token(self, position: int) -> tuple[str, str, int, int]:
        """(kind, text, start, end) of the token at ``position``, whitespace skipped."""
        found = self.tokens.get(position)
        if found is None:
            found = self.tokens[position] = self._token(position)
        return found

    def _token(self, position: int) -> tuple[str, str, int, int]:
        match = _TOKEN.match(self.code, position)
        if match is None or match.lastgroup is None:
            return "end", "", len(self.code), len(self.code)
        kind = match.lastgroup
        start = match.start(kind)  # after the whitespace (a literal's quote is "other")
        literal = self.literals.get(start)
        if literal is not None:
            return "literal", "", start, literal[0]
        return kind, match.group(kind), start, match.end()

    def expression(self, position: int) -> tuple[object, int]:
        value, position = self.term(position)
        while True:
            kind, text, _, end = self.token(position)
            if kind != "other" or text != ".":
                return value, position
            right, position = self.term(end)
            left, joined = text_of(value), text_of(right)
            if left is None or joined is None:
                value = UNKNOWN
            else:
                offset = value.offset if isinstance(value, Text) else end
                value = Text(left + joined, offset, self.found.relative)

    def term(self, position: int) -> tuple[object, int]:
        kind, text, start, end = self.token(position)
        while kind == "cast":  # (string) changes no string
            position = end
            kind, text, start, end = self.token(position)
        if kind == "literal":
            value = self.found.php.literals[start][1]
            return (UNKNOWN if value is None else Text(value, start, self.found.relative)), end
        if kind == "number":
            return int(text), end
        if kind == "other" and text == "[":
            return self.array(end, "]")
        if kind == "name" and text.casefold() == "array":
            after = self.token(end)
            if after[1] == "(":
                return self.array(after[3], ")")
        if kind == "name":
            after = self.token(end)
            if after[0] == "static":
                member = self.token(after[3])
                if member[0] == "name":
                    value = self.values.constant(self.found, text, member[1], start, self.depth)
                    return value, member[3]
        if kind == "variable":
            following = self.token(end)
            if following[1] in (",", ")", "]", ";") or following[0] == "arrow":
                return self.values.assigned(self.found, text, start, self.depth), end
        return UNKNOWN, self.skip(position)

    def array(self, position: int, closer: str) -> tuple[object, int]:
        if self.nesting >= MAX_NESTING:
            return UNKNOWN, self.skip_to_close(position)
        self.nesting += 1
        try:
            return self._items(position, closer)
        finally:
            self.nesting -= 1

    def skip_to_close(self, position: int) -> int:
        """Just after the bracket that closes the one opened before ``position``."""
        depth, code = 1, self.code
        while position < len(code) and depth:
            literal = self.found.php.literals.get(position)
            if literal is not None:
                position = literal[0]
                continue
            depth += {"[": 1, "(": 1, "{": 1, "]": -1, ")": -1, "}": -1}.get(code[position], 0)
            position += 1
        return position

    def _items(self, position: int, closer: str) -> tuple[object, int]:
        items: list[tuple[object, object]] = []
        known = True
        while True:
            kind, text, _, end = self.token(position)
            if kind == "end":
                return UNKNOWN, end
            if text == closer:
                return (PhpArray(tuple(items)) if known else UNKNOWN), end
            if text == ",":
                position = end
                continue
            if text in (";", "}", ")", "]"):  # not this array's closer: malformed
                return UNKNOWN, end
            if kind == "other" and text == ".":  # a spread (...$x): the items are not known
                known = False
            before = position
            first, position = self.expression(position)
            if position == before:
                return UNKNOWN, end
            kind, text, _, end = self.token(position)
            if kind == "arrow":
                second, position = self.expression(end)
                items.append((first, second))
            else:
                items.append((None, first))
            kind, text, _, end = self.token(position)
            if text not in (",", closer):
                known = False
                position = self.skip(position)

    def skip(self, position: int) -> int:
        """The end of the expression at ``position``: the next ``,`` ``;`` ``=>`` or closing
        bracket outside brackets."""
        depth, code = [], self.code
        while position < len(code):
            # Only a literal (its quote), a bracket, "," ";" or "=" can change what follows.
            stop = _SKIP_STOP.search(code, position)
            if stop is None:
                return len(code)
            position = stop.start()
            literal = self.literals.get(position)
            if literal is not None:
                position = literal[0]
                continue
            char = code[position]
            if char in _CLOSERS:
                depth.append(_CLOSERS[char])
            elif depth and char == depth[-1]:
                depth.pop()
            elif not depth and (char in ",;)]}" or code.startswith("=>", position)):
                return position
            position += 1
        return position



# Pieces of the expressions setup code writes, and of the ways they go wrong, joined at random.
PIECES = [
    "[", "]", "array(", "ARRAY (", "(", ")", "{", "}", "'a'", "'b\\''", '"c"', '"$x"', '"{$x}"',
    '"\\x41\\u{e9}"', "'é'", "=>", ",", ".", "...", "(string)", "( string )", "self::", "static::",
    "X", "Y", "::class", "::", "Foo::X", "Bar::Y", "foo::x", "namespace\\Foo::X", "\\V\\M\\Bar::Y",
    "Integration::NAME", "\\Magento\\Integration\\Model\\Integration::SETUP_TYPE",
    "Integration::TYPE_CONFIG", "Converter::KEY_EMAIL", "1", "42", "3.5", "7x", "$x", "$y", "$x = ",
    "$y = ", "$x == ", "$x => ", "$xy = ", " = ", ";", "\n", " ", "\t", "// c\n", "/* c */",
    "const X = ", "const Y = ", "const int Z = ", "fn() => ", "->", "new ", "->get()", "$y[0] = ",
    "'name'", "'email'", "'setup_type'", "processIntegrationConfig(", "->create(", "->update(",
    "class Baz { ", "\"", "'", "['a', 'b']", "[\"c\",\n 'd',]", "[]", "['a'] . 'b'",
    "[ 'x' /* c */, ]", "['$x', \"$x\"]", "['a' 'b']", "[,'a']",
]
_HEAD = "<?php\nnamespace V\\M;\nuse Magento\\Integration\\Model\\Integration;\n"
_HEAD += "use Magento\\Integration\\Model\\Config\\Converter;\n"


def _module(rng: random.Random) -> dict[str, str]:
    """Two files, each a class whose body is random pieces (constants that name each other,
    across the files and in circles, variables assigned and reassigned, arrays nested deep)."""
    files = {}
    for relative, name in (("Foo.php", "Foo"), ("Bar.php", "Bar")):
        body = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40)))
        if rng.random() < 0.05:
            body += "[" * rng.randint(MAX_NESTING - 2, MAX_NESTING + 2) + "'deep'" + "]" * 40
        if rng.random() < 0.1:
            body += "const X = self::Y; const Y = Bar::Y; " + "$x = $x; $y = [$y, $x];"
        files[relative] = f"{_HEAD}class {name} {{\n{body}\n}}\n"
    return files


def _repository_modules() -> list[dict[str, str]]:
    paths = sorted(REPO.glob("tests/**/*.php"))
    return [{"F.php": path.read_bytes().decode("utf-8", "surrogateescape")} for path in paths]


def _same_everywhere(sources: dict[str, str]) -> int:
    """Compare the two readers' value at every offset of every file; return how many were
    known values (not UNKNOWN)."""
    files = {relative: read_classes(relative, text) for relative, text in sources.items()}
    fast, plain = ModuleValues(files), _PlainValues(files)
    known = 0
    for found in files.values():
        for offset in range(len(found.php.code) + 1):
            expected = plain.value(found, offset)
            assert fast.value(found, offset) == expected, (found.relative, offset, sources)
            if offset % 4 == 0:  # a reader on its own (no tokens read before it) reads the same
                assert ModuleValues(files).value(found, offset) == expected
            known += expected[0] is not UNKNOWN
    return known


def test_values_are_those_the_plain_reader_reads_in_the_repository_php() -> None:
    for sources in _repository_modules():
        _same_everywhere(sources)


def test_values_are_those_the_plain_reader_reads_in_random_modules() -> None:
    rng = random.Random("values")
    known = sum(_same_everywhere(_module(rng)) for _ in range(800))
    assert known > 8000  # (values are read, not only UNKNOWN)
