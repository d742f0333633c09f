"""``magegen validate``: Each finding code fires on a good module with one thing broken."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.magento.acl import bundled_acl
from generator.review.findings import CODES
from tests.fake_magento import build_magento_root
from tests.test_findings_route_acl import ROUTE
from tests.validate_kit import (
    API,
    CONFIG,
    EXAMPLE_NAME,
    MALFORMED_XML,
    MISSING_XSD_URN,
    MODULE_XML,
    WARNING_CODES,
    Runner,
    codes,
    edit,
    edit_json,
    edit_regex,
    expected_exit,
    findings_with,
    grant,
    line_of,
    new_module,
    validate,
    validate_json,
    write,
    xml_naming,
)


@dataclass(frozen=True)
class Breakage:
    """One thing broken in the good example module, and the finding it must give."""

    code: str
    apply: Callable[[Path], None]  # breaks the module at the given root
    file: str  # the finding's file, relative to the module root
    anchor: str | None  # text on the finding's line; None: the finding has no line
    also: frozenset[str] = frozenset()  # other codes the same change rightly causes
    needs_root: bool = False  # the check needs --magento-root
    check_line: bool = True


def _remove(relative: str) -> Callable[[Path], None]:
    return lambda module: (module / relative).unlink()


WEBAPI_XML = xml_naming(
    "urn:magento:module:Magento_Webapi:etc/webapi.xsd",
    ROUTE.format(path="orders", method="GET", ref="Beehexa_IntegrationManager::sync"),
    root="routes",
)


def _add_file(relative: str, text: str) -> Callable[[Path], None]:
    def apply(module: Path) -> None:
        write(module / relative, text)

    return apply


def _edit(relative: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda module: edit(module / relative, old, new)


def _without_sync_patch(change: Callable[[Path], None]) -> Callable[[Path], None]:
    """``change``, in a module whose InstallData is its only setup script (no sync patch)."""

    def apply(module: Path) -> None:
        shutil.rmtree(module / "Setup" / "Patch")
        change(module)

    return apply


def _edit_regex(relative: str, pattern: str, new: str) -> Callable[[Path], None]:
    return lambda module: edit_regex(module / relative, pattern, new)


def _composer(change: Callable[[dict], None]) -> Callable[[Path], None]:
    return lambda module: edit_json(module / "composer.json", change)


def _grant(*resources: str) -> Callable[[Path], None]:
    return lambda module: grant(module, *resources)


def _apostrophe(module: Path) -> None:
    for relative in ("etc/integration/config.xml", "etc/integration/api.xml"):
        edit(module / relative, 'name="testIntegration2"', 'name="O\'Brien sync"')
    edit(module / "Setup" / "InstallData.php", "'testIntegration2'", "'O\\'Brien sync'")


OBJECT_MANAGER_URN = "urn:magento:framework:ObjectManager/etc/config.xsd"


def _disabled(module: Path) -> None:
    resource = "Magento_Config::advanced"
    grant(module, *bundled_acl().ancestors_below_admin(resource), resource)


EXTRA_INTEGRATION = """\
    <integration name="Extra sync">
        <resources>
            <resource name="Magento_Customer::customer"/>
        </resources>
    </integration>
