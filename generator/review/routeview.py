"""Show REST routes to people (``magegen routes``): searches, and what each integration of a
spec or module tree can call."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import Problem, shown
from generator.magento.acl import ADMIN, ALL, AclCatalog, ModuleCatalog
from generator.magento.routematch import lookup
from generator.magento.routequery import PARENT, Grant, callable_routes, grant_of
from generator.magento.routes import ANONYMOUS, METHODS, SELF, Route, RouteCatalog
from generator.magento.suggest import words

if TYPE_CHECKING:
    from generator.magento.catalogs import Catalogs
    from generator.magento.targetset import Targets


def search(catalog: RouteCatalog, query: str) -> list[Route]:
    """The routes ``query`` asks for.

    - an ACL id (``Magento_Catalog::products``), ``anonymous`` or ``self``: the routes that
      need it;
    - a path, with or without a method (``GET /V1/products/24-MB01``): the route it calls, or
      the routes of each method the path has (raises RouteLookupError when there is none);
    - words: the routes whose url has every word (ignoring case and plurals; ``GET``, ``POST``,
      ``PUT`` and ``DELETE`` pick the method), as whole words first, then as parts of words.
    """
    query = query.strip()
    if "::" in query or query in (ANONYMOUS, SELF):
        return list(catalog.needing(query))
    if "/" in query:
        return list(lookup(catalog, query))
    methods = {t.upper() for t in query.split() if t.upper() in METHODS}
    terms = [t for t in query.split() if t.upper() not in METHODS]
    candidates = [r for r in catalog.routes if not methods or r.method in methods]
    if not terms:
        return candidates
    for whole in (True, False):
        found = [r for r in candidates if all(_has(r, t, whole) for t in terms)]
        if found:
            return found
    return []


def find(
    catalog: RouteCatalog, acl: AclCatalog, query: str | None
) -> tuple[list[Route], str | None, int]:
    """The routes ``query`` finds (all of them for None); or why none, with its exit status:
    1 for nothing found (with near misses or suggestions), 2 for a query that is no route."""
    from generator.magento.routematch import MALFORMED, RouteLookupError

    if query is None:
        return list(catalog.routes), None, 0
    try:
        found = search(catalog, query)
    except RouteLookupError as exc:
        return [], exc.message, 2 if exc.kind == MALFORMED else 1
    if not found:
        hint = near_misses(catalog, acl, query)
        return [], f"no route matches '{shown(query)}'{'; ' + hint if hint else ''}", 1
    return found, None, 0


def _has(route: Route, term: str, whole: bool) -> bool:
    literal = " ".join(p for p in route.url.split("/") if not p.startswith(":"))
    if whole:
        return set(words(term)) <= set(words(literal.replace("-", " ")))
    return term.casefold() in literal.casefold()


def near_misses(catalog: RouteCatalog, acl: AclCatalog, query: str) -> str | None:
    """What ``query``, which found no route, most likely meant, as a hint; None if nothing."""
    query = query.strip()
    if "::" in query:
        if query in acl:
            return f"{query} is an ACL id that no route needs"
        close = [i for i in acl.suggestions(query, limit=5) if catalog.needing(i)][:3]
        return f"did you mean {', '.join(close)}?" if close else None
    return None


@dataclass(frozen=True)
class IntegrationRoutes:
    """An integration, its grant, and the routes its token may call."""

    name: str
    grant: Grant
    routes: tuple[Route, ...]


def integration_routes(
    catalog: RouteCatalog, acl: AclCatalog, grants: dict[str, tuple[str, ...]]
) -> list[IntegrationRoutes]:
    """For each integration (name to granted ids, parents included), the routes it can call."""
    found = []
    for name, resources in grants.items():
        grant = grant_of(resources, acl)
        found.append(IntegrationRoutes(name, grant, callable_routes(catalog, grant)))
    return found


def route_catalog(magento_root: Path | None) -> tuple[RouteCatalog, list[Problem]]:
    """The bundled routes of the default targets, or an installation's own."""
    from generator.magento.routes import bundled_routes

    if magento_root is None:
        return bundled_routes(), []
    from generator.magento.webapixml import installation_routes

    return installation_routes(magento_root)


def store_routes(known: Catalogs) -> tuple[RouteCatalog, list[Problem]]:
    """The REST routes of the store ``known`` describes: an installation's own, a catalog
    file's recorded routes, else (a catalog file that records none) the default targets'."""
    if known.installation is not None:
        return route_catalog(known.installation.root)
    from generator.pipeline.context import route_loader

    load = route_loader(known)
    if load is None:
        return route_catalog(None)
    return load(), []


def grants_of(
    tree: Path | None,
    spec: Path | None,
    acl: AclCatalog,
    modules: ModuleCatalog,
    from_store: bool,
) -> tuple[dict[str, tuple[str, ...]], Targets | None]:
    """The granted ids of each integration of the module ``tree``, or else of ``spec``, and
    the releases the spec targets (None for a tree, or a spec read against a store)."""
    if tree is not None:
        return grants_of_tree(tree, acl), None
    assert spec is not None
    return grants_of_spec(spec, acl, modules, from_store)


