"""``validate`` judges setup code as Magento runs it: which classes it loads by name, what code
they reach, and which integrations that code creates (issue 21, items 1, 2, 7 and 8; issue 20,
item 7). Each module is shaped like a published one: false findings gone, real ones found."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.validate_kit import (
    API,
    CONFIG,
    Runner,
    codes,
    drop_sync_patch,
    edit,
    findings_with,
    validate_json,
    write,
)

PATCH_HEAD = """\
<?php
namespace Beehexa\\IntegrationManager\\Setup\\Patch\\Data;

use Magento\\Framework\\Setup\\Patch\\DataPatchInterface;
use Magento\\Integration\\Api\\IntegrationServiceInterface;
use Magento\\Integration\\Model\\ConfigBasedIntegrationManager;
use Magento\\Integration\\Model\\Integration;
use Beehexa\\IntegrationManager\\Model\\Config;

class {name} implements DataPatchInterface
{{
    const INTEGRATION = 'testIntegration2';

    public function __construct(
        private ConfigBasedIntegrationManager $manager,
        private IntegrationServiceInterface $integrationService
    ) {{
    }}

    public function apply()
    {{
{body}
        return $this;
    }}

    public static function getDependencies()
    {{
        return [];
    }}

    public function getAliases()
    {{
        return [];
    }}
}}
"""
# A published module's way: processConfigBasedIntegrations() with the name as a class constant.
BY_CONSOLIDATED_CALL = """\
        $this->manager->processConfigBasedIntegrations([
            (string)self::INTEGRATION => ['email' => 'hexasync@beehexa.com'],
        ]);
"""
# Another: IntegrationService::create() with a config setup type, the name from another class.
BY_SERVICE = """\
        $data = [
            Integration::NAME => Config::INTEGRATION_NAME,
            Integration::EMAIL => 'hexasync@beehexa.com',
            Integration::SETUP_TYPE => Integration::{setup_type},
        ];
        $this->integrationService->create($data);
"""
MODEL_CONFIG = """\
<?php
namespace Beehexa\\IntegrationManager\\Model;

class Config
{
    public const INTEGRATION_NAME = 'testIntegration2';
}
"""


def _only_patch(example: Path, body: str, name: str = "CreateIntegration") -> Path:
    """The module with one data patch of ``body`` as its only setup code."""
    shutil.rmtree(example / "Setup" / "Patch", ignore_errors=True)
    (example / "Setup" / "InstallData.php").unlink(missing_ok=True)
    write(example / "Model" / "Config.php", MODEL_CONFIG)
    patch = example / "Setup" / "Patch" / "Data" / f"{name}.php"
    return write(patch, PATCH_HEAD.format(name=name, body=body))


def test_api_xml_alone_is_declared_when_setup_code_creates_it_by_name(
    example: Path, run_cli: Runner
) -> None:
    (example / CONFIG).unlink()
    _only_patch(example, BY_CONSOLIDATED_CALL)
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0


def test_api_xml_alone_with_a_config_type_service_create(example: Path, run_cli: Runner) -> None:
    (example / CONFIG).unlink()
    _only_patch(example, BY_SERVICE.format(setup_type="TYPE_CONFIG"))
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    # Created as a manual integration, api.xml's grant does not apply: MG301 stays.
    _only_patch(example, BY_SERVICE.format(setup_type="TYPE_MANUAL"))
    result, report = validate_json(run_cli, example)
    (finding,) = findings_with(report, "MG301")
    assert "is not in config.xml, so Magento ignores it" in finding["message"]
    assert result.exit_code == 1


def test_api_xml_alone_that_nothing_creates_is_still_mg301(example: Path, run_cli: Runner) -> None:
    (example / CONFIG).unlink()
    _only_patch(example, "        $this->manager->processConfigBasedIntegrations([]);\n")
    assert "MG301" in codes(validate_json(run_cli, example)[1])


def test_setup_code_creating_a_config_xml_integration_is_no_mg303(
    example: Path, run_cli: Runner
) -> None:
    for body in (BY_CONSOLIDATED_CALL, BY_SERVICE.format(setup_type="TYPE_CONFIG")):
        _only_patch(example, body)
        result, report = validate_json(run_cli, example)
        assert report["findings"] == [], body
        assert result.exit_code == 0


def test_a_setup_class_magento_never_loads_is_an_error(example: Path, run_cli: Runner) -> None:
    patch = _only_patch(example, BY_CONSOLIDATED_CALL)
    edit(patch, "class CreateIntegration", "class CreateIntegrations")
    result, report = validate_json(run_cli, example)
    (misloaded,) = findings_with(report, "MG312")
    assert misloaded["file"] == str(patch)
    assert "CreateIntegrations" in misloaded["message"]
    assert (
        "Beehexa\\IntegrationManager\\Setup\\Patch\\Data\\CreateIntegration,"
        in (misloaded["message"])
    )
    assert "MG303" in codes(report)  # what it would create is never created
    assert result.exit_code == 1


def test_class_names_differing_only_in_case_are_the_same_class(
    example: Path, run_cli: Runner
) -> None:
    # PHP compares class and namespace names without regard to case.
    drop_sync_patch(example)
    edit(
        example / "Setup" / "InstallData.php",
        "namespace Beehexa\\IntegrationManager\\Setup;",
        "namespace beehexa\\integrationmanager\\Setup;",
    )
    edit(example / "Setup" / "InstallData.php", "class InstallData", "class installdata")
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0


UPGRADE_DATA = """\
<?php
namespace Beehexa\\IntegrationManager\\Setup;

