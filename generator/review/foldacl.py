"""Fold the ACL ids a module grants back into the shortest list a spec grants them with."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from generator.magento.acl import ADMIN, AclCatalog

SUBTREE = "/**"


def fold_resources(
    listed: Iterable[str], acl: AclCatalog, brings: Callable[[str, str], bool] | None = None
) -> list[str]:
    """``listed`` as a spec would write it: without repeats, without the ids that lie above
    another listed id (magegen adds parents back below the admin root), and with every complete
    subtree written ``Parent/**`` where that replaces more than one entry.

    A subtree is complete when the parent and every enabled id below it that a spec's
    ``Parent/**`` brings (``brings(parent, id)``, default: all) are listed. Ids the ACL tree
    does not know are kept as listed.
    """
    unique = list(dict.fromkeys(listed))
    above = _ancestors(unique, acl)
    kept = [resource_id for resource_id in unique if resource_id not in above]
    tops = _complete_subtrees(unique, acl, brings)
    if not tops:
        return kept
    top_of = {resource_id: _top(resource_id, tops, acl) for resource_id in kept}
    replaced: dict[str, int] = {}
    for top in top_of.values():
        if top is not None:
            replaced[top] = replaced.get(top, 0) + 1
    folded: list[str] = []
    for resource_id in kept:
        top = top_of[resource_id]
        if top is None or replaced[top] < 2:
            folded.append(resource_id)
        elif top + SUBTREE not in folded:
            folded.append(top + SUBTREE)
    return folded


def _complete_subtrees(
    unique: list[str], acl: AclCatalog, brings: Callable[[str, str], bool] | None
) -> set[str]:
    """The listed ids with at least one id below them whose whole subtree is listed."""
    present = set(unique)
    if brings is None:
        memo: dict[str, bool] = {}
        for resource in reversed(acl.resources):  # every child before its parent, no recursion
            covered = resource.id in present or resource.disabled
            memo[resource.id] = covered and all(memo[c] for c in acl.children(resource.id))

        def complete(top: str) -> bool:
            return memo[top]
    else:

        def complete(top: str) -> bool:
            # Every id below ``top`` is listed, disabled, or one ``Parent/**`` does not bring.
            return all(
                below in present
                or acl.get(below).disabled  # type: ignore[union-attr]
                or not brings(top, below)
                for below in acl.descendants(top)
            )

    return {
        resource_id
        for resource_id in unique
        if resource_id in acl
        and not acl.get(resource_id).disabled  # type: ignore[union-attr]
        and any(acl.children(resource_id))
        and complete(resource_id)
    }


def _ancestors(resource_ids: list[str], acl: AclCatalog) -> set[str]:
    """Every ancestor below the admin root of the known ``resource_ids``; each chain is walked
    up only to the first id already seen, so a deep chain costs its length once."""
    above: set[str] = set()
    for resource_id in resource_ids:
        if resource_id not in acl:
            continue
        current = acl.get(resource_id).parent  # type: ignore[union-attr]
        while current is not None and current != ADMIN and current not in above:
            above.add(current)
            resource = acl.get(current)
            current = resource.parent if resource is not None else None
    return above


def _top(resource_id: str, tops: set[str], acl: AclCatalog) -> str | None:
    """The highest complete subtree ``resource_id`` lies in (itself included), if any."""
    chain = acl.path(resource_id) if resource_id in acl else [resource_id]
    return next((node for node in chain if node in tops), None)
