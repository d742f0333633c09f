"""``magegen validate`` on modules shaped like real published ones: no false findings of the
kinds seen on real code, the real bugs found, and one module's failure never hiding the others."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.fake_magento import build_magento_root
from tests.validate_kit import (
    API,
    CONFIG,
    MODULE_XML,
    Runner,
    codes,
    drop_sync_patch,
    edit,
    edit_json,
    edit_regex,
    findings_with,
    grant,
    line_of,
    validate,
    validate_json,
    write,
    xml_naming,
)

OWN_ACL = xml_naming(
    "urn:magento:framework:Acl/etc/acl.xsd",
    """\
    <acl>
        <resources>
            <resource id="Magento_Backend::admin">
                <resource id="Beehexa_IntegrationManager::sync" title="Sync">
                    <resource id="Beehexa_IntegrationManager::sync_read" title="Read"/>
                </resource>
            </resource>
        </resources>
    </acl>
""",
)


def test_the_modules_own_acl_ids_are_known(example: Path, run_cli: Runner) -> None:
    drop_sync_patch(example)  # InstallData alone creates it: hand edits miss no store
    write(example / "etc" / "acl.xml", OWN_ACL)
    grant(example, "Beehexa_IntegrationManager::sync", "Beehexa_IntegrationManager::sync_read")
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0


def test_own_acl_ids_still_need_their_parents(example: Path, run_cli: Runner) -> None:
    drop_sync_patch(example)  # InstallData alone creates it: hand edits miss no store
    write(example / "etc" / "acl.xml", OWN_ACL)
    grant(example, "Beehexa_IntegrationManager::sync_read")
    _, report = validate_json(run_cli, example)
    assert codes(report) == {"MG305"}
    assert "Beehexa_IntegrationManager::sync" in findings_with(report, "MG305")[0]["message"]


def test_an_id_of_an_unknown_module_is_a_warning(
    example: Path, tmp_path: Path, magento_data: Path, run_cli: Runner
) -> None:
    drop_sync_patch(example)  # InstallData alone creates it: hand edits miss no store
    grant(example, "Magento_Rma::magento_rma", "Aheadworks_Giftcard::giftcard_codes")
    result, report = validate_json(run_cli, example)
    found = findings_with(report, "MG304")
    assert len(found) == 2 and {f["severity"] for f in found} == {"warning"}
    assert all("--magento-root" in f["message"] for f in found)
    assert "Magento_Rma, a module magegen's catalog" in found[0]["message"]
    assert result.exit_code == 0
    assert validate(run_cli, example, "--strict").exit_code == 1
    # A typo in a known module stays an error.
    grant(example, "Magento_Sales::reoder")
    result, report = validate_json(run_cli, example)
    (finding,) = [f for f in findings_with(report, "MG304") if f["severity"] == "error"]
    assert "did you mean 'Magento_Sales::reorder'" in finding["message"]
    assert result.exit_code == 1
    # An installation that lacks the module shows it is not installed: an error.
    root = build_magento_root(tmp_path / "magento", "git", magento_data)
    _, report = validate_json(run_cli, example, "--magento-root", root)
    assert {f["severity"] for f in findings_with(report, "MG304")} == {"error"}


def test_module_xml_schema_strictness_is_a_warning(example: Path, run_cli: Runner) -> None:
    edit(example / MODULE_XML, 'setup_version="', 'release_version="1.2.0" setup_version="')
    result, report = validate_json(run_cli, example)
    (finding,) = report["findings"]
    assert (finding["code"], finding["severity"]) == ("MG101", "warning")
    assert "Magento checks only that etc/module.xml is well-formed" in finding["message"]
    assert result.exit_code == 0


def _bridge(root: Path) -> Path:
    """A module Acme_Bridge that loads after Magento_Integration."""
    write(
        root / MODULE_XML,
        xml_naming(
            "urn:magento:framework:Module/etc/module.xsd",
            '    <module name="Acme_Bridge">\n        <sequence>\n'
            '            <module name="Magento_Integration"/>\n'
            "        </sequence>\n    </module>\n",
        ),
    )
    write(
        root / "registration.php",
        "<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n"
        "ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Acme_Bridge', __DIR__);\n",
    )
    manifest = {
        "name": "acme/module-bridge",
        "type": "magento2-module",
        "require": {"magento/module-integration": "100.4.*"},
        "autoload": {"files": ["registration.php"], "psr-4": {"Acme\\Bridge\\": ""}},
    }
    write(root / "composer.json", json.dumps(manifest))
    return root


def test_the_sequence_is_followed_through_the_validated_tree(
    example: Path, tmp_path: Path, run_cli: Runner
) -> None:
    bridge = _bridge(tmp_path / "module" / "Acme" / "Bridge")
    edit(example / MODULE_XML, '"Magento_Integration"', '"Acme_Bridge"')
    edit_json(example / "composer.json", lambda c: c["require"].update({"acme/module-bridge": "*"}))
    result, report = validate_json(run_cli, example, bridge)
    assert report["findings"] == []
    assert result.exit_code == 0
    # Without the bridge in the run nothing says it loads after Magento_Integration.
    assert "MG300" in codes(validate_json(run_cli, example)[1])


CONSOLIDATED_EXTRA = xml_naming(
    "urn:magento:module:Magento_Integration:etc/integration/integration.xsd",
    """\
    <integration name="Extra sync">
        <email>extra@example.com</email>
        <resources>
            <resource name="Magento_Customer::customer"/>
        </resources>
    </integration>
