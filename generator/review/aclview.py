"""Show the ACL tree to people (`magegen acl`): the tree, searches, and JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator

from generator.magento.acl import AclCatalog, AclResource


def search(catalog: AclCatalog, query: str) -> list[AclResource]:
    """Resources whose id or title holds ``query``, ignoring case, in tree order."""
    needle = query.casefold()
    return [
        r for r in catalog.resources if needle in r.id.casefold() or needle in r.title.casefold()
    ]


def _label(resource: AclResource) -> str:
    flag = "  (disabled)" if resource.disabled else ""
    return f"{resource.id}  {resource.title}{flag}"


def tree_lines(catalog: AclCatalog) -> Iterator[str]:
    """The whole tree, one resource a line, indented two spaces a level."""
    for resource in catalog.resources:
        depth = len(catalog.path(resource.id)) - 1
        yield "  " * depth + _label(resource)


def match_lines(catalog: AclCatalog, matches: list[AclResource]) -> Iterator[str]:
    """Each match, then the titles on its path from the root."""
    for resource in matches:
        yield _label(resource)
        titles = [catalog.get(i).title for i in catalog.path(resource.id)]  # type: ignore[union-attr]
        yield "    " + " > ".join(titles)


def as_json(catalog: AclCatalog, resources: list[AclResource]) -> str:
    """``resources`` as a JSON document, each with its module and path of ids from the root."""
    document = {
        "magento_version": catalog.magento_version,
        "resources": [
            {
                "id": r.id,
                "title": r.title,
                "parent": r.parent,
                "module": r.module,
                "disabled": r.disabled,
                "path": catalog.path(r.id),
            }
            for r in resources
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
