"""A store's own catalog is the whole truth: a 2.4.7-p7 store (built from 2.4.7-p6's own files in
../shared/magento-releases.git, as Composer lays them out, saying it is 2.4.7-p7) answers
``POST /V1/orders`` with ``Magento_Sales::api_actions`` alone and
``POST /V1/inventory/source-items`` with ``Magento_InventoryApi::stock_source_item_assign`` alone,
in ``routes``, ``endpoints:`` and ``acl-diff`` alike: nothing of 2.4.4 is left over."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import shared_folder, unavailable

ORDERS = "POST /V1/orders"
SOURCE_ITEMS = "POST /V1/inventory/source-items"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repository = shared_folder() / "magento-releases.git"
    if not (repository / "HEAD").is_file():
        unavailable(f"the releases repository is not at {repository} (../shared)")
    root = tmp_path_factory.mktemp("store")
    archive = subprocess.run(
        ["git", "-c", "safe.directory=*", f"--git-dir={repository}"]
        + ["archive", "2.4.7-p6", "vendor"],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive.stdout, check=True)
    product = {"magento/product-community-edition": "2.4.7-p7"}
    (root / "composer.json").write_text(json.dumps({"require": product}), encoding="utf-8")
    base = root / "vendor" / "magento" / "magento2-base" / "composer.json"
    manifest = json.loads(base.read_text(encoding="utf-8"))
    base.write_text(json.dumps({**manifest, "version": "2.4.7-p7"}), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def catalog(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from generator.cli import main

    output = tmp_path_factory.mktemp("catalog") / "store.json"
    result = CliRunner().invoke(main, ["catalog", "--magento-root", str(store), "-o", str(output)])
    assert result.exit_code == 0, result.output
    return output


def test_the_catalog_records_the_stores_release(catalog: Path) -> None:
    document = json.loads(catalog.read_text(encoding="utf-8"))
    assert document["magento"]["version"] == "2.4.7-p7"
    ids = {entry["id"] for entry in document["acl"]}
    assert "Magento_Sales::api_actions" in ids
    assert "Magento_Csp::config" in ids


@pytest.mark.parametrize("how", ["option", "environment"])
def test_routes_answer_the_stores_resources_alone(
    catalog: Path, run_cli: Callable[..., Result], how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["--catalog", str(catalog)] if how == "option" else []
    if how == "environment":
        monkeypatch.setenv("MAGEGEN_CATALOG", str(catalog))
    expected = (
        (ORDERS, "Magento_Sales::api_actions"),
        (SOURCE_ITEMS, "Magento_InventoryApi::stock_source_item_assign"),
    )
    for route, needs in expected:
        result = run_cli("routes", *args, route, "--format", "json")
        assert result.exit_code == 0, result.stderr
        (found,) = json.loads(result.stdout)["routes"]
        assert found["resources"] == [needs]


def _spec(folder: Path, endpoints: list[str]) -> Path:
    spec = folder / f"spec-{len(endpoints)}.yaml"
    lines = ["integrations:", "  - name: Orders", "    email: orders@example.com", "    endpoints:"]
    spec.write_text("\n".join([*lines, *(f"      - {e}" for e in endpoints)]) + "\n", "utf-8")
    return spec


def test_endpoints_and_acl_diff_grant_the_stores_resources_alone(
    catalog: Path, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    spec = _spec(tmp_path, [ORDERS, SOURCE_ITEMS])
    out = tmp_path / "module"
    result = run_cli("new", "Acme/Orders", spec, "--catalog", catalog, "-o", out)
    assert result.exit_code == 0, result.stderr
    api = (out / "etc" / "integration" / "api.xml").read_text(encoding="utf-8")
    assert "Magento_Sales::api_actions" in api
    assert "Magento_InventoryApi::stock_source_item_assign" in api
    assert "Magento_Sales::create" not in api
    assert "Magento_InventoryApi::source\"" not in api
    old = _spec(tmp_path, [ORDERS])
    diff = run_cli("acl-diff", old, spec, "--catalog", catalog, "--format", "json")
    assert diff.exit_code == 1, diff.stderr
    text = diff.stdout
    assert "Magento_InventoryApi::stock_source_item_assign" in text
    assert "Magento_Sales::create" not in text


def test_run_inside_a_magento_root_new_uses_that_store_unless_bundled(
    store: Path, run_cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (store / "bin").mkdir(exist_ok=True)
    (store / "bin" / "magento").write_text("<?php\n", encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "integrations:\n  - name: Orders\n    email: orders@example.com\n"
        "    resources: [Magento_Sales::api_actions]\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(store)
    # The default targets include 2.4.7 to 2.4.7-p3, which lack the id; the store has it.
    bundled = run_cli("new", "Acme/Orders", spec, "-o", tmp_path / "bundled", "--bundled")
    assert bundled.exit_code == 2
    assert "does not exist in Magento 2.4.7 to 2.4.7-p3" in bundled.stderr
    result = run_cli("new", "Acme/Orders", spec, "-q")
    assert result.exit_code == 0, result.stderr
    (said,) = [line for line in result.stderr.splitlines() if "checking against" in line]
    assert said == (
        f"magegen: checking against the Magento store at {store} (its own ACL tree, modules and "
        "routes); --bundled to use magegen's bundled releases instead"
    )
    assert (store / "app" / "code" / "Acme" / "Orders" / "etc" / "module.xml").is_file()
