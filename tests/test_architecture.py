"""The package's import direction, as the README's development section states it.

``magento`` is knowledge of Magento and imports nothing of magegen's but ``errors`` and
``resources``; ``spec`` builds on ``magento``; nothing but the command line imports ``review``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
LEAVES = {"generator.errors", "generator.resources"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The ``generator`` modules a file imports, at any depth of its code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = node.module
            if base == "generator":
                found.update(f"generator.{alias.name}" for alias in node.names)
            elif base.startswith("generator."):
                found.add(base)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("generator."))
    return found


MODULES = {_module_name(path): _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


def _allowed(importer: str, imported: str) -> bool:
    if imported == "generator" or imported in LEAVES:
        return True
    if importer.startswith("generator.magento"):
        return imported.startswith("generator.magento")
    if importer.startswith("generator.spec"):
        return imported.startswith(("generator.magento", "generator.spec"))
    if imported.startswith("generator.review"):
        return importer.startswith(("generator.review", "generator.cli"))
    return True


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_layers(module: str) -> None:
    wrong = sorted(name for name in MODULES[module] if not _allowed(module, name))
    assert not wrong, f"{module} must not import {wrong}"


def test_the_rule_catches_a_wrong_import() -> None:
    assert not _allowed("generator.magento.acl", "generator.spec.model")
    assert not _allowed("generator.spec.reader", "generator.pipeline.render")
    assert not _allowed("generator.pipeline.new", "generator.review.validate")
    assert _allowed("generator.cli.review", "generator.review.validate")


def test_the_packages_are_there() -> None:
    packages = {name.split(".")[1] for name in MODULES if name.count(".") >= 1}
    assert {"magento", "spec", "review"} <= packages


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