def grants_of_spec(
    path: Path, acl: AclCatalog, modules: ModuleCatalog, from_installation: bool
) -> tuple[dict[str, tuple[str, ...]], Targets | None]:
    """The granted ids of each integration of the spec at ``path``, as magegen writes them,
    and the releases the spec targets (None when read against a store)."""
    from generator.spec.reader import load_spec

    loaded = load_spec(path, None, acl, modules, from_installation, fallback_name="Magegen_Routes")
    spec = loaded.spec
    grants = {i.name: (ALL,) if i.all_resources else i.resources for i in spec.integrations}
    return grants, loaded.targets


def grants_of_tree(root: Path, acl: AclCatalog | None = None) -> dict[str, tuple[str, ...]]:
    """The ids each integration of the module tree at ``root`` is granted, as Magento grants
    them (for integration.xml, with the parents Magento adds); a refused or unreadable
    integration file, or a module registered from another folder, is an error."""
    from generator.errors import UsageError
    from generator.magento.acl import bundled_acl
    from generator.magento.files import INTEGRATION_FILES
    from generator.magento.integrations import effective_ids
    from generator.magento.moduletree import read_module
    from generator.review.readscope import registration_path_problems

    if not (root / "etc" / "module.xml").is_file():
        raise UsageError([Problem(str(root), "is not a module folder (no etc/module.xml)")])
    module, problems = read_module(root)
    unread = {module.display(relative) for relative in INTEGRATION_FILES}
    refused = ("MG104", "MG105")
    errors = [p for p in problems if p.code == "MG100" or p.code in refused and p.file in unread]
    errors += registration_path_problems(module)
    if errors:
        raise UsageError(errors)
    tree = acl or bundled_acl()
    return {
        facts.name: effective_ids(facts.format, facts.resource_ids, tree)
        for facts in module.integrations()
    }


def _through_parents(route: Route, grant: Grant) -> list[str]:
    return [ref for ref in route.acl_ids if grant.sources.get(ref) == PARENT]


def route_lines(routes: Iterable[Route], grant: Grant | None = None) -> Iterator[str]:
    """One line a route: method, url, the resources it needs; with a ``grant``, the parents
    through which it opens."""
    routes = list(routes)
    width = max((len(shown(r.url)) for r in routes), default=0)
    for route in routes:
        resources = ", ".join(shown(r) for r in route.resources)
        line = f"{shown(route.method):<6} {shown(route.url):<{width}}  {resources}"
        if grant is not None:
            line += _why(route, grant)
        yield line.rstrip()


def _why(route: Route, grant: Grant) -> str:
    parents = _through_parents(route, grant)
    if parents:
        return f"  (through parent {', '.join(shown(p) for p in parents)})"
    if ADMIN in route.acl_ids and ADMIN not in grant.sources and not grant.everything:
        return f"  (Magento adds {ADMIN} to every integration's grant)"
    return ""


def integration_lines(found: list[IntegrationRoutes]) -> Iterator[str]:
    """Each integration, then its routes grouped by the module that declares them."""
    for index, item in enumerate(found):
        if index:
            yield ""
        parents = sum(1 for r in item.routes if _through_parents(r, item.grant))
        extra = f", {parents} through parent resources only" if parents else ""
        yield f"{shown(item.name)}: {len(item.routes)} routes{extra}"
        if not item.grant.sources:
            yield "  (no resources granted: the token can call no route)"
        by_module: dict[str, list[Route]] = {}
        for route in item.routes:
            by_module.setdefault(route.module, []).append(route)
        for module in sorted(by_module):
            yield f"  {shown(module)}"
            for line in route_lines(by_module[module], item.grant):
                yield f"    {line}"
    yield ""
    yield (
        "Anonymous routes (anyone may call them) are not listed; routes for a customer's own "
        "data (self) are never open to an integration."
    )


def _route_json(route: Route, grant: Grant | None = None) -> dict[str, object]:
    entry: dict[str, object] = {
        "method": route.method,
        "url": route.url,
        "resources": list(route.resources),
        "service": f"{route.service_class}::{route.service_method}",
        "module": route.module,
    }
    if grant is not None:
        entry["through_parents"] = _through_parents(route, grant)
    return entry


def routes_json(catalog: RouteCatalog, routes: Iterable[Route]) -> str:
    """``routes`` as a JSON document."""
    document = {
        "magento_version": catalog.magento_version,
        "routes": [_route_json(r) for r in routes],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def integrations_json(catalog: RouteCatalog, found: list[IntegrationRoutes]) -> str:
    """What each integration can call, as a JSON document."""
    document = {
        "magento_version": catalog.magento_version,
        "integrations": [
            {
                "name": item.name,
                "resources": list(item.grant.sources),
                "routes": [_route_json(r, item.grant) for r in item.routes],
            }
            for item in found
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def render_routes(catalog: RouteCatalog, routes: list[Route], output_format: str) -> str:
    """``routes`` as text lines or a JSON document, ending in a newline."""
    if output_format == "json":
        return routes_json(catalog, routes) + "\n"
    return "".join(f"{line}\n" for line in route_lines(routes))


def render_integrations(
    catalog: RouteCatalog, found: list[IntegrationRoutes], output_format: str
) -> str:
    """What each integration can call, as text or a JSON document, ending in a newline."""
    if output_format == "json":
        return integrations_json(catalog, found) + "\n"
    return "".join(f"{line}\n" for line in integration_lines(found))
