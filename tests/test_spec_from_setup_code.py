"""``spec-from`` and ``acl-diff`` agree with ``validate`` about which integrations setup code
creates (issue 21, items 1, 11, 12, 13 and 14), on modules shaped like published ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.test_findings_setup_code import BY_CONSOLIDATED_CALL, BY_SERVICE, _only_patch
from tests.test_spec_from_real_shapes import assert_new_accepts, read_back
from tests.validate_kit import (
    CONFIG,
    Runner,
    codes,
    edit,
    edit_json,
    new_module,
    validate_json,
)


def test_an_api_only_integration_created_by_setup_code_is_kept(
    example: Path, tmp_path: Path, run_cli: Runner
) -> None:
    (example / CONFIG).unlink()
    _only_patch(example, BY_CONSOLIDATED_CALL)
    body, text = read_back(run_cli, example)
    assert body["name"] == "Beehexa/IntegrationManager"
    (integration,) = body["integrations"]
    assert (integration["name"], integration["email"]) == (
        "testIntegration2",
        "hexasync@beehexa.com",
    )
    assert body["setup"] == "data-patch"
    assert "creates integration 'testIntegration2' (processConfigBasedIntegrations)" in text
    again = assert_new_accepts(run_cli, tmp_path, text)
    _, report = validate_json(run_cli, again)
    assert report["findings"] == []


def test_an_email_that_is_no_constant_is_said(example: Path, run_cli: Runner) -> None:
    (example / CONFIG).unlink()
    body = BY_SERVICE.format(setup_type="TYPE_CONFIG").replace(
        "'hexasync@beehexa.com'", "$this->email()"
    )
    _only_patch(example, body)
    spec, text = read_back(run_cli, example)
    assert "integrations" not in spec
    assert "its email is not a constant magegen can read" in text


def test_acl_diff_agrees_with_validate_about_api_only_grants(
    example: Path, tmp_path: Path, run_cli: Runner
) -> None:
    (example / CONFIG).unlink()
    _only_patch(example, "        $this->manager->processConfigBasedIntegrations([]);\n")
    before = tmp_path / "before"
    shutil.copytree(example, before)
    assert "MG301" in codes(validate_json(run_cli, before)[1])  # nothing creates it
    _only_patch(example, BY_CONSOLIDATED_CALL)
    assert validate_json(run_cli, example)[1]["findings"] == []  # now something does
    result = run_cli("acl-diff", before, example, "--format", "json")
    assert result.exit_code == 1, result.stderr
    (change,) = json.loads(result.stdout)
    assert (change["name"], change["status"]) == ("testIntegration2", "added")


def test_a_consolidated_grant_never_reads_back_as_parents_false(
    tmp_path: Path, run_cli: Runner
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "integration_format: consolidated\nintegrations:\n  - name: Orders\n"
        "    email: ops@example.com\n    resources:\n      - Magento_Sales::reorder\n"
    )
    root = new_module(run_cli, tmp_path / "module", spec, "Acme/Orders")
    xml = root / "etc" / "integration.xml"
    text = xml.read_text()
    # As a hand-written file would: the leaf alone (Magento adds the parents itself).
    lines = [line for line in text.splitlines() if "<resource " not in line or "reorder" in line]
    xml.write_text("\n".join(lines) + "\n")
    body, back = read_back(run_cli, root)
    (integration,) = body["integrations"]
    assert "parents" not in integration
    assert integration["resources"] == ["Magento_Sales::reorder"]
    assert_new_accepts(run_cli, tmp_path, back)


def test_empty_composer_fields_are_left_out(example: Path, tmp_path: Path, run_cli: Runner) -> None:
    def empty(manifest: dict) -> None:
        manifest["description"] = ""
        manifest["license"] = ""
        manifest["authors"] = [{"name": "Beehexa", "email": ""}]

    edit_json(example / "composer.json", empty)
    body, text = read_back(run_cli, example)
    assert "description" not in body["module"] and "license" not in body["module"]
    assert body["module"]["authors"] == [{"name": "Beehexa"}]
    assert '"description" is empty; the spec leaves it out' in text
    assert_new_accepts(run_cli, tmp_path, text)


def test_a_license_list_keeps_its_names(example: Path, run_cli: Runner) -> None:
    edit(example / "composer.json", '"license": "MIT"', '"license": ["MIT", ""]')
    body, _ = read_back(run_cli, example)
    assert body["module"]["license"] == ["MIT"]
