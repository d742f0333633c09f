"""Issue 20: what a store really grants or deletes, whatever the way it is written.

Retirements are deletions even of a name the old side never had; a hand edit that no sync patch
carries to installed stores is an error; ``Magento_Backend::all`` reaches api.xml only with
``all_resources: true``; the consolidated format drops it, so it is refused there and never
shown as full access.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.magento.snapshot import to_text
from tests.conftest import EXAMPLE_SPEC
from tests.test_catalog_file_hostile import valid_document
from tests.validate_kit import (
    API,
    CONFIG,
    EXAMPLE_NAME,
    Runner,
    assert_no_traceback,
    codes,
    edit,
    findings_with,
    line_of,
    new_module,
    validate_json,
    write,
)

NAME = "testIntegration2"
ALL = "Magento_Backend::all"
FORMATS = ("text", "markdown", "json")


def _acl_diff(run_cli: Runner, old: Path, new: Path, *options: str):
    result = run_cli("acl-diff", old, new, *options)
    assert_no_traceback(result)
    return result


def _spec(folder: Path, body: str, name: str = "spec.yaml") -> Path:
    return write(folder / name, body)


SPEC = """\
name: Acme/Sync
integrations:
  - name: Keep
    email: keep@example.com
    resources: [Magento_Customer::customer]
{extra}"""


# 5. Retirements are deletions.


@pytest.mark.parametrize("output", FORMATS)
def test_retiring_a_name_the_old_spec_never_had_is_shown(
    run_cli: Runner, tmp_path: Path, output: str
) -> None:
    old = _spec(tmp_path, SPEC.format(extra=""), "old.yaml")
    new = _spec(tmp_path, SPEC.format(extra="  - {name: Admin Made, retired: true}\n"), "new.yaml")
    result = _acl_diff(run_cli, old, new, "--format", output)
    assert result.exit_code == 1
    assert "Admin Made" in result.stdout
    assert "No integration permissions change" not in result.stdout
    if output == "json":
        (change,) = json.loads(result.stdout)
        assert change["status"] == "retired"
        assert any("does not declare it" in w for w in change["warnings"])
    else:
        assert "retired" in result.stdout and "tokens stop working" in result.stdout


def test_a_tree_whose_sync_patch_retires_a_name_shows_the_deletion(
    run_cli: Runner, tmp_path: Path
) -> None:
    spec_old = _spec(tmp_path, SPEC.format(extra=""), "old.yaml")
    spec_new = _spec(tmp_path, SPEC.format(extra="  - {name: Ghost, retired: true}\n"), "new.yaml")
    old = new_module(run_cli, tmp_path / "old", spec_old, "Acme/Sync")
    new = new_module(run_cli, tmp_path / "new", spec_new, "Acme/Sync")
    for output in FORMATS:
        result = _acl_diff(run_cli, old, new, "--format", output)
        assert result.exit_code == 1, output
        assert "Ghost" in result.stdout and "retired" in result.stdout, output


def test_a_hand_written_retire_call_is_a_deletion(run_cli: Runner, tmp_path: Path) -> None:
    old = new_module(run_cli, tmp_path / "old" / EXAMPLE_NAME)
    new = new_module(run_cli, tmp_path / "new" / EXAMPLE_NAME)
    write(
        new / "Setup" / "Patch" / "Data" / "Cleanup.php",
        "<?php\nnamespace Beehexa\\IntegrationManager\\Setup\\Patch\\Data;\n\nclass Cleanup\n{\n"
        "    public function apply()\n    {\n        $this->retire(\"Other Vendor\");\n    }\n}\n",
    )
    result = _acl_diff(run_cli, old, new, "--format", "json")
    assert result.exit_code == 1
    (change,) = json.loads(result.stdout)
    assert (change["name"], change["status"]) == ("Other Vendor", "retired")


def test_a_hand_written_delete_by_name_is_a_deletion(run_cli: Runner, tmp_path: Path) -> None:
    old = new_module(run_cli, tmp_path / "old" / EXAMPLE_NAME)
    new = new_module(run_cli, tmp_path / "new" / EXAMPLE_NAME)
    write(
        new / "Setup" / "Patch" / "Data" / "Cleanup.php",
        "<?php\nnamespace Beehexa\\IntegrationManager\\Setup\\Patch\\Data;\n\nclass Cleanup\n{\n"
        "    public function apply()\n    {\n"
        "        $found = $this->integrations->findByName('Partner Feed');\n"
        "        $this->integrations->delete($found->getId());\n    }\n}\n",
    )
    result = _acl_diff(run_cli, old, new, "--format", "json")
    assert result.exit_code == 1
    (change,) = json.loads(result.stdout)
    assert (change["name"], change["status"]) == ("Partner Feed", "retired")


def test_a_retirement_both_sides_share_is_no_change(run_cli: Runner, tmp_path: Path) -> None:
    spec = _spec(tmp_path, SPEC.format(extra="  - {name: Ghost, retired: true}\n"))
    result = _acl_diff(run_cli, spec, spec)
    assert result.exit_code == 0
    assert "No integration permissions change" in result.stdout


# 6. Changes that never reach stores.

HAND_EDITS = {
    "a resource added": (API, '<resource name="Magento_Customer::customer"/>',
                         '<resource name="Magento_Customer::customer"/>\n'
                         '            <resource name="Magento_Sales::cancel"/>'),
    "a resource removed": (API, '            <resource name="Magento_Sales::reorder"/>\n', ""),
    "the email": (CONFIG, "hexasync@beehexa.com", "evil@example.com"),
    "the endpoint": (CONFIG, "https://hexasync.example.com/endpoint", "https://evil.example/e"),
}


@pytest.mark.parametrize("shape", sorted(HAND_EDITS))
def test_a_hand_edit_no_sync_patch_carries_fails_validate(
    run_cli: Runner, tmp_path: Path, shape: str
) -> None:
    relative, old_text, new_text = HAND_EDITS[shape]
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    edit(module / relative, old_text, new_text)
    result, report = validate_json(run_cli, module, "--no-php", "--strict")
    assert result.exit_code == 1
    (finding,) = findings_with(report, "MG322")
    assert finding["file"] == str(module / relative)
    assert finding["line"] == line_of(module / relative, f'<integration name="{NAME}">')
    assert "never get this change" in finding["message"]


@pytest.mark.parametrize("shape", sorted(HAND_EDITS))
def test_acl_diff_says_first_that_stores_never_get_a_hand_edit(
    run_cli: Runner, tmp_path: Path, shape: str
) -> None:
    relative, old_text, new_text = HAND_EDITS[shape]
    old = new_module(run_cli, tmp_path / "old" / EXAMPLE_NAME)
    new = new_module(run_cli, tmp_path / "new" / EXAMPLE_NAME)
    edit(new / relative, old_text, new_text)
    result = _acl_diff(run_cli, old, new)
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("warning: ") and "never get this change" in first
    markdown = _acl_diff(run_cli, old, new, "--format", "markdown").stdout
    assert markdown.index("never get this change") < markdown.index("####")


def test_an_integration_added_by_hand_fails_validate(run_cli: Runner, tmp_path: Path) -> None:
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    edit(module / CONFIG, "</integrations>",
         '    <integration name="Added">\n        <email>a@example.com</email>\n'
         "    </integration>\n</integrations>")
    edit(module / API, "</integrations>",
         '    <integration name="Added">\n        <resources>\n'
         '            <resource name="Magento_Customer::customer"/>\n'
         "        </resources>\n    </integration>\n</integrations>")
    install_data = module / "Setup" / "InstallData.php"
    edit(install_data, "'testIntegration2',", "'testIntegration2', 'Added',")
    result, report = validate_json(run_cli, module, "--no-php")
    assert result.exit_code == 1
    (finding,) = findings_with(report, "MG322")
    assert finding["line"] == line_of(module / CONFIG, '<integration name="Added">')
    assert "in no record of the sync patch" in finding["message"]


def test_a_sync_patch_edited_by_hand_fails_validate(run_cli: Runner, tmp_path: Path) -> None:
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    (patch,) = (module / "Setup" / "Patch" / "Data").iterdir()
    listed = ' *                 "Magento_Customer::customer"\n'
    edit(patch, listed, listed.replace('"\n', '",\n') + ' *                 "Magento_Sales::cancel"\n')
    relative, old_text, new_text = HAND_EDITS["a resource added"]
    edit(module / relative, old_text, new_text)
    result, report = validate_json(run_cli, module, "--no-php")
    assert result.exit_code == 1
    (finding,) = findings_with(report, "MG322")
    assert finding["file"] == str(patch)
    assert "edited by hand" in finding["message"]


def test_regenerating_after_the_edit_is_clean(run_cli: Runner, tmp_path: Path) -> None:
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    relative, old_text, new_text = HAND_EDITS["a resource added"]
    edit(module / relative, old_text, new_text)
    spec = write(tmp_path / "spec.yaml", EXAMPLE_SPEC.read_text(encoding="utf-8"))
    edit(spec, "      - Magento_Sales::reorder", "      - Magento_Sales::reorder\n"
         "      - Magento_Sales::cancel")
    result = run_cli("new", EXAMPLE_NAME, spec, "-o", module, "--force")
    assert result.exit_code == 0, result.stderr
    done, report = validate_json(run_cli, module, "--no-php", "--strict")
    assert "MG322" not in codes(report), report["findings"]


# 8. Full access only when asked for.

UNDER_ALL_ACL = """\
acl:
  - id: Acme_Sync::thing
    title: A Thing
    parent: Magento_Backend::all