""",
)


def test_both_formats_are_merged_before_mg301(example: Path, run_cli: Runner) -> None:
    edit(
        example / CONFIG,
        "</integrations>",
        '    <integration name="Extra sync">\n        <email>extra@example.com</email>\n'
        "    </integration>\n</integrations>",
    )
    edit(
        example / "Setup" / "InstallData.php",
        "'testIntegration2',",
        "'testIntegration2', 'Extra sync',",
    )
    write(example / "etc" / "integration.xml", CONSOLIDATED_EXTRA)
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0


INSTALLER = """\
<?php
namespace Beehexa\\IntegrationManager\\Model;

use Magento\\Integration\\Api\\IntegrationServiceInterface;

class Installer
{
    public function __construct(private IntegrationServiceInterface $integrations)
    {
    }

    public function install(): void
    {
        $this->integrations->create(['name' => 'testIntegration2']);
    }
}
"""


def test_an_integration_created_by_other_code_is_a_warning(example: Path, run_cli: Runner) -> None:
    drop_sync_patch(example)  # InstallData alone creates the integration
    edit(example / "Setup" / "InstallData.php", "processIntegrationConfig", "processNothing")
    write(example / "Model" / "Installer.php", INSTALLER)
    result, report = validate_json(run_cli, example)
    (finding,) = report["findings"]
    assert (finding["code"], finding["severity"]) == ("MG303", "warning")
    assert "Model/Installer.php:4 uses IntegrationServiceInterface" in finding["message"]
    assert result.exit_code == 0
    # Without that code, nothing creates the integration: an error.
    (example / "Model" / "Installer.php").unlink()
    result, report = validate_json(run_cli, example)
    assert [(f["code"], f["severity"]) for f in report["findings"]] == [("MG303", "error")]
    assert result.exit_code == 1


def test_a_name_config_xml_does_not_declare_is_an_error(example: Path, run_cli: Runner) -> None:
    install_data = example / "Setup" / "InstallData.php"
    edit(install_data, "'testIntegration2',", "'Justuno_M2',")
    result, report = validate_json(run_cli, example)
    (undeclared,) = findings_with(report, "MG310")
    assert undeclared["severity"] == "error"
    assert "Undefined array key" in undeclared["message"]
    assert undeclared["line"] == line_of(install_data, "'Justuno_M2'")
    text = install_data.read_text(encoding="utf-8").splitlines()[undeclared["line"] - 1]
    assert undeclared["column"] == text.index("Justuno_M2") + 1  # the value, after its quote
    assert result.exit_code == 1


def test_a_misnamed_setup_script_is_reported(example: Path, run_cli: Runner) -> None:
    (example / "Setup" / "InstallData.php").rename(example / "Setup" / "installData.php")
    result, report = validate_json(run_cli, example)
    (misnamed,) = findings_with(report, "MG311")
    assert misnamed["file"] == str(example / "Setup" / "installData.php")
    assert "InstallData.php" in misnamed["message"] and "never runs" in misnamed["message"]
    assert result.exit_code == 1


def test_psr4_may_map_to_the_subfolder_that_holds_the_classes(
    example: Path, run_cli: Runner
) -> None:
    write(
        example / "src" / "Model" / "Sync.php",
        "<?php\nnamespace Beehexa\\IntegrationManager\\Model;\n\nclass Sync\n{\n}\n",
    )
    edit_json(
        example / "composer.json",
        lambda c: c["autoload"]["psr-4"].update({"Beehexa\\IntegrationManager\\": "src/"}),
    )
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0


def test_the_namespace_comes_from_registration_when_module_xml_is_broken(
    example: Path, run_cli: Runner
) -> None:
    edit(example / MODULE_XML, '<module name="Beehexa_IntegrationManager"', "<module")
    _, report = validate_json(run_cli, example)
    assert "MG212" not in codes(report)
    edit_json(
        example / "composer.json",
        lambda c: c["autoload"]["psr-4"].update({"Beehexa\\IntegrationManager\\": "lib/"}),
    )
    _, report = validate_json(run_cli, example)
    (finding,) = findings_with(report, "MG212")
    assert 'map "Beehexa\\IntegrationManager\\"' in finding["message"]


def test_mg305_is_a_warning_that_says_what_the_admin_sees(example: Path, run_cli: Runner) -> None:
    drop_sync_patch(example)  # InstallData alone creates it: hand edits miss no store
    edit_regex(example / API, r'\s*<resource name="Magento_Sales::actions"/>', "")
    result, report = validate_json(run_cli, example)
    (finding,) = findings_with(report, "MG305")
    assert finding["severity"] == "warning"
    assert "empty permission tree" in finding["message"]
    assert "API still allows it" in finding["message"]
    assert result.exit_code == 0


def test_findings_give_the_column_of_the_value(example: Path, run_cli: Runner) -> None:
    edit(example / API, '"Magento_Customer::customer"', '"Magento_Customer::customers"')
    text = validate(run_cli, example, "--no-php").stdout
    line = line_of(example / API, "Magento_Customer::customers")
    source_line = (example / API).read_text(encoding="utf-8").splitlines()[line - 1]
    column = source_line.index("Magento_Customer::customers") + 1
    assert f"api.xml:{line}:{column}: error: unknown ACL resource" in text


# A schema of our own shaped like the object manager's: an abstract argument type, and keys on
# two levels. libxml2 gives up part-way ("Internal error") on an argument without xsi:type.
DI_XSD = """\
<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
    <xs:complexType name="value" abstract="true" mixed="true">
        <xs:attribute name="name" use="required"/>
    </xs:complexType>
    <xs:complexType name="string">
        <xs:complexContent><xs:extension base="value"/></xs:complexContent>
    </xs:complexType>
    <xs:complexType name="argumentList">
        <xs:sequence>
            <xs:element name="argument" type="value" maxOccurs="unbounded">
                <xs:key name="itemKey"><xs:selector xpath="item"/><xs:field xpath="@name"/></xs:key>
            </xs:element>
        </xs:sequence>
    </xs:complexType>
    <xs:complexType name="typed">
        <xs:choice maxOccurs="unbounded">
            <xs:element name="arguments" type="argumentList" minOccurs="0">
                <xs:key name="argumentKey">
                    <xs:selector xpath="argument"/><xs:field xpath="@name"/>
                </xs:key>
            </xs:element>
        </xs:choice>
        <xs:attribute name="name" use="required"/>
        <xs:attribute name="type"/>
    </xs:complexType>
    <xs:element name="config">
        <xs:complexType>
            <xs:choice maxOccurs="unbounded">
                <xs:element name="virtualType" type="typed"/>
            </xs:choice>
        </xs:complexType>
        <xs:unique name="virtualTypes">
            <xs:selector xpath="virtualType"/><xs:field xpath="@name"/>
        </xs:unique>
    </xs:element>
