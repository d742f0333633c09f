"""The module reader on hostile trees: links out, devices, linked folders, nested or lenient JSON.

Every command that reads module trees (validate, acl-diff, spec-from, new --magento-root) reads
through one reader with one set of rules; each case runs the real command.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result

from tests.validate_kit import (
    EXAMPLE_NAME,
    Runner,
    assert_no_traceback,
    codes,
    findings_with,
    new_module,
    validate_json,
)

NESTED = b"[" * 100_000 + b"]" * 100_000


def one_line_messages(result: Result) -> None:
    """No traceback, no internal error, and every line of stderr is a located message."""
    assert_no_traceback(result)
    for line in result.stderr.splitlines():
        assert ": error: " in line or ": warning: " in line or line.startswith("magegen: note: ")


def module(run_cli: Runner, tmp_path: Path) -> Path:
    return new_module(run_cli, tmp_path / "module" / EXAMPLE_NAME)


@pytest.mark.parametrize("relative", ["etc/events.xml", "Setup/Zero.php", "composer.json"])
def test_a_link_to_a_device_is_mg104_and_never_read(
    relative: str, run_cli: Runner, tmp_path: Path
) -> None:
    root = module(run_cli, tmp_path)
    (root / relative).unlink(missing_ok=True)
    (root / relative).symlink_to("/dev/zero")
    result, report = validate_json(run_cli, root)
    assert result.exit_code == 1
    [finding] = findings_with(report, "MG104")
    assert finding["file"] == str(root / relative)
    assert "links outside the module" in finding["message"]


def test_a_folder_linked_to_the_root_is_not_walked(run_cli: Runner, tmp_path: Path) -> None:
    root = module(run_cli, tmp_path)
    outside = tmp_path / "outside"
    (outside / "Deep").mkdir(parents=True)
    (outside / "Deep" / "Broken.php").write_text("<?php\n$x = (1;\n")
    (root / "Vendorish").symlink_to(outside)
    (root / "Everything").symlink_to("/")
    result, report = validate_json(run_cli, root)
    assert result.exit_code == 1
    assert codes(report) == {"MG104"}  # MG400 would mean Broken.php outside was linted
    assert {f["file"] for f in report["findings"]} == {
        str(root / "Vendorish"),
        str(root / "Everything"),
    }


def test_a_setup_folder_linked_out_is_not_searched(run_cli: Runner, tmp_path: Path) -> None:
    root = module(run_cli, tmp_path)
    outside = tmp_path / "elsewhere"
    (root / "Setup").rename(outside)
    (root / "Setup").symlink_to(outside)
    result, report = validate_json(run_cli, root)
    # The InstallData outside is not read: nothing inside the module creates the integration.
    assert codes(report) == {"MG104", "MG303"}
    assert result.exit_code == 1


def test_a_link_inside_the_module_is_read(run_cli: Runner, tmp_path: Path) -> None:
    root = module(run_cli, tmp_path)
    (root / "etc" / "real-events.xml").write_text(
        '<?xml version="1.0"?>\n<config><event name="x"></config>\n'
    )
    (root / "etc" / "events.xml").symlink_to("real-events.xml")
    _, report = validate_json(run_cli, root)
    assert {f["file"] for f in findings_with(report, "MG100")} == {
        str(root / "etc" / "events.xml"),
        str(root / "etc" / "real-events.xml"),
    }
    assert "MG104" not in codes(report)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (NESTED, "nests deeper than 511 levels"),
        (b'\xef\xbb\xbf{"name": "acme/module-erp"}', "byte order mark"),
        (b'{"name": "acme/module-erp", "version": NaN}', "NaN is not a JSON value"),
        (b'{"name": "acme/module-erp", "x": -Infinity}', "-Infinity is not a JSON value"),
    ],
    ids=["nested", "bom", "nan", "infinity"],
)
def test_json_php_refuses_is_refused_everywhere(
    content: bytes, expected: str, run_cli: Runner, tmp_path: Path
) -> None:
    root = module(run_cli, tmp_path)
    (root / "composer.json").write_bytes(content)
    result, report = validate_json(run_cli, root)
    assert result.exit_code == 1
    [finding] = findings_with(report, "MG211")
    assert expected in finding["message"]

    result = run_cli("spec-from", root)
    one_line_messages(result)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{root / 'composer.json'}")
    assert expected in result.stderr


def test_nested_json_in_an_installation_is_a_warning(run_cli: Runner, tmp_path: Path) -> None:
    magento = tmp_path / "magento"
    vendor = magento / "app" / "code" / "Acme" / "Deep"
    (vendor / "etc").mkdir(parents=True)
    (vendor / "etc" / "module.xml").write_text(
        '<?xml version="1.0"?>\n<config><module name="Acme_Deep"/></config>\n'
    )
    (vendor / "composer.json").write_bytes(NESTED)
    spec = tmp_path / "spec.yaml"
    spec.write_text("module:\n  description: plain\n")
    result = run_cli("new", "Acme/Plain", spec, "-o", tmp_path / "out", "--magento-root", magento)
    assert_no_traceback(result)
    assert result.exit_code == 0
    assert f"{vendor / 'composer.json'}: warning: skipped: invalid JSON: nests deeper" in (
        result.stderr
    )


def test_acl_diff_refuses_an_unreadable_integration_file(run_cli: Runner, tmp_path: Path) -> None:
    root = module(run_cli, tmp_path)
    api = root / "etc" / "integration" / "api.xml"
    api.unlink()
    api.symlink_to("/dev/zero")
    result = run_cli("acl-diff", root, root)
    one_line_messages(result)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{api}: error: links outside the module")


def test_a_doctype_has_one_message_in_every_reader(run_cli: Runner, tmp_path: Path) -> None:
    root = module(run_cli, tmp_path)
    doctype = '<?xml version="1.0"?>\n<!DOCTYPE config [<!ENTITY x "y">]>\n<config/>\n'
    (root / "etc" / "integration" / "api.xml").write_text(doctype)
    message = "has a DOCTYPE; entities are not expanded, the file is refused"
    _, report = validate_json(run_cli, root)
    assert [f["message"] for f in findings_with(report, "MG100")] == [message]
    for command in (("acl-diff", root, root), ("spec-from", root)):
        result = run_cli(*command)
        assert result.exit_code == 2
        [line] = result.stderr.splitlines()
        assert line.startswith(f"{root / 'etc/integration/api.xml'}:2: error: {message}")


def test_composer_validate_agrees_about_the_bom(
    run_cli: Runner, tmp_path: Path, composer: str
) -> None:
    """Composer itself refuses what the reader refuses (the judge is the real tool)."""
    import subprocess

    root = module(run_cli, tmp_path)
    manifest = json.loads((root / "composer.json").read_text())
    (root / "composer.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(manifest).encode())
    judged = subprocess.run(
        [composer, "validate", "--no-check-publish", "--no-check-lock"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert judged.returncode != 0
    _, report = validate_json(run_cli, root)
    assert findings_with(report, "MG211")