"""


def _new_dry(run_cli: Runner, spec: Path, target: Path, *options: str):
    result = run_cli("new", spec, "-o", target, "--dry-run", *options)
    assert_no_traceback(result)
    return result


@pytest.mark.parametrize("entry", ["Acme_Sync::thing", "Acme_Sync::thing/**"])
def test_an_acl_entry_under_all_is_refused(run_cli: Runner, tmp_path: Path, entry: str) -> None:
    spec = _spec(
        tmp_path,
        UNDER_ALL_ACL + SPEC.format(extra="").replace("Magento_Customer::customer", entry),
    )
    result = _new_dry(run_cli, spec, tmp_path / "out")
    assert result.exit_code == 2
    assert f"brings in {ALL}" in result.stderr
    assert "resources[0]" in result.stderr


def test_parents_false_under_all_grants_only_the_id(run_cli: Runner, tmp_path: Path) -> None:
    body = UNDER_ALL_ACL + SPEC.format(extra="    parents: false\n").replace(
        "Magento_Customer::customer", "Acme_Sync::thing"
    )
    result = _new_dry(run_cli, _spec(tmp_path, body), tmp_path / "out")
    assert result.exit_code == 0, result.stderr


def test_a_hand_written_target_acl_xml_under_all_is_refused(
    run_cli: Runner, tmp_path: Path
) -> None:
    target = tmp_path / "Acme" / "Sync"
    write(
        target / "etc" / "acl.xml",
        '<?xml version="1.0"?>\n<config><acl><resources>'
        '<resource id="Magento_Backend::all"><resource id="Acme_Sync::thing" title="A Thing"/>'
        "</resource></resources></acl></config>\n",
    )
    spec = _spec(tmp_path, SPEC.format(extra="").replace("Magento_Customer::customer",
                                                         "Acme_Sync::thing"))
    result = _new_dry(run_cli, spec, target)
    assert result.exit_code == 2
    assert f"brings in {ALL}" in result.stderr


def _catalog(tmp_path: Path, edit_document) -> Path:
    document = valid_document()
    edit_document(document)
    return write(tmp_path / "catalog.json", to_text(document))


def test_a_catalog_tree_under_all_is_refused(run_cli: Runner, tmp_path: Path) -> None:
    def under_all(document: dict) -> None:
        root = {"id": ALL, "title": "All", "parent": None, "module": "Magento_Backend",
                "sort_order": None, "disabled": False}
        evil = {"id": "Magento_Sales::evil", "title": "Evil", "parent": ALL,
                "module": "Magento_Sales", "sort_order": None, "disabled": False}
        document["acl"][0:0] = [root, evil]  # tree order: the root, then its child

    catalog = _catalog(tmp_path, under_all)
    spec = _spec(tmp_path, SPEC.format(extra="").replace("Magento_Customer::customer",
                                                         "Magento_Sales::evil"))
    result = _new_dry(run_cli, spec, tmp_path / "out", "--catalog", catalog)
    assert result.exit_code == 2, result.stderr
    assert f"brings in {ALL}" in result.stderr


def test_a_catalog_route_that_needs_all_is_refused(run_cli: Runner, tmp_path: Path) -> None:
    def route(document: dict) -> None:
        document["routes"].append({"method": "GET", "url": "/V1/evil", "resources": [ALL]})

    catalog = _catalog(tmp_path, route)
    body = SPEC.format(extra="").replace(
        "    resources: [Magento_Customer::customer]\n", "    endpoints: [GET /V1/evil]\n"
    )
    result = _new_dry(run_cli, _spec(tmp_path, body), tmp_path / "out", "--catalog", catalog)
    assert result.exit_code == 2, result.stderr
    assert f"brings in {ALL}" in result.stderr
    assert "endpoints" in result.stderr


# 9. The consolidated format drops Magento_Backend::all.


def test_all_resources_in_the_consolidated_format_is_refused(
    run_cli: Runner, tmp_path: Path
) -> None:
    body = (
        "name: Acme/Sync\nintegration_format: consolidated\nintegrations:\n"
        "  - {name: Full, email: a@example.com, all_resources: true}\n"
    )
    result = _new_dry(run_cli, _spec(tmp_path, body), tmp_path / "out")
    assert result.exit_code == 2
    assert "all_resources: true needs integration_format: split" in result.stderr
    assert "Magento_Backend::admin" in result.stderr


CONSOLIDATED_ALL = """\
<?xml version="1.0"?>
<config>
    <integration name="Full">
        <email>a@example.com</email>
        <resources>
            <resource name="Magento_Backend::all"/>
        </resources>
    </integration>
