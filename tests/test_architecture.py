"""The package's layers, as the manual's Architecture page draws them.

From the bottom: ``errors`` and ``escape`` import nothing of ours; ``magento`` (knowledge of
Magento, and the one reader of module trees) imports nothing but ``errors`` and itself;
``resources`` re-exports what ``magento`` finds; ``spec`` builds on ``magento``; ``sandbox``
(custom templates) on ``spec``; ``pipeline`` (``magegen new``) on ``sandbox``; ``review`` (judging
existing trees) on ``pipeline``; ``cli`` on everything. Nothing imports a layer above its own.
``patterns`` (lazily compiled regular expressions) imports nothing of ours and serves every layer.
XML is parsed only in ``magento``. At most six modules sit at the top of generator/.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# Each layer, bottom first, and what it may import besides itself.
SHARED = ("generator.errors", "generator.escape", "generator.patterns")
LAYERS: dict[str, tuple[str, ...]] = {
    "generator.errors": (),
    "generator.escape": (),
    "generator.patterns": (),
    "generator.magento": ("generator.errors", "generator.patterns"),
    "generator.resources": ("generator.magento",),
    "generator.spec": (*SHARED, "generator.resources", "generator.magento"),
    "generator.sandbox": (*SHARED, "generator.resources", "generator.magento", "generator.spec"),
    "generator.pipeline": (
        *SHARED,
        "generator.resources",
        "generator.magento",
        "generator.spec",
        "generator.sandbox",
    ),
    "generator.review": (
        *SHARED,
        "generator.resources",
        "generator.magento",
        "generator.spec",
        "generator.sandbox",
        "generator.pipeline",
    ),
    "generator.cli": ("generator",),  # the top: anything
    "generator.__main__": ("generator.cli",),
}
TOP_LEVEL = {"__init__", "__main__"}
MAX_TOP_LEVEL_MODULES = 6


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _trees() -> dict[str, ast.Module]:
    return {
        _module_name(path): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def _imports(tree: ast.Module) -> set[str]:
    """The ``generator`` modules a file imports, at any depth of its code."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = node.module
            if base == "generator":
                found.update(f"generator.{alias.name}" for alias in node.names)
            elif base.startswith("generator."):
                found.add(base)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("generator."))
    return found


TREES = _trees()
MODULES = {name: _imports(tree) for name, tree in TREES.items()}


def _layer(module: str) -> str | None:
    """The layer ``module`` belongs to: its package, or itself for a top-level module."""
    return next((layer for layer in LAYERS if _within(module, (layer,))), None)


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _allowed(importer: str, imported: str) -> bool:
    layer = _layer(importer)
    if layer is None:  # generator itself (__init__) and anything new: only the shared leaves
        return _within(imported, SHARED)
    return _within(imported, (layer, *LAYERS[layer]))


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_layers(module: str) -> None:
    wrong = sorted(name for name in MODULES[module] if not _allowed(module, name))
    assert not wrong, f"{module} must not import {wrong}"


def test_the_rule_catches_a_wrong_import() -> None:
    assert not _allowed("generator.magento.acl", "generator.spec.model")
    assert not _allowed("generator.magento.xml", "generator.resources")
    assert not _allowed("generator.spec.reader", "generator.pipeline.render")
    assert not _allowed("generator.sandbox.box", "generator.pipeline.render")
    assert not _allowed("generator.pipeline.new", "generator.review.validate")
    assert not _allowed("generator.review.validate", "generator.cli.progress")
    assert not _allowed("generator.errors", "generator.magento.rules")
    assert _allowed("generator.magento.xml", "generator.errors")
    assert _allowed("generator.review.specfrom", "generator.pipeline.render")
    assert _allowed("generator.cli.review", "generator.review.validate")


def test_the_packages_are_there() -> None:
    packages = {name.split(".")[1] for name in MODULES if name.count(".") >= 2}
    assert {"magento", "spec", "sandbox", "pipeline", "review", "cli"} <= packages


def test_every_module_has_a_layer() -> None:
    assert sorted(name for name in MODULES if name != "generator" and _layer(name) is None) == []


def test_the_top_of_the_package_holds_only_what_every_layer_shares() -> None:
    top = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in TOP_LEVEL)
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


# XML is parsed in magento/ only: everything else goes through its reader and parsers.
XML_PARSERS = {"parse", "fromstring", "XML", "iterparse", "XMLParser", "XMLPullParser"}
XML_HELPERS = {"safe_xml_parser"}


def xml_parsing(tree: ast.Module) -> list[str]:
    """Where ``tree`` parses XML itself: lxml's parsers, or magento's raw parser."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in XML_PARSERS
            and isinstance(node.value, ast.Name)
            and node.value.id in {"etree", "ElementTree", "ET", "minidom"}
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {alias.name for alias in node.names}
            if node.module.startswith(("xml.", "defusedxml")) or names & XML_HELPERS:
                found.append(f"line {node.lineno}: from {node.module} import {sorted(names)}")
    return found


OUTSIDE_MAGENTO = sorted(m for m in TREES if not _within(m, ("generator.magento",)))


@pytest.mark.parametrize("module", OUTSIDE_MAGENTO)
def test_xml_is_parsed_only_in_magento(module: str) -> None:
    assert xml_parsing(TREES[module]) == []


def test_the_xml_rule_catches_a_parser() -> None:
    code = "from lxml import etree\nfrom generator.magento.xml import safe_xml_parser\n"
    code += "etree.fromstring(b'<a/>', safe_xml_parser())\n"
    assert len(xml_parsing(ast.parse(code))) == 2


MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def size_offenders(path: Path, name: str) -> list[str]:
    """The module itself when over MAX_MODULE_LINES, and each function over MAX_FUNCTION_LINES.

    A function counts from its ``def`` to its last line; methods and nested functions count too.
    """
    source = path.read_text(encoding="utf-8")
    found = []
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(f"{name}: {lines} lines")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{name}:{node.lineno} {node.name}(): {length} lines")
    return found


def _all_size_offenders() -> list[str]:
    return [
        offender
        for path in sorted(PACKAGE.rglob("*.py"))
        for offender in size_offenders(path, path.relative_to(PACKAGE.parent).as_posix())
    ]


SIZE_OFFENDERS = _all_size_offenders()


# Remove this mark once the splits of issue 13 are merged (the lead does, at merge).
def test_modules_and_functions_are_small() -> None:
    """No module of generator/ over 400 lines, no function over 60; every offender is named."""
    assert SIZE_OFFENDERS == []


def test_the_size_rule_catches_an_offender(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    long_function = tmp_path / "long.py"
    long_function.write_text(f"def short():\n    pass\n\n\ndef long():\n{body}", encoding="utf-8")
    assert size_offenders(long_function, "long.py") == [
        f"long.py:5 long(): {MAX_FUNCTION_LINES + 1} lines"
    ]
    long_module = tmp_path / "big.py"
    long_module.write_text("x = 1\n" * (MAX_MODULE_LINES + 1), encoding="utf-8")
    assert size_offenders(long_module, "big.py") == [f"big.py: {MAX_MODULE_LINES + 1} lines"]
