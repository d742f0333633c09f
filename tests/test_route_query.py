"""Routes and grants both ways: resources a route set needs, routes a grant opens, extras."""

from __future__ import annotations

from generator.magento.acl import ADMIN, ALL, bundled_acl
from generator.magento.routematch import resolve
from generator.magento.routequery import (
    FROM_ROUTE,
    LISTED,
    PARENT,
    SAME_RESOURCE,
    THROUGH_ADMIN,
    THROUGH_LISTED,
    THROUGH_PARENT,
    Grant,
    callable_routes,
    extra_routes,
    grant_for,
    grant_of,
    needed_resources,
)
from generator.magento.routes import Route, RouteCatalog, bundled_routes


def _routes(*texts: str) -> list[Route]:
    return [resolve(bundled_routes(), t) for t in texts]


def test_resources_a_route_set_needs_with_and_without_ancestors() -> None:
    acl = bundled_acl()
    asked = _routes("GET /V1/orders", "GET /V1/directory/countries", "GET /V1/customers/me")
    assert needed_resources(asked, acl, parents=False) == ("Magento_Sales::actions_view",)
    assert needed_resources(asked, acl) == (
        "Magento_Sales::sales",
        "Magento_Sales::sales_operation",
        "Magento_Sales::sales_order",
        "Magento_Sales::actions",
        "Magento_Sales::actions_view",
    )


def test_a_route_needs_all_of_its_resources() -> None:
    both = Route("GET", "/V1/x", ("Acme_A::a", "Acme_A::b"), "C", "m", "Acme_A")
    catalog = RouteCatalog("t", [both])
    assert callable_routes(catalog, Grant({"Acme_A::a": LISTED})) == ()
    granted = Grant({"Acme_A::a": LISTED, "Acme_A::b": LISTED})
    assert callable_routes(catalog, granted) == (both,)


def test_anonymous_routes_need_nothing_and_self_routes_never_open() -> None:
    catalog = bundled_routes()
    everything = Grant({ALL: LISTED})
    opened = callable_routes(catalog, everything, anonymous=True)
    assert not any(r.self_only for r in opened)
    assert any(r.anonymous for r in opened)
    assert not any(r.anonymous for r in callable_routes(catalog, everything))
    assert len(opened) == len(catalog) - len(catalog.needing("self"))


def test_magento_adds_the_admin_resource_to_every_grant_but_an_empty_one() -> None:
    catalog = bundled_routes()
    modules = catalog.get("GET", "/V1/modules")
    assert modules is not None and modules.resources == (ADMIN,)
    assert modules in callable_routes(catalog, Grant({"Magento_Sales::actions_view": LISTED}))
    assert callable_routes(catalog, Grant()) == ()


def test_a_parent_alone_opens_what_needs_it_and_not_its_childrens_routes() -> None:
    catalog = bundled_routes()
    opened = callable_routes(catalog, Grant({"Magento_Catalog::catalog": LISTED}))
    gated = catalog.needing("Magento_Catalog::catalog")
    assert set(opened) == set(gated) | {catalog.get("GET", "/V1/modules")}
    assert catalog.get("GET", "/V1/products") not in opened


def test_grant_sources() -> None:
    acl = bundled_acl()
    grant = grant_for(acl, _routes("GET /V1/products/:sku"), listed=["Magento_Sales::sales"])
    assert grant.sources["Magento_Catalog::products"] == FROM_ROUTE
    assert grant.sources["Magento_Catalog::catalog"] == PARENT
    assert grant.sources["Magento_Sales::sales"] == LISTED
    listed = grant_of(
        [
            "Magento_Catalog::catalog",
            "Magento_Catalog::catalog_inventory",
            "Magento_Catalog::products",
        ],
        acl,
    )
    assert listed.sources["Magento_Catalog::catalog"] == PARENT
    assert listed.sources["Magento_Catalog::products"] == LISTED


def test_extra_routes_split_by_cause() -> None:
    catalog, acl = bundled_routes(), bundled_acl()
    asked = _routes("GET /V1/products/:sku")
    extras = {str(e.route): e for e in extra_routes(catalog, grant_for(acl, asked), asked)}
    assert "GET /V1/products/:sku" not in extras
    delete = extras["DELETE /V1/products/:sku"]
    assert (delete.cause, delete.through) == (SAME_RESOURCE, ("Magento_Catalog::products",))
    media = extras["GET /V1/products/:sku/media"]
    assert (media.cause, media.through) == (THROUGH_PARENT, ("Magento_Catalog::catalog",))
    assert extras["GET /V1/modules"].cause == THROUGH_ADMIN
    through_catalog = {r for r, e in extras.items() if e.through == ("Magento_Catalog::catalog",)}
    assert len(through_catalog) == len(catalog.needing("Magento_Catalog::catalog"))


def test_without_parents_no_route_opens_through_one() -> None:
    catalog, acl = bundled_routes(), bundled_acl()
    asked = _routes("GET /V1/products/:sku")
    extras = extra_routes(catalog, grant_for(acl, asked, parents=False), asked)
    assert {e.cause for e in extras} == {SAME_RESOURCE, THROUGH_ADMIN}
    assert "GET /V1/products/:sku/media" not in {str(e.route) for e in extras}


def test_a_listed_resource_is_named_as_the_cause() -> None:
    catalog, acl = bundled_routes(), bundled_acl()
    asked = _routes("GET /V1/orders")
    grant = grant_for(acl, asked, listed=["Magento_Customer::manage"], parents=False)
    extras = {str(e.route): e for e in extra_routes(catalog, grant, asked)}
    assert extras["PUT /V1/customers/:customerId"].cause == THROUGH_LISTED
