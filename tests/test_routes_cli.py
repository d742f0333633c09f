"""`magegen routes`: queries and integrations' routes, in text and json; the catalog stays lazy."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import EXAMPLE_SPEC, REPO


def test_a_route_shows_the_resource_it_needs(run_cli: Callable[..., Result]) -> None:
    result = run_cli("routes", "GET /rest/default/V1/orders")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["GET", "/V1/orders", "Magento_Sales::actions_view"]


def test_a_path_without_method_shows_each_method(run_cli: Callable[..., Result]) -> None:
    result = run_cli("routes", "/V1/products/{sku}", "--format", "json")
    assert result.exit_code == 0, result.stderr
    routes = json.loads(result.stdout)["routes"]
    assert [(r["method"], r["url"]) for r in routes] == [
        ("GET", "/V1/products/:sku"),
        ("PUT", "/V1/products/:sku"),
        ("DELETE", "/V1/products/:sku"),
    ]
    assert routes[0]["service"] == "Magento\\Catalog\\Api\\ProductRepositoryInterface::get"
    assert routes[0]["module"] == "Magento_Catalog"


def test_an_acl_id_lists_the_routes_it_gates(run_cli: Callable[..., Result]) -> None:
    result = run_cli("routes", "Magento_Catalog::catalog", "--format", "json")
    assert result.exit_code == 0, result.stderr
    routes = json.loads(result.stdout)["routes"]
    assert len(routes) == 31
    assert all(r["resources"] == ["Magento_Catalog::catalog"] for r in routes)


def test_words_and_a_method(run_cli: Callable[..., Result]) -> None:
    result = run_cli("routes", "delete", "products")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("DELETE ") and "products" in line for line in lines)


def test_unknown_route_exits_1_with_suggestions(run_cli: Callable[..., Result]) -> None:
    result = run_cli("routes", "GET /V1/order")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        "magegen: GET /V1/order: no such route; did you mean GET /V1/orders"
    )


def test_a_method_the_path_lacks_exits_1(run_cli: Callable[..., Result]) -> None:
    result = run_cli("routes", "DELETE /V1/orders")
    assert result.exit_code == 1
    assert "it has GET /V1/orders, POST /V1/orders" in result.stderr


def test_a_misspelt_acl_id_gets_a_suggestion(run_cli: Callable[..., Result]) -> None:
    result = run_cli("routes", "Magento_Catalog::product")
    assert result.exit_code == 1
    assert "did you mean Magento_Catalog::products" in result.stderr


def test_a_malformed_route_exits_2(run_cli: Callable[..., Result]) -> None:
    result = run_cli("routes", "GET /V1/orders extra")
    assert result.exit_code == 2
    assert "is not a route" in result.stderr


def test_a_spec_lists_what_each_integration_can_call(run_cli: Callable[..., Result]) -> None:
    result = run_cli("routes", "--spec", EXAMPLE_SPEC, "--format", "json")
    assert result.exit_code == 0, result.stderr
    integrations = json.loads(result.stdout)["integrations"]
    assert integrations
    for item in integrations:
        for route in item["routes"]:
            needed = [r for r in route["resources"] if r != "Magento_Backend::admin"]
            assert set(needed) <= set(item["resources"])
            assert "self" not in route["resources"] and "anonymous" not in route["resources"]


def test_a_module_tree_lists_routes_grouped_by_module(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "module:\n  description: Test\nintegrations:\n  - name: Shop Reader\n"
        "    email: a@example.com\n    resources: [Magento_Catalog::products]\n"
    )
    module = tmp_path / "module"
    assert run_cli("new", "Acme/Shop", spec, "-o", module).exit_code == 0
    text = run_cli("routes", module)
    assert text.exit_code == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].startswith("Shop Reader: ")
    assert "  Magento_Catalog" in lines
    media = next(line for line in lines if "GET    /V1/products/:sku/media " in line)
    assert media.endswith("(through parent Magento_Catalog::catalog)")
    modules = next(line for line in lines if "/V1/modules" in line)
    assert "Magento adds Magento_Backend::admin" in modules
    data = json.loads(run_cli("routes", module, "--format", "json").stdout)
    routes = {f"{r['method']} {r['url']}": r for r in data["integrations"][0]["routes"]}
    assert routes["GET /V1/products/:sku/media"]["through_parents"] == ["Magento_Catalog::catalog"]
    assert routes["DELETE /V1/products/:sku"]["through_parents"] == []


def test_query_and_spec_together_are_refused(run_cli: Callable[..., Result]) -> None:
    result = run_cli("routes", "orders", "--spec", EXAMPLE_SPEC)
    assert result.exit_code == 2


def test_new_without_endpoints_does_not_load_the_route_catalog(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from generator.cli import main\n"
        f"r = CliRunner().invoke(main, ['new', 'Beehexa/IntegrationManager', {str(EXAMPLE_SPEC)!r},"
        f" '-o', {str(tmp_path / 'out')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "loaded = [m for m in ('generator.magento.routes', 'generator.magento.routematch',"
        " 'generator.magento.routequery') if m in sys.modules]\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
