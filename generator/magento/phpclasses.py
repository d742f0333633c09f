"""What a PHP file declares and names, read without PHP: its namespace, its imports (``use``),
the classes it declares, the string constants they hold, and the classes it refers to.

It reads the code ``generator.magento.phpcode`` gives (comments, heredocs and string contents
blanked), so a name in a comment or a string is never taken for code. Class names are compared
as PHP compares them: without regard to case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.magento.phpcode import PhpCode, read_php
from generator.patterns import lazy

# A PHP name: [A-Za-z_\x80-\U0010ffff][\w\x80-\U0010ffff]*, written as the ASCII it excludes:
# the ranges take about 10 ms to compile, at the first read of setup code in every run.
NAME_START = r"[^\x00-\x40\x5b-\x5e\x60\x7b-\x7f]"
NAME_PART = r"[^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]"
_NAME = rf"{NAME_START}{NAME_PART}*"
_QUALIFIED = rf"\\?{_NAME}(?:\\{_NAME})*"
# Each pattern below stands for one that starts with (?<![\w$\\>:]): a word not preceded by a
# name character, "$", "\\", "->" or "::". A pattern that starts with an assertion is tried at
# every offset (about 100 us for a 4 KiB patch), so each starts with its literal or character
# class instead, and asserts what came before it after that (tests/test_php_patterns.py).
_AFTER = r"[\w$\\>:]"
_NAMESPACE = re.compile(
    rf"namespace(?<!{_AFTER}namespace)\s+({_NAME}(?:\\{_NAME})*)\s*[;{{]"
)
_USE = re.compile(rf"use(?<!{_AFTER}use)\s")
MAX_USE = 4000  # characters of one use statement (a real one holds a few hundred at most)
DECLARING = ("class", "interface", "trait", "enum")


def _declaration(*keywords: str) -> str:
    words = "|".join(rf"{keyword}(?<!{_AFTER}{keyword})" for keyword in keywords)
    return rf"(?:{words})\s+(?!extends\b|implements\b)({_NAME})"


_DECLARATION = lazy(_declaration(*DECLARING))
# The same pattern for only the keywords a file's code holds: an absent one can never match,
# and a pattern for one word is searched for that word (all four: tried at each c, i, t, e).
_DECLARATIONS: dict[tuple[str, ...], re.Pattern[str]] = {DECLARING: _DECLARATION}
_CONSTANT = re.compile(rf"const(?<!{_AFTER}const)\s+(?:{_QUALIFIED}\s+)?({_NAME})\s*=(?!=)")
# A name's first character or the backslash of a fully qualified one, then the rest.
_NAME_OR_BACKSLASH = r"[^\x00-\x40\x5b\x5d\x5e\x60\x7b-\x7f]"
_REFERENCE = re.compile(
    rf"{_NAME_OR_BACKSLASH}(?<!{_AFTER}.)(?:(?<=\\){_NAME}|(?<!\\){NAME_PART}*)"
    rf"(?:\\{_NAME})*(?![\w\\])"
)
_CLASS_STRING = lazy(rf"{_QUALIFIED}")
# Words that look like names but never name a class.
_KEYWORD_TEXT = """
abstract and array as bool break callable case catch class clone const continue declare
default do echo else elseif empty enddeclare endfor endforeach endif endswitch endwhile enum
extends false final finally float fn for foreach function global goto if implements include
include_once instanceof insteadof int interface isset iterable list match mixed namespace
new null object or parent print private protected public readonly require require_once
return self static string switch throw trait true try unset use var void while xor yield
never"""
_KEYWORDS = frozenset(_KEYWORD_TEXT.split())
# The suffixes of classes Magento generates for a class of the module (a factory, a proxy).
GENERATED_SUFFIXES = ("factory", "\\proxy", "\\interceptor")


class PhpClasses:
    """One PHP file seen as declarations and references.

    Its imports and constants are read when first asked for: most files' never are (a file
    whose text names no class of another file is not resolved, nor are constants unless code
    names one). (A plain class: a frozen dataclass costs about 0.5 ms to create at every start.)
    """

    __slots__ = ("relative", "php", "namespace", "declared", "_imports", "_constants")

    def __init__(
        self, relative: str, php: PhpCode, namespace: str, declared: tuple[tuple[int, str], ...]
    ) -> None:
        self.relative = relative  # the file, relative to its module
        self.php = php
        self.namespace = namespace
        self.declared = declared  # (offset, fully qualified name) of each class
        self._imports: dict[str, str] | None = None
        self._constants: dict[str, int] | None = None

    @property
    def imports(self) -> dict[str, str]:
        """Alias (case folded) -> fully qualified name, of the file's ``use`` statements
        before its first class."""
        found = self._imports
        if found is None:
            found = self._imports = _read_imports(self.php.code, self.declared)
        return found

    @property
    def constants(self) -> dict[str, int]:
        """"Class::NAME" (folded) -> the offset of its value, of each constant a class of the
        file declares."""
        found = self._constants
        if found is None:
            found = self._constants = self._read_constants()
        return found

    def resolve(self, name: str) -> str:
        """The fully qualified class name ``name`` means in this file (no leading backslash)."""
        if name.startswith("\\"):
            return name[1:]
        first, _, rest = name.partition("\\")
        imported = self.imports.get(first.casefold())
        if imported is not None:
            return f"{imported}\\{rest}" if rest else imported
        if first.casefold() == "namespace" and rest:
            return f"{self.namespace}\\{rest}" if self.namespace else rest
        return f"{self.namespace}\\{name}" if self.namespace else name

    def class_at(self, offset: int) -> str | None:
        """The class whose body holds ``offset``: the last one declared before it."""
        found = None
        for start, name in self.declared:
            if start > offset:
                break
            found = name
        return found

    def _read_constants(self) -> dict[str, int]:
        constants = {}
        for match in _CONSTANT.finditer(self.php.code):
            owner = self.class_at(match.start())
            if owner is not None:
                constants[f"{owner}::{match.group(1)}".casefold()] = match.end()
        return constants

    def references(self) -> set[str]:
        """Every class name the file's code or strings name, fully qualified and case folded."""
        names = {
            self.resolve(text).casefold()
            for text in set(_REFERENCE.findall(self.php.code))  # each name once
            if text.lstrip("\\").casefold() not in _KEYWORDS
        }
        for _, value in self.php.literals.values():
            if value is not None and "\\" in value and _CLASS_STRING.fullmatch(value):
                names.add(value.lstrip("\\").casefold())
        return names


