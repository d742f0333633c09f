"""A developer's first day: the wrong folder, a dry run, and what comes after ``new``."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import EXAMPLE_FILES, EXAMPLE_SPEC, REPO

NAME = "Beehexa/IntegrationManager"
NEXT = "bin/magento module:enable Beehexa_IntegrationManager"


def test_inside_app_code_the_default_target_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    app_code = tmp_path / "app" / "code"
    app_code.mkdir(parents=True)
    monkeypatch.chdir(app_code)
    for options in ([], ["--check"], ["--dry-run"]):
        result = run_cli("new", NAME, EXAMPLE_SPEC, *options)
        assert result.exit_code == 2, options
        assert result.stderr == (
            f"{app_code}: error: is inside {app_code}, so the module would go to "
            f"{app_code / 'app/code' / NAME}; run magegen from the Magento root, or name the "
            "module's folder with -o (-o . from inside it)\n"
        )
    assert list(app_code.iterdir()) == []
    monkeypatch.chdir(tmp_path)
    assert run_cli("new", NAME, EXAMPLE_SPEC).exit_code == 0


def test_inside_the_module_check_says_to_use_dash_o_dot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    module = tmp_path / "repo"
    assert run_cli("new", NAME, EXAMPLE_SPEC, "-o", module).exit_code == 0
    monkeypatch.chdir(module)
    result = run_cli("new", NAME, EXAMPLE_SPEC, "--check")
    assert result.exit_code == 2
    assert result.stderr == (
        f"{module}: error: is the module Beehexa_IntegrationManager (it has etc/module.xml or "
        f"registration.php), so the module would go to {module / 'app/code' / NAME} inside it; "
        "give -o . to use this folder, or run magegen from the Magento root\n"
    )
    assert run_cli("new", NAME, EXAMPLE_SPEC, "--check", "-o", ".").exit_code == 0


def run_on_terminal(folder: Path, *args: str) -> str:
    """Run magegen with its stdout and stderr on a pseudo-terminal; return what it printed."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        stdout=terminal,
        stderr=terminal,
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    os.close(terminal)
    chunks = []
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert process.wait(timeout=60) == 0
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_a_terminal_hears_what_comes_next(tmp_path: Path) -> None:
    printed = run_on_terminal(tmp_path, "new", NAME, str(EXAMPLE_SPEC))
    lines = printed.splitlines()
    assert lines[-5:] == [
        "Next, from the Magento root:",
        f"  {NEXT}",
        "  bin/magento setup:upgrade",
        "Then activate each integration in the admin: System > Extensions > Integrations, "
        "Activate, Allow; it shows the tokens.",
        "Since Magento 2.4.4 an integration's access token is refused as a Bearer token unless "
        "Stores > Configuration > Services > OAuth > Consumer Settings allows it; or sign each "
        "request with OAuth 1.0a.",
    ]
    assert f"app/code/{NAME}/registration.php" in printed


def test_quiet_prints_neither_paths_nor_next_steps(tmp_path: Path) -> None:
    printed = run_on_terminal(tmp_path, "new", NAME, str(EXAMPLE_SPEC), "--quiet")
    assert printed == ""
    assert (tmp_path / "app/code" / NAME / "registration.php").is_file()


def test_logs_get_no_next_steps(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert "Next" not in result.output
    out = tmp_path / "out"
    assert result.stderr.splitlines() == [str(out / path) for path in EXAMPLE_FILES]


@pytest.mark.parametrize("name", ["spec\n.yaml", "a\rb.yaml", "x\x1b[31m.yaml", "y\u2028.yaml"])
def test_init_refuses_a_file_name_with_a_control_character(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result], name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("init", name)
    assert result.exit_code == 2
    assert result.stderr.startswith("SPEC: error: ")
    assert "a file name with a control character (a newline, say), " in result.stderr
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_init_with_an_odd_but_printable_name_writes_a_starter_new_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    monkeypatch.chdir(tmp_path)
    name = "my spec #1 ü.yaml"
    assert run_cli("init", name).exit_code == 0
    assert run_cli("new", "Vendor/Module", name, "-o", "out").exit_code == 0
