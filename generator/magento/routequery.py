"""Routes and grants, both ways: what a set of routes needs, and what a grant opens.

A route is callable with an integration's token when every ACL resource it needs is granted.
``anonymous`` routes need nothing; ``self`` routes are never callable with an integration token.
A grant of ``Magento_Backend::all`` opens everything else. When Magento saves an integration's
grant (``Authorization\\Model\\ResourceModel\\Rules::saveRel``) it also allows
``Magento_Backend::admin`` ("basic admin permissions"), unless the grant is empty or is
``Magento_Backend::all``: so ``GET /V1/modules``, which needs only that, is open to every
integration that is granted anything. A granted parent does not open its children's routes:
Magento stores an explicit deny for every resource not granted.

Least privilege is bounded by the ACL's granularity: asking for ``GET /V1/products/:sku``
grants ``Magento_Catalog::products``, which opens ``DELETE /V1/products/:sku`` too, and the
parents magegen adds are permissions of their own (``Magento_Catalog::catalog`` gates product
media). ``extra_routes`` names every such route and why it opens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from generator.magento.acl import ADMIN, ALL, AclCatalog
from generator.magento.routes import Route, RouteCatalog

# Why an id is in a grant.
FROM_ROUTE = "route"  # a requested route needs it
LISTED = "listed"  # the spec or module lists it
PARENT = "parent"  # an ancestor magegen adds (or the tree lists) above another granted id
ALWAYS = "always"  # Magento_Backend::admin, which Magento adds to every non-empty grant

# Why a route opens beyond those asked for (ExtraRoute.cause).
SAME_RESOURCE = "same-resource"  # it needs only resources the requested routes need
THROUGH_LISTED = "listed-resource"  # it needs a resource listed besides the routes
THROUGH_PARENT = "parent"  # it needs a parent added above a granted resource
THROUGH_ADMIN = "always"  # it needs Magento_Backend::admin, which every grant gets
THROUGH_ALL = "all"  # the grant is Magento_Backend::all

_WEAKEST_FIRST = (PARENT, LISTED, ALWAYS)  # the cause named when a route needs several kinds
_CAUSE = {PARENT: THROUGH_PARENT, LISTED: THROUGH_LISTED, ALWAYS: THROUGH_ADMIN}


@dataclass(frozen=True)
class Grant:
    """The ACL ids an integration is granted, each with why (FROM_ROUTE, LISTED, PARENT or
    ALWAYS)."""

    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))

    @property
    def ids(self) -> frozenset[str]:
        """Every granted id."""
        return frozenset(self.sources)

    @property
    def everything(self) -> bool:
        """Whether the grant is ``Magento_Backend::all``."""
        return ALL in self.sources

    def allows(self, route: Route) -> bool:
        """Whether a token with this grant may call ``route``."""
        if route.self_only:
            return False
        if route.anonymous or self.everything:
            return True
        return all(ref in self.sources for ref in route.acl_ids)

    def listed(self) -> tuple[str, ...]:
        """The ids granted for themselves (asked for by route or listed), not as parents."""
        return tuple(i for i, why in self.sources.items() if why in (FROM_ROUTE, LISTED))


def needed_resources(
    routes: Iterable[Route], acl: AclCatalog, parents: bool = True
) -> tuple[str, ...]:
    """The ACL ids ``routes`` need, with their ancestors below the admin root when ``parents``,
    in tree order (ids the tree does not know last, as given)."""
    return tuple(grant_for(acl, routes, parents=parents).sources)


def grant_for(
    acl: AclCatalog,
    routes: Iterable[Route] = (),
    listed: Iterable[str] = (),
    parents: bool = True,
) -> Grant:
    """The grant that ``routes`` and the ``listed`` ids imply: their union, and with
    ``parents`` the ancestors of each below the admin root, as magegen writes grants.

    Without Magento_Backend::admin, which Magento adds when it saves the grant: see
    ``with_magento_additions``.
    """
    sources: dict[str, str] = {}
    for route in routes:
        for ref in route.acl_ids:
            sources.setdefault(ref, FROM_ROUTE)
    for ref in listed:
        sources.setdefault(ref, LISTED)
    if parents:
        for ref in list(sources):
            if ref in acl:
                for above in acl.ancestors_below_admin(ref):
                    sources.setdefault(above, PARENT)
    return Grant(_tree_ordered(sources, acl))


def grant_of(resources: Iterable[str], acl: AclCatalog) -> Grant:
    """The grant of a spec or module tree that lists ``resources`` (parents included): an id
    that is an ancestor of another granted id counts as a PARENT, the others as LISTED."""
    granted = set(resources)
    above = {a for r in granted if r in acl for a in acl.ancestors_below_admin(r)}
    sources = {r: PARENT if r in above else LISTED for r in resources}
    return Grant(_tree_ordered(sources, acl))


def with_magento_additions(grant: Grant) -> Grant:
    """``grant`` as Magento stores it: with Magento_Backend::admin unless it is empty or all."""
    if not grant.sources or grant.everything or ADMIN in grant.sources:
        return grant
    return Grant({**grant.sources, ADMIN: ALWAYS})


def _tree_ordered(sources: dict[str, str], acl: AclCatalog) -> dict[str, str]:
    known = acl.in_tree_order(r for r in sources if r in acl)
    return {r: sources[r] for r in (*known, *(r for r in sources if r not in acl))}


def callable_routes(
    catalog: RouteCatalog, grant: Grant, anonymous: bool = False
) -> tuple[Route, ...]:
    """The routes a token with ``grant`` (as Magento stores it) may call; anonymous routes
    only when ``anonymous``, since anyone may call them."""
    stored = with_magento_additions(grant)
    return tuple(r for r in catalog.routes if stored.allows(r) and (anonymous or not r.anonymous))


@dataclass(frozen=True)
class ExtraRoute:
    """A route a grant opens beyond those asked for: why (SAME_RESOURCE, THROUGH_LISTED,
    THROUGH_PARENT, THROUGH_ADMIN or THROUGH_ALL) and through which granted ids."""

    route: Route
    cause: str
    through: tuple[str, ...]


def extra_routes(
    catalog: RouteCatalog, grant: Grant, requested: Iterable[Route]
) -> tuple[ExtraRoute, ...]:
    """The routes ``grant`` opens besides ``requested`` (anonymous ones left out), each with
    its cause: the weakest kind of grant it needs, a parent before a listed id before the
    admin resource Magento adds; the same resource as a requested route otherwise."""
    asked = set(requested)
    extras = []
    for route in callable_routes(catalog, grant):
        if route in asked:
            continue
        if grant.everything:
            extras.append(ExtraRoute(route, THROUGH_ALL, (ALL,)))
            continue
        sources = with_magento_additions(grant).sources
        kinds = {ref: sources[ref] for ref in route.acl_ids}
        for weak in _WEAKEST_FIRST:
            through = tuple(ref for ref, why in kinds.items() if why == weak)
            if through:
                extras.append(ExtraRoute(route, _CAUSE[weak], through))
                break
        else:
            extras.append(ExtraRoute(route, SAME_RESOURCE, route.acl_ids))
    return tuple(extras)
