"""The values of PHP expressions a module writes as constants: string literals, class constants
(its own and the few of Magento's that integration code uses), ``::class``, ``(string)`` casts,
concatenation, arrays, and a variable assigned one of those earlier in the same file.

Anything else (a call, a property, arithmetic) has no known value: ``UNKNOWN``. Nothing is run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from generator.magento.phpclasses import NAME_START, PhpClasses
from generator.patterns import lazy

# Magento's constants that integration code uses as array keys and setup types (2.4, every
# release): Magento\Integration\Model\Integration and its config converter.
_MAGENTO_CONSTANTS = {
    "magento\\integration\\model\\integration": {
        "ID": "integration_id",
        "NAME": "name",
        "EMAIL": "email",
        "ENDPOINT": "endpoint",
        "IDENTITY_LINK_URL": "identity_link_url",
        "SETUP_TYPE": "setup_type",
        "CONSUMER_ID": "consumer_id",
        "STATUS": "status",
        "TYPE_MANUAL": 0,
        "TYPE_CONFIG": 1,
    },
    "magento\\integration\\model\\config\\converter": {
        "KEY_EMAIL": "email",
        "KEY_AUTHENTICATION_ENDPOINT_URL": "endpoint_url",
        "KEY_IDENTITY_LINKING_URL": "identity_link_url",
    },
}
MAX_DEPTH = 16  # constants naming constants; deeper (or circular) ones have no known value
MAX_NESTING = 32  # arrays in arrays; a deeper one (no real setup code) has no known value

# [\w\\\x80-\U0010ffff] as the ASCII it excludes (see phpclasses.NAME_START).
NAME_PART_OR_BACKSLASH = r"[^\x00-\x2f\x3a-\x40\x5b\x5d\x5e\x60\x7b-\x7f]"
_TOKEN = re.compile(
    r"\s*(?:(?P<arrow>=>)|(?P<cast>\(\s*string\s*\))|(?P<static>::)"
    rf"|(?P<name>\\?{NAME_START}{NAME_PART_OR_BACKSLASH}*)"
    r"|(?P<variable>\$[A-Za-z_]\w*)|(?P<number>\d+)(?![\w.])|(?P<other>.))",
    re.DOTALL,
)
_TOKEN_MATCH = _TOKEN.match
# An array of string literals alone (['a', "b",]), as the code has it (each literal's inside
# blanked: spaces and line breaks), not followed by "." (a concatenation). Its value is read at
# once, without the reader (see _literal_list).
_QUOTED = r"""(?:'[ \n]*'|"[ \n]*")"""
_LITERAL_LIST = lazy(rf"\s*\[(?:\s*{_QUOTED}\s*,)*(?:\s*{_QUOTED})?\s*\](?!\s*\.)")
_LITERAL = lazy(_QUOTED)
_CLOSERS = {"[": "]", "(": ")", "{": "}"}
_SKIP_STOP = re.compile(r"['\"\[\](){},;=]")


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


class Text(NamedTuple):
    """A string value and the offset of the literal it comes from (for locations)."""

    value: str
    offset: int
    file: str  # the module-relative file of that literal


class PhpArray(NamedTuple):
    """An array literal: (key, value) pairs in order; a key is None where PHP numbers it."""

    items: tuple[tuple[object, object], ...]

    def get(self, key: str | int) -> object:
        """The value of the last item whose key is ``key`` (as PHP keeps it), else None."""
        found = None
        for item_key, value in self.items:
            if _key(item_key) == key:
                found = value
        return found


def _key(value: object) -> object:
    if isinstance(value, Text):
        return value.value
    return value


def text_of(value: object) -> str | None:
    """``value`` as a string, if it is a known one (a number becomes its digits)."""
    if isinstance(value, Text):
        return value.value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


class ModuleValues:
    """Reads values in the PHP files of one module, whose constants may name each other."""

    def __init__(self, files: Mapping[str, PhpClasses]) -> None:
        self.files = files
        # Each file's tokens by position, once read: values read again (a variable's, a
        # constant's) and the reader's look-ahead meet the same positions.
        self.tokens: dict[str, dict[int, tuple[str, str, int, int]]] = {}
        self._constants: dict[str, tuple[PhpClasses, int]] | None = None  # once one is named

    def value(self, found: PhpClasses, start: int, depth: int = 0) -> tuple[object, int]:
        """The value of the expression at ``start`` of ``found``, and where it ends."""
        listed = _literal_list(found, start)
        if listed is not None:
            return listed
        value, end, _ = _Reader(self, found, depth).expression(start, None)
        return value, end

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
        declared = self._declared().get(f"{resolved}::{name}".casefold())
        if declared is None or depth >= MAX_DEPTH:
            return UNKNOWN
        where, offset = declared
        return self.value(where, offset, depth + 1)[0]

    def _declared(self) -> dict[str, tuple[PhpClasses, int]]:
        """Each constant the module's classes declare ("Class::NAME", folded): its file and
        the offset of its value (the first file's, where two declare it)."""
        if self._constants is None:
            self._constants = {}
            for found in self.files.values():
                for key, offset in found.constants.items():
                    self._constants.setdefault(key, (found, offset))
        return self._constants

    def assigned(self, found: PhpClasses, variable: str, before: int, depth: int) -> object:
        """The value last assigned to ``variable`` (``$name = ...;``) before ``before``."""
        # The variable's last place before ``before`` where an assignment starts: the last match
        # a search from 0 finds (a match holds one "$", so no two of them overlap).
        code = found.php.code
        at = code.rfind(variable, 0, before)
        while at != -1:
            match = _ASSIGNED.match(code, at + len(variable), before)
            if match is not None:
                if depth >= MAX_DEPTH:
                    return UNKNOWN
                return self.value(found, match.end(), depth + 1)[0]
            at = code.rfind(variable, 0, at)
        return UNKNOWN


# What follows a variable assigned to (``$name = ``, not ``==`` nor ``=>``).
_ASSIGNED = lazy(r"\s*=(?![=>])")
_OTHER_STOPS = frozenset((";", "}", ")", "]"))  # in an array: not its closer, it is malformed
_AFTER_VARIABLE = frozenset((",", ")", "]", ";"))


def _literal_list(found: PhpClasses, start: int) -> tuple[PhpArray, int] | None:
    """What the reader reads at ``start`` when an array of string literals alone is there (the
    items numbered, a literal whose value is not known UNKNOWN); None when something else is."""
    listed = _LITERAL_LIST.match(found.php.code, start)
    if listed is None:
        return None
    literals, items = found.php.literals, []
    for quoted in _LITERAL.finditer(found.php.code, listed.start(), listed.end()):
        literal = literals.get(quoted.start())
        if literal is None or literal[0] != quoted.end():  # (never: a quote in code is a literal's)
            return None
        value = literal[1]
        text = UNKNOWN if value is None else Text(value, quoted.start(), found.relative)
        items.append((None, text))
    return PhpArray(tuple(items)), listed.end()


class _Reader:
    """A small reader of constant PHP expressions over ``PhpClasses.php``.

    Each step is given the token it starts at when its caller has read it (None: read it), and
    ``expression`` hands back the token it stopped at, so no token is looked up twice."""

    __slots__ = ("values", "found", "code", "literals", "tokens", "depth", "nesting")

    def __init__(self, values: ModuleValues, found: PhpClasses, depth: int) -> None:
        self.values = values
        self.found = found
        self.code = found.php.code
        self.literals = found.php.literals
        tokens = values.tokens.get(found.relative)
        if tokens is None:
            tokens = values.tokens[found.relative] = {}
        self.tokens = tokens
        self.depth = depth
        self.nesting = 0

    def token(self, position: int) -> tuple[str, str, int, int]:
        """(kind, text, start, end) of the token at ``position``, whitespace skipped."""
        found = self.tokens.get(position)
        if found is not None:
            return found
        code = self.code
        match = _TOKEN_MATCH(code, position)
        if match is None:
            found = ("end", "", len(code), len(code))
        else:
            kind = match.lastgroup
            start, end = match.span(kind)  # after the whitespace (a literal's quote is "other")
            literal = self.literals.get(start)
            if literal is not None:
                found = ("literal", "", start, literal[0])
            else:
                found = (kind, code[start:end], start, end)
        self.tokens[position] = found
        return found

    def expression(
        self, position: int, token: tuple[str, str, int, int] | None
    ) -> tuple[object, int, tuple[str, str, int, int]]:
        """The value at ``position`` (``token``: the token there, if read), where it ends, and
        the token there."""
        value, position = self.term(position, token)
        while True:
            token = self.token(position)
            if token[1] != "." or token[0] != "other":
                return value, position, token
            right, position = self.term(token[3], None)
            left, joined = text_of(value), text_of(right)
            if left is None or joined is None:
                value = UNKNOWN
            else:
                offset = value.offset if isinstance(value, Text) else token[3]
                value = Text(left + joined, offset, self.found.relative)

    def term(
        self, position: int, token: tuple[str, str, int, int] | None
    ) -> tuple[object, int]:
        kind, text, start, end = self.token(position) if token is None else token
        while kind == "cast":  # (string) changes no string
            position = end
            kind, text, start, end = self.token(position)
        if kind == "literal":
            value = self.literals[start][1]
            return (UNKNOWN if value is None else Text(value, start, self.found.relative)), end
        if kind == "other":
            if text == "[":
                return self.array(end, "]")
        elif kind == "name":
            after = self.token(end)
            if after[1] == "(" and text.casefold() == "array":
                return self.array(after[3], ")")
            if after[0] == "static":
                member = self.token(after[3])
                if member[0] == "name":
                    value = self.values.constant(self.found, text, member[1], start, self.depth)
                    return value, member[3]
        elif kind == "number":
            return int(text), end
        elif kind == "variable":
            following = self.token(end)
            if following[1] in _AFTER_VARIABLE or following[0] == "arrow":
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
        token = self.token(position)
        while True:
            kind, text, _, end = token
            if text == closer:
                return (PhpArray(tuple(items)) if known else UNKNOWN), end
            if text == ",":
                position = end
                token = self.token(position)
                continue
            if kind == "end" or text in _OTHER_STOPS:  # (a closer not this array's: malformed)
                return UNKNOWN, end
            if text == "." and kind == "other":  # a spread (...$x): the items are not known
                known = False
            before = position
            first, position, token = self.expression(position, token)
            if position == before:
                return UNKNOWN, end
            if token[0] == "arrow":
                second, position, token = self.expression(token[3], None)
                items.append((first, second))
            else:
                items.append((None, first))
            if token[1] != "," and token[1] != closer:
                known = False
                position = self.skip(position)
                token = self.token(position)

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
