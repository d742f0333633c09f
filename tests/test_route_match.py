"""Finding the route a person means: every form, the most specific match, and each error."""

from __future__ import annotations

import pytest

from generator.magento.routematch import (
    AMBIGUOUS,
    MALFORMED,
    NO_METHOD,
    UNKNOWN,
    WRONG_METHOD,
    RouteLookupError,
    _matches,
    lookup,
    magento_pick,
    most_specific,
    parse_route,
    resolve,
)
from generator.magento.routes import Route, RouteCatalog, bundled_routes


def _route(method: str, url: str, ref: str = "Acme_Test::x") -> Route:
    return Route(method, url, (ref,), "Acme\\Test\\Api\\X", "run", "Acme_Test")


@pytest.mark.parametrize(
    "text",
    [
        "GET /V1/products/:sku",
        "GET /V1/products/{sku}",
        "get /V1/products/{productSku}",
        "GET /V1/products/24-MB01",
        "GET /V1/products/24-MB01/",
        "GET V1/products/24-MB01",
        "GET /rest/default/V1/products/24-MB01",
        "GET /rest/all/V1/products/24-MB01",
        "GET /rest/V1/products/24-MB01",
        "GET https://shop.example/rest/default/V1/products/24-MB01?fields=sku",
    ],
)
def test_every_form_finds_the_route(text: str) -> None:
    route = resolve(bundled_routes(), text)
    assert (route.method, route.url) == ("GET", "/V1/products/:sku")


def test_a_literal_segment_wins_over_a_placeholder() -> None:
    catalog = bundled_routes()
    assert resolve(catalog, "GET /V1/products/attributes").url == "/V1/products/attributes"
    found = resolve(catalog, "GET /V1/products/attributes/color")
    assert found.url == "/V1/products/attributes/:attributeCode"
    assert resolve(catalog, "POST /V1/carts/mine/items").url == "/V1/carts/mine/items"
    assert resolve(catalog, "POST /V1/carts/42/items").url == "/V1/carts/:quoteId/items"
    # Paths that match two patterns, none of them written as the path is.
    found = resolve(catalog, "GET /V1/bundle-products/24-MB01/options/all")
    assert found.url == "/V1/bundle-products/:sku/options/all"
    assert resolve(catalog, "PUT /V1/carts/mine/items/5").url == "/V1/carts/mine/items/:itemId"


def test_the_most_specific_route_is_the_one_magento_routes_to() -> None:
    # Magento's router takes, among matching routes, the url sorting last; for every path that
    # mixes one route's placeholders with another's literals, that is the most specific one.
    catalog = bundled_routes()
    checked = 0
    for route in catalog.routes:
        parts = route.url.strip("/").split("/")
        for other in catalog.routes:
            other_parts = other.url.strip("/").split("/")
            if (
                other.method != route.method
                or len(other_parts) != len(parts)
                or other_parts[:2] != parts[:2]
            ):
                continue
            path = "/".join(
                (o if not o.startswith(":") else "5") if p.startswith(":") else p
                for p, o in zip(parts, other_parts, strict=True)
            )
            asked = parse_route(f"{route.method} /{path}", catalog)
            matching = [
                r for r in catalog.routes if r.method == route.method and _matches(asked, r)
            ]
            best = most_specific(asked, matching)
            if len(matching) > 1 and len(best) == 1:
                assert best[0] == magento_pick(matching), path
                checked += 1
    assert checked > 50


def test_a_placeholder_matches_only_a_placeholder() -> None:
    catalog = RouteCatalog("t", [_route("GET", "/V1/a/b"), _route("GET", "/V1/a/:id")])
    assert resolve(catalog, "GET /V1/a/{x}").url == "/V1/a/:id"
    assert resolve(catalog, "GET /V1/a/b").url == "/V1/a/b"


def test_no_single_most_specific_route_is_ambiguous() -> None:
    catalog = RouteCatalog(
        "t", [_route("GET", "/V1/a/:x/b"), _route("GET", "/V1/a/b/:y"), _route("GET", "/V1/c")]
    )
    with pytest.raises(RouteLookupError) as caught:
        resolve(catalog, "GET /V1/a/b/b")
    assert caught.value.kind == AMBIGUOUS
    assert {r.url for r in caught.value.candidates} == {"/V1/a/:x/b", "/V1/a/b/:y"}
    assert "Magento would call GET /V1/a/b/:y" in caught.value.message
    # The pattern itself is not ambiguous.
    assert resolve(catalog, "GET /V1/a/:x/b").url == "/V1/a/:x/b"


def test_an_unknown_route_suggests_the_closest() -> None:
    with pytest.raises(RouteLookupError) as caught:
        resolve(bundled_routes(), "GET /V1/order")
    assert caught.value.kind == UNKNOWN
    assert str(caught.value.candidates[0]) == "GET /V1/orders"
    assert caught.value.message.startswith("GET /V1/order: no such route; did you mean GET ")
    with pytest.raises(RouteLookupError) as caught:
        resolve(bundled_routes(), "GET /V1/products/24-MB01/medias")
    assert str(caught.value.candidates[0]) == "GET /V1/products/:sku/media"


def test_a_known_path_with_another_method_lists_its_methods() -> None:
    with pytest.raises(RouteLookupError) as caught:
        resolve(bundled_routes(), "DELETE /V1/orders")
    assert caught.value.kind == WRONG_METHOD
    assert caught.value.message == (
        "DELETE /V1/orders: /V1/orders has no DELETE route; it has GET /V1/orders, POST /V1/orders"
    )
    with pytest.raises(RouteLookupError) as caught:
        resolve(bundled_routes(), "PATCH /V1/orders")
    assert "PATCH is not a method Magento routes" in caught.value.message


def test_a_route_needs_its_method_but_a_lookup_does_not() -> None:
    with pytest.raises(RouteLookupError) as caught:
        resolve(bundled_routes(), "/V1/products/24-MB01")
    assert caught.value.kind == NO_METHOD
    assert "give the HTTP method, e.g. 'GET /V1/products/:sku'" in caught.value.message
    found = lookup(bundled_routes(), "/V1/products/24-MB01")
    assert [r.method for r in found] == ["GET", "PUT", "DELETE"]


@pytest.mark.parametrize("text", ["", "GET", "GET /", "GET /V1/orders extra", "G3T /V1/orders"])
def test_what_is_not_a_route(text: str) -> None:
    with pytest.raises(RouteLookupError) as caught:
        resolve(bundled_routes(), text)
    assert caught.value.kind == MALFORMED


def test_a_message_stays_on_one_line() -> None:
    with pytest.raises(RouteLookupError) as caught:
        resolve(bundled_routes(), "GET /V1/or\nders")
    assert "\n" not in caught.value.message
