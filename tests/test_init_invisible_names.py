"""``magegen init`` refuses file names that hide what they are, or cannot be written."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

REFUSED = {
    "right-to-left override": ("evil\u202egpj.yaml", "evil\\u202egpj.yaml"),
    "zero-width space": ("spec\u200b.yaml", "spec\\u200b.yaml"),
    "byte order mark": ("\ufeffspec.yaml", "\\ufeffspec.yaml"),
    "left-to-right isolate": ("spec\u2066.yaml", "spec\\u2066.yaml"),
    "not UTF-8": (os.fsdecode(b"spec\xff.yaml"), "spec\\udcff.yaml"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_init_refuses_an_invisible_or_undecodable_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result], case: str
) -> None:
    name, escaped = REFUSED[case]
    monkeypatch.chdir(tmp_path)
    result = run_cli("init", name)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"SPEC: error: {escaped}: a file name with a control character (a newline, say), an "
        "invisible formatting character (a right-to-left override, say) or bytes that are not "
        "UTF-8 is refused; choose a plain name\n"
    )
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_init_keeps_a_readable_non_ascii_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("init", "spéc-日本.yaml")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "spéc-日本.yaml").is_file()
