"""Issue 20: review must see what Magento reads, not a decoy beside it.

Each class is tried in several shapes: the folder registration.php registers (MG203), one
integration name declared by several modules (MG321), a di.xml that changes the code reading or
applying grants (MG320), and Bearer tokens turned on at any scope with any value PHP reads as
true. ``validate`` must fail, and ``acl-diff`` must refuse to judge or say so.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.validate_kit import (
    API,
    CONFIG,
    EXAMPLE_NAME,
    MODULE_XML,
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
REGISTRATION = "registration.php"


def _pair(run_cli: Runner, tmp_path: Path) -> tuple[Path, Path]:
    old = new_module(run_cli, tmp_path / "old" / EXAMPLE_NAME)
    new = new_module(run_cli, tmp_path / "new" / EXAMPLE_NAME)
    return old, new


def _acl_diff(run_cli: Runner, old: Path, new: Path, *options: str):
    result = run_cli("acl-diff", old, new, *options)
    assert_no_traceback(result)
    return result


# 1. The registered path.

ELSEWHERE = [
    "__DIR__ . '/decoy'",
    "dirname(__DIR__) . '/Other'",
    "$path",
    "BP . '/app/code/Acme/Real'",
    "realpath(__DIR__ . '/../Real')",
    "__DIR__ . \"\"",
    "sprintf('%s/x', __DIR__)",
]
OWN_FOLDER = ["__DIR__", "__dir__", "\\__DIR__", "dirname(__FILE__)", "__DIR__,", "  __DIR__  "]


def _register(module: Path, path: str) -> None:
    edit(module / REGISTRATION, "__DIR__", path)


@pytest.mark.parametrize("path", ELSEWHERE)
def test_a_module_registered_from_another_folder_fails_validate(
    run_cli: Runner, tmp_path: Path, path: str
) -> None:
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    _register(module, path)
    result, report = validate_json(run_cli, module, "--no-php")
    assert result.exit_code == 1
    (finding,) = findings_with(report, "MG203")
    assert finding["file"] == str(module / REGISTRATION)
    assert finding["severity"] == "error"
    assert finding["line"] == line_of(module / REGISTRATION, path.strip())
    assert "cannot be judged" in finding["message"]


@pytest.mark.parametrize("path", OWN_FOLDER)
def test_the_module_s_own_folder_is_no_finding(run_cli: Runner, tmp_path: Path, path: str) -> None:
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    _register(module, path)
    result, report = validate_json(run_cli, module, "--no-php")
    assert "MG203" not in codes(report), report["findings"]
    assert result.exit_code == 0


@pytest.mark.parametrize("path", ELSEWHERE[:3])
def test_acl_diff_refuses_to_judge_a_decoy(run_cli: Runner, tmp_path: Path, path: str) -> None:
    old, new = _pair(run_cli, tmp_path)
    _register(new, path)
    decoy = new / "decoy"  # what Magento would load: full access
    shutil.copytree(old / "etc", decoy / "etc")
    edit(decoy / API, "Magento_Customer::customer", ALL)
    result = _acl_diff(run_cli, old, new)
    assert result.exit_code == 2
    assert "No integration permissions change" not in result.stdout
    assert "cannot be judged" in result.stderr
    assert str(new / REGISTRATION) in result.stderr


# 2. Names across modules.


def _other_module(root: Path, name: str, grant: str, consolidated: bool = False) -> Path:
    """A second module, Acme_Other, that declares the integration ``name`` granting ``grant``."""
    module = root / "Acme" / "Other"
    write(
        module / MODULE_XML,
        '<?xml version="1.0"?>\n<config><module name="Acme_Other"><sequence>'
        '<module name="Magento_Integration"/></sequence></module></config>\n',
    )
    write(
        module / REGISTRATION,
        "<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n"
        "ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Acme_Other', __DIR__);\n",
    )
    if consolidated:
        write(
            module / "etc" / "integration.xml",
            f'<config><integration name="{name}"><email>a@example.com</email><resources>'
            f'<resource name="{grant}"/></resources></integration></config>\n',
        )
    else:
        write(
            module / API,
            f'<integrations><integration name="{name}"><resources><resource name="{grant}"/>'
            "</resources></integration></integrations>\n",
        )
        write(
            module / CONFIG,
            f'<integrations><integration name="{name}"><email>a@example.com</email>'
            "</integration></integrations>\n",
        )
    return module


SAME_NAMES = {
    "exact": (NAME, False),
    "other case and a trailing space": ("TESTINTEGRATION2 ", False),
    "accents": ("téstÍntegration2", False),
    "consolidated in the other module": (NAME, True),
}


@pytest.mark.parametrize("shape", sorted(SAME_NAMES))
def test_one_name_in_two_modules_fails_validate(
    run_cli: Runner, tmp_path: Path, shape: str
) -> None:
    name, consolidated = SAME_NAMES[shape]
    module = new_module(run_cli, tmp_path / "code" / EXAMPLE_NAME)
    other = _other_module(tmp_path / "code", name, "Magento_Customer::customer", consolidated)
    result, report = validate_json(run_cli, tmp_path / "code", "--no-php")
    assert result.exit_code == 1
    shared = findings_with(report, "MG321")
    assert any(f["file"] == str(module / CONFIG) for f in shared), shared
    assert any(f["file"].startswith(f"{other}/etc/integration") for f in shared), shared
    assert all(f["severity"] == "error" and f["line"] for f in shared)
    # Spelled alike, the config merge unites the grants; equal only under the collation, the
    # store's one row takes whichever grant is processed last.
    union = "union of theirs" in shared[0]["message"]
    assert union == (name == NAME), shared[0]["message"]


def test_different_names_in_two_modules_are_fine(run_cli: Runner, tmp_path: Path) -> None:
    new_module(run_cli, tmp_path / "code" / EXAMPLE_NAME)
    _other_module(tmp_path / "code", "Other sync", "Magento_Customer::customer")
    _, report = validate_json(run_cli, tmp_path / "code", "--no-php")
    assert "MG321" not in codes(report)


@pytest.mark.parametrize("consolidated", [False, True], ids=["split", "consolidated"])
def test_acl_diff_shows_the_grant_merged_across_modules(
    run_cli: Runner, tmp_path: Path, consolidated: bool
) -> None:
    new_module(run_cli, tmp_path / "old" / EXAMPLE_NAME)
    new_module(run_cli, tmp_path / "new" / EXAMPLE_NAME)
    _other_module(tmp_path / "new", NAME, ALL if not consolidated else "Magento_Sales::cancel",
                  consolidated)
    result = _acl_diff(run_cli, tmp_path / "old", tmp_path / "new", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    (change,) = [c for c in document["integrations"] if c["name"] == NAME]
    expected = ALL if not consolidated else "Magento_Sales::cancel"
    assert expected in [g["id"] for g in change["granted"]]
    assert any("merges their config by name" in w for w in document["warnings"])


# 3. di.xml that changes the readers or the grant code.

DI_CHANGES = {
    "api.xml reader reads another file": (
        "etc/di.xml",
        '<type name="Magento\\Integration\\Model\\Config\\Integration\\Reader"><arguments>'
        '<argument name="fileName" xsi:type="string">integration/other.xml</argument>'
        "</arguments></type>",
    ),
    "config.xml reader, area file, odd case and leading backslash": (
        "etc/webapi_rest/di.xml",
        '<type name="\\magento\\integration\\model\\config\\reader"><arguments>'
        '<argument name="fileName" xsi:type="string">x.xml</argument></arguments></type>',
    ),
    "authorization service replaced": (
        "etc/adminhtml/di.xml",
        '<preference for="Magento\\Integration\\Api\\AuthorizationServiceInterface" '
        'type="Acme\\Evil\\Model\\Grant"/>',
    ),
    "plugin on web API authorization": (
        "etc/di.xml",
        '<type name="Magento\\Framework\\Webapi\\Authorization"><plugin name="open" '
        'type="Acme\\Evil\\Plugin\\Open"/></type>',
    ),
    "OAuth token validation replaced": (
        "etc/webapi_rest/di.xml",
        '<preference for="Magento\\Framework\\Oauth\\OauthInterface" type="Acme\\Evil\\Oauth"/>',
    ),
    "a virtual type shadowing the api.xml reader": (
        "etc/di.xml",
        '<virtualType name="Magento\\Integration\\Model\\Config\\Integration\\Reader" '
        'type="Acme\\Evil\\Reader"/>',
    ),
    "a plugin on the config file resolver": (
        "etc/di.xml",
        '<type name="Magento\\Framework\\Config\\FileResolver"><plugin name="more" '
        'type="Acme\\Evil\\MoreFiles"/></type>',
    ),
    "consolidated reader as a virtual type": (
        "etc/di.xml",
        '<virtualType name="EvilReader" type="Magento\\Integration\\Model\\Config\\Consolidated'
        '\\Reader"/>',
    ),
}


def _di(body: str) -> str:
    return (
        '<?xml version="1.0"?>\n<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="urn:magento:framework:ObjectManager/etc/config.xsd">\n'
        f"    {body}\n</config>\n"
    )


@pytest.mark.parametrize("shape", sorted(DI_CHANGES))
def test_di_xml_over_the_grant_code_fails_validate(
    run_cli: Runner, tmp_path: Path, shape: str
) -> None:
    relative, body = DI_CHANGES[shape]
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    write(module / relative, _di(body))
    result, report = validate_json(run_cli, module, "--no-php")
    assert result.exit_code == 1
    (finding,) = findings_with(report, "MG320")
    assert finding["file"] == str(module / relative)
    assert finding["line"] == 3
    assert finding["severity"] == "error"


@pytest.mark.parametrize("shape", sorted(DI_CHANGES)[:3])
def test_acl_diff_says_a_di_xml_grant_cannot_be_judged(
    run_cli: Runner, tmp_path: Path, shape: str
) -> None:
    relative, body = DI_CHANGES[shape]
    old, new = _pair(run_cli, tmp_path)
    write(new / relative, _di(body))
    result = _acl_diff(run_cli, old, new)
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("warning: ") and relative in first
    assert "reads or applies integration grants" in first


def test_an_unrelated_di_xml_is_no_finding(run_cli: Runner, tmp_path: Path) -> None:
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    write(
        module / "etc" / "di.xml",
        _di('<preference for="Magento\\Sales\\Api\\OrderRepositoryInterface" type="Acme\\X"/>'),
    )
    result, report = validate_json(run_cli, module, "--no-php")
    assert "MG320" not in codes(report)
    assert result.exit_code == 0


# 4. Bearer tokens at any scope.

BEARER_ON = {
    "default": "<default>{flag}</default>",
    "a website": "<websites><base>{flag}</base></websites>",
    "a store view": "<stores><default>{flag}</default></stores>",
}
TRUE_TO_PHP = ["1", "true", "false", "yes", " 0", "00", "0.0", "\n    1\n", "<on/>", "1<!-- -->"]
FALSE_TO_PHP = ["0", "", "   ", "<![CDATA[0]]>"]


def _config_xml(scope: str, value: str) -> str:
    flag = (
        "<oauth><consumer><enable_integration_as_bearer>"
        f"{value}</enable_integration_as_bearer></consumer></oauth>"
    )
    return (
        '<?xml version="1.0"?>\n<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="urn:magento:module:Magento_Store:etc/config.xsd">\n'
        f"    {scope.format(flag=flag)}\n</config>\n"
    )


@pytest.mark.parametrize("scope", sorted(BEARER_ON))
@pytest.mark.parametrize("value", TRUE_TO_PHP)
def test_bearer_on_at_any_scope_is_a_note(
    run_cli: Runner, tmp_path: Path, scope: str, value: str
) -> None:
    old, new = _pair(run_cli, tmp_path)
    write(new / "etc" / "config.xml", _config_xml(BEARER_ON[scope], value))
    result = _acl_diff(run_cli, old, new)
    assert result.exit_code == 1
    assert "bearer_tokens turns on" in result.stdout
    back = _acl_diff(run_cli, new, old)
    assert back.exit_code == 1
    assert "bearer_tokens turns off" in back.stdout


@pytest.mark.parametrize("value", FALSE_TO_PHP)
def test_bearer_off_values_change_nothing(run_cli: Runner, tmp_path: Path, value: str) -> None:
    old, new = _pair(run_cli, tmp_path)
    write(new / "etc" / "config.xml", _config_xml(BEARER_ON["a website"], value))
    result = _acl_diff(run_cli, old, new)
    assert result.exit_code == 0, result.stdout
    assert "bearer" not in result.stdout


def test_a_linked_config_xml_is_not_read(run_cli: Runner, tmp_path: Path) -> None:
    old, new = _pair(run_cli, tmp_path)
    outside = write(tmp_path / "outside.xml", _config_xml(BEARER_ON["default"], "1"))
    (new / "etc" / "config.xml").symlink_to(outside)
    result = _acl_diff(run_cli, old, new)
    assert result.exit_code == 2
    assert "links outside the module" in result.stderr
    assert "bearer_tokens turns on" not in result.stdout


def test_php_that_names_the_bearer_setting_is_a_warning(run_cli: Runner, tmp_path: Path) -> None:
    old, new = _pair(run_cli, tmp_path)
    write(
        new / "Setup" / "Patch" / "Data" / "Open.php",
        "<?php\nnamespace Beehexa\\IntegrationManager\\Setup\\Patch\\Data;\n\nclass Open\n{\n"
        "    public function apply()\n    {\n        $this->writer->save("
        "'oauth/consumer/enable_integration_as_bearer', 1);\n    }\n}\n",
    )
    result = _acl_diff(run_cli, old, new)
    assert result.exit_code == 1
    assert "Setup/Patch/Data/Open.php" in result.stdout
    assert "enable_integration_as_bearer" in result.stdout
