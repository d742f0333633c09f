"""Typed reading of YAML nodes that collects every problem, each with its line and field path."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import NamedTuple

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import Problem, closest
from generator.magento import rules
from generator.spec.yamlfile import BOOL_TAG, MERGE_TAG, NULL_TAG, Position, kind, position

Check = Callable[[str], "str | None"]


class Item(NamedTuple):
    """A good value read from a list, where it was written, and its index in the list."""

    value: str
    at: Position
    index: int


class Located(NamedTuple):
    """A value read from the spec, and where it was written."""

    value: str
    at: Position


def join(field: str, key: str | int) -> str:
    """The field path of ``key`` inside ``field``: ``a.b``, ``a[0]``."""
    if isinstance(key, int):
        return f"{field}[{key}]"
    return f"{field}.{key}" if field else key


class Report:
    """The problems found in one spec file, each with its line, column and field."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []

    @property
    def failed(self) -> bool:
        """True once any error was reported."""
        return any(p.severity == "error" for p in self.problems)

    def add(self, at: Position | None, field: str, message: str, severity: str = "error") -> None:
        """Record a problem at ``at`` (None: the file as a whole)."""
        line, column = at if at is not None else (None, None)
        self.problems.append(Problem(self.display, message, line, column, field or None, severity))

    def in_file_order(self) -> tuple[Problem, ...]:
        """Every problem, ordered by where it is in the file."""
        return tuple(sorted(self.problems, key=lambda p: (p.line or 0, p.column or 0)))


class Entries:
    """The known keys of a mapping node, each with its key and value nodes.

    ``misspelled`` holds the allowed keys that an unknown key resembles, so that a typo is
    reported once, as a typo, and not again as a missing key.
    """

    __slots__ = ("_entries", "at", "misspelled")

    def __init__(
        self, entries: dict[str, tuple[Node, Node]], at: Position, misspelled: frozenset[str]
    ) -> None:
        self._entries = entries
        self.at = at
        self.misspelled = misspelled

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __bool__(self) -> bool:
        return bool(self._entries)

    def get(self, key: str) -> Node | None:
        """The value node of ``key``, if the mapping has it."""
        entry = self._entries.get(key)
        return entry[1] if entry else None

    def items(self) -> list[tuple[str, Node]]:
        """Every key with its value node, in the spec's order."""
        return [(key, value) for key, (_, value) in self._entries.items()]

    def keys_with_nodes(self) -> list[tuple[str, Node]]:
        """Every key with its key node (where a message about the key points), in order."""
        return [(key, key_node) for key, (key_node, _) in self._entries.items()]


class NodeReader:
    """Reads values of expected shapes from YAML nodes into ``report``, never raising."""

    def __init__(self, report: Report) -> None:
        self.out = report

    def report(self, node: Node, field: str, message: str, severity: str = "error") -> None:
        """Record a problem at ``node``."""
        self.out.add(position(node), field, message, severity)

    def mapping(self, node: Node, field: str, allowed: tuple[str, ...]) -> Entries | None:
        """The entries of a mapping node by key; reports unknown and duplicate keys."""
        if not isinstance(node, MappingNode):
            self.report(node, field, f"expected a mapping, got {kind(node)}")
            return None
        entries: dict[str, tuple[Node, Node]] = {}
        misspelled: set[str] = set()
        for key_node, value_node in node.value:
            key = self.key(key_node, field)
            if key is None:
                continue
            key_field = join(field, key)
            if key in entries:
                first = position(entries[key][0]).line
                self.report(key_node, key_field, f"duplicate key (first given on line {first})")
            elif key not in allowed:
                guess = closest(key, allowed)
                if guess:
                    misspelled.add(guess)
                hint = f" (did you mean '{guess}'?)" if guess else ""
                self.report(key_node, key_field, "unknown key" + hint)
            else:
                entries[key] = (key_node, value_node)
        return Entries(entries, position(node), frozenset(misspelled))

    def key(self, node: Node, field: str) -> str | None:
        """A mapping key: a plain scalar, not a merge key or a collection."""
        if node.tag == MERGE_TAG:
            self.report(node, field, "YAML merge keys ('<<') are not supported in a spec")
            return None
        if not isinstance(node, ScalarNode) or node.tag == NULL_TAG or node.value == "":
            self.report(node, field, f"a key must be a plain word, got {kind(node)}")
            return None
        return node.value

    def require(self, entries: Entries, field: str, keys: tuple[str, ...]) -> None:
        """Report each of ``keys`` missing from ``entries`` (unless it was misspelled)."""
        for key in keys:
            if key not in entries and key not in entries.misspelled:
                self.out.add(entries.at, join(field, key), "required key is missing")

    def string(self, node: Node, field: str, check: Check | None = None) -> str | None:
        """A non-empty scalar as the text the user typed, which must also pass ``check``."""
        if not isinstance(node, ScalarNode):
            self.report(node, field, f"expected a string, got {kind(node)}")
            return None
        if node.tag == NULL_TAG or node.value == "":
            self.report(node, field, "must not be empty")
            return None
        value = node.value
        if rules.has_surrogate(value):
            # JSON (and so YAML written as JSON) spells 🚀 as the pair "\ud83d\ude80", which
            # PyYAML leaves as two halves; joining them gives the character meant.
            value = value.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
        if rules.has_surrogate(value):
            self.report(node, field, "holds a lone UTF-16 surrogate (\\uD800-\\uDFFF), not text")
            return None
        message = check(value) if check else None
        if message:
            self.report(node, field, message)
            return None
        return value

    def located(self, node: Node | None, field: str, check: Check | None = None) -> Located | None:
        """``string`` with where it was written; None when absent or bad."""
        if node is None:
            return None
        value = self.string(node, field, check)
        return None if value is None else Located(value, position(node))

    def boolean(self, node: Node, field: str) -> bool | None:
        """A YAML boolean: true or false (yes/no and on/off too, as YAML 1.1 has them)."""
        if isinstance(node, ScalarNode) and node.tag == BOOL_TAG:
            return node.value.lower() in ("true", "yes", "on")
        self.report(node, field, f"expected true or false, got {kind(node)}")
        return None

    def sequence(self, node: Node, field: str) -> list[Node] | None:
        """The items of a sequence node."""
        if not isinstance(node, SequenceNode):
            self.report(node, field, f"expected a list, got {kind(node)}")
            return None
        return list(node.value)

    def string_list(self, node: Node, field: str, check: Check | None = None) -> list[Item] | None:
        """The good strings of a list (each passing ``check``), with where and their index."""
        items = self.sequence(node, field)
        if items is None:
            return None
        good = []
        for index, item in enumerate(items):
            value = self.string(item, join(field, index), check)
            if value is not None:
                good.append(Item(value, position(item), index))
        return good


def report_repeats(
    report: Report,
    items: Sequence[Item],
    field: str,
    what: str,
    same: Callable[[str], Hashable] = str,
    why: str = "",
    member: str = "",
) -> None:
    """Report every item of the list ``field`` equal (under ``same``) to an earlier one.

    ``member`` names the key an item's value came from, for lists of mappings.
    """
    seen: dict[Hashable, int] = {}
    for item in items:
        key = same(item.value)
        if key in seen:
            first = join(field, seen[key])
            message = f"{what} {rules.shown(item.value)} is already listed at {first}{why}"
            item_field = join(field, item.index)
            report.add(item.at, join(item_field, member) if member else item_field, message)
        else:
            seen[key] = item.index