</integrations>"""


def _device_link(module: Path) -> None:
    (module / "etc" / "events.xml").symlink_to("/dev/zero")


def _huge_file(module: Path) -> None:
    (module / "Model").mkdir()
    with open(module / "Model" / "Huge.php", "wb") as handle:
        handle.truncate(9 * 1024 * 1024)  # sparse: costs no disk


BREAKAGES = [
    Breakage("MG100", _add_file("etc/di.xml", MALFORMED_XML), "etc/di.xml", "</config>"),
    Breakage(
        "MG101",
        _without_sync_patch(_edit_regex(CONFIG, r"<email>(.*?)</email>", r"<mail>\1</mail>")),
        CONFIG,
        "<mail>",
    ),
    Breakage(
        "MG102",  # not on module.xml: Magento never validates it, so that is only a warning
        _without_sync_patch(_edit_regex(CONFIG, r"<email>(.*?)</email>", r"<mail>\1</mail>")),
        CONFIG,
        "<mail>",
        also=frozenset({"MG101"}),  # magegen's config.xsd rejects it too
        needs_root=True,
    ),
    Breakage(
        "MG103",
        _add_file("etc/di.xml", xml_naming(MISSING_XSD_URN, "")),
        "etc/di.xml",
        "noNamespaceSchemaLocation",
        needs_root=True,
        check_line=False,  # reported on line 1, not on the root element's line: see the report
    ),
    Breakage("MG200", _remove("registration.php"), "registration.php", None),
    Breakage(
        "MG201",
        _edit("registration.php", "'Beehexa_IntegrationManager'", "'Beehexa_Other'"),
        "registration.php",
        "'Beehexa_Other'",
    ),
    Breakage(
        "MG202",  # the call is there, but commented out
        _edit(
            "registration.php", "ComponentRegistrar::register(", "// ComponentRegistrar::register("
        ),
        "registration.php",
        None,
    ),
    Breakage("MG210", _remove("composer.json"), "composer.json", None),
    Breakage(
        "MG211",
        _add_file("composer.json", '{"name": "beehexa/module-integration-manager",\n'),
        "composer.json",
        None,
    ),
    Breakage(
        "MG212",
        _composer(
            lambda c: c["autoload"]["psr-4"].update({"Beehexa\\IntegrationManager\\": "src/"})
        ),
        "composer.json",
        None,
    ),
    Breakage(
        "MG213",
        _composer(lambda c: c["autoload"].update({"files": []})),
        "composer.json",
        None,
    ),
    Breakage(
        "MG214",
        _composer(lambda c: c["require"].pop("magento/module-integration")),
        "composer.json",
        None,
    ),
    Breakage(
        "MG215",
        _composer(lambda c: c["require"].__setitem__("php", "~7.4.0")),
        "composer.json",
        None,
    ),
    Breakage(
        "MG216",
        _composer(lambda c: c["require"].__setitem__("magento/framework", "100.0.*")),
        "composer.json",
        None,
    ),
    Breakage(
        "MG300",
        _edit_regex(MODULE_XML, r"\s*<sequence>.*</sequence>", ""),
        MODULE_XML,
        '<module name="Beehexa_IntegrationManager"',
    ),
    Breakage(
        "MG301",
        _edit(API, "</integrations>", EXTRA_INTEGRATION),
        API,
        '<integration name="Extra sync">',
    ),
    Breakage(
        "MG302",
        _edit_regex(MODULE_XML, r' setup_version="[^"]*"', ""),
        "Setup/InstallData.php",
        None,  # the sync data patch still creates the integration: no MG303
    ),
    Breakage(
        "MG303",
        _without_sync_patch(
            _edit("Setup/InstallData.php", "'testIntegration2'", "'anotherIntegration'")
        ),
        CONFIG,
        '<integration name="testIntegration2">',
        also=frozenset({"MG310"}),  # and the name passed is one config.xml does not declare
    ),
    Breakage(
        "MG304",
        _without_sync_patch(
            _edit(API, '"Magento_Customer::customer"', '"Magento_Customer::customers"')
        ),
        API,
        "Magento_Customer::customers",
    ),
    Breakage(
        "MG305",
        _without_sync_patch(
            _edit_regex(API, r'\s*<resource name="Magento_Sales::actions"/>', "")
        ),
        API,
        "Magento_Sales::reorder",
    ),
    Breakage("MG306", _without_sync_patch(_apostrophe), CONFIG, "O'Brien sync"),
    Breakage("MG307", _without_sync_patch(_disabled), API, "Magento_Config::advanced"),
    Breakage(
        "MG308", _without_sync_patch(_grant("Magento_Backend::all")), API, "Magento_Backend::all"
    ),
    Breakage(
        "MG203",
        _edit("registration.php", "__DIR__", "__DIR__ . '/src'"),
        "registration.php",
        "__DIR__ . '/src'",
    ),
    Breakage(
        "MG320",
        _add_file(
            "etc/di.xml",
            xml_naming(
                OBJECT_MANAGER_URN,
                '    <preference for="Magento\\Integration\\Api\\IntegrationServiceInterface" '
                'type="Acme\\Evil\\Service"/>\n',
            ),
        ),
        "etc/di.xml",
        "<preference",
    ),
    Breakage(
        "MG322",  # a hand edit that the sync patch's record does not carry to stores
        _grant("Magento_Sales::cancel"),
        API,
        '<integration name="testIntegration2">',
    ),
    Breakage("MG104", _device_link, "etc/events.xml", None),
    Breakage("MG105", _huge_file, "Model/Huge.php", None),
    Breakage(
        "MG310",
        _edit("Setup/InstallData.php", "'testIntegration2',", "'testIntegration2', 'ghost',"),
        "Setup/InstallData.php",
        "'ghost'",
    ),
    Breakage(
        "MG311",
        _without_sync_patch(
            lambda module: (module / "Setup" / "InstallData.php").rename(
                module / "Setup" / "installData.php"
            )
        ),
        "Setup/installData.php",
        None,
        also=frozenset({"MG303"}),  # the misnamed script never runs, so nothing is created
    ),
    Breakage(
        "MG312",
        _without_sync_patch(
            _edit(
                "Setup/InstallData.php",
                "namespace Beehexa\\IntegrationManager\\Setup;",
                "namespace Beehexa\\Integration\\Setup;",
            )
        ),
        "Setup/InstallData.php",
        None,
        also=frozenset({"MG303"}),  # the class Magento loads is not there: nothing is created
    ),
    Breakage(
        "MG323",
        _add_file("etc/webapi.xml", WEBAPI_XML),
        "etc/webapi.xml",
        '<resource ref="Beehexa_IntegrationManager::sync"/>',
    ),
    Breakage(
        "MG400",
        _add_file("Model/Broken.php", "<?php\n\n$x = (1;\n"),
        "Model/Broken.php",
        "$x = (1;",
    ),
]


# Codes whose finding is not in the module, so they are tested on their own.
TESTED_ON_THEIR_OWN = {
    "MG110": "test_a_skipped_installation_file_is_mg110",
    "MG190": "test_one_module_failing_never_hides_the_others",
    "MG321": "test_one_name_in_two_modules_fails_validate",
}


def test_every_code_has_a_breakage() -> None:
    covered = [breakage.code for breakage in BREAKAGES]
    assert len(covered) == len(set(covered)), "a code is broken twice"
    assert set(covered) | set(TESTED_ON_THEIR_OWN) == set(CODES), "add a Breakage for each code"
    sources = "".join(
        path.read_text(encoding="utf-8") for path in Path(__file__).parent.glob("test_*.py")
    )
    assert all(f"def {name}(" in sources for name in TESTED_ON_THEIR_OWN.values())


def test_warning_codes_are_codes() -> None:
    assert set(CODES) >= WARNING_CODES


@pytest.mark.parametrize("breakage", BREAKAGES, ids=[b.code for b in BREAKAGES])
def test_each_code_fires_on_one_broken_thing(
    breakage: Breakage, tmp_path: Path, magento_data: Path, run_cli: Runner
) -> None:
    module = new_module(run_cli, tmp_path / "module" / EXAMPLE_NAME)
    options: list[str | Path] = []
    if breakage.needs_root:
        options = ["--magento-root", build_magento_root(tmp_path / "magento", "git", magento_data)]

    good, report = validate_json(run_cli, module, *options)
    assert report["findings"] == [], "the good module already has findings"
    assert good.exit_code == 0

    breakage.apply(module)
    result, report = validate_json(run_cli, module, *options)
    found = codes(report)
    assert found == {breakage.code, *breakage.also}, report["findings"]
    assert result.exit_code == expected_exit(found)

    fired = findings_with(report, breakage.code)
    expected_file = str(module / breakage.file)
    matching = [f for f in fired if f["file"] == expected_file]
    assert matching, f"no {breakage.code} on {expected_file}: {fired}"
    finding = matching[0]
    severity = "warning" if breakage.code in WARNING_CODES else "error"
    assert {f["severity"] for f in fired} == {severity}
    if breakage.anchor is None:
        assert finding["line"] is None
    elif breakage.check_line:
        assert finding["line"] == line_of(module / breakage.file, breakage.anchor)
    assert finding["message"]

    # The text format says the same: path[:line[:col]]: severity: message [CODE]
    text = validate(run_cli, module, *options)
    where = re.escape(expected_file)
    if finding["line"] is not None:
        where += rf":{finding['line']}(?::\d+)?"
    pattern = re.compile(rf"{where}: {severity}: .+ \[{breakage.code}\]")
    assert any(pattern.fullmatch(line) for line in text.stdout.splitlines()), text.stdout


def test_mg211_also_fires_on_json_that_is_not_an_object(example: Path, run_cli: Runner) -> None:
    write(example / "composer.json", "[]\n")
    result, report = validate_json(run_cli, example)
    assert result.exit_code == 1
    assert codes(report) == {"MG211"}
    assert "JSON object" in findings_with(report, "MG211")[0]["message"]


def test_mg304_suggests_the_resource_meant(example: Path, run_cli: Runner) -> None:
    edit(example / API, '"Magento_Customer::customer"', '"Magento_customer::Customer"')
    _, report = validate_json(run_cli, example)
    (finding,) = findings_with(report, "MG304")
    assert "did you mean 'Magento_Customer::customer'" in finding["message"]


def test_mg301_fires_on_config_xml_without_api_xml(example: Path, run_cli: Runner) -> None:
    (example / API).unlink()
    result, report = validate_json(run_cli, example)
    assert result.exit_code == 1
    (finding,) = findings_with(report, "MG301")
    assert finding["file"] == str(example / CONFIG)
    assert finding["line"] == line_of(example / CONFIG, '<integration name="testIntegration2">')


def test_registration_is_read_with_double_quotes_and_a_full_namespace(
    example: Path, run_cli: Runner
) -> None:
    write(
        example / "registration.php",
        "<?php\n/* ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Wrong_Name', "
        "__DIR__); */\n\\Magento\\Framework\\Component\\ComponentRegistrar::register(\n"
        "    \\Magento\\Framework\\Component\\ComponentRegistrar::MODULE,\n"
        '    "Beehexa_IntegrationManager",\n    __DIR__\n);\n',
    )
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0


def test_a_data_patch_may_create_the_integration(example: Path, run_cli: Runner) -> None:
    edit_regex(example / MODULE_XML, r' setup_version="[^"]*"', "")
    (example / "Setup" / "InstallData.php").unlink()
    write(
        example / "Setup" / "Patch" / "Data" / "CreateIntegration.php",
        "<?php\nnamespace Beehexa\\IntegrationManager\\Setup\\Patch\\Data;\n\n"
        "class CreateIntegration\n{\n    public function apply()\n    {\n"
        "        $this->manager->processIntegrationConfig(['testIntegration2']);\n    }\n}\n",
    )
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0


def test_a_commented_out_call_creates_no_integration(example: Path, run_cli: Runner) -> None:
    shutil.rmtree(example / "Setup" / "Patch")
    edit(
        example / "Setup" / "InstallData.php",
        "$this->integrationManager->processIntegrationConfig([",
        "// $this->integrationManager->processIntegrationConfig(['testIntegration2']);\n"
        "        $unused = ([",
    )
    _, report = validate_json(run_cli, example)
    assert codes(report) == {"MG303"}
