"""The opening summary of ``acl-diff --format markdown``, and its route tables.

A reviewer must see first what a change does in all: how many integrations change, how many ACL
ids are granted and revoked, and which routes open and close, by method, writes and deletes
first. Long route lists are folded (``<details>``) and ordered the same way, so that a list of
sixty GET routes never buries a ``DELETE /V1/products/:sku``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from generator.errors import shown

if TYPE_CHECKING:
    from generator.review.acldiff import IntegrationChange

# Writes and deletes first: they change the store.
METHOD_ORDER = ("DELETE", "POST", "PUT", "PATCH", "GET")
FOLD_FROM = 10  # route rows from which a table is folded
NAMED_WRITES = 10  # writes and deletes named in the summary itself


def _method(route: str) -> str:
    return route.partition(" ")[0]


def by_method(routes: Iterable[str]) -> list[str]:
    """``routes`` ("METHOD /url") with deletes and writes first, reads last, each stable."""
    order = {method: index for index, method in enumerate(METHOD_ORDER)}
    return sorted(routes, key=lambda route: order.get(_method(route), len(order)))


def _counts(routes: Iterable[str]) -> str:
    counted = Counter(_method(route) for route in routes)
    methods = [*METHOD_ORDER, *sorted(set(counted) - set(METHOD_ORDER))]
    return ", ".join(f"{counted[m]} {m}" for m in methods if counted[m])


def summary(changes: list[IntegrationChange]) -> list[str]:
    """The opening lines: integrations changed, ids granted and revoked, routes by method."""
    statuses = Counter(change.status for change in changes)
    kinds = ", ".join(f"{count} {status}" for status, count in statuses.items())
    granted = sum(len(change.granted) for change in changes)
    revoked = sum(len(change.revoked) for change in changes)
    count = len(changes)
    lines = [
        f"**{count} integration{'s' * (count != 1)} change** ({kinds}): {granted} ACL "
        f"resource{'s' * (granted != 1)} granted, {revoked} revoked."
    ]
    opened = [route for change in changes for route in change.routes_gained]
    closed = [route for change in changes for route in change.routes_lost]
    if opened:
        lines.append(f"**Routes opened:** {_counts(opened)}.")
    if closed:
        lines.append(f"**Routes closed:** {_counts(closed)}.")
    writes = [route for route in by_method(dict.fromkeys(opened)) if _method(route) != "GET"]
    if writes:
        named = ", ".join(f"`{_code(route)}`" for route in writes[:NAMED_WRITES])
        more = f" and {len(writes) - NAMED_WRITES} more" if len(writes) > NAMED_WRITES else ""
        lines.append(f"**Can now change the store:** {named}{more}.")
    return [line + "  " if index < len(lines) - 1 else line for index, line in enumerate(lines)]


def route_table(change: IntegrationChange) -> list[str]:
    """The routes an integration gains and loses, writes and deletes first; folded when long."""
    rows = [f"| can now call | `{_code(r)}` |" for r in by_method(change.routes_gained)]
    rows += [f"| can no longer call | `{_code(r)}` |" for r in by_method(change.routes_lost)]
    if not rows:
        return []
    table = ["| | Route |", "|---|---|", *rows]
    if len(rows) < FOLD_FROM:
        return [*table, ""]
    parts = []
    if change.routes_gained:
        parts.append(f"{len(change.routes_gained)} opened ({_counts(change.routes_gained)})")
    if change.routes_lost:
        parts.append(f"{len(change.routes_lost)} closed ({_counts(change.routes_lost)})")
    label = "; ".join(parts)
    return ["<details>", f"<summary>Routes: {label}</summary>", "", *table, "", "</details>", ""]


def _code(text: str) -> str:
    from generator.review.markdown import cell

    return cell(shown(text)).replace("`", "'")
