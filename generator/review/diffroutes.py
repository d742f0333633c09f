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


def _callable(facts: IntegrationFacts | None, acl: AclCatalog, catalog: RouteCatalog) -> set[Route]:
    from generator.magento.routequery import callable_routes, grant_of

    if facts is None or facts.format == RETIRED:
        return set()
    ids = effective_ids(facts.format, facts.resource_ids, acl)
    return set(callable_routes(catalog, grant_of(ids, acl)))


def with_routes(
    changes: list[IntegrationChange],
    old: dict[str, IntegrationFacts],
    new: dict[str, IntegrationFacts],
    acl: AclCatalog,
    catalog: RouteCatalog,
) -> list[IntegrationChange]:
    """``changes``, each added or changed integration with the routes it can now call and no
    longer call (one removed or retired loses them all, which its status says)."""
    from generator.magento.routes import Route

    found = []
    for change in changes:
        if change.status not in ("added", "changed") or not (change.granted or change.revoked):
            found.append(change)
            continue
        before = _callable(old.get(change.name), acl, catalog)
        after = _callable(new.get(change.name), acl, catalog)
        gained = tuple(str(r) for r in sorted(after - before, key=Route.sort_key))
        lost = tuple(str(r) for r in sorted(before - after, key=Route.sort_key))
        found.append(replace(change, routes_gained=gained, routes_lost=lost))
    return found


def bearer_note(before: bool, after: bool) -> tuple[str, ...]:
    """The note for a change of ``bearer_tokens`` between the two sides; none when it stays."""
    if before == after:
        return ()
    return (BEARER_ON,) if after else (BEARER_OFF,)
