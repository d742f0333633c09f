"""Magento's ACL tree: the bundled catalogs, completing granted resources, and `magegen acl`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from lxml import etree

from generator.magento.acl import ADMIN, ALL, bundled_acl
from generator.magento.releases import release_acl, release_modules
from tests.conftest import REPO

SALES_REORDER = [
    "Magento_Sales::sales",
    "Magento_Sales::sales_operation",
    "Magento_Sales::sales_order",
    "Magento_Sales::actions",
    "Magento_Sales::reorder",
]


ACL_FILES = ("app/code/Magento/*/etc/acl.xml", "vendor/*/*/etc/acl.xml")
MSI_SINCE_RELEASE_DAY = {
    "Magento_InventoryApi::ship_source_selection",
    "Magento_InventoryApi::stock_source_item_assign",
    "Magento_InventoryLowQuantityNotificationApi::low_quantity_notification",
    "Magento_InventoryLowQuantityNotificationApi::stock_create_low_quantity_notification",
    "Magento_InventoryLowQuantityNotificationApi::stock_delete_low_quantity_notification",
    "Magento_InventorySourceSelectionApi::source_selection_algorithm",
    "Magento_InventorySourceSelectionApi::source_selection_algorithm_post",
}


def declared_resources(*sources: Path) -> dict[str, dict[str, str | None]]:
    """Every id in the shared acl.xml files, with its parent and any title and disabled flag."""
    found: dict[str, dict[str, str | None]] = {}
    for source in sources:
        for acl_xml in sorted(p for pattern in ACL_FILES for p in source.glob(pattern)):
            for element in etree.parse(str(acl_xml)).iter("resource"):
                parent = element.getparent()
                entry = found.setdefault(element.get("id"), {"title": None, "disabled": None})
                entry["parent"] = parent.get("id") if parent.tag == "resource" else None
                for attribute in ("title", "disabled"):
                    if element.get(attribute) is not None:
                        entry[attribute] = element.get(attribute)
    return found


def test_catalog_matches_magentos_acl_files(magento_data: Path, magento_extra: Path) -> None:
    assert len(list(magento_data.glob("app/code/Magento/*/etc/acl.xml"))) == 51
    core = declared_resources(magento_data)
    declared = declared_resources(magento_data, magento_extra)
    catalog = release_acl("2.4.4")
    assert catalog.magento_version == "2.4.4"
    assert len(core) == 227
    # The releases repository's MSI is as Composer installs it today (see the README): 7 ids
    # newer than the MSI of 2.4.4's release day, which ../shared/magento-extra holds.
    assert {r.id for r in catalog.resources} == set(declared) | MSI_SINCE_RELEASE_DAY
    assert sum(not r.disabled for r in catalog.resources) == len(catalog) - 1
    assert [r.id for r in catalog.resources if r.disabled] == ["Magento_Config::advanced"]
    for resource in catalog.resources:
        if resource.id in MSI_SINCE_RELEASE_DAY:
            continue
        entry = declared[resource.id]
        assert resource.parent == entry["parent"], resource.id
        assert resource.title == (entry["title"] or resource.id), resource.id


def test_tree_order_follows_sort_order() -> None:
    catalog = release_acl("2.4.4")
    for parent in [None, *(r.id for r in catalog.resources)]:
        orders = [catalog.get(child).sort_order or 0 for child in catalog.children(parent)]
        assert orders == sorted(orders), parent
    assert catalog.children(None) == (ALL, ADMIN)


def test_module_catalog_matches_magentos_composer_files(magento_data: Path) -> None:
    catalog = release_modules("2.4.4")
    mapping = json.loads((magento_data / "module-map.json").read_text())
    # Core: Magento's own modules, versioned 100.x and up; Magento_AdminAdobeIms is one of them
    # as a store installs 2.4.4 today, though magento2's 2.4.4 app/code lacks it.
    assert len(mapping) == 209
    assert catalog.core() == {e["module"] for e in mapping.values()} | {"Magento_AdminAdobeIms"}
    for package, entry in mapping.items():
        manifest = json.loads((magento_data / entry["git_path"] / "composer.json").read_text())
        major, minor = manifest["version"].split(".")[:2]
        module = catalog.modules[entry["module"]]
        assert (module.package, module.constraint) == (package, f"{major}.{minor}.*")
        assert catalog.is_core(entry["module"])
    assert (catalog.framework.package, catalog.framework.constraint) == (
        "magento/framework",
        "103.0.*",
    )


def test_bundled_catalogs_load_without_parsing_xml() -> None:
    code = (
        "import sys, generator.magento.acl as a, generator.magento.releases as r; "
        "a.bundled_acl(); a.bundled_modules(); r.release_acl('2.4.4'); r.release_modules('2.4.4'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lxml', 'xml', 'xmlschema')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.stdout.strip() == "[]", result.stderr


def api_resources(root: Path) -> dict[str, list[str]]:
    document = etree.parse(str(root / "etc" / "integration" / "api.xml"))
    return {
        element.get("name"): [r.get("name") for r in element.iterfind("resources/resource")]
        for element in document.getroot()
    }


def write_spec(folder: Path, resources: str, extra: str = "", module: str = "") -> Path:
    spec = folder / "spec.yaml"
    spec.write_text(
        f"{module}integrations:\n  - name: Sync\n    email: s@example.com\n"
        f"    resources: {resources}\n{extra}"
    )
    return spec


def test_a_leaf_is_completed_with_its_parents_in_tree_order(
    tmp_path: Path, generate: Callable[..., Path]
) -> None:
    root = generate(spec=write_spec(tmp_path, "[Magento_Sales::reorder]"), name="Acme/Erp")
    assert api_resources(root) == {"Sync": SALES_REORDER}


def test_reordering_the_spec_changes_nothing(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    outputs = []
    for index, resources in enumerate(
        [
            "[Magento_Sales::reorder, Magento_Customer::online, Magento_Sales::sales_order]",
            "[Magento_Customer::online, Magento_Sales::sales_order, Magento_Sales::reorder]",
        ]
    ):
        folder = tmp_path / str(index)
        folder.mkdir()
        out = folder / "module"
        assert run_cli("new", "Acme/Erp", write_spec(folder, resources), "-o", out).exit_code == 0
        outputs.append((out / "etc" / "integration" / "api.xml").read_bytes())
    assert outputs[0] == outputs[1]
    assert b"Magento_Customer::customer" in outputs[0]


def test_a_subtree_grants_everything_below(tmp_path: Path, generate: Callable[..., Path]) -> None:
    root = generate(spec=write_spec(tmp_path, "[Magento_Sales::actions/**]"), name="Acme/Erp")
    catalog = release_acl("2.4.4")
    below = list(catalog.descendants("Magento_Sales::actions"))
    assert len(below) > 10
    assert api_resources(root)["Sync"] == SALES_REORDER[:4] + below


def test_a_disabled_id_inside_a_subtree_is_left_out(
    tmp_path: Path, generate: Callable[..., Path]
) -> None:
    root = generate(spec=write_spec(tmp_path, "[Magento_Backend::tools/**]"), name="Acme/Erp")
    granted = api_resources(root)["Sync"]
    assert "Magento_Config::advanced" not in granted
    assert granted[:2] == ["Magento_Backend::system", "Magento_Backend::tools"]


def test_full_access_needs_the_flag_and_warns(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    refused = run_cli("new", "Acme/Erp", write_spec(tmp_path, f"[{ALL}]"), "-o", tmp_path / "a")
    assert refused.exit_code == 2
    assert "grants full access to everything; set all_resources: true" in refused.stderr
    spec = tmp_path / "all.yaml"
    spec.write_text(
        "integrations:\n  - name: Root\n    email: r@example.com\n    all_resources: true\n"
    )
    out = tmp_path / "b"
    result = run_cli("new", "Acme/Erp", spec, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert (
        f"{spec}:4:20: warning: integrations[0].all_resources: integration 'Root' gets full "
        in (result.stderr)
    )
    assert api_resources(out) == {"Root": [ALL]}


def test_sequence_modules_are_required_in_composer_json(
    tmp_path: Path, generate: Callable[..., Path]
) -> None:
    spec = write_spec(
        tmp_path,
        "[Magento_Sales::reorder]",
        module="module:\n  sequence: [Magento_Sales, Magento_Customer]\n",
    )
    require = json.loads((generate(spec=spec, name="Acme/Erp") / "composer.json").read_text())[
        "require"
    ]
    catalog = release_modules("2.4.4").modules
    assert require == {
        "php": "~8.1.0||~8.2.0||~8.3.0||~8.4.0||~8.5.0",
        "magento/framework": "103.0.*",
        "magento/module-customer": catalog["Magento_Customer"].constraint,
        "magento/module-integration": catalog["Magento_Integration"].constraint,
        "magento/module-sales": catalog["Magento_Sales"].constraint,
    }


# -- magegen acl ----------------------------------------------------------------------------------


def test_acl_prints_the_whole_tree(run_cli: Callable[..., Result]) -> None:
    result = run_cli("acl")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    catalog = bundled_acl()
    assert len(lines) == len(catalog)
    for line, resource in zip(lines, catalog.resources, strict=True):
        depth = len(catalog.path(resource.id)) - 1
        assert line == "  " * depth + line.lstrip(" ")
        assert line.lstrip(" ").startswith(f"{resource.id}  {resource.title}")
    assert "  Magento_Config::advanced  Advanced Section  (disabled)" in result.stdout


def test_acl_search_shows_the_path(run_cli: Callable[..., Result]) -> None:
    result = run_cli("acl", "REORDER")
    assert result.exit_code == 0
    assert result.stdout == (
        "Magento_Sales::reorder  Reorder\n"
        "    Magento Admin > Sales > Operations > Orders > Actions > Reorder\n"
    )


def test_acl_search_matches_titles(run_cli: Callable[..., Result]) -> None:
    result = run_cli("acl", "now online", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert [r["id"] for r in document["resources"]] == ["Magento_Customer::online"]
    assert document["resources"][0]["path"] == [
        ADMIN,
        "Magento_Customer::customer",
        "Magento_Customer::online",
    ]
    assert document["resources"][0]["module"] == "Magento_Customer"


def test_acl_json_of_the_whole_tree(run_cli: Callable[..., Result]) -> None:
    document = json.loads(run_cli("acl", "--format", "json").stdout)
    assert document["magento_version"] == bundled_acl().magento_version == "2.4.8-p1"
    assert len(document["resources"]) == len(bundled_acl()) == 277
    old = json.loads(run_cli("acl", "--format", "json", "--magento", "2.4.4").stdout)
    assert old["magento_version"] == "2.4.4"
    assert len(old["resources"]) == len(release_acl("2.4.4")) == 227 + 32 + 7


@pytest.mark.parametrize("query", ["no-such-thing", "Acme_Erp"])
def test_acl_search_without_a_match(query: str, run_cli: Callable[..., Result]) -> None:
    result = run_cli("acl", query)
    assert result.exit_code == 1
    assert result.stderr == f"magegen: no ACL resource matches {query!r}\n"
