"""The module's name in the spec (``name: Vendor/Module``) and NAME on the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

NAMED = """\
name: Acme/Erp
integrations:
  - name: ERP
    email: erp@example.com
    resources: [Magento_Sales::sales]
"""


@pytest.fixture
def named_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "erp.yaml"
    spec.write_text(NAMED, encoding="utf-8")
    return spec


def test_new_takes_the_name_from_the_spec(named_spec: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("new", "erp.yaml")
    assert result.exit_code == 0, result.stderr
    module_xml = Path("app/code/Acme/Erp/etc/module.xml").read_text(encoding="utf-8")
    assert 'name="Acme_Erp"' in module_xml


def test_check_needs_no_name_either(named_spec: Path, run_cli: Callable[..., Result]) -> None:
    assert run_cli("new", "erp.yaml").exit_code == 0
    assert run_cli("new", "erp.yaml", "--check").exit_code == 0
    Path("app/code/Acme/Erp/etc/module.xml").write_text("<config/>\n", encoding="utf-8")
    assert run_cli("new", "erp.yaml", "--check").exit_code == 1


def test_the_same_name_given_twice_agrees(named_spec: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("new", "Acme_Erp", "erp.yaml", "--dry-run")
    assert result.exit_code == 0, result.stderr


def test_a_name_that_differs_is_an_error_at_the_key(
    named_spec: Path, run_cli: Callable[..., Result]
) -> None:
    result = run_cli("new", "Acme/Other", "erp.yaml")
    assert result.exit_code == 2
    assert result.stderr == (
        "erp.yaml:1:7: error: name: names the module Acme/Erp, but the command line gives "
        "Acme/Other; give NAME only for a spec without a name, or make them agree\n"
    )
    assert not Path("app").exists()


def test_a_spec_without_a_name_needs_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("erp.yaml").write_text(NAMED.replace("name: Acme/Erp\n", ""), encoding="utf-8")
    result = run_cli("new", "erp.yaml")
    assert result.exit_code == 2
    assert result.stderr == (
        "erp.yaml: error: name: the module has no name: give NAME before SPEC (magegen new "
        "Vendor/Module spec.yaml), or write name: Vendor/Module in the spec\n"
    )


def test_a_bad_name_key_is_located(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("erp.yaml").write_text(NAMED.replace("Acme/Erp", "acme/Erp"), encoding="utf-8")
    result = run_cli("new", "erp.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("erp.yaml:1:7: error: name: 'acme' is not a valid Magento")


def test_swapped_arguments_say_swapped(named_spec: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("new", "erp.yaml", "Acme/Erp")
    assert result.exit_code == 2
    assert result.stderr == (
        "NAME SPEC: error: 'Acme/Erp' comes after the SPEC 'erp.yaml' (swapped?): NAME goes "
        "first, as in magegen new Acme/Erp erp.yaml\n"
    )


def test_a_name_alone_has_no_spec(run_cli: Callable[..., Result]) -> None:
    result = run_cli("new", "Acme/Erp")
    assert result.exit_code == 2
    assert result.stderr == (
        "NAME SPEC: error: 'Acme/Erp' has no SPEC after it: give [NAME] SPEC, NAME first\n"
    )


def test_several_specs_each_named_by_its_key(
    named_spec: Path, run_cli: Callable[..., Result]
) -> None:
    Path("crm.yaml").write_text(NAMED.replace("Acme/Erp", "Acme/Crm"), encoding="utf-8")
    result = run_cli("new", "erp.yaml", "crm.yaml")
    assert result.exit_code == 0, result.stderr
    assert Path("app/code/Acme/Crm/etc/module.xml").is_file()
    assert Path("app/code/Acme/Erp/etc/module.xml").is_file()


def test_two_specs_naming_one_module_are_refused(
    named_spec: Path, run_cli: Callable[..., Result]
) -> None:
    Path("again.yaml").write_text(NAMED, encoding="utf-8")
    result = run_cli("new", "erp.yaml", "again.yaml")
    assert result.exit_code == 2
    assert "is the same module as Acme_Erp (erp.yaml)" in result.stderr
    assert not Path("app").exists()


def test_init_with_name_writes_the_key_and_new_accepts_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("init", "starter.yaml", "--name", "Acme/Shop").exit_code == 0
    assert yaml.safe_load(Path("starter.yaml").read_text(encoding="utf-8"))["name"] == "Acme/Shop"
    result = run_cli("new", "starter.yaml")
    assert result.exit_code == 0, result.stderr
    assert Path("app/code/Acme/Shop/registration.php").is_file()


def test_init_without_name_writes_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("init", "starter.yaml").exit_code == 0
    assert "name" not in yaml.safe_load(Path("starter.yaml").read_text(encoding="utf-8"))
    assert run_cli("new", "Acme/Other", "starter.yaml", "--dry-run").exit_code == 0


def test_the_schema_knows_the_name_key(run_cli: Callable[..., Result]) -> None:
    schema = json.loads(run_cli("schema").stdout)
    name = schema["properties"]["name"]
    assert name["type"] == "string"
    assert name["pattern"] == "^(?:[A-Z][A-Za-z0-9]+[/_][A-Z][A-Za-z0-9]+)$"


def test_acl_diff_ignores_the_name_of_a_spec(
    named_spec: Path, run_cli: Callable[..., Result]
) -> None:
    result = run_cli("acl-diff", "erp.yaml", "erp.yaml")
    assert result.exit_code == 0, result.stderr
