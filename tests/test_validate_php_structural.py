"""Without php on PATH, each module's PHP files get the structural check with the module (in
whichever process checks it, from the bytes it read): the findings are exactly those of checking
every PHP file of the tree once, read from disk as text, with one process or several."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.magento.files import KEPT_READ_BYTES
from generator.review import phplint
from generator.review import validate as validating
from tests.validate_kit import new_module, write

# Awkward files: the line of an error counted over CRLF and lone CR line ends, bytes that are
# not UTF-8, a file too large to be kept once read, and a clean one.
_FILES = {
    "Model/Crlf.php": b"<?php\r\n\r\n$x = [1, 2;\r\n$y = 'ok';\r\n",
    "Model/LoneCr.php": b"<?php\r$a = 1;\r$b = (2;\r",
    "Model/Latin1.php": b"<?php\n$name = '\xe9t\xe9';\n",
    "Model/Clean.php": b"<?php\n\nclass Clean\n{\n}\n",
    "Model/Large.php": b"<?php\n" + b"// padding\n" * (KEPT_READ_BYTES // 11 + 10) + b"$z = {;\n",
}


@pytest.fixture
def tree(tmp_path: Path, run_cli: Callable[..., Result]) -> Path:
    """Forty modules, each with the awkward files, and one module nested inside another."""
    root = tmp_path / "tree"
    first = new_module(run_cli, root / "Vendor" / "Module0")
    for relative, content in _FILES.items():
        (first / relative).parent.mkdir(parents=True, exist_ok=True)
        (first / relative).write_bytes(content)
    for number in range(1, 40):
        shutil.copytree(first, root / "Vendor" / f"Module{number}")
    nested = first / "Test" / "Fixture" / "Nested"
    shutil.copytree(root / "Vendor" / "Module1", nested)
    write(nested / "Model" / "Only.php", "<?php\n$only = [;\n")
    return root


def _findings(run_cli: Callable[..., Result], tree: Path) -> tuple[list[dict], list[str]]:
    result = run_cli("validate", tree, "--format", "json")
    report = json.loads(result.stdout)
    return [f for f in report["findings"] if f["code"] == "MG400"], report["notes"]


@pytest.mark.parametrize("processes", [1, 3])
def test_per_module_structural_check_reports_what_checking_every_file_once_does(
    tree: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    monkeypatch.setattr(validating, "_pool_size", lambda modules: processes)
    found, report_notes = _findings(run_cli, tree)
    every_file = sorted(tree.rglob("*.php"))
    expected = phplint.lint_php(every_file)  # (php is not found: every file, once, from disk)
    assert expected.note in report_notes
    assert sorted((f["file"], f["line"], f["message"]) for f in found) == sorted(
        (p.file, p.line, p.message) for p in expected.problems
    )
    files = {f["file"] for f in found}
    assert len(found) == len(expected.problems) > 4 * 40  # each file once, nested ones too
    nested = tree / "Vendor" / "Module0" / "Test" / "Fixture" / "Nested"
    assert str(nested / "Model" / "Only.php") in files
    lines = {Path(f["file"]).name: f["line"] for f in found if "Module3/" in f["file"]}
    assert (lines["Crlf.php"], lines["LoneCr.php"]) == (3, 3)
    assert "Latin1.php" in lines and "Large.php" in lines and "Clean.php" not in lines


def test_a_tree_without_php_files_gets_no_note(
    tmp_path: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    module = new_module(run_cli, tmp_path / "tree" / "Vendor" / "Module")
    for php_file in module.rglob("*.php"):
        php_file.unlink()
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    _, report_notes = _findings(run_cli, tmp_path / "tree")
    assert not any("php is not on PATH" in note for note in report_notes)