use Magento\\Framework\\Setup\\ModuleContextInterface;
use Magento\\Framework\\Setup\\ModuleDataSetupInterface;
use Magento\\Framework\\Setup\\UpgradeDataInterface;

class {name} implements UpgradeDataInterface
{{
    public function upgrade(ModuleDataSetupInterface $setup, ModuleContextInterface $context)
    {{
    }}
}}
"""


def test_a_misspelled_setup_script_names_the_file_meant(example: Path, run_cli: Runner) -> None:
    upgrade = write(
        example / "Setup" / "UpdgradeData.php", UPGRADE_DATA.format(name="UpdgradeData")
    )
    install = example / "Setup" / "Instaldata.php"
    (example / "Setup" / "InstallData.php").rename(install)
    result, report = validate_json(run_cli, example)
    found = {f["file"]: f["message"] for f in findings_with(report, "MG311")}
    assert "misspelling of Setup/UpgradeData.php" in found[str(upgrade)]
    assert "misspelling of Setup/InstallData.php" in found[str(install)]
    assert result.exit_code == 1


def test_setup_helpers_are_not_misspelled_scripts(example: Path, run_cli: Runner) -> None:
    # Close to InstallData, but a helper: it implements no setup interface.
    write(
        example / "Setup" / "Installer.php",
        "<?php\nnamespace Beehexa\\IntegrationManager\\Setup;\n\nclass Installer\n{\n}\n",
    )
    write(example / "Setup" / "Upgrades.php", UPGRADE_DATA.format(name="Upgrades"))
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0


def test_a_patch_in_a_subfolder_never_runs(example: Path, run_cli: Runner) -> None:
    """Issue 20, item 7: Magento reads Setup/Patch/Data/*.php, not its subfolders."""
    patch = _only_patch(
        example, "        $this->manager->processIntegrationConfig(['testIntegration2']);\n"
    )
    nested = patch.parent / "Integrations" / patch.name
    nested.parent.mkdir()
    edit(patch, "Setup\\Patch\\Data;", "Setup\\Patch\\Data\\Integrations;")
    patch.rename(nested)
    result, report = validate_json(run_cli, example)
    (misplaced,) = findings_with(report, "MG311")
    assert misplaced["file"] == str(nested)
    assert "subfolder of Setup/Patch/Data" in misplaced["message"]
    (never,) = findings_with(report, "MG303")
    assert never["severity"] == "error"
    assert "Magento never runs that code at setup" in never["message"]
    assert result.exit_code == 1
    # An abstract base class in a subfolder is no patch.
    edit(nested, "class CreateIntegration", "abstract class CreateIntegration")
    assert "MG311" not in codes(validate_json(run_cli, example)[1])


HELPER = """\
<?php
namespace Beehexa\\IntegrationManager\\{folder};

use Magento\\Integration\\Model\\ConfigBasedIntegrationManager;

class IntegrationInstaller
{{
    public function __construct(private ConfigBasedIntegrationManager $manager)
    {{
    }}

    public function install(): void
    {{
        $this->manager->processIntegrationConfig(['testIntegration2']);
    }}
}}
"""


def _helper_creates(example: Path, folder: str) -> Path:
    """The module whose InstallData creates nothing, with a helper in ``folder`` that would;
    returns InstallData."""
    drop_sync_patch(example)
    install = example / "Setup" / "InstallData.php"
    edit(install, "processIntegrationConfig", "processNothing")
    write(example / folder / "IntegrationInstaller.php", HELPER.format(folder=folder))
    return install


def test_a_helper_counts_only_when_running_setup_code_reaches_it(
    example: Path, run_cli: Runner
) -> None:
    """Issue 20, item 7: a helper's call creates only if Magento runs code that calls it."""
    install = _helper_creates(example, "Setup")
    result, report = validate_json(run_cli, example)
    (never,) = findings_with(report, "MG303")
    assert never["severity"] == "error"
    assert "Setup/IntegrationInstaller.php would" in never["message"]
    # InstallData uses the helper: the helper runs at setup, and creates the integration.
    edit(
        install,
        "    private ConfigBasedIntegrationManager",
        "    private IntegrationInstaller $i;\n    private ConfigBasedIntegrationManager",
    )
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0


def test_a_helper_reached_only_from_a_script_that_never_runs_is_not_evidence(
    example: Path, run_cli: Runner
) -> None:
    _helper_creates(example, "Model")
    # Not named by any file: runtime code (a route, an observer) may reach it: a warning.
    _, report = validate_json(run_cli, example)
    assert [f["severity"] for f in findings_with(report, "MG303")] == ["warning"]
    # Named only by a patch in a subfolder, which Magento never runs: nothing creates it.
    write(
        example / "Setup" / "Patch" / "Data" / "Old" / "Install.php",
        "<?php\nnamespace Beehexa\\IntegrationManager\\Setup\\Patch\\Data\\Old;\n\n"
        "use Beehexa\\IntegrationManager\\Model\\IntegrationInstaller;\n\n"
        "class Install\n{\n    public function __construct(private IntegrationInstaller $i)\n"
        "    {\n    }\n}\n",
    )
    _, report = validate_json(run_cli, example)
    assert [f["severity"] for f in findings_with(report, "MG303")] == ["error"]


def test_full_access_mixed_with_other_ids_is_not_full_access(
    example: Path, run_cli: Runner
) -> None:
    drop_sync_patch(example)  # a hand edit: the InstallData applies it on a fresh install
    edit(
        example / API,
        "<resources>",
        '<resources>\n            <resource name="Magento_Backend::all"/>',
    )
    result, report = validate_json(run_cli, example)
    (finding,) = findings_with(report, "MG308")
    assert "does not get full access" in finding["message"]
    assert "explicit deny for every other resource" in finding["message"]
    assert result.exit_code == 0


def test_full_access_that_nothing_creates_is_not_reported(example: Path, run_cli: Runner) -> None:
    drop_sync_patch(example)
    (example / "Setup" / "InstallData.php").unlink()
    edit(
        example / API,
        "<resources>",
        '<resources>\n            <resource name="Magento_Backend::all"/>',
    )
    _, report = validate_json(run_cli, example)
    assert "MG308" not in codes(report)
    assert "MG303" in codes(report)


def test_a_missing_magento_integration_is_a_warning_about_the_convention(
    example: Path, run_cli: Runner
) -> None:
    edit(example / "etc" / "module.xml", '            <module name="Magento_Integration"/>\n', "")
    edit(example / "etc" / "module.xml", "<sequence>\n        </sequence>", "<sequence/>")
    result, report = validate_json(run_cli, example)
    (finding,) = findings_with(report, "MG300")
    assert finding["severity"] == "warning"
    assert "Nothing breaks" in finding["message"] and "convention" in finding["message"]
    assert result.exit_code == 0


def test_an_id_of_a_module_outside_the_sequence_is_no_finding(
    example: Path, tmp_path: Path, magento_data: Path, run_cli: Runner
) -> None:
    """Issue 21, item 4 (MG309 is gone): load order does not matter to grants, since every
    enabled module's acl.xml is merged before any grant is saved."""
    from tests.fake_magento import build_magento_root

    root = build_magento_root(tmp_path / "magento", "git", magento_data)
    drop_sync_patch(example)  # a hand edit: the InstallData applies it on a fresh install
    edit(example / API, "<resources>", '<resources>\n            <resource name="Acme_Erp::erp"/>')
    result, report = validate_json(run_cli, example, "--magento-root", root)
    assert report["findings"] == []  # Acme_Erp is installed, but not in the sequence
    assert result.exit_code == 0


def test_hostile_setup_code_is_read_in_bounded_time(example: Path, run_cli: Runner) -> None:
    """Arrays nested 20,000 deep, 20,000 casts and 100,000 ``use`` words: no crash, no hang."""
    nested = "[" * 20_000 + "'testIntegration2'" + "]" * 20_000
    casts = "(string)" * 20_000
    body = (
        f"        $this->manager->processIntegrationConfig({nested});\n"
        "        $this->manager->processConfigBasedIntegrations(\n"
        f"            [{casts}self::INTEGRATION => 1]\n"
        "        );\n"
    )
    patch = _only_patch(example, body)
    edit(patch, "<?php\n", "<?php\n" + "use " * 100_000 + "\n")
    _, report = validate_json(run_cli, example, "--no-php")
    assert "MG190" not in codes(report)
    assert "MG303" not in codes(report)  # the cast name is read: the integration is created
