"""The JSON of ``acl-diff`` and ``validate`` is safe to embed in a log line by line: no raw
control character or line separator, other non-ASCII text kept readable."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.validate_kit import API, CONFIG, edit, new_module

NAME = "testIntegration2"

# What json.dumps(ensure_ascii=False) leaves raw: DEL, the C1 controls, U+2028 and U+2029.
SEPARATORS = {"NEL": "\x85", "LS": "\u2028", "PS": "\u2029", "CSI": "\x9b", "DEL": "\x7f"}
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def assert_line_safe(text: str, value: str) -> None:
    assert not RAW.search(text), repr(RAW.search(text))
    assert all(line == line.strip("\r") for line in text.split("\n"))
    assert value in json.dumps(json.loads(text), ensure_ascii=False)


@pytest.mark.parametrize("separator", sorted(SEPARATORS))
def test_acl_diff_json_escapes_separators(
    run_cli: Callable[..., Result], tmp_path: Path, separator: str
) -> None:
    old = new_module(run_cli, tmp_path / "old" / "m")
    new = new_module(run_cli, tmp_path / "new" / "m")
    char = SEPARATORS[separator]
    name = f"{NAME}{char}INJECTED é"
    for side in (old, new):
        for relative in (API, CONFIG):
            edit(side / relative, f'name="{NAME}"', f'name="{NAME}&#{ord(char)};INJECTED é"')
    edit(new / API, '<resource name="Magento_Customer::customer"/>', "")
    result = run_cli("acl-diff", old, new, "--format", "json")
    assert result.exit_code == 1, result.output
    assert_line_safe(result.stdout, name)
    assert f"\\u{ord(char):04x}INJECTED é" in result.stdout


@pytest.mark.parametrize("separator", sorted(SEPARATORS))
def test_validate_json_escapes_separators_in_paths(
    run_cli: Callable[..., Result], tmp_path: Path, separator: str
) -> None:
    char = SEPARATORS[separator]
    module = new_module(run_cli, tmp_path / f"mod{char}ülé")
    (module / "composer.json").write_text("{", encoding="utf-8")
    result = run_cli("validate", module, "--no-php", "--format", "json")
    assert result.exit_code == 1, result.output
    assert_line_safe(result.stdout, f"mod{char}ülé")
    assert f"mod\\u{ord(char):04x}ülé" in result.stdout
