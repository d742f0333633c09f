"""`magegen init` writes a starter spec that works; `magegen schema` matches the loader."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import Result
from hypothesis import given

from generator.spec import sections as loader
from tests.conftest import CASE_NAMES, EXAMPLE_SPEC, case_command
from tests.test_properties import specs

INVALID = Path(__file__).resolve().parent / "invalid"


def test_init_then_new_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("init")
    assert (result.exit_code, result.stderr) == (0, "magegen.yaml\n")
    text = (tmp_path / "magegen.yaml").read_text()
    assert "magegen new Vendor/Module magegen.yaml" in text
    created = run_cli("new", "Vendor/Module", "magegen.yaml")
    assert created.exit_code == 0, created.stderr
    assert run_cli("validate", "app/code").exit_code == 0


def test_init_prefills_name_and_integration(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    spec = tmp_path / "erp.yaml"
    result = run_cli("init", spec, "--name", "Acme_Erp", "--integration", 'ERP "Sync" & co')
    assert result.exit_code == 0
    data = yaml.safe_load(spec.read_text())
    assert data["integrations"][0]["name"] == 'ERP "Sync" & co'
    assert data["module"]["description"] == "Integrations of Acme_Erp"
    assert data["name"] == "Acme/Erp"  # the spec names its module: new needs no NAME
    assert "magegen new erp.yaml" in spec.read_text()
    out = tmp_path / "module"
    assert run_cli("new", "Acme/Erp", spec, "-o", out).exit_code == 0
    assert (
        'name="ERP &quot;Sync&quot; &amp; co"' in (out / "etc/integration/config.xml").read_text()
    )


def test_init_never_overwrites(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    spec = tmp_path / "magegen.yaml"
    spec.write_text("mine\n")
    result = run_cli("init", spec)
    assert result.exit_code == 2
    assert result.stderr == f"{spec}: error: already exists; magegen init never overwrites\n"
    assert spec.read_text() == "mine\n"


@pytest.mark.parametrize(
    ("option", "value"), [("--name", "acme/erp"), ("--integration", "O'Brien Sync")]
)
def test_init_refuses_bad_prefills(
    option: str, value: str, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = tmp_path / "magegen.yaml"
    result = run_cli("init", spec, option, value)
    assert result.exit_code == 2
    assert not spec.exists()


# -- the JSON Schema ------------------------------------------------------------------------------


def schema() -> dict[str, Any]:
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    return json.loads(result.stdout)


def validator() -> jsonschema.Draft202012Validator:
    document = schema()
    jsonschema.Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    return jsonschema.Draft202012Validator(document)


def all_specs() -> list[Path]:
    return [EXAMPLE_SPEC, *(case_command(case)[1] for case in CASE_NAMES)]


@pytest.mark.parametrize("spec", all_specs(), ids=lambda p: p.parent.name)
def test_every_example_and_case_spec_matches_the_schema(spec: Path) -> None:
    errors = list(validator().iter_errors(yaml.safe_load(spec.read_text())))
    assert errors == []


def test_the_starter_spec_matches_the_schema(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = tmp_path / "magegen.yaml"
    assert run_cli("init", spec).exit_code == 0
    assert list(validator().iter_errors(yaml.safe_load(spec.read_text()))) == []


@pytest.mark.parametrize(
    "name", ["unknown-keys", "wrong-types", "missing-values", "setup-choices", "bad-values"]
)
def test_structural_mistakes_fail_the_schema_too(name: str) -> None:
    data = yaml.safe_load((INVALID / f"{name}.yaml").read_text())
    assert list(validator().iter_errors(data)) != []


def schema_keys(node: dict[str, Any], path: str = "") -> dict[str, tuple[str, ...]]:
    """The keys of every fixed mapping in the schema, by where they are."""
    found = {}
    if node.get("type") == "object" and "properties" in node:
        found[path] = tuple(node["properties"])
        for key, child in node["properties"].items():
            found.update(schema_keys(child, f"{path}.{key}" if path else key))
    if isinstance(node.get("items"), dict):
        found.update(schema_keys(node["items"], f"{path}[]"))
    return found


def test_every_key_the_loader_accepts_is_in_the_schema() -> None:
    assert schema_keys(schema()) == {
        "": loader.TOP_KEYS,
        "module": loader.MODULE_KEYS,
        "module.authors[]": loader.AUTHOR_KEYS,
        "composer": loader.COMPOSER_KEYS,
        "integrations[]": loader.INTEGRATION_KEYS,
        **acl_keys(),
    }


def acl_keys() -> dict[str, tuple[str, ...]]:
    """The keys of ``acl:`` entries, nested as deep as the format lets children go."""
    from generator.spec.format import ACL_CHILD_DEPTH, acl_entry

    found, path = {}, "acl[]"
    for depth in range(ACL_CHILD_DEPTH, -1, -1):
        found[path] = acl_entry(depth, top=depth == ACL_CHILD_DEPTH).keys()
        path += ".children[]"
    return found


@given(spec=specs())
def test_random_valid_specs_match_the_schema(spec: dict[str, Any]) -> None:
    # What the loader reads is YAML text; the schema sees what a YAML parser makes of it.
    data = yaml.safe_load(yaml.safe_dump(spec, allow_unicode=True))
    assert list(validator().iter_errors(data)) == []


def test_resources_may_be_left_out_only_with_all_resources() -> None:
    base = {"name": "Sync", "email": "s@example.com"}
    check = validator()
    assert list(check.iter_errors({"integrations": [{**base, "all_resources": True}]})) == []
    assert list(check.iter_errors({"integrations": [base]})) != []


@pytest.mark.parametrize("case", CASE_NAMES)
def test_specs_read_back_from_modules_match_the_schema(
    case: str, generate: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    """new -> spec-from gives specs the schema accepts, as it accepts the ones written by hand."""
    name, spec = case_command(case)
    result = run_cli("spec-from", generate(spec=spec, name=name))
    assert result.exit_code == 0, result.stderr
    assert list(validator().iter_errors(yaml.safe_load(result.stdout))) == []
