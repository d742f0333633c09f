"""Fold the ACL ids a module grants back into the shortest list a spec grants them with."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from generator.magento.acl import AclCatalog

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
    above: set[str] = set()
    for resource_id in unique:
        if resource_id in acl:
            above.update(acl.ancestors_below_admin(resource_id))
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
    memo: dict[tuple[str, str], bool] = {}

    def complete(top: str, resource_id: str) -> bool:
        if (top, resource_id) not in memo:
            resource = acl.get(resource_id)
            covered = (
                resource_id in present
                or (resource is not None and resource.disabled)
                or (resource_id != top and brings is not None and not brings(top, resource_id))
            )
            children = acl.children(resource_id)
            memo[top, resource_id] = covered and all(complete(top, c) for c in children)
        return memo[top, resource_id]

    return {
        resource_id
        for resource_id in unique
        if resource_id in acl
        and not acl.get(resource_id).disabled  # type: ignore[union-attr]
        and any(acl.children(resource_id))
        and complete(resource_id, resource_id)
    }


def _top(resource_id: str, tops: set[str], acl: AclCatalog) -> str | None:
    """The highest complete subtree ``resource_id`` lies in (itself included), if any."""
    chain = acl.path(resource_id) if resource_id in acl else [resource_id]
    return next((node for node in chain if node in tops), None)
