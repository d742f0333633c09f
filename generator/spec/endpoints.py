"""What an integration's ``endpoints:`` grant, and what its grant opens besides them.

An integration may list the REST routes it calls instead of (or besides) ACL resources. Each
route is looked up in the route catalog, which is loaded only here, so a spec without
``endpoints:`` never reads it. The grant is exactly the resources the routes need (Magento
requires all of a route's resources), united with ``resources:``, with their parents unless
``parents: false``. Least privilege stops at Magento's ACL granularity, so the routes the grant
opens beyond those asked for are named in one warning.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from generator.errors import shown
from generator.magento import rules
from generator.magento.acl import ALL, AclCatalog
from generator.magento.grants import resolve_grant
from generator.spec.fields import Item, Report, join
from generator.spec.model import IntegrationFormat
from generator.spec.sections import IntegrationSection, SpecSections

if TYPE_CHECKING:
    from generator.magento.routequery import ExtraRoute, Grant
    from generator.magento.routes import Route, RouteCatalog
    from generator.magento.targetset import Targets

EXTRA_SHOWN = 3  # the extra routes a warning names before "and N more"
# The causes (generator.magento.routequery) in the order a warning names their routes: the most
# surprising first.
_CAUSE_ORDER = ("parent", "listed-resource", "same-resource", "always", "all")


def bundled_route_catalog() -> RouteCatalog:
    """The default targets' routes (imported only when a spec has endpoints)."""
    from generator.magento.routes import bundled_routes

    return bundled_routes()


def requested_routes(
    report: Report,
    section: IntegrationSection,
    catalog: RouteCatalog,
    targets: Targets | None = None,
) -> list[Route]:
    """The routes an integration's ``endpoints`` name, each once; reports the unknown, the
    wrong method, the ambiguous and the ``self`` ones, and notes the anonymous ones. A route
    unknown to the targets but known to other releases is named with those releases, never
    "corrected" to another route."""
    from generator.magento.routematch import RouteLookupError, resolve

    found: dict[Route, None] = {}
    for item in section.endpoints or ():
        item_field = join(join(section.field, "endpoints"), item.index)
        try:
            route = resolve(catalog, item.value)
        except RouteLookupError as exc:
            from generator.spec.releaseroutes import elsewhere_message

            other = elsewhere_message(item.value, exc) if targets is not None else None
            report.add(item.at, item_field, other or exc.message)
            continue
        if route.self_only:
            report.add(item.at, item_field, _self_message(route))
        elif route.anonymous:
            message = f"{shown(str(route))} is anonymous: anyone may call it, it needs no grant"
            report.add(item.at, item_field, message, severity="note")
        elif targets is not None:
            from generator.spec.releaseroutes import route_in_releases

            variants, problem = route_in_releases(route, targets)
            if problem is not None:
                report.add(item.at, item_field, *problem)
            found.update(dict.fromkeys(variants))
        else:
            found.setdefault(route)
    return list(found)


def _self_message(route: Route) -> str:
    return (
        f"{shown(str(route))} is a 'self' route: only a customer's own token may call it, for "
        "that customer's data; Magento refuses an integration's token there (401), so no grant "
        "can open it; remove it, or ask for the route that takes the id"
    )


def endpoint_resources(
    acl: AclCatalog,
    routes: Sequence[Route],
    listed: Sequence[Item],
    parents: bool,
) -> tuple[str, ...]:
    """The grant of ``routes`` united with the ``listed`` resources (already checked), their
    parents added when ``parents``, in tree order."""
    return tuple(_grant(acl, routes, listed, parents).sources)


def _grant(
    acl: AclCatalog, routes: Sequence[Route], listed: Sequence[Item], parents: bool
) -> Grant:
    from generator.magento.routequery import grant_for

    exact = resolve_grant(acl, [i.value for i in listed], all_resources=True, parents=False)
    return grant_for(acl, routes, exact.resources, parents=parents)