</xs:schema>
"""
DI_URN = "urn:magento:framework:ObjectManager/etc/config.xsd"
VIRTUAL_TYPE = """\
    <virtualType name="Beehexa\\IntegrationManager\\Logger" type="Monolog">
        <arguments>
            <argument name="name">beehexa</argument>
        </arguments>
    </virtualType>
    <virtualType name="Beehexa\\IntegrationManager\\Handler" type="Stream"/>
"""


def test_a_virtual_type_argument_without_xsi_type_does_not_crash(
    example: Path, tmp_path: Path, magento_data: Path, run_cli: Runner
) -> None:
    root = build_magento_root(tmp_path / "magento", "git", magento_data)
    write(root.framework / "ObjectManager" / "etc" / "config.xsd", DI_XSD)
    write(example / "etc" / "di.xml", xml_naming(DI_URN, VIRTUAL_TYPE))
    other = _bridge(tmp_path / "module" / "Acme" / "Bridge")
    write(other / "registration.php", "<?php\n")  # a finding in the other module
    result, report = validate_json(run_cli, example, other, "--magento-root", root)
    assert result.exit_code == 1
    di = [f for f in report["findings"] if f["file"].endswith("etc/di.xml")]
    assert any("abstract" in f["message"] and f["severity"] == "error" for f in di), di
    assert any("part-way" in f["message"] for f in di)
    assert "MG202" in codes(report)  # the other module's finding is still there
    assert len(report["modules"]) == 2


def test_a_file_naming_the_wrong_schema_is_checked_against_its_kinds(
    example: Path, tmp_path: Path, magento_data: Path, run_cli: Runner
) -> None:
    root = build_magento_root(tmp_path / "magento", "git", magento_data)
    write(root.framework / "ObjectManager" / "etc" / "config.xsd", DI_XSD)
    body = VIRTUAL_TYPE.replace('name="name">', 'name="name" xsi:type="string">')
    write(
        example / "etc" / "di.xml", xml_naming("urn:magento:framework:Module/etc/module.xsd", body)
    )
    result, report = validate_json(run_cli, example, "--magento-root", root)
    assert report["findings"] == []
    assert result.exit_code == 0


def test_one_module_failing_never_hides_the_others(
    example: Path, tmp_path: Path, run_cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.review import validate as validate_module

    other = _bridge(tmp_path / "module" / "Acme" / "Bridge")
    write(other / "registration.php", "<?php\n")
    real = validate_module.check_module

    def failing(module, context):
        if module.root == example:
            raise KeyError("boom\nforged line")
        return real(module, context)

    monkeypatch.setattr(validate_module, "check_module", failing)
    result = validate(run_cli, example, other)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(
        re.search(r"module\.xml: error: magegen itself failed.*\[MG190\]$", x) for x in lines
    )
    assert any("[MG202]" in x for x in lines)
    assert not any(x.startswith("forged line") for x in lines)


def test_the_sequence_is_followed_through_the_catalog(example: Path, run_cli: Runner) -> None:
    # Magento_Webapi's own module.xml sequences Magento_Integration.
    edit(example / MODULE_XML, '"Magento_Integration"', '"Magento_Webapi"')
    edit_json(
        example / "composer.json", lambda c: c["require"].update({"magento/module-webapi": "*"})
    )
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0
