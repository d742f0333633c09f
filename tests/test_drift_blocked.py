"""``--check`` and ``--diff`` on a tree where something other than a regular file stands in
place of a generated file: one clear message each, and exit 1 (the tree does not match)."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import EXAMPLE_SPEC
from tests.validate_kit import EXAMPLE_NAME, new_module


def put(module: Path, kind: str) -> str:
    """Replace etc/module.xml with ``kind``; what the message should call it."""
    path = module / "etc" / "module.xml"
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
        return "is a named pipe"
    if kind == "folder":
        path.mkdir()
        return "is a folder"
    if kind == "socket":
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(path))
        return "is a socket"
    path.symlink_to("/etc/passwd")
    return "is a symbolic link"


@pytest.mark.parametrize("kind", ["fifo", "folder", "link", "socket"])
@pytest.mark.parametrize("option", ["--check", "--diff"])
def test_a_file_that_is_not_regular_is_one_message_and_drift(
    run_cli: Callable[..., Result], tmp_path: Path, kind: str, option: str
) -> None:
    module = new_module(run_cli, tmp_path / "m")
    what = put(module, kind)
    result = run_cli("new", EXAMPLE_NAME, EXAMPLE_SPEC, "-o", module, option)
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"{module / 'etc/module.xml'}: error: {what} where the spec generates a regular file; "
        "it is not read\n"
    )
    assert result.stdout == ""


def test_diff_still_exits_0_for_plain_drift(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    module = new_module(run_cli, tmp_path / "m")
    (module / "etc" / "module.xml").write_text("<config/>\n", encoding="utf-8")
    result = run_cli("new", EXAMPLE_NAME, EXAMPLE_SPEC, "-o", module, "--diff")
    assert result.exit_code == 0, result.output
    assert "+++ b/etc/module.xml" in result.stdout


def test_under_a_file_in_place_of_a_folder(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    module = new_module(run_cli, tmp_path / "m")
    for path in sorted((module / "etc" / "integration").iterdir()):
        path.unlink()
    (module / "etc" / "integration").rmdir()
    (module / "etc" / "integration").write_text("", encoding="utf-8")
    result = run_cli("new", EXAMPLE_NAME, EXAMPLE_SPEC, "-o", module, "--diff")
    assert result.exit_code == 1, result.output
    folder = module / "etc" / "integration"
    assert result.stderr.splitlines() == [
        f"{folder / name}: error: lies under {folder}, which is not a folder"
        for name in ("config.xml", "api.xml")
    ]
