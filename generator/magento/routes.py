"""Magento's REST routes and the ACL resources each one needs.

Every module's ``etc/webapi.xml`` declares routes, ``<route url="/V1/orders/:id" method="GET">``,
each with a service method and the ACL resources a caller needs: all of them (Magento's
``Webapi\\Authorization::isAllowed`` fails on the first one denied). Two refs are not ACL ids:
``anonymous`` (anyone may call the route, no token needed) and ``self`` (a customer's token, for
that customer's own data; an integration token never passes).

The bundled catalogs hold the routes of each release magegen knows (``releases.release_routes``),
merged the way Magento merges webapi.xml files (see ``generator.magento.webapixml``). This module
is loaded only by what needs it: nothing on the path of ``magegen new`` for a spec without
endpoints imports it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import NamedTuple

ANONYMOUS = "anonymous"  # anyone may call the route
SELF = "self"  # only a customer token, for the customer's own data
METHODS = ("GET", "POST", "PUT", "DELETE")  # the HTTP methods webapi.xml allows, in listing order


def is_variable(segment: str) -> bool:
    """Whether a url segment is a placeholder (``:sku``), as Magento's router decides it."""
    return segment.startswith(":") and not segment.startswith("::")


def segments(url: str) -> tuple[str, ...]:
    """The parts of a url between slashes, without the empty ones at its ends."""
    return tuple(url.strip("/").split("/"))


def method_rank(method: str) -> int:
    """Where ``method`` comes in listings: GET, POST, PUT, DELETE, then anything else."""
    return METHODS.index(method) if method in METHODS else len(METHODS)


class Route(NamedTuple):
    """One REST route: the HTTP method, the url as webapi.xml writes it (``/V1/orders/:id``),
    the refs it needs (all of them), its service, and the module whose declaration came last."""

    method: str
    url: str
    resources: tuple[str, ...]
    service_class: str
    service_method: str
    module: str

    def __str__(self) -> str:
        return f"{self.method} {self.url}"

    @property
    def anonymous(self) -> bool:
        """Whether anyone may call the route, without a token."""
        return ANONYMOUS in self.resources

    @property
    def self_only(self) -> bool:
        """Whether only a customer's own token may call the route (never an integration)."""
        return SELF in self.resources

    @property
    def acl_ids(self) -> tuple[str, ...]:
        """The ACL resources the route needs, without ``anonymous`` and ``self``."""
        return tuple(r for r in self.resources if r not in (ANONYMOUS, SELF))

    def sort_key(self) -> tuple[str, int, str]:
        """Order by url, then method (GET, POST, PUT, DELETE)."""
        return (self.url, method_rank(self.method), self.method)


class RouteCatalog:
    """The REST routes of a Magento install, sorted by url and method."""

    __slots__ = ("_by_key", "_by_resource", "_by_url", "magento_version", "routes")

    def __init__(self, magento_version: str, routes: Iterable[Route]) -> None:
        self.magento_version = magento_version
        self.routes = tuple(sorted(routes, key=Route.sort_key))
        self._by_key = {(r.method, r.url): r for r in self.routes}
        by_url: dict[str, list[Route]] = {}
        by_resource: dict[str, list[Route]] = {}
        for route in self.routes:
            by_url.setdefault(route.url, []).append(route)
            for ref in route.resources:
                by_resource.setdefault(ref, []).append(route)
        self._by_url = {url: tuple(found) for url, found in by_url.items()}
        self._by_resource = {ref: tuple(found) for ref, found in by_resource.items()}

    def __len__(self) -> int:
        return len(self.routes)

    def __iter__(self) -> Iterator[Route]:
        return iter(self.routes)

    def get(self, method: str, url: str) -> Route | None:
        """The route declared with exactly this method and url, if any."""
        return self._by_key.get((method.upper(), url))

    def with_url(self, url: str) -> tuple[Route, ...]:
        """The routes declared with exactly this url, one per method."""
        return self._by_url.get(url, ())

    def needing(self, ref: str) -> tuple[Route, ...]:
        """The routes whose refs include ``ref`` (an ACL id, ``anonymous`` or ``self``)."""
        return self._by_resource.get(ref, ())

    def refs(self) -> frozenset[str]:
        """Every ref some route needs."""
        return frozenset(self._by_resource)

    def to_json(self) -> str:
        """The catalog as the JSON document magegen ships, one route per entry."""
        document = {
            "magento_version": self.magento_version,
            "routes": [
                {
                    "method": r.method,
                    "url": r.url,
                    "resources": list(r.resources),
                    "service_class": r.service_class,
                    "service_method": r.service_method,
                    "module": r.module,
                }
                for r in self.routes
            ],
        }
        return json.dumps(document, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> RouteCatalog:
        """Read a catalog written by ``to_json``."""
        document = json.loads(text)
        routes = (
            Route(
                e["method"],
                e["url"],
                tuple(e["resources"]),
                e["service_class"],
                e["service_method"],
                e["module"],
            )
            for e in document["routes"]
        )
        return cls(document["magento_version"], routes)


def bundled_routes() -> RouteCatalog:
    """The REST routes of the default target releases (``targetset.default_targets``), each as
    the newest one that has it declares it."""
    from generator.magento.targetset import default_targets

    return default_targets().routes()