</config>
"""


def test_review_never_shows_a_consolidated_all_as_full_access(
    run_cli: Runner, tmp_path: Path
) -> None:
    spec = _spec(tmp_path, "name: Acme/Sync\nintegration_format: consolidated\n"
                 "integrations:\n  - {name: Full, email: a@example.com, "
                 "resources: [Magento_Customer::customer]}\n")
    old = new_module(run_cli, tmp_path / "old", spec, "Acme/Sync")
    new = new_module(run_cli, tmp_path / "new", spec, "Acme/Sync")
    write(new / "etc" / "integration.xml", CONSOLIDATED_ALL)
    result = _acl_diff(run_cli, old, new, "--format", "json")
    (change,) = json.loads(result.stdout)
    assert ALL not in [g["id"] for g in change["granted"]]
    assert "Magento_Customer::customer" in [r["id"] for r in change["revoked"]]
    _, report = validate_json(run_cli, new, "--no-php")
    (finding,) = findings_with(report, "MG308")
    assert "drops" in finding["message"] and "no full access" in finding["message"]


def test_a_catalog_without_all_still_knows_full_access(run_cli: Runner, tmp_path: Path) -> None:
    catalog = _catalog(tmp_path, lambda document: None)
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    edit(module / API, "Magento_Customer::customer", ALL)
    _, report = validate_json(run_cli, module, "--no-php", "--catalog", catalog)
    assert "MG308" in codes(report), report["findings"]
    assert not [f for f in findings_with(report, "MG304") if ALL in f["message"]]
    body = "name: Acme/Sync\nintegrations:\n  - {name: Full, email: a@example.com, "
    full = _spec(tmp_path, body + "all_resources: true}\n", "full.yaml")
    listed = _spec(tmp_path, body + f"all_resources: true, resources: [{ALL}]}}\n", "listed.yaml")
    for spec in (full, listed):
        result = _new_dry(run_cli, spec, tmp_path / "out", "--catalog", catalog)
        assert result.exit_code == 0, result.stderr
