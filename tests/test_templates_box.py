"""Templates named by a spec stay in their box: what they read, where they are, what they cost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.sandbox import folder as templatedir
from generator.sandbox.box import OUTPUT_BASE, SECONDS_BASE, Budget
from generator.spec.reader import load_spec
from tests.conftest import REPO

NAME = "Acme/Erp"
SPEC = """\
integrations:
  - name: ERP Sync
    email: erp@acme.example
    resources: [Magento_Sales::reorder]
"""
SECRET = "TOP-SECRET-4711"
INCLUDING = '<?php\n{% include "_header.j2" %}\n'


def spec_in(folder: Path, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "spec.yaml"
    path.write_text(SPEC + extra, encoding="utf-8")
    return path


def template(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "elsewhere" / "secret.txt"
    path.parent.mkdir()
    path.write_text(SECRET + "\n")
    return path


@pytest.mark.parametrize("options", [[], ["--diff"], ["--check"], ["--dry-run"]])
def test_a_partial_linked_to_a_file_elsewhere_is_refused(
    tmp_path: Path, secret: Path, run_cli: Callable[..., Result], options: list[str]
) -> None:
    spec = spec_in(tmp_path / "repo", "templates: tpl\n")
    folder = tmp_path / "repo" / "tpl"
    template(folder, "registration.php.j2", INCLUDING)
    (folder / "_header.j2").symlink_to(secret)
    out = tmp_path / "out"

    result = run_cli("new", NAME, spec, "-o", out, *options)

    assert result.exit_code == 2, result.output
    assert SECRET not in result.output
    assert result.stderr == (
        f"{folder / '_header.j2'}: error: template refused: is a symbolic link; templates are "
        "read only from regular files inside the templates folder\n"
    )
    assert not out.exists()


def test_a_template_that_is_a_link_is_refused_not_replaced_by_the_built_in(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    folder = tmp_path / "tpl"
    real = template(tmp_path / "real", "module.xml.j2", "<config/>\n")
    (folder / "etc").mkdir(parents=True)
    (folder / "etc" / "module.xml.j2").symlink_to(real)
    result = run_cli("new", NAME, spec_in(tmp_path), "-o", tmp_path / "out", "--templates", folder)
    assert result.exit_code == 2
    assert f"{folder / 'etc/module.xml.j2'}: error: template refused: is a symbolic link" in (
        result.stderr
    )


def test_a_partial_in_a_linked_folder_is_refused(
    tmp_path: Path, secret: Path, run_cli: Callable[..., Result]
) -> None:
    folder = tmp_path / "tpl"
    template(folder, "registration.php.j2", '<?php\n{% include "parts/secret.txt" %}\n')
    (folder / "parts").symlink_to(secret.parent, target_is_directory=True)
    result = run_cli("new", NAME, spec_in(tmp_path), "-o", tmp_path / "out", "--templates", folder)
    assert result.exit_code == 2
    assert SECRET not in result.output
    assert f"{folder / 'parts'}: error: template refused: is a symbolic link" in result.stderr


def test_a_fifo_partial_is_refused_without_waiting(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    folder = tmp_path / "tpl"
    template(folder, "registration.php.j2", INCLUDING)
    os.mkfifo(folder / "_header.j2")
    result = run_cli("new", NAME, spec_in(tmp_path), "-o", tmp_path / "out", "--templates", folder)
    assert result.exit_code == 2
    assert "template refused: is not a regular file" in result.stderr


def test_a_partial_that_is_a_regular_file_inside_still_works(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    folder = tmp_path / "tpl"
    template(folder, "registration.php.j2", INCLUDING + "// end\n")
    template(folder, "_header.j2", "// licensed to Acme\n")
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec_in(tmp_path), "-o", out, "--templates", folder)
    assert result.exit_code == 0, result.stderr
    assert (out / "registration.php").read_text() == "<?php\n// licensed to Acme\n// end\n"


@pytest.mark.parametrize("value", ["/", "..", "../shared", "/tmp"])
def test_a_spec_may_name_only_a_folder_inside_its_own(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., Result],
    value: str,
) -> None:
    (tmp_path / "shared").mkdir()
    spec = spec_in(tmp_path / "repo", f"templates: {value}\n")

    def no_walk(*args: object, **kwargs: object) -> None:
        raise AssertionError("the folder was walked")

    monkeypatch.setattr(templatedir.os, "walk", no_walk)
    result = run_cli("new", NAME, spec, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{spec}:5:12: error: templates: {value} is not inside ")
    assert "give any other folder with --templates" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_spec_folder_that_is_a_link_out_of_the_tree_is_refused(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    outside = tmp_path / "outside"
    template(outside, "etc/module.xml.j2", "<config/>\n")
    spec = spec_in(tmp_path / "repo", "templates: tpl\n")
    (tmp_path / "repo" / "tpl").symlink_to(outside, target_is_directory=True)
    result = run_cli("new", NAME, spec, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "templates: tpl is not inside the spec's folder" in result.stderr


def test_the_command_line_may_name_any_folder(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = spec_in(tmp_path / "repo")
    elsewhere = tmp_path / "elsewhere"
    template(elsewhere, "registration.php.j2", "<?php\n// from elsewhere\n")
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec, "-o", out, "--templates", elsewhere)
    assert result.exit_code == 0, result.stderr
    assert "from elsewhere" in (out / "registration.php").read_text()


def test_a_huge_templates_folder_is_not_walked_to_its_end(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    folder = tmp_path / "big"
    for index in range(templatedir.MAX_LISTED + 50):
        (folder / f"d{index % 7}").mkdir(parents=True, exist_ok=True)
        (folder / f"d{index % 7}" / f"f{index}.txt").write_text("")
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec_in(tmp_path), "-o", out, "--templates", folder)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        f"{folder}: warning: holds more than {templatedir.MAX_LISTED} files, far more than a "
        "templates folder"
    )
    assert len(result.stderr.splitlines()) == 1 + len(list(out.rglob("*.*")))


def run_magegen(
    folder: Path, text: str, timeout: float, name: str = "registration.php.j2"
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run magegen in a subprocess with one custom template; return it and its run time."""
    template(folder / "tpl", name, text)
    spec = spec_in(folder)
    started = time.monotonic()
    process = subprocess.run(
        [
            *(sys.executable, "-m", "generator", "new", NAME, str(spec)),
            *("-o", str(folder / "out"), "--templates", str(folder / "tpl")),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    return process, time.monotonic() - started


def budget(folder: Path) -> Budget:
    return Budget.of(load_spec(folder / "spec.yaml", NAME).spec)


def test_nested_loops_that_print_nothing_are_stopped(tmp_path: Path) -> None:
    loops = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    process, took = run_magegen(tmp_path, loops, timeout=SECONDS_BASE + 30)
    assert process.returncode == 2, process.stderr
    assert process.stderr == (
        f"{tmp_path / 'tpl/registration.php.j2'}:1: error: template error: runs longer than "
        f"{budget(tmp_path).seconds:g} s (the bound for this spec; see README, Templates)\n"
    )
    assert took < SECONDS_BASE + 10
    assert not (tmp_path / "out").exists()


def test_nested_loops_that_print_are_stopped_at_the_output_bound(tmp_path: Path) -> None:
    loops = (
        "{% for i in range(100000) %}{% for j in range(100000) %}0123456789{% endfor %}{% endfor %}"
    )
    process, took = run_magegen(tmp_path, loops, timeout=SECONDS_BASE + 30)
    assert process.returncode == 2, process.stderr
    bound = budget(tmp_path).output
    assert bound < 2 * OUTPUT_BASE
    assert f"template error: prints more than {bound} characters" in process.stderr
    assert took < SECONDS_BASE
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ('"x" * 1000000000', "repeating a value 1000000000 times passes the output bound"),
        ("[1] * 1000000000", "repeating a value 1000000000 times passes the output bound"),
        ("7 ** 100000000", "an exponent above 4096 is refused"),
    ],
)
def test_absurd_expressions_are_refused_at_once(
    tmp_path: Path, expression: str, message: str
) -> None:
    process, took = run_magegen(tmp_path, "{{ (" + expression + ") | length }}", timeout=30)
    assert process.returncode == 2, process.stderr
    assert message in process.stderr
    assert process.stderr.count("\n") == 1
    assert took < SECONDS_BASE
