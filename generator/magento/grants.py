"""What an integration's grant gives, worked out from the ACL tree alone.

A spec lists ACL ids (``Vendor_Module::id``, or ``Vendor_Module::id/**`` for an id and everything
below it). Magento needs each granted id listed with its ancestors below the admin root, in the
tree's order. ``resolve_grant`` turns the requested entries into that list and says what is
wrong with any of them; it reads no YAML and knows nothing of where the entries came from.

What the catalog cannot answer it does not guess: an id of a module the catalog has never heard
of (Adobe Commerce's ``Magento_Rma``, a third-party module) may well be valid where that module
is installed, so it is granted as written with a warning, while an unknown id of a module the
catalog knows is a typo and an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from generator.magento import rules
from generator.magento.acl import ALL, AclCatalog


class GrantProblem(NamedTuple):
    """What is wrong with the requested entry at ``index``."""

    index: int
    message: str
    severity: str = "error"


class Grant(NamedTuple):
    """The resources a request grants, who declares them, and what was wrong with it.

    ``resources`` holds every granted id with its ancestors below the admin root, in tree order,
    then the ids of modules the catalog does not know, as requested. ``owners`` pairs the index
    of each granted entry with the module that declares its id.
    """

    resources: tuple[str, ...]
    owners: tuple[tuple[int, str], ...] = ()
    problems: tuple[GrantProblem, ...] = ()


def module_of(resource_id: str) -> str:
    """The module part of an ACL id: ``Magento_Sales`` for ``Magento_Sales::reorder``."""
    return resource_id.partition("::")[0]


def declaring_modules(acl: AclCatalog) -> Callable[[str], bool]:
    """The question ``resolve_grant`` asks by default: does some resource of ``acl`` come from
    this module (or carry its name)?"""
    known = frozenset(r.module for r in acl.resources)
    known |= frozenset(module_of(r.id) for r in acl.resources)
    return known.__contains__


def resolve_grant(
    acl: AclCatalog,
    requested: Sequence[str],
    *,
    all_resources: bool = False,
    knows_module: Callable[[str], bool] | None = None,
    from_installation: bool = False,
    parents: bool = True,
    own_module: str | None = None,
    unchecked: frozenset[str] = frozenset(),
    below: Callable[[str, str], bool] | None = None,
) -> Grant:
    """The grant that the entries ``requested`` ask of the ACL tree ``acl``.

    Without ``parents``, each id is granted without its ancestors (a subtree still brings what
    lies below its id).

    ``all_resources`` says the integration is meant to have full access, so ``Magento_Backend::all``
    may be listed. ``knows_module(module)`` answers whether the catalog knows a module at all
    (default: whether ``acl`` declares a resource of it); ``from_installation`` says ``acl``
    holds an installation's own modules, so an unknown module is really missing there.
    ``own_module`` is the module the grant is for: ``acl`` holds all it declares, so an unknown
    id of it is an error. Ids in ``unchecked`` that ``acl`` lacks are granted as written,
    without a problem (the caller has said why). ``below(root, id)`` says whether a subtree
    ``root/**`` brings the descendant ``id`` (default: every enabled one).
    """
    knows = knows_module or declaring_modules(acl)
    granted: list[str] = []
    foreign: list[str] = []
    owners: list[tuple[int, str]] = []
    problems: list[GrantProblem] = []
    for index, entry in enumerate(requested):
        resource_id, subtree = rules.split_subtree(entry)
        problem = None
        if resource_id not in unchecked or resource_id in acl:
            problem = _entry_problem(
                acl, entry, all_resources, knows, from_installation, own_module
            )
        if problem is not None:
            problems.append(GrantProblem(index, *problem))
            if problem[1] == "error":
                continue
        resource = acl.get(resource_id)
        if resource is None:
            foreign.append(resource_id)
            owners.append((index, module_of(resource_id)))
            continue
        owners.append((index, resource.module))
        granted.append(resource_id)
        if parents:
            granted += acl.ancestors_below_admin(resource_id)
        if subtree:
            granted += [
                under
                for under in acl.descendants(resource_id)
                if not acl.get(under).disabled  # type: ignore[union-attr]
                and (below is None or below(resource_id, under))
            ]
    resources = acl.in_tree_order(granted) + tuple(dict.fromkeys(foreign))
    return Grant(resources, tuple(owners), tuple(problems))


def _entry_problem(
    acl: AclCatalog,
    entry: str,
    all_resources: bool,
    knows: Callable[[str], bool],
    from_installation: bool,
    own_module: str | None = None,
) -> tuple[str, str] | None:
    """(message, severity) for what is wrong with one requested entry, or None."""
    resource_id, subtree = rules.split_subtree(entry)
    resource = acl.get(resource_id)
    close = acl.suggestions(resource_id, limit=1) if resource is None else []
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    if rules.check_resource_entry(entry):
        if entry.endswith("/*") and entry[:-2] in acl:
            return f"{rules.shown(entry)}: write {entry}* for a subtree", "error"
        if acl.same_but_case(resource_id):
            return f"{rules.shown(entry)} is not an ACL resource id{hint}", "error"
        return rules.check_resource_entry(entry), "error"  # type: ignore[return-value]
    if resource is None and module_of(resource_id) == own_module:
        return (
            f"unknown ACL resource {rules.shown(resource_id)}{hint}: the module declares it "
            "nowhere; add it to acl:, or fix the id (Magento drops unknown ids silently)",
            "error",
        )
    if resource is None:
        return _unknown(resource_id, subtree, hint, knows, from_installation)
    if resource.disabled:
        return (
            f"ACL resource {resource_id} is disabled in Magento; granting it does nothing",
            "error",
        )
    if resource_id == ALL and not all_resources:
        return (
            f"{ALL} grants full access to everything; set all_resources: true on this "
            "integration if that is really meant",
            "error",
        )
    return None


def _unknown(
    resource_id: str,
    subtree: bool,
    hint: str,
    knows: Callable[[str], bool],
    from_installation: bool,
) -> tuple[str, str]:
    """What to say of an id the tree does not hold: a typo, or a module the catalog lacks."""
    module = module_of(resource_id)
    if hint:
        return f"unknown ACL resource {rules.shown(resource_id)}{hint}", "error"
    if from_installation:
        return (
            f"unknown ACL resource {rules.shown(resource_id)}; neither Magento's core nor the "
            "installation declares it",
            "error",
        )
    if knows(module):
        return (
            f"unknown ACL resource {rules.shown(resource_id)}; an id of a newer Magento or of "
            "a third-party module needs the store's catalog: --magento-root, --catalog FILE, "
            "MAGEGEN_CATALOG or the spec key catalog:",
            "error",
        )
    if subtree:
        return (
            f"{rules.shown(resource_id + '/**')}: magegen's catalog does not know the module "
            f"{module}, so it cannot list what lies below this id; list the ids, or pass "
            "--magento-root with a Magento where the module is installed",
            "error",
        )
    return (
        f"{rules.shown(resource_id)} is granted as written, unchecked: magegen's catalog (Magento "
        f"Open Source) does not know the module {module}, nor its parent resources; check it "
        "with --magento-root pointing at a Magento where the module is installed",
        "warning",
    )
