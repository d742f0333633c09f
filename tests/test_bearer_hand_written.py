"""Issue 20, item 16: ``bearer_tokens: true`` never overwrites a hand-written etc/config.xml,
and such a file is never called one magegen generated before."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_SPEC
from tests.validate_kit import EXAMPLE_NAME, Runner, assert_no_traceback, new_module, write

HAND_WRITTEN = """<?xml version="1.0"?>
<config><default><carriers><acme><active>1</active></acme></carriers></default></config>
"""


def _bearer_spec(tmp_path: Path) -> Path:
    text = EXAMPLE_SPEC.read_text(encoding="utf-8") + "bearer_tokens: true\n"
    return write(tmp_path / "bearer.yaml", text)


@pytest.mark.parametrize("mode", ["--force", "--dry-run", "--check", "--diff"])
def test_a_hand_written_config_xml_is_never_replaced(
    run_cli: Runner, tmp_path: Path, mode: str
) -> None:
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    config = write(module / "etc" / "config.xml", HAND_WRITTEN)
    result = run_cli("new", EXAMPLE_NAME, _bearer_spec(tmp_path), "-o", module, mode)
    assert_no_traceback(result)
    assert result.exit_code == 2
    assert "bearer_tokens" in result.stderr and "is not the file magegen writes" in result.stderr
    assert config.read_text(encoding="utf-8") == HAND_WRITTEN


def test_magegen_s_own_config_xml_is_rewritten_and_retired(
    run_cli: Runner, tmp_path: Path
) -> None:
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME, _bearer_spec(tmp_path))
    again = run_cli("new", EXAMPLE_NAME, _bearer_spec(tmp_path), "-o", module, "--force")
    assert again.exit_code == 0, again.stderr
    off = run_cli("new", EXAMPLE_NAME, EXAMPLE_SPEC, "-o", module, "--dry-run")
    assert "stale" in off.stdout and "etc/config.xml" in off.stdout


def test_a_hand_written_config_xml_is_never_called_stale(
    run_cli: Runner, tmp_path: Path
) -> None:
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    write(module / "etc" / "config.xml", HAND_WRITTEN)
    result = run_cli("new", EXAMPLE_NAME, EXAMPLE_SPEC, "-o", module, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "generated this file before" not in result.stderr
    line = next(line for line in result.stdout.splitlines() if "etc/config.xml" in line)
    assert line.startswith("keep")


# Item 20: acl-diff accepts every spec new accepts.

FLEET_ACL = """<?xml version="1.0"?>
<config><acl><resources><resource id="Magento_Backend::admin">
<resource id="Fleet_Sync::fleet" title="Fleet"><resource id="Fleet_Sync::read" title="Read Fleet"/>
</resource></resource></resources></acl></config>
"""


def test_acl_diff_reads_the_target_s_hand_written_acl_xml(
    run_cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "app" / "code" / "Fleet" / "Sync" / "etc" / "acl.xml", FLEET_ACL)
    body = "name: Fleet/Sync\nintegrations:\n  - name: Fleet\n    email: a@example.com\n"
    old = write(tmp_path / "old.yaml", body + "    resources: [Magento_Customer::customer]\n")
    new = write(tmp_path / "new.yaml", body + "    resources: [Fleet_Sync::read]\n")
    monkeypatch.chdir(tmp_path)
    accepted = run_cli("new", new, "--dry-run")
    assert accepted.exit_code == 0, accepted.stderr
    result = run_cli("acl-diff", old, new)
    assert_no_traceback(result)
    assert result.exit_code == 1, result.stderr
    assert "+ Fleet_Sync::read  Read Fleet" in result.stdout
    assert "+ Fleet_Sync::fleet  Fleet" in result.stdout
