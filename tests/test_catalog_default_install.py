"""The bundled catalogs hold a whole default 2.4.4 install: core modules and the other packages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from lxml import etree

from generator.magento.acl import CORE, DEFAULT_INSTALL, ModulePackage
from generator.magento.catalogs import knows_module_of
from generator.magento.releases import release_acl, release_modules

EXTRA_ACL = "vendor/*/*/etc/acl.xml"


def acl_ids(files: list[Path]) -> list[str]:
    """Every <resource id> of ``files``, repeats included."""
    return [e.get("id") for f in files for e in etree.parse(str(f)).iter("resource")]


def module_xmls(magento_data: Path, magento_extra: Path) -> dict[str, tuple[Path, list[str]]]:
    """Each module's name, its folder and the sequence its module.xml declares."""
    found = {}
    files = [
        *magento_data.glob("app/code/Magento/*/etc/module.xml"),
        *magento_extra.glob("vendor/*/*/etc/module.xml"),
    ]
    for module_xml in files:
        module = etree.parse(str(module_xml)).getroot().find("module")
        sequence = [m.get("name") for m in module.iterfind("sequence/module")]
        found[module.get("name")] = (module_xml.parent.parent, sequence)
    return found


def test_the_default_install_adds_its_acl_ids(magento_data: Path, magento_extra: Path) -> None:
    core_files = sorted(magento_data.glob("app/code/Magento/*/etc/acl.xml"))
    extra_files = sorted(magento_extra.glob(EXTRA_ACL))
    assert len(extra_files) == 12
    declared_extra = acl_ids(extra_files)
    # SOURCE.md's "76 ACL ids" counts declarations; many repeat core parents such as
    # Magento_Backend::admin, so the tree gains 32 ids.
    assert len(declared_extra) == 76
    added = set(declared_extra) - set(acl_ids(core_files))
    assert len(added) == 32
    catalog = release_acl("2.4.4")
    assert added <= {r.id for r in catalog.resources}
    # + 7 MSI ids: the releases repository's MSI is as Composer installs it today.
    assert len(catalog) == len(set(acl_ids(core_files))) + len(added) + 7


# id, parent, declaring module, title; read from the shared acl.xml files.
KNOWN = [
    ("Magento_InventoryApi::source", "Magento_InventoryApi::inventory", "InventoryApi", "Sources"),
    ("Magento_InventoryApi::stock", "Magento_InventoryApi::inventory", "InventoryApi", "Stocks"),
    (
        "Magento_InventorySalesApi::stock",
        "Magento_InventoryApi::inventory",
        "InventorySalesApi",
        "Sales Stock",
    ),
    (
        "Magento_InventoryInStorePickupApi::notify_orders_are_ready_for_pickup",
        "Magento_InventoryInStorePickupApi::inStorePickup",
        "InventoryInStorePickupSalesApi",
        "Notify Orders Are Ready For Pickup",
    ),
    ("Magento_PageBuilder::template_save", "Magento_PageBuilder::templates", "PageBuilder", None),
    ("Magento_TwoFactorAuth::tfa", "Magento_User::acl", "TwoFactorAuth", None),
]


@pytest.mark.parametrize(("resource_id", "parent", "module", "title"), KNOWN)
def test_known_default_install_ids(
    resource_id: str, parent: str, module: str, title: str | None
) -> None:
    """A sample of MSI, PageBuilder and security-package ids, where Magento puts them."""
    resource = release_acl("2.4.4").get(resource_id)
    assert resource is not None
    assert (resource.parent, resource.module) == (parent, f"Magento_{module}")
    if title is not None:
        assert resource.title == title
    assert release_acl("2.4.4").path(resource_id)[0] == "Magento_Backend::admin"


def test_every_module_carries_origin_package_and_sequence(
    magento_data: Path, magento_extra: Path
) -> None:
    declared = module_xmls(magento_data, magento_extra)
    catalog = release_modules("2.4.4")
    # The core modules are as released; the floating packages (MSI, Adobe IMS, ...) are as
    # Composer installs 2.4.4 today, so only the core ones are compared field by field.
    core = {n: entry for n, entry in declared.items() if entry[0].is_relative_to(magento_data)}
    assert len(core) == 209 and set(core) <= set(catalog.modules)
    assert len(catalog.modules) > 209 + 100
    for name, (folder, sequence) in core.items():
        module = catalog.modules[name]
        manifest = json.loads((folder / "composer.json").read_text())
        major, minor = manifest["version"].split(".")[:2]
        assert (module.package, module.constraint) == (manifest["name"], f"{major}.{minor}.*")
        assert list(module.sequence) == sequence, name
        expected = CORE if folder.is_relative_to(magento_data) else DEFAULT_INSTALL
        assert module.origin == expected, name
        assert catalog.is_core(name) == (expected == CORE)
    assert catalog.core() == set(core) | {"Magento_AdminAdobeIms"}  # versioned as core today


