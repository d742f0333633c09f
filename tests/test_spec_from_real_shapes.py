"""``spec-from`` on shapes real published modules have: lenient module.xml, integrations created
by other scripts, and wide grants that must fold back to ``Parent/**``."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import tree
from tests.validate_kit import (
    API,
    EXAMPLE_NAME,
    MODULE_XML,
    Runner,
    assert_no_traceback,
    edit,
    new_module,
)


def read_back(run_cli: Runner, root: Path) -> tuple[dict, str]:
    result = run_cli("spec-from", root)
    assert_no_traceback(result)
    assert result.exit_code == 0, result.stderr
    return yaml.safe_load(result.stdout), result.stdout


def assert_new_accepts(run_cli: Runner, tmp_path: Path, text: str) -> Path:
    """``magegen new SPEC`` with no NAME accepts the spec read back (issue 21, item 11: the
    spec names its module)."""
    spec = tmp_path / "back.yaml"
    spec.write_text(text, encoding="utf-8")
    result = run_cli("new", spec, "-o", tmp_path / "again")
    assert_no_traceback(result)
    assert result.exit_code == 0, result.stderr
    return tmp_path / "again"


def module(run_cli: Runner, tmp_path: Path) -> Path:
    return new_module(run_cli, tmp_path / "module" / EXAMPLE_NAME)


def module_without_setup(run_cli: Runner, tmp_path: Path) -> Path:
    """The example module without its sync data patch, so that only InstallData creates the
    integrations (the tests replace it)."""
    root = module(run_cli, tmp_path)
    for patch in (root / "Setup" / "Patch" / "Data").glob("*.php"):
        patch.unlink()
    return root


def test_an_extra_module_xml_attribute_is_read_with_a_note(run_cli: Runner, tmp_path: Path) -> None:
    root = module(run_cli, tmp_path)
    edit(root / MODULE_XML, 'setup_version="1.0.1"', 'setup_version="1.0.1" release_version="2"')
    body, text = read_back(run_cli, root)
    assert body["setup"] == "install-data"
    assert body["integrations"][0]["name"] == "testIntegration2"
    assert "# - etc/module.xml: read anyway (Magento does not validate module.xml" in text.replace(
        "#   - ", "# - "
    )


def test_a_lowercase_vendor_used_consistently_is_read(run_cli: Runner, tmp_path: Path) -> None:
    root = module(run_cli, tmp_path)
    edit(root / MODULE_XML, '"Beehexa_IntegrationManager"', '"beehexa_IntegrationManager"')
    edit(root / "registration.php", "'Beehexa_IntegrationManager'", "'beehexa_IntegrationManager'")
    body, text = read_back(run_cli, root)
    assert text.startswith("# magegen new beehexa/IntegrationManager <this file>\n")
    assert body["integrations"][0]["email"] == "hexasync@beehexa.com"
    assert "etc/module.xml: read anyway" in text


def test_integrations_created_by_upgrade_data_are_not_claimed_install_data(
    run_cli: Runner, tmp_path: Path
) -> None:
    root = module_without_setup(run_cli, tmp_path)
    install = root / "Setup" / "InstallData.php"
    upgrade = root / "Setup" / "UpgradeData.php"
    upgrade.write_text(
        install.read_text()
        .replace("class InstallData", "class UpgradeData")
        .replace("InstallDataInterface", "UpgradeDataInterface")
    )
    install.unlink()
    body, text = read_back(run_cli, root)
    assert body["setup"] == "data-patch"
    assert (
        "Setup/UpgradeData.php: refers to ConfigBasedIntegrationManager, "
        "processIntegrationConfig: it may create the integrations" in text
    )
    assert "the spec says setup: data-patch" in text
    assert_new_accepts(run_cli, tmp_path, text)


def test_integrations_created_by_a_schema_patch_are_not_claimed(
    run_cli: Runner, tmp_path: Path
) -> None:
    root = module_without_setup(run_cli, tmp_path)
    install = root / "Setup" / "InstallData.php"
    patch = root / "Setup" / "Patch" / "Schema" / "CreateIntegrations.php"
    patch.parent.mkdir(parents=True)
    patch.write_text(install.read_text())
    install.unlink()
    body, text = read_back(run_cli, root)
    assert body["setup"] == "data-patch"
    assert "Setup/Patch/Schema/CreateIntegrations.php: refers to" in text
    assert_new_accepts(run_cli, tmp_path, text)


def test_no_script_at_all_says_so(run_cli: Runner, tmp_path: Path) -> None:
    root = module_without_setup(run_cli, tmp_path)
    (root / "Setup" / "InstallData.php").unlink()
    body, text = read_back(run_cli, root)
    assert body["setup"] == "data-patch"
    assert "Magento never creates them" in text
    assert "the module magegen new writes does create them" in text
    assert_new_accepts(run_cli, tmp_path, text)


def test_a_schema_invalid_api_xml_is_read_as_magento_reads_it(
    run_cli: Runner, tmp_path: Path
) -> None:
    root = module(run_cli, tmp_path)
    edit(root / API, "<resources>", "<resources><bogus/>")
    body, text = read_back(run_cli, root)
    assert body["integrations"][0]["resources"] == [
        "Magento_Sales::reorder",
        "Magento_Customer::customer",
    ]
    assert "etc/integration/api.xml: read as Magento's converter reads it" in text


def test_wide_grants_round_trip_folded(run_cli: Runner, tmp_path: Path) -> None:
    """120 integrations granting the whole admin tree read back as admin/**, and new on the
    spec read back writes the same tree (issue 10, "Round trip over the node limit")."""
    lines = ["integrations:"]
    for index in range(120):
        lines += [
            f"  - name: Sync {index}",
            "    email: ops@example.com",
            "    resources:",
            "      - Magento_Backend::admin/**",
        ]
    spec = tmp_path / "wide.yaml"
    spec.write_text("\n".join(lines) + "\n")
    first = new_module(run_cli, tmp_path / "first", spec, "Acme/Wide")
    body, text = read_back(run_cli, first)
    assert {tuple(i["resources"]) for i in body["integrations"]} == {("Magento_Backend::admin/**",)}
    again = tmp_path / "again.yaml"
    again.write_text(text)
    second = new_module(run_cli, tmp_path / "second", again, "Acme/Wide")
    assert tree(second) == tree(first)


def test_a_complete_subtree_folds_and_a_partial_one_does_not(
    run_cli: Runner, tmp_path: Path
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "integrations:\n  - name: Orders\n    email: ops@example.com\n    resources:\n"
        "      - Magento_Sales::actions/**\n      - Magento_Customer::customer\n"
    )
    root = new_module(run_cli, tmp_path / "module", spec, "Acme/Orders")
    body, text = read_back(run_cli, root)
    # Orders holds only Actions, so the highest complete subtree is Orders; Customers is not
    # complete (only its own id is granted).
    assert body["integrations"][0]["resources"] == [
        "Magento_Sales::sales_order/**",
        "Magento_Customer::customer",
    ]
    again = tmp_path / "again.yaml"
    again.write_text(text)
    second = new_module(run_cli, tmp_path / "second", again, "Acme/Orders")
    assert tree(second) == tree(root)
