"""``magegen validate``: --magento-root: Magento's real XSDs, in both layouts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from generator.magento.urn import UrnResolver
from tests.fake_magento import FakeRoot
from tests.validate_kit import (
    CONSOLIDATED,
    ERP_XSD_URN,
    INTEGRATION_XSD_URN,
    MISSING_XSD_URN,
    MODULE_XML,
    MODULE_XSD_URN,
    Runner,
    all_cases_warnings,
    app_code,
    beyond_justified,
    codes,
    drop_sync_patch,
    edit,
    edit_json,
    findings_with,
    grant,
    line_of,
    validate,
    validate_json,
    write,
    xml_naming,
)


def test_good_modules_are_clean_against_the_real_xsds(
    tmp_path: Path, magento_root: FakeRoot, run_cli: Runner
) -> None:
    modules = app_code(run_cli, tmp_path / "project")
    result, report = validate_json(run_cli, tmp_path / "project", "--magento-root", magento_root)
    assert Counter(f["code"] for f in report["findings"]) == all_cases_warnings()
    assert len(report["modules"]) == len(modules)
    assert result.exit_code == 0


def test_module_xml_against_the_real_module_xsd(
    example: Path, magento_root: FakeRoot, run_cli: Runner
) -> None:
    edit(example / MODULE_XML, "<sequence>", "<sequence>\n            <Module name='X'/>")
    result, report = validate_json(run_cli, example, "--magento-root", magento_root)
    assert result.exit_code == 1
    (finding,) = findings_with(report, "MG102")
    assert finding["file"] == str(example / MODULE_XML)
    assert finding["line"] == line_of(example / MODULE_XML, "<Module name='X'/>")
    assert MODULE_XSD_URN in finding["message"]
    assert finding["severity"] == "error"


def test_any_etc_xml_is_checked_against_the_schema_it_names(
    example: Path, magento_root: FakeRoot, run_cli: Runner
) -> None:
    erp = example / "etc" / "adminhtml" / "erp.xml"
    write(erp, xml_naming(ERP_XSD_URN, "    <endpoint>https://erp.example/api</endpoint>\n"))
    result, report = validate_json(run_cli, example, "--magento-root", magento_root)
    assert report["findings"] == []
    assert result.exit_code == 0

    edit(erp, "<endpoint>https://erp.example/api</endpoint>", "<endpont>x</endpont>")
    result, report = validate_json(run_cli, example, "--magento-root", magento_root)
    assert codes(report) == {"MG102"}  # magegen has no schema of its own for it
    (finding,) = report["findings"]
    assert (finding["file"], finding["line"]) == (str(erp), line_of(erp, "<endpont>"))
    assert result.exit_code == 1
    # Without a root it is only checked for well-formedness.
    assert validate(run_cli, example).exit_code == 0


def test_consolidated_integration_xml_resolves_the_included_xsd(
    example: Path, magento_root: FakeRoot, run_cli: Runner
) -> None:
    # integration.xsd includes integration_base.xsd by URN, where emailType is defined: a good
    # file validates only if the include is resolved, and a bad email fails on the included type.
    consolidated = example / "etc" / "integration.xml"
    write(consolidated, CONSOLIDATED.format(email="ops@example.com"))
    result, report = validate_json(run_cli, example, "--magento-root", magento_root)
    assert report["findings"] == []
    assert result.exit_code == 0
    (summary,) = [i for i in report["modules"][0]["integrations"] if i["format"] == "consolidated"]
    assert summary["name"] == "Consolidated sync"
    assert summary["resources"] == [{"id": "Magento_Customer::customer", "title": "Customers"}]

    edit(consolidated, "ops@example.com", "not-an-email")
    result, report = validate_json(run_cli, example, "--magento-root", magento_root)
    assert result.exit_code == 1
    (finding,) = findings_with(report, "MG102")
    assert finding["file"] == str(consolidated)
    assert finding["line"] == line_of(consolidated, "not-an-email")
    assert INTEGRATION_XSD_URN in finding["message"]
    assert codes(report) == {"MG101", "MG102"}


def test_a_schema_missing_from_the_installation_is_a_warning(
    example: Path, magento_root: FakeRoot, run_cli: Runner
) -> None:
    di = write(example / "etc" / "di.xml", xml_naming(MISSING_XSD_URN, ""))
    result, report = validate_json(run_cli, example, "--magento-root", magento_root)
    (finding,) = report["findings"]
    assert (finding["code"], finding["severity"], finding["file"]) == ("MG103", "warning", str(di))
    assert MISSING_XSD_URN in finding["message"]
    assert result.exit_code == 0
    assert validate(run_cli, example, "--magento-root", magento_root, "--strict").exit_code == 1


def test_magento_root_from_the_environment(
    example: Path, magento_root: FakeRoot, run_cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(example / "etc" / "di.xml", xml_naming(MISSING_XSD_URN, ""))
    assert codes(validate_json(run_cli, example)[1]) == set()
    monkeypatch.setenv("MAGENTO_ROOT", str(magento_root))
    assert codes(validate_json(run_cli, example)[1]) == {"MG103"}
    _, report = validate_json(run_cli, example, "--format", "json")
    (module,) = report["modules"]
    assert module["name"] == "Beehexa_IntegrationManager"


def test_custom_resources_are_known_with_a_root(
    example: Path, magento_root: FakeRoot, run_cli: Runner
) -> None:
    edit(
        example / MODULE_XML,
        '<module name="Magento_Integration"/>',
        '<module name="Magento_Integration"/>\n            <module name="Acme_Erp"/>',
    )
    drop_sync_patch(example)  # InstallData alone creates it: a hand edit misses no store
    grant(example, "Acme_Erp::erp")
    assert codes(validate_json(run_cli, example)[1]) == {"MG304"}
    # The root tells Acme_Erp's package: the sequence needs it in composer.json's require.
    _, report = validate_json(run_cli, example, "--magento-root", magento_root)
    (finding,) = report["findings"]
    assert (finding["code"], finding["file"]) == ("MG214", str(example / "composer.json"))
    assert "acme/module-erp" in finding["message"]
    edit_json(example / "composer.json", lambda c: c["require"].update({"acme/module-erp": "*"}))
    _, report = validate_json(run_cli, example, "--magento-root", magento_root)
    assert report["findings"] == []  # in the sequence: no MG309
    resources = report["modules"][0]["integrations"][0]["resources"]
    assert {"id": "Acme_Erp::erp", "title": "ERP"} in resources


def test_each_schema_is_compiled_once_per_run(
    tmp_path: Path, magento_root: FakeRoot, run_cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = app_code(run_cli, tmp_path / "project")
    with_integrations = [
        module
        for module in modules.values()
        if "Magento_Integration" in (module / MODULE_XML).read_text(encoding="utf-8")
    ]
    assert len(with_integrations) >= 2
    for index, module in enumerate(with_integrations):
        # One name per module: a name several modules declare is a finding of its own (MG321).
        consolidated = CONSOLIDATED.replace("Consolidated sync", f"Consolidated sync {index}")
        write(module / "etc" / "integration.xml", consolidated.format(email="ops@example.com"))
    compiled: Counter[str] = Counter()
    original = UrnResolver._compile

    def counting(self: UrnResolver, urn: str) -> object:
        compiled[urn] += 1
        return original(self, urn)

    monkeypatch.setattr(UrnResolver, "_compile", counting)
    _, report = validate_json(run_cli, tmp_path / "project", "--magento-root", magento_root)
    assert beyond_justified(report) == Counter()
    assert compiled[MODULE_XSD_URN] == 1
    assert compiled[INTEGRATION_XSD_URN] == 1
    assert set(compiled.values()) == {1}
