"""`endpoints:` and `parents:` in an integration: every route form, each error, the union with
resources, the grant without parents, and the warnings that name what a grant opens."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.spec.reader import load_spec

HEAD = "name: Acme/Erp\nintegrations:\n  - name: ERP\n    email: erp@example.com\n"


def _spec(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def _resources(tmp_path: Path, body: str) -> tuple[str, ...]:
    return load_spec(_spec(tmp_path, body), None).spec.integrations[0].resources


SALES_VIEW = (
    "Magento_Sales::sales",
    "Magento_Sales::sales_operation",
    "Magento_Sales::sales_order",
    "Magento_Sales::actions",
    "Magento_Sales::actions_view",
)
PRODUCTS = ("Magento_Catalog::catalog", "Magento_Catalog::catalog_inventory")
PRODUCTS += ("Magento_Catalog::products",)


@pytest.mark.parametrize(
    "route",
    [
        "GET /V1/products/:sku",
        "GET /V1/products/{sku}",
        "GET /V1/products/24-MB01",
        "get /rest/default/V1/products/24-MB01",
    ],
)
def test_every_route_form_grants_what_the_route_needs(tmp_path: Path, route: str) -> None:
    assert _resources(tmp_path, f'    endpoints: ["{route}"]\n') == PRODUCTS


def test_endpoints_alone_need_no_resources_key(tmp_path: Path) -> None:
    loaded = load_spec(_spec(tmp_path, '    endpoints: ["GET /V1/orders"]\n'), None)
    integration = loaded.spec.integrations[0]
    assert integration.resources == SALES_VIEW
    assert integration.endpoints == ("GET /V1/orders",)


def test_endpoints_and_resources_grant_the_union(tmp_path: Path) -> None:
    body = '    resources: [Magento_Customer::customer]\n    endpoints: ["GET /V1/orders"]\n'
    listed = "    resources: [Magento_Customer::customer, Magento_Sales::actions_view]\n"
    union = _resources(tmp_path, body)
    assert sorted(union) == sorted(("Magento_Customer::customer", *SALES_VIEW))
    assert union == _resources(tmp_path, listed)  # in the ACL tree's order, as resources give


def test_parents_false_grants_exactly_the_routes_and_listed_ids(tmp_path: Path) -> None:
    body = (
        "    parents: false\n"
        "    resources: [Magento_Customer::customer]\n"
        '    endpoints: ["GET /V1/orders", "GET /V1/products/:sku"]\n'
    )
    resources = _resources(tmp_path, body)
    assert sorted(resources) == sorted(
        ["Magento_Customer::customer", "Magento_Sales::actions_view", "Magento_Catalog::products"]
    )


def test_parents_false_on_resources_alone(tmp_path: Path) -> None:
    body = "    parents: false\n    resources: [Magento_Sales::reorder]\n"
    assert _resources(tmp_path, body) == ("Magento_Sales::reorder",)


def _new(run_cli: Callable[..., Result], spec: Path, tmp_path: Path) -> Result:
    return run_cli("new", spec, "-o", tmp_path / "out")


def test_parents_false_warns_of_the_empty_approval_tree(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = _spec(tmp_path, "    parents: false\n    resources: [Magento_Sales::reorder]\n")
    result = _new(run_cli, spec, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert f"{spec}:5:14: warning: integrations[0].parents: integration 'ERP'" in result.stderr
    assert "Activate popup show an empty permission tree" in result.stderr


def test_parents_false_needs_the_split_format(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = _spec(tmp_path, "    parents: false\n    resources: [Magento_Sales::reorder]\n")
    spec.write_text(spec.read_text() + "integration_format: consolidated\n")
    result = _new(run_cli, spec, tmp_path)
    assert result.exit_code == 2
    assert "integrations[0].parents: parents: false needs integration_format: split" in (
        result.stderr
    )


def test_extra_routes_are_named_at_generation(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = _spec(tmp_path, '    endpoints: ["GET /V1/products/:sku"]\n')
    result = _new(run_cli, spec, tmp_path)
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "besides its endpoints" in line]
    assert len(warnings) == 1
    line = warnings[0]
    assert line.startswith(f"{spec}:5:16: warning: integrations[0].endpoints: integration 'ERP'")
    assert "of them through parent resources" in line
    assert "(through parent Magento_Catalog::catalog" in line
    assert "magegen routes --spec" in line


def test_same_resource_extra_routes_without_parents(tmp_path: Path) -> None:
    body = '    parents: false\n    endpoints: ["GET /V1/products/:sku"]\n'
    loaded = load_spec(_spec(tmp_path, body), None)
    extra = [w for w in loaded.warnings if "besides its endpoints" in w.message]
    assert len(extra) == 1
    assert "through parent" not in extra[0].message
    assert "(same resource Magento_Catalog::products)" in extra[0].message


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ("GET /V1/order", "GET /V1/order: no such route; did you mean GET /V1/orders"),
        ("DELETE /V1/orders", "/V1/orders has no DELETE route; it has GET /V1/orders"),
        ("GET /V1/customers/me", "is a 'self' route: only a customer's own token may call it"),
        ("/V1/orders", "give the HTTP method"),
        ("GET", "has no path"),
    ],
)
def test_each_route_error_names_the_item(
    tmp_path: Path, run_cli: Callable[..., Result], route: str, message: str
) -> None:
    spec = _spec(tmp_path, f'    endpoints: ["GET /V1/orders", "{route}"]\n')
    result = _new(run_cli, spec, tmp_path)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"{spec}:5:35: error: integrations[0].endpoints[1]: ")
    assert message in errors[0]
    assert not (tmp_path / "out").exists()


def test_an_anonymous_route_gets_a_note(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    spec = _spec(tmp_path, '    endpoints: ["GET /V1/orders", "GET /V1/directory/countries"]\n')
    result = _new(run_cli, spec, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (
        f"{spec}:5:35: note: integrations[0].endpoints[1]: GET /V1/directory/countries is "
        "anonymous: anyone may call it, it needs no grant"
    ) in result.stderr


def test_only_anonymous_endpoints_grant_nothing_and_are_refused(tmp_path: Path) -> None:
    from generator.errors import SpecError

    with pytest.raises(SpecError):
        load_spec(_spec(tmp_path, '    endpoints: ["GET /V1/directory/countries"]\n'), None)


def test_endpoints_with_all_resources_are_refused(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    body = '    all_resources: true\n    endpoints: ["GET /V1/orders"]\n'
    result = _new(run_cli, _spec(tmp_path, body), tmp_path)
    assert result.exit_code == 2
    assert "with all_resources: true, list no endpoints" in result.stderr


def test_an_empty_endpoints_list_is_an_error(tmp_path: Path) -> None:
    from generator.errors import SpecError

    with pytest.raises(SpecError, match="must list at least one route"):
        load_spec(_spec(tmp_path, "    endpoints: []\n"), None)


def test_a_bad_parents_value_is_an_error(tmp_path: Path) -> None:
    from generator.errors import SpecError

    with pytest.raises(SpecError, match=r"integrations\[0\]\.parents: expected true or false"):
        load_spec(_spec(tmp_path, '    parents: "no"\n    endpoints: ["GET /V1/orders"]\n'), None)


def test_the_schema_knows_the_new_keys(run_cli: Callable[..., Result]) -> None:
    result = run_cli("schema")
    assert result.exit_code == 0, result.stderr
    schema = json.loads(result.stdout)
    integration = schema["properties"]["integrations"]["items"]
    assert integration["properties"]["endpoints"]["type"] == "array"
    assert integration["properties"]["parents"]["type"] == "boolean"
    assert schema["properties"]["bearer_tokens"]["type"] == "boolean"


def test_the_schema_accepts_endpoints_without_resources(run_cli: Callable[..., Result]) -> None:
    import jsonschema  # a test dependency (pyproject's test extras)

    schema = json.loads(run_cli("schema").stdout)
    good = {"integrations": [{"name": "ERP", "email": "a@b.co", "endpoints": ["GET /V1/orders"]}]}
    jsonschema.validate(good, schema)
    bad = {"integrations": [{"name": "ERP", "email": "a@b.co"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_routes_spec_lists_what_an_endpoints_integration_calls(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = _spec(tmp_path, '    parents: false\n    endpoints: ["GET /V1/orders"]\n')
    result = run_cli("routes", "--spec", spec, "--format", "json")
    assert result.exit_code == 0, result.stderr
    routes = {
        f"{r['method']} {r['url']}" for r in json.loads(result.stdout)["integrations"][0]["routes"]
    }
    assert "GET /V1/orders" in routes
    assert "POST /V1/orders" not in routes
