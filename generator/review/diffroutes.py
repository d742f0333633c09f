"""The REST routes an ACL change opens and closes, for ``magegen acl-diff``.

A reviewer reads "can now call POST /V1/orders/:id/cancel" more easily than an ACL id. For each
integration whose grant changes, the routes its token may call before and after are compared
(as Magento stores the grant: with Magento_Backend::admin added; anonymous routes left out,
since anyone may call them). Also here: the note for a change of the store-wide Bearer setting.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from generator.magento.acl import AclCatalog
from generator.magento.integrations import IntegrationFacts, effective_ids
from generator.review.acldiff import RETIRED, IntegrationChange

if TYPE_CHECKING:
    from generator.magento.routes import Route, RouteCatalog

BEARER_ON = (
    "bearer_tokens turns on: etc/config.xml lets every integration's access token be used as a "
    "standalone Bearer token, store-wide; a leaked token then works without an OAuth signature"
)
BEARER_OFF = (
    "bearer_tokens turns off: integration access tokens sent as Bearer tokens get 401 again "
    "(unless the store sets oauth/consumer/enable_integration_as_bearer itself); clients must "
    "sign requests with OAuth 1.0a"
)


def _callable(
    facts: IntegrationFacts | None, acl: AclCatalog, catalog: RouteCatalog
) -> dict[str, Route]:
    """The routes the integration ``facts`` may call, by method and path (the same route of
    two releases' catalogs is one route, whatever ids each needs)."""
    from generator.magento.routequery import callable_routes, grant_of

    if facts is None or facts.format == RETIRED:
        return {}
    ids = effective_ids(facts.format, facts.resource_ids, acl)
    return {str(route): route for route in callable_routes(catalog, grant_of(ids, acl))}


def _difference(before: dict[str, Route], after: dict[str, Route]) -> tuple[tuple[str, ...], ...]:
    """The routes gained and the routes lost, each in the catalog's order."""
    from generator.magento.routes import Route

    def ordered(names: set[str], routes: dict[str, Route]) -> tuple[str, ...]:
        return tuple(str(r) for r in sorted((routes[n] for n in names), key=Route.sort_key))

    return ordered(after.keys() - before.keys(), after), ordered(before.keys() - after.keys(), before)


def with_routes(
    changes: list[IntegrationChange],
    old: dict[str, IntegrationFacts],
    new: dict[str, IntegrationFacts],
    acl: AclCatalog,
    catalog: RouteCatalog,
    old_acl: AclCatalog | None = None,
    old_catalog: RouteCatalog | None = None,
) -> list[IntegrationChange]:
    """``changes``, each added or changed integration with the routes it can now call and no
    longer call (one removed or retired loses them all, which its status says).

    The old side is judged by its own tree and routes (``old_acl``, ``old_catalog``; default:
    the new side's), so a change of the releases a spec targets shows what it opens and closes:
    an integration whose grant stays but whose routes differ between the two sides' releases
    is listed too."""
    before_acl, before_catalog = old_acl or acl, old_catalog or catalog
    found = []
    for change in changes:
        if change.status not in ("added", "changed") or not (change.granted or change.revoked):
            found.append(change)
            continue
        before = _callable(old.get(change.name), before_acl, before_catalog)
        after = _callable(new.get(change.name), acl, catalog)
        gained, lost = _difference(before, after)
        found.append(replace(change, routes_gained=gained, routes_lost=lost))
    if before_catalog is catalog:
        return found
    listed = {change.name for change in found}
    for name, facts in new.items():
        if name in listed or old.get(name) is None:
            continue
        gained, lost = _difference(
            _callable(old[name], before_acl, before_catalog), _callable(facts, acl, catalog)
        )
        if gained or lost:
            found.append(
                IntegrationChange(
                    name, "changed", facts.format, other=(TARGETS_CHANGED,),
                    routes_gained=gained, routes_lost=lost,
                )
            )
    return found


TARGETS_CHANGED = (
    "same grant, other Magento releases targeted: there these routes need other ACL ids"
)


def bearer_note(before: bool, after: bool) -> tuple[str, ...]:
    """The note for a change of ``bearer_tokens`` between the two sides; none when it stays."""
    if before == after:
        return ()
    return (BEARER_ON,) if after else (BEARER_OFF,)
