"""webapi.xml files merged as Magento merges them; an installation merged over the bundle."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from generator.magento.routes import bundled_routes
from generator.magento.webapixml import RouteMerger, installation_routes

WEBAPI = """<?xml version="1.0"?>
<routes xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
        xsi:noNamespaceSchemaLocation="urn:magento:module:Magento_Webapi:etc/webapi.xsd">
{routes}
</routes>
"""
ROUTE = """  <route url="{url}" method="{method}">
    <service class="{service}" method="run"/>
    <resources><resource ref="{ref}"/></resources>
  </route>"""


def _webapi(*routes: tuple[str, str, str, str]) -> str:
    return WEBAPI.format(
        routes="\n".join(ROUTE.format(method=m, url=u, service=s, ref=r) for m, u, s, r in routes)
    )


def _module(folder: Path, name: str, sequence: tuple[str, ...], webapi: str) -> None:
    (folder / "etc").mkdir(parents=True)
    modules = "".join(f'<module name="{s}"/>' for s in sequence)
    (folder / "etc" / "module.xml").write_text(
        f'<config><module name="{name}"><sequence>{modules}</sequence></module></config>'
    )
    (folder / "etc" / "webapi.xml").write_text(webapi)


def test_the_later_declaration_sets_the_service_and_adds_its_resources() -> None:
    merger = RouteMerger()
    merger.add_file("Acme_A", _webapi(("GET", "/V1/x", "A\\Api", "Acme_A::x")).encode())
    merger.add_file("Acme_B", _webapi(("GET", "/V1/x", "B\\Api", "Acme_B::x")).encode())
    route = merger.build("t").get("GET", "/V1/x")
    assert route is not None
    assert (route.service_class, route.module) == ("B\\Api", "Acme_B")
    assert route.resources == ("Acme_A::x", "Acme_B::x")
    assert merger.replaced == ["GET /V1/x: Acme_B merges over Acme_A"]


def _installation(root: Path) -> None:
    # Zeta comes first in load order (Acme_Alpha sequences it), so Alpha's declaration wins.
    _module(
        root / "app" / "code" / "Acme" / "Alpha",
        "Acme_Alpha",
        ("Zeta_Omega",),
        _webapi(
            ("GET", "/V1/orders", "Acme\\Alpha\\Api\\Orders", "Acme_Alpha::orders"),
            ("GET", "/V1/acme/things", "Acme\\Alpha\\Api\\Things", "Acme_Alpha::things"),
        ),
    )
    _module(
        root / "vendor" / "zeta" / "module-omega",
        "Zeta_Omega",
        (),
        _webapi(
            ("GET", "/V1/orders", "Zeta\\Omega\\Api\\Orders", "Zeta_Omega::orders"),
            ("POST", "/V1/zeta/jobs", "Zeta\\Omega\\Api\\Jobs", "anonymous"),
        ),
    )


def test_an_installation_of_both_layouts_merges_over_the_bundled_catalog(tmp_path: Path) -> None:
    _installation(tmp_path)
    catalog, problems = installation_routes(tmp_path, bundled_routes())
    assert problems == []
    assert len(catalog) == len(bundled_routes()) + 2
    orders = catalog.get("GET", "/V1/orders")
    assert orders is not None
    assert orders.service_class == "Acme\\Alpha\\Api\\Orders"
    assert orders.module == "Acme_Alpha"
    assert orders.resources == (
        "Magento_Sales::actions_view",
        "Zeta_Omega::orders",
        "Acme_Alpha::orders",
    )
    assert catalog.get("POST", "/V1/zeta/jobs").anonymous  # type: ignore[union-attr]


def test_a_broken_webapi_xml_is_a_warning(tmp_path: Path) -> None:
    _module(tmp_path / "app" / "code" / "Acme" / "Bad", "Acme_Bad", (), "<routes><route")
    catalog, problems = installation_routes(tmp_path, bundled_routes())
    assert len(catalog) == len(bundled_routes())
    assert len(problems) == 1 and "webapi.xml" in problems[0].file
    assert problems[0].severity == "warning"


def test_routes_with_magento_root(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    _installation(tmp_path)
    result = run_cli("routes", "GET /V1/acme/things", "--magento-root", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["GET", "/V1/acme/things", "Acme_Alpha::things"]
    without = run_cli("routes", "GET /V1/acme/things")
    assert without.exit_code == 1