def read_classes(relative: str, source: str) -> PhpClasses:
    """The declarations and references of the PHP file ``relative`` holding ``source``."""
    php = read_php(source)
    code = php.code
    namespace_match = _NAMESPACE.search(code)
    namespace = namespace_match.group(1) if namespace_match else ""
    declared = tuple(
        (match.start(), f"{namespace}\\{match.group(1)}" if namespace else match.group(1))
        for match in _declarations(code)
    )
    return PhpClasses(relative, php, namespace, declared)


def _read_imports(code: str, declared: tuple[tuple[int, str], ...]) -> dict[str, str]:
    """The aliases of the ``use`` statements of ``code`` before its first class."""
    first_class = declared[0][0] if declared else len(code)
    imports: dict[str, str] = {}
    for match in _USE.finditer(code, 0, first_class):
        end = code.find(";", match.end(), min(match.end() + MAX_USE, first_class))
        if end != -1:
            imports.update(_imports(code[match.end() : end]))
    return imports


def _declarations(code: str) -> Iterator[re.Match[str]]:
    """What ``_DECLARATION.finditer(code)`` finds, searched only for the keywords ``code`` holds."""
    if "interface" in code or "trait" in code or "enum" in code:
        present = tuple(keyword for keyword in DECLARING if keyword in code)
    else:
        present = ("class",) if "class" in code else ()  # (most files)
    if not present:
        return iter(())
    pattern = _DECLARATIONS.get(present)
    if pattern is None:
        pattern = _DECLARATIONS[present] = re.compile(_declaration(*present))
    return pattern.finditer(code)


def _imports(clause: str) -> dict[str, str]:
    """The aliases of one ``use`` statement: ``A\\B``, ``A\\B as C``, ``A\\{B, C as D}``."""
    clause = " ".join(clause.split())
    if clause.startswith(("function ", "const ")):
        return {}
    prefix, brace, group = clause.partition("{")
    items = group.rstrip("} ").split(",") if brace else prefix.split(",")
    base = prefix.strip().rstrip("\\") + "\\" if brace else ""
    found = {}
    for item in items:
        name, _, alias = item.strip().partition(" as ")
        name = (base + name.strip()).lstrip("\\")
        if name:
            found[(alias.strip() or name.rpartition("\\")[2]).casefold()] = name
    return found


def generated_from(name: str) -> str:
    """The class a generated one (``XFactory``, ``X\\Proxy``) is made for; else ``name``."""
    for suffix in GENERATED_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name
