"""The bundled route catalog against Magento's own webapi.xml files, read here independently."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from generator.magento.releases import release_routes
from generator.magento.routes import ANONYMOUS, SELF

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "generator" / "magento" / "data"


def _declared(files: list[Path]) -> list[tuple[str, str, tuple[str, ...]]]:
    """(method, url, refs) of every <route> in ``files``, in file order."""
    found = []
    for path in files:
        for route in etree.parse(str(path)).getroot().iterfind("route"):
            refs = tuple(r.get("ref") for r in route.iterfind("resources/resource"))
            found.append((route.get("method"), route.get("url"), refs))
    return found


@pytest.fixture(scope="module")
def core(magento_data: Path) -> list[tuple[str, str, tuple[str, ...]]]:
    files = sorted((magento_data / "app" / "code" / "Magento").glob("*/etc/webapi.xml"))
    assert len(files) == 22
    return _declared(files)


@pytest.fixture(scope="module")
def extra(magento_extra: Path) -> list[tuple[str, str, tuple[str, ...]]]:
    files = sorted((magento_extra / "vendor").glob("*/*/etc/webapi.xml"))
    assert len(files) == 13
    return _declared(files)


def test_core_routes_are_all_there_with_their_single_ref(core: list) -> None:
    assert len(core) == 344
    assert Counter(m for m, _, _ in core) == {"GET": 148, "POST": 102, "PUT": 57, "DELETE": 37}
    catalog = release_routes("2.4.4")
    for method, url, refs in core:
        assert len(refs) == 1
        route = catalog.get(method, url)
        assert route is not None, f"{method} {url}"
        assert refs[0] in route.resources


def test_the_default_install_adds_its_other_packages_routes(core: list, extra: list) -> None:
    keys = {(m, u) for m, u, _ in core} | {(m, u) for m, u, _ in extra}
    catalog = release_routes("2.4.4")
    assert len(catalog) == len(keys)
    assert len(extra) > 0 and len(catalog) > 344
    for method, url, _ in extra:
        assert catalog.get(method, url) is not None


@pytest.mark.parametrize(
    ("route", "resources"),
    [
        ("GET /V1/orders", ("Magento_Sales::actions_view",)),
        ("GET /V1/categories", ("Magento_Catalog::categories",)),
        ("GET /V1/directory/countries", (ANONYMOUS,)),
        ("GET /V1/customers/me", (SELF,)),
        ("GET /V1/customers/search", ("Magento_Customer::customer",)),
        ("GET /V1/inventory/sources", ("Magento_InventoryApi::source",)),
    ],
)
def test_known_pairs(route: str, resources: tuple[str, ...]) -> None:
    method, url = route.split()
    route = release_routes("2.4.4").get(method, url)
    assert route is not None and route.resources == resources


def test_known_route_has_its_service_and_module() -> None:
    route = release_routes("2.4.4").get("GET", "/V1/orders")
    assert route is not None
    assert route.service_class == "Magento\\Sales\\Api\\OrderRepositoryInterface"
    assert route.service_method == "getList"
    assert route.module == "Magento_Sales"


def test_catalog_parent_gates_what_the_files_say(core: list) -> None:
    gated = [(m, u) for m, u, refs in core if "Magento_Catalog::catalog" in refs]
    assert len(gated) == 31  # as observed on the real store (MAGENTO.md)
    found = release_routes("2.4.4").needing("Magento_Catalog::catalog")
    assert sorted((r.method, r.url) for r in found) == sorted(gated)


def test_a_later_module_merges_over_an_earlier_one() -> None:
    # Magento_TwoFactorAuth sequences Magento_Integration and redeclares the admin token route.
    route = release_routes("2.4.4").get("POST", "/V1/integration/admin/token")
    assert route is not None
    assert route.module == "Magento_TwoFactorAuth"
    assert route.service_class == "Magento\\TwoFactorAuth\\Api\\AdminTokenServiceInterface"