def warn_extra_routes(
    report: Report,
    section: IntegrationSection,
    acl: AclCatalog,
    catalog: RouteCatalog,
    routes: Sequence[Route],
) -> None:
    """One warning naming the routes the grant opens beyond ``routes``, and how many."""
    from generator.magento.routequery import extra_routes

    listed = section.resources or ()
    extras = extra_routes(catalog, _grant(acl, routes, listed, section.parents), routes)
    if not extras or section.name is None:
        return
    from generator.magento.routequery import THROUGH_PARENT

    ordered = sorted(extras, key=lambda e: _CAUSE_ORDER.index(e.cause))
    named = ", ".join(_extra(e) for e in ordered[:EXTRA_SHOWN])
    more = len(extras) - EXTRA_SHOWN
    tail = f" and {more} more" if more > 0 else ""
    by_parents = sum(1 for e in extras if e.cause == THROUGH_PARENT)
    parents = f", {by_parents} of them through parent resources" if by_parents else ""
    report.add(
        section.endpoints_at,
        join(section.field, "endpoints"),
        f"integration {rules.shown(section.name.value)}: the grant opens {len(extras)} routes "
        f"besides its endpoints{parents} (ACL resources are coarser than routes): "
        f"{named}{tail}; "
        "see them all with magegen routes --spec",
        severity="warning",
    )


def _extra(extra: ExtraRoute) -> str:
    from generator.magento.routequery import (
        SAME_RESOURCE,
        THROUGH_ADMIN,
        THROUGH_LISTED,
        THROUGH_PARENT,
    )

    through = ", ".join(shown(r) for r in extra.through)
    why = {
        SAME_RESOURCE: f"same resource {through}",
        THROUGH_PARENT: f"through parent {through}",
        THROUGH_LISTED: f"through listed {through}",
        THROUGH_ADMIN: f"{through}, which Magento adds to every grant",
    }.get(extra.cause, f"through {through}")
    return f"{shown(str(extra.route))} ({why})"


def warn_without_parents(report: Report, section: IntegrationSection) -> None:
    """``parents: false``: the grant is least privilege, but the admin sees an empty tree."""
    if section.parents or section.name is None:
        return
    report.add(
        section.parents_at,
        join(section.field, "parents"),
        f"integration {rules.shown(section.name.value)} is granted without parent resources: "
        "the admin's integration page and its Activate popup show an empty permission tree, "
        "so the admin who approves it cannot see what it gets",
        severity="warning",
    )


def integration_endpoints(
    report: Report,
    section: IntegrationSection,
    acl: AclCatalog,
    load_routes: Callable[[], RouteCatalog] | None,
    targets: Targets | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The routes an integration's ``endpoints`` name, and the resources they and its
    ``resources`` grant together; warns of the routes that grant opens besides.

    With ``targets`` (no store named), each route is granted what every targeted release needs
    for it: a route some target lacks is an error, one whose resources differ a warning.
    """
    catalog = (load_routes or bundled_route_catalog)()
    routes = requested_routes(report, section, catalog, targets)
    if section.all_resources:
        report.add(
            section.endpoints_at,
            join(section.field, "endpoints"),
            f"with all_resources: true, list no endpoints: {ALL} opens every route",
        )
    if not routes and not section.resources and not report.failed:
        report.add(
            section.endpoints_at,
            join(section.field, "endpoints"),
            "no endpoint needs a grant (anonymous routes are open to anyone), so the "
            "integration would be granted nothing; list a route that needs one, or resources",
        )
    if report.failed or not routes:
        return tuple(dict.fromkeys(str(r) for r in routes)), ()
    listed = section.resources or ()
    resources = endpoint_resources(acl, routes, listed, section.parents)
    if targets is not None and section.parents:
        from generator.spec.targets import with_release_ancestors

        resources = with_release_ancestors(resources, targets, acl)
    warn_extra_routes(report, section, acl, catalog, routes)
    return tuple(dict.fromkeys(str(r) for r in routes)), resources


def route_options(report: Report, sections: SpecSections, form: IntegrationFormat) -> None:
    """``parents: false`` needs the split format; ``bearer_tokens`` gets its security warning."""
    for section in sections.integrations or ():
        if not section.parents and form is not IntegrationFormat.SPLIT:
            report.add(
                section.parents_at,
                join(section.field, "parents"),
                "parents: false needs integration_format: split: Magento adds the parents of "
                "etc/integration.xml's resources itself",
            )
    if sections.bearer_tokens is not None:
        report.add(
            sections.bearer_tokens.at,
            "bearer_tokens",
            "etc/config.xml lets every integration's access token be used as a Bearer token, "
            "store-wide: a leaked token then works without an OAuth signature; prefer OAuth "
            "1.0a signed requests where the client can sign",
            severity="warning",
        )
