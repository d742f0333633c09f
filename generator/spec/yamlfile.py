"""Read a YAML file as a tree of nodes that keep their line and column.

The spec reader works on nodes rather than on constructed Python values, so that every error can
point at the line that caused it, duplicate keys are seen (PyYAML silently keeps the last one), and
scalars keep the text the user typed (``version: 1.10`` stays ``"1.10"``, not the float ``1.1``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from generator.errors import Problem, SpecError

NULL_TAG = "tag:yaml.org,2002:null"
MERGE_TAG = "tag:yaml.org,2002:merge"
BOOL_TAG = "tag:yaml.org,2002:bool"
# What a spec may hold: YAML's core types, as PyYAML resolves plain values. A timestamp is
# allowed because a spec reads every scalar as the text typed ("2024-01-01" is just text).
CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
)
_SCALAR_KINDS = {
    NULL_TAG: "nothing",
    BOOL_TAG: "a boolean",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
}

# How many nodes a spec's aliases may add once expanded: a spec needs few aliases, if any, and
# a small file whose aliases expand into a huge tree ("billion laughs") is refused.
MAX_ALIAS_NODES = 20_000
# A spec is a few kilobytes; anything past this is not a spec.
MAX_SPEC_BYTES = 1024 * 1024


class _SpecLoader(yaml.SafeLoader):
    """A private SafeLoader, so nothing global is patched."""


# libyaml's parser builds the same nodes (with the same marks) about ten times faster; its error
# messages differ, so a file it refuses is parsed again with the Python loader for the message.
_FastLoader: type | None = None
if getattr(yaml, "CSafeLoader", None) is not None:

    class _FastLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """A private CSafeLoader, so nothing global is patched."""


class Position(NamedTuple):
    """A 1-based line and column in the spec file."""

    line: int
    column: int


def position(node: Node) -> Position:
    """Where ``node`` starts in its file."""
    mark = node.start_mark
    return Position(mark.line + 1, mark.column + 1)


# What was read from pipes (``<(git show main:spec.yaml)``), by device and inode: a spec is read
# more than once (its catalog: key first), and a pipe gives its bytes only once.
_PIPED: dict[tuple[int, int], bytes] = {}


def read_text(path: Path, display: str) -> str:
    """Read ``path`` as UTF-8 text, turning every way that can fail into a located SpecError."""
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            regular = stat.S_ISREG(info.st_mode)
            key = (info.st_dev, info.st_ino)
            data = _PIPED[key] if not regular and key in _PIPED else handle.read(MAX_SPEC_BYTES + 1)
            if not regular:
                _PIPED[key] = data  # a pipe reads once: later readers of the spec get the same
    except FileNotFoundError:
        raise SpecError([Problem(display, "spec file not found")]) from None
    except IsADirectoryError:
        raise SpecError([Problem(display, "is a folder, not a spec file")]) from None
    except OSError as exc:
        raise SpecError([Problem(display, f"cannot read spec file: {exc.strerror}")]) from None
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError([Problem(display, "is larger than 1 MiB; a spec is a few kilobytes")])
    if not data and not regular:
        message = (
            "read nothing: the input was empty (when it comes from a command, as with "
            "<(git show ...), that command printed nothing)"
        )
        raise SpecError([Problem(display, message)])
    if _is_utf16(data):
        message = (
            "is UTF-16 text (as PowerShell's > and Out-File write it); a spec must be UTF-8: "
            "save it as UTF-8 (in PowerShell: Out-File -Encoding utf8)"
        )
        raise SpecError([Problem(display, message)])
    if b"\0" in data:
        raise SpecError([Problem(display, "is a binary file, not a YAML spec")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SpecError(
            [Problem(display, f"is not UTF-8 text (byte 0x{data[exc.start]:02x})", line=line)]
        ) from None
    return text.removeprefix("\ufeff")


def _is_utf16(data: bytes) -> bool:
    """Whether ``data`` looks like UTF-16: a byte order mark, or text whose every other byte
    is zero (ASCII written as UTF-16 without a mark)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    sample = data[:512]
    if len(sample) < 2 or len(sample) % 2:
        return False
    even, odd = sample[0::2], sample[1::2]
    return (even.count(0) == len(even) and 0 not in odd) or (
        odd.count(0) == len(odd) and 0 not in even
    )


def compose(text: str, display: str) -> Node:
    """Parse ``text`` into a single YAML node, or raise a SpecError that points at the fault."""
    if _FastLoader is not None:
        fast = _FastLoader(text)
        try:
            node = fast.get_single_node()
        except (yaml.YAMLError, RecursionError, ValueError):
            node = None  # the Python loader below says what is wrong, and where
        else:
            if node is not None:
                return node
        finally:
            fast.dispose()
    loader = None
    try:
        # The reader checks every character as it is built, so building it can fail too.
        loader = _SpecLoader(text)
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = (
            f"holds the character U+{ord(character):04X}, which YAML does not allow in a file; "
            "write it as an escape in a double-quoted string"
        )
        raise SpecError([Problem(display, message, line=line, column=column)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "expected a single document" in str(exc.context or ""):
            message = "holds several YAML documents; a spec is one document"
        elif mark is not None and text[mark.index : mark.index + 1] == "\t":
            message = (
                "invalid YAML: a tab character here; YAML indents with spaces only, "
                "so replace the tab with spaces"
            )
        else:
            message = f"invalid YAML: {exc.problem or exc.context}"
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise SpecError([Problem(display, message, line=line, column=column)]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(display, f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise SpecError([Problem(display, "is nested too deeply to be a spec")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise SpecError([Problem(display, "is empty; a spec needs at least a mapping")])
    return node


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _expanded_sizes(root: Node) -> dict[Node, int] | None:
    """Each distinct node's size once every alias below it is expanded; None for a cycle.

    Each node is visited once, so this costs as little as the file is long, whatever its
    aliases would expand to.
    """
    size: dict[Node, int] = {}
    on_path: set[Node] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            on_path.discard(node)
            size[node] = 1 + sum(size[child] for child in _children(node))
        elif node not in size:
            on_path.add(node)
            stack.append((node, True))
            for child in _children(node):
                if child in on_path:
                    return None
                if child not in size:
                    stack.append((child, False))
    return size


def alias_growth_problem(root: Node) -> str | None:
    """What is wrong when the aliases below ``root`` expand into too many nodes, or into a loop.

    A large spec written out in full is fine; only aliases can make a small file expand into a
    huge tree ("billion laughs"), so only what they add counts.
    """
    sizes = _expanded_sizes(root)
    if sizes is None:
        return "holds a YAML alias inside the node it refers to, which would never end"
    if sizes[root] - len(sizes) > MAX_ALIAS_NODES:
        return (
            f"has aliases that expand to more than {MAX_ALIAS_NODES} YAML nodes beyond those "
            "written (aliases count each time they are used); a spec is far smaller"
        )
    return None


def foreign_tags(root: Node) -> list[Node]:
    """Every node, once and in document order, whose tag is not one of YAML's core types."""
    found: list[Node] = []
    seen: set[Node] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if node.tag not in CORE_TAGS:
            found.append(node)
        stack.extend(reversed(_children(node)))
    return found


def short_tag(tag: str) -> str:
    """A tag as it is written in YAML: ``!!binary`` rather than ``tag:yaml.org,2002:binary``."""
    return tag.replace("tag:yaml.org,2002:", "!!")


def kind(node: Node) -> str:
    """A word for what ``node`` holds, for messages like 'expected a string, got a list'."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return _SCALAR_KINDS.get(node.tag, "a string")
