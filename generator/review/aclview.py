"""Show the ACL tree to people (`magegen acl`): the tree, searches, and JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from generator.errors import Problem, UsageError, shown
from generator.magento.acl import AclCatalog, AclResource
from generator.magento.files import MODULE_XML, inside_tree
from generator.magento.suggest import closest_words, stem, words
from generator.patterns import lazy

if TYPE_CHECKING:
    from generator.magento.catalogs import Catalogs

_ID_LIKE = lazy(r"::|_")  # a term that is (part of) an id: matched within ids only
_RAW_WORD = lazy(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")


# Words people use for API access, and the words Magento's ACL titles use for them.
SYNONYMS = {
    "read": ("view",),
    "get": ("view",),
    "write": ("edit", "save"),
    "update": ("edit", "save"),
    "remove": ("delete",),
}


class _Haystack(NamedTuple):
    own_words: frozenset[str]
    path_words: frozenset[str]
    own_id: str
    own_text: str
    path_text: str


# Ancestors whose words a search matches: Magento's tree is at most eight levels deep; a
# catalog's deeper chain must not make every search quadratic in its depth.
PATH_LEVELS = 10


def _above(catalog: AclCatalog, resource: AclResource) -> list[AclResource]:
    """The resource's nearest PATH_LEVELS ancestors, root side first."""
    found: list[AclResource] = []
    current = catalog.get(resource.parent) if resource.parent is not None else None
    while current is not None and len(found) < PATH_LEVELS:
        found.append(current)
        current = catalog.get(current.parent) if current.parent is not None else None
    return found[::-1]


def _haystacks(catalog: AclCatalog) -> list[tuple[AclResource, _Haystack]]:
    found = []
    for resource in catalog.resources:
        above = _above(catalog, resource)
        own = f"{resource.id} {resource.title}"
        path = " ".join(f"{r.id} {r.title}" for r in above if r is not None)
        found.append(
            (
                resource,
                _Haystack(
                    frozenset(words(own)),
                    frozenset(words(path)),
                    resource.id.casefold(),
                    own.casefold(),
                    path.casefold(),
                ),
            )
        )
    return found


def _word_match(term: str, own: frozenset[str], path: frozenset[str]) -> tuple[bool, bool]:
    """Whether every word of ``term`` (or a synonym) is a word of the resource or its path, and
    whether one of them is the resource's own."""
    found_own = True
    for word in words(term):
        options = {word, *SYNONYMS.get(word, ())}
        if options & own:
            continue
        if not options & path:
            return False, False
        found_own = False
    return True, found_own


def _matches(terms: list[str], haystack: _Haystack, whole_words: bool) -> bool:
    any_own = False
    for term in terms:
        if _ID_LIKE.search(term):
            matched = own = term.casefold() in haystack.own_id
        elif whole_words:
            matched, own = _word_match(term, haystack.own_words, haystack.path_words)
        else:
            folded = term.casefold()
            own = folded in haystack.own_text
            matched = own or folded in haystack.path_text
        if not matched:
            return False
        any_own = any_own or own
    return any_own


def search(catalog: AclCatalog, query: str) -> list[AclResource]:
    """Resources that every word of ``query`` matches, in tree order.

    A word matches the resource's id or title, or those of its ancestors (``read orders`` finds
    the View action under Orders), ignoring case and plural endings; at least one word must match
    the resource itself, so that a single word does not list a whole subtree. Whole words are
    tried first, then parts of words (``cust`` finds the customer ids). A word with ``::`` or
    ``_`` is part of an id and matches within ids only (``Magento_Sales`` lists that module's).
    """
    terms = query.split()
    if not terms:
        return []
    haystacks = _haystacks(catalog)
    for whole_words in (True, False):
        found = [r for r, haystack in haystacks if _matches(terms, haystack, whole_words)]
        if found:
            return found
    return []


def near_misses(catalog: AclCatalog, query: str) -> str | None:
    """What ``query``, which matched nothing, most likely meant, as a hint; None if nothing."""
    if "::" in query.strip() and len(query.split()) == 1:
        close = catalog.suggestions(query.strip(), limit=3)
        return f"did you mean {', '.join(shown(c) for c in close)}?" if close else None
    vocabulary = {w for r in catalog.resources for w in _RAW_WORD.findall(f"{r.id} {r.title}")}
    folded = {w.casefold() for w in vocabulary}
    corrected = []
    for term in query.split():
        if term.casefold() in folded or stem(term) in folded:
            corrected.append(term)
            continue
        close = closest_words(term, folded)
        if not close:
            return None
        corrected.append(close[0])
    fixed = " ".join(corrected)
    found = search(catalog, fixed) if fixed.casefold() != query.casefold() else []
    if not found:
        return None
    shown_ids = ", ".join(shown(r.id) for r in found[:3])
    more = f", ... {len(found)} in all" if len(found) > 3 else ""
    return f"did you mean {fixed!r} ({shown_ids}{more})?"


def _label(resource: AclResource) -> str:
    flag = "  (disabled)" if resource.disabled else ""
    return f"{shown(resource.id)}  {shown(resource.title)}{flag}"


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
        yield "    " + " > ".join(shown(t) for t in titles)


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


def with_own(
    catalog: AclCatalog, spec: Path | None, module_dir: Path | None, known: Catalogs
) -> tuple[AclCatalog, tuple[Problem, ...]]:
    """``catalog`` with the own resources of the spec ``spec`` (its ``acl:``) or of the module
    folder ``module_dir`` (its etc/acl.xml, read under the module reading rules) merged in, and
    warnings about what could not be read. Raises UsageError or SpecError for bad input."""
    if spec is not None and module_dir is not None:
        raise UsageError([Problem("--spec", "give --spec SPEC or --module MODULE_DIR, not both")])
    if spec is not None:
        from generator.spec.ownacl import with_own_acl
        from generator.spec.reader import load_spec

        loaded = load_spec(
            spec, None, catalog, known.modules, known.from_store, fallback_name="Magegen_Acl"
        )
        return with_own_acl(loaded.spec, catalog), ()
    if module_dir is None:
        return catalog, ()
    from generator.magento.installation import read_module_xml
    from generator.magento.moduleacl import with_module_acl

    if not inside_tree(module_dir, MODULE_XML):
        raise UsageError([Problem(str(module_dir), "is not a module folder (no etc/module.xml)")])
    try:
        name, _ = read_module_xml(module_dir / MODULE_XML)
    except ValueError as exc:
        problem = Problem(str(module_dir / MODULE_XML), f"cannot be read: {shown(str(exc))}")
        raise UsageError([problem]) from None
    return with_module_acl(module_dir, name, catalog)
