"""The PHP readers of setup code, rewritten for speed (issue 24), read exactly what the plain
readers read: read_php finding each hidden run from the marks of what may open one (and, in a
source whose marks often open nothing, with a search from then on), and read_classes reading a
file's imports and constants only when they are asked for. The plain readers are kept here (or
in tests/test_php_readers_same.py) and both run over the repository's PHP and thousands of
seeded random sources."""

from __future__ import annotations

import random

import pytest

from generator.magento import phpcode, setupcode
from generator.magento.phpclasses import (
    _CONSTANT,
    _NAMESPACE,
    _USE,
    MAX_USE,
    _declarations,
    _imports,
    read_classes,
)
from tests.test_php_readers_same import (
    _INTERESTING,
    _OPEN,
    PIECES,
    _plain_end,
    _plain_read_php,
    _sources,
)


def _plain_closed(source: str) -> bool:
    """PhpCode.closed as its docstring says it: the source is code from its opening tag to its
    end (no closing tag), and every string, comment and heredoc in it ends before the source."""
    position, closed = 0, True
    while position < len(source):
        opened = _OPEN.search(source, position)
        if opened is None:
            return False
        position = opened.end()
        while True:
            found = _INTERESTING.search(source, position)
            if found is None:
                return closed
            if found.group() == "?>":
                closed, position = False, found.end()
                break
            position = _plain_end(source, found.start(), found.group())
            closed = closed and position < len(source)
    return False


# Sources whose marks open nothing many times over: divisions, comparisons, ternaries,
# attributes and names that are not ASCII, between strings and comments.
_MISSES = ["/", " / ", "<", "<=", "?", "?:", "??", "#[A]", "é", "ñame", "\U0001f600", "$a/2"]


def _all_sources() -> list[str]:
    rng = random.Random("marks")
    pieces = PIECES + _MISSES
    found = _sources(4000, "marks")
    for _ in range(3000):
        found.append("<?php " + "".join(rng.choice(pieces) for _ in range(rng.randint(1, 60))))
    return found


@pytest.mark.parametrize("max_misses", [0, 1, 3, phpcode.MAX_MISSES])
def test_read_php_reads_what_the_plain_reader_reads(
    max_misses: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether the marks are followed to the end or given up for a search early (0: at the
    first mark that opens nothing), the code, the literals (in their order) and closed are
    the plain reader's."""
    monkeypatch.setattr(phpcode, "MAX_MISSES", max_misses)
    searched = 0
    for source in _all_sources():
        php = phpcode._read_php(source)
        code, literals = _plain_read_php(source)
        read = (php.code, list(php.literals.items()))
        assert read == (code, list(literals.items())), repr(source[:200])
        assert php.closed == _plain_closed(source), repr(source[:200])
        searched += any(char in source for char in "/<?é")
    assert searched > 1000  # (the misses are met, and the search taken after them)


def _plain_read_classes(relative: str, source: str) -> tuple[object, ...]:
    """read_classes as first written: imports and constants read at once."""
    code = phpcode.read_php(source).code
    namespace_match = _NAMESPACE.search(code)
    namespace = namespace_match.group(1) if namespace_match else ""
    declared = tuple(
        (match.start(), f"{namespace}\\{match.group(1)}" if namespace else match.group(1))
        for match in _declarations(code)
    )
    first_class = declared[0][0] if declared else len(code)
    imports: dict[str, str] = {}
    for match in _USE.finditer(code, 0, first_class):
        end = code.find(";", match.end(), min(match.end() + MAX_USE, first_class))
        if end != -1:
            imports.update(_imports(code[match.end() : end]))
    constants: dict[str, int] = {}
    for match in _CONSTANT.finditer(code):
        owner = None
        for start, name in declared:
            if start > match.start():
                break
            owner = name
        if owner is not None:
            constants[f"{owner}::{match.group(1)}".casefold()] = match.end()
    return namespace, declared, imports, constants


_CLASS_PIECES = [
    "namespace V\\M;", "namespace A;", "use A\\B;", "use A\\B as C;", "use A\\{B, C as D};",
    "use function f;", "use const X;", "class Foo {", "interface Bar {", "trait T {", "enum E {",
    "}", "const X = 'a';", "const int Y = 2;", "const Z == 1;", "public const W = self::X;", " ",
    "\n", "// use A\\Hidden;\n", "'const Q = 1;'", "$x::class;", "use", "const", ";", "=",
]


def test_read_classes_reads_what_the_eager_reader_reads() -> None:
    rng = random.Random("classes")
    sources = _sources(2000, "classes")
    sources += [
        "<?php\n" + " ".join(rng.choice(_CLASS_PIECES) for _ in range(rng.randint(1, 25)))
        for _ in range(3000)
    ]
    declaring = 0
    for source in sources:
        found = read_classes("F.php", source)
        read = (found.namespace, found.declared, found.imports, found.constants)
        expected = _plain_read_classes("F.php", source)
        assert read == expected, repr(source[:200])
        assert list(found.constants) == list(expected[3])  # (in the same order)
        declaring += bool(found.constants) and bool(found.imports)
    assert declaring > 100


def test_code_without_the_common_word_names_no_integration_api() -> None:
    """Setup code skips its searches for the integration APIs in code without API_PART: every
    word those searches find holds it."""
    assert all(setupcode.API_PART in word for word in setupcode.API_WORDS)
    for word in setupcode.API_WORDS:
        assert setupcode.INTEGRATION_API.search(f"x {word} y")  # (the words are those searched)