def test_sequences_resolve_transitively(magento_data: Path, magento_extra: Path) -> None:
    declared = module_xmls(magento_data, magento_extra)
    expected: set[str] = set()
    pending = ["Magento_Webapi"]
    while pending:
        name = pending.pop()
        if name not in expected:
            expected.add(name)
            pending += declared[name][1] if name in declared else []
    catalog = release_modules("2.4.4")
    assert catalog.sequence_closure(["Magento_Webapi"]) == expected
    assert "Magento_User" in expected
    assert "Magento_User" not in catalog.modules["Magento_Webapi"].sequence
    # A module of the checked tree, sequencing Magento_Webapi, loads after all of them.
    tree = {"Acme_Erp": ["Magento_Webapi"], "Acme_Sync": ["Acme_Erp"]}
    assert catalog.sequence_closure(["Acme_Sync"], tree) == expected | {"Acme_Erp", "Acme_Sync"}


def test_which_modules_the_catalog_knows() -> None:
    modules = release_modules("2.4.4")
    acl = release_acl("2.4.4")
    assert modules.knows("Magento_InventoryApi") and modules.knows("magento_inventoryapi")
    assert not modules.knows("Magento_Rma")
    assert acl.knows_module("Magento_Sales::reoder")
    assert not acl.knows_module("Magento_Rma::magento_rma")
    # A default-install module that declares no ACL id is still known.
    assert not acl.knows_module("Magento_InventoryCatalogApi::anything")
    assert knows_module_of("Magento_InventoryCatalogApi::anything", acl, modules)
    assert knows_module_of("magento_sales::reoder", acl, modules)
    for unknown in ("Magento_Rma::magento_rma", "Aheadworks_Giftcard::giftcard_codes", "orders"):
        assert not knows_module_of(unknown, acl, modules), unknown


def test_an_installation_keeps_the_bundled_origin_and_sequence() -> None:
    modules = release_modules("2.4.4")
    merged = modules.merged_with(
        [
            ModulePackage("Magento_Sales", "magento/module-sales", "103.0.*"),
            ModulePackage("Acme_Erp", "acme/module-erp", "1.0.*", sequence=("Magento_Sales",)),
        ]
    )
    assert merged.is_core("Magento_Sales")
    assert merged.modules["Magento_Sales"].sequence == modules.modules["Magento_Sales"].sequence
    assert merged.modules["Magento_Sales"].constraint == "103.0.*"
    assert merged.knows("Acme_Erp") and not merged.is_core("Acme_Erp")
    assert "Magento_Store" in merged.sequence_closure(["Acme_Erp"])


def write_spec(folder: Path, resources: str, sequence: str = "") -> Path:
    spec = folder / "spec.yaml"
    module = f"module:\n  sequence: [{sequence}]\n" if sequence else ""
    spec.write_text(
        f"{module}integrations:\n  - name: Stock\n    email: s@example.com\n"
        f"    resources: [{resources}]\n"
    )
    return spec


def test_new_grants_an_msi_id_and_notes_it_is_not_core(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "new", "Acme/Stock", write_spec(tmp_path, "Magento_InventoryApi::source"), "-o", out
    )
    assert result.exit_code == 0, result.stderr
    api = (out / "etc" / "integration" / "api.xml").read_text()
    for granted in (
        "Magento_Backend::stores",
        "Magento_InventoryApi::inventory",
        "Magento_InventoryApi::source",
    ):
        assert f'"{granted}"' in api
    assert "belongs to Magento_InventoryApi, which is not a core module" in result.stderr
    require = json.loads((out / "composer.json").read_text())["require"]
    assert "magento/module-inventory-api" not in require


def test_sequencing_an_msi_module_requires_its_package(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path, "Magento_InventoryApi::source", "Magento_InventoryApi")
    out = tmp_path / "out"
    result = run_cli("new", "Acme/Stock", spec, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "not a core module" not in result.stderr
    require = json.loads((out / "composer.json").read_text())["require"]
    assert require["magento/module-inventory-api"] == "1.2.*"
