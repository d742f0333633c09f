"""Typed reading of YAML nodes that collects every problem, each with its line and field path."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import NamedTuple

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import Problem
from generator.magento import rules
from generator.spec.yamlfile import BOOL_TAG, MERGE_TAG, NULL_TAG, kind, position

Check = Callable[[str], "str | None"]
Entries = dict[str, tuple[Node, Node]]


class Item(NamedTuple):
    """A good value read from a list, with its node and its index in the list."""

    value: str
    node: Node
    index: int


def join(field: str, key: str | int) -> str:
    """The field path of ``key`` inside ``field``: ``a.b``, ``a[0]``."""
    if isinstance(key, int):
        return f"{field}[{key}]"
    return f"{field}.{key}" if field else key


def closest(word: str, choices: tuple[str, ...]) -> str | None:
    """The choice ``word`` most likely misspells, if any is close."""
    import difflib  # only when something is misspelt

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def suggestion(word: str, choices: tuple[str, ...]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or nothing."""
    close = closest(word, choices)
    return f" (did you mean '{close}'?)" if close else ""


class NodeReader:
    """Reads values of expected shapes from YAML nodes, reporting problems instead of raising."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []
        # (mapping node id, key) for keys that an unknown key in that mapping resembles, so a
        # typo is reported once, as a typo, and not again as a missing key.
        self.misspelled: set[tuple[int, str]] = set()
        # The entries read from each mapping node, by the node's id.
        self.mapping_of: dict[int, Entries] = {}

    @property
    def failed(self) -> bool:
        """True once any error was reported."""
        return any(p.severity == "error" for p in self.problems)

    def report(self, node: Node, field: str, message: str, severity: str = "error") -> None:
        """Record a problem at ``node``."""
        where = position(node)
        self.problems.append(
            Problem(self.display, message, where.line, where.column, field or None, severity)
        )

    def mapping(self, node: Node, field: str, allowed: tuple[str, ...]) -> Entries | None:
        """The entries of a mapping node by key; reports unknown and duplicate keys."""
        if not isinstance(node, MappingNode):
            self.report(node, field, f"expected a mapping, got {kind(node)}")
            return None
        entries: Entries = {}
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
                    self.misspelled.add((id(node), guess))
                hint = f" (did you mean '{guess}'?)" if guess else ""
                self.report(key_node, key_field, "unknown key" + hint)
            else:
                entries[key] = (key_node, value_node)
        self.mapping_of[id(node)] = entries
        return entries

    def key(self, node: Node, field: str) -> str | None:
        """A mapping key: a plain scalar, not a merge key or a collection."""
        if node.tag == MERGE_TAG:
            self.report(node, field, "YAML merge keys ('<<') are not supported in a spec")
            return None
        if not isinstance(node, ScalarNode) or node.tag == NULL_TAG or node.value == "":
            self.report(node, field, f"a key must be a plain word, got {kind(node)}")
            return None
        return node.value

    def require(self, node: Node, field: str, entries: Entries, keys: tuple[str, ...]) -> None:
        """Report each of ``keys`` missing from the mapping ``node`` (unless it was misspelled)."""
        for key in keys:
            if key not in entries and (id(node), key) not in self.misspelled:
                self.report(node, join(field, key), "required key is missing")

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
        """The good strings of a list (each passing ``check``), with their node and index."""
        items = self.sequence(node, field)
        if items is None:
            return None
        good = []
        for index, item in enumerate(items):
            value = self.string(item, join(field, index), check)
            if value is not None:
                good.append(Item(value, item, index))
        return good

    def unique(
        self,
        items: list[Item],
        field: str,
        what: str,
        same: Callable[[str], Hashable] = str,
        why: str = "",
        member: str = "",
    ) -> None:
        """Report every item equal (under ``same``) to an earlier one.

        ``member`` names the key an item's value came from, for lists of mappings.
        """
        seen: dict[Hashable, int] = {}
        for item in items:
            key = same(item.value)
            if key in seen:
                first = join(field, seen[key])
                message = f"{what} {rules.shown(item.value)} is already listed at {first}{why}"
                item_field = join(field, item.index)
                self.report(item.node, join(item_field, member) if member else item_field, message)
            else:
                seen[key] = item.index
