"""Golden trees: each case in tests/cases renders byte for byte to its expected/ tree.

Set MAGEGEN_UPDATE_GOLDEN=1 to rewrite the expected trees after an intended change, then review
the diff in git like any other change.
"""

from __future__ import annotations

import difflib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import CASE_NAMES, CASES, case_command, tree


def describe_difference(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    lines = []
    for path in sorted(expected.keys() - actual.keys()):
        lines.append(f"missing: {path}")
    for path in sorted(actual.keys() - expected.keys()):
        lines.append(f"unexpected: {path}")
    for path in sorted(expected.keys() & actual.keys()):
        if expected[path] != actual[path]:
            lines += difflib.unified_diff(
                expected[path].decode().splitlines(),
                actual[path].decode().splitlines(),
                f"expected/{path}",
                f"generated/{path}",
                lineterm="",
            )
    return "\n".join(lines)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_case_renders_its_golden_tree(
    case: str, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    name, spec = case_command(case)
    out = tmp_path / "module"
    result = run_cli("new", name, spec, "-o", out)
    assert result.exit_code == 0, result.stderr
    expected_root = CASES / case / "expected"
    if os.environ.get("MAGEGEN_UPDATE_GOLDEN") == "1":
        shutil.rmtree(expected_root, ignore_errors=True)
        shutil.copytree(out, expected_root)
    actual = tree(out)
    expected = tree(expected_root)
    assert actual == expected, describe_difference(expected, actual)
    written = [line for line in result.stderr.splitlines() if line and ": warning: " not in line]
    assert sorted(written) == sorted(str(out / path) for path in actual)
    assert result.stdout == ""


def test_there_are_golden_cases() -> None:
    assert {"integration-manager", "no-integrations", "several-integrations"} <= set(CASE_NAMES)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_output_is_deterministic(case: str, tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    """Two runs in different folders, at different times, give the same bytes."""
    name, spec = case_command(case)
    first, second = tmp_path / "a" / "x", tmp_path / "b" / "y" / "z"
    assert run_cli("new", name, spec, "-o", first).exit_code == 0
    assert run_cli("new", name, spec, "-o", second).exit_code == 0
    assert tree(first) == tree(second)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_generated_text_follows_house_style(
    case: str, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """XML declaration, 4-space indent, URN schema locations, LF endings, final newline."""
    name, spec = case_command(case)
    out = tmp_path / "m"
    assert run_cli("new", name, spec, "-o", out).exit_code == 0
    for path, content in tree(out).items():
        text = content.decode("utf-8")
        assert "\r" not in text and "\t" not in text, path
        assert text.endswith("\n") and not text.endswith("\n\n"), path
        for line in text.splitlines():
            assert line == line.rstrip(), f"{path}: trailing space in {line!r}"
            indent = len(line) - len(line.lstrip(" "))
            if line.lstrip().startswith("*"):  # a docblock's continuation lines sit one further
                indent -= 1
            assert indent % 4 == 0, f"{path}: indent of {indent} in {line!r}"
        if path.endswith(".xml"):
            assert text.startswith('<?xml version="1.0"?>\n'), path
            assert 'xsi:noNamespaceSchemaLocation="urn:magento:' in text, path
        if path.endswith(".php"):
            assert text.startswith("<?php\n\ndeclare(strict_types=1);\n"), path
