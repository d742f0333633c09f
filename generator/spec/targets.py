"""The Magento releases a spec targets (its ``magento:`` key) and what they change: composer.json's
``php``, the ids a grant may name, and the ancestors api.xml lists.

A grant must work on every targeted release: an id must exist, enabled, in each one that ships
its module. api.xml lists the ancestors an id has in any targeted release, since a parent can
move between releases (2.4.8 put ``Magento_Paypal::paypal`` under ``Magento_Payment::payment``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from generator.magento.acl import AclCatalog, module_of
from generator.magento.lines import known_lines, php_constraint
from generator.magento.releases import (
    Release,
    known_releases,
    release_acl,
    release_ancestors,
    release_ids,
    release_modules,
)
from generator.magento.targetset import Targets, default_targets, describe, select_releases
from generator.spec.fields import Located

STORE_HINT = (
    "give the store's own catalog (--catalog FILE, MAGEGEN_CATALOG, --magento-root or the spec "
    "key catalog:) to check against the store itself"
)


def target_releases(magento: Located | None) -> Targets:
    """The releases ``magento:`` targets (checked already while reading); the default ones
    without it."""
    return select_releases(magento.value) if magento is not None else default_targets()


def target_php(targets: Targets) -> str:
    """composer.json's ``php`` for ``targets``: every PHP version one of them allows."""
    return php_constraint(targets.php_sources())


def _ships_module(release: Release, resource_id: str) -> bool:
    module = module_of(resource_id)
    acl = release_acl(release.name)
    return module is not None and (
        acl.knows_module(resource_id) or release_modules(release.name).knows(module)
    )


def having(resource_id: str) -> tuple[str, ...]:
    """The known releases where ``resource_id`` exists, enabled."""
    return tuple(
        r.name
        for r in known_releases()
        if (found := release_ids(r.name).get(resource_id)) is not None and not found.disabled
    )


def release_problems(ids: Iterable[str], targets: Targets) -> dict[str, tuple[str, str]]:
    """For each id of ``ids`` that some targeted release shipping its module lacks or disables,
    or that only releases outside the targets have: (message, severity).

    An id whose module no targeted release ships, but other releases have, is a warning: the
    module may be installed as a separate package, so the id is granted as written.
    """
    problems = {}
    for resource_id in dict.fromkeys(ids):
        found = [release_ids(r.name).get(resource_id) for r in targets.releases]
        if all(f is not None and not f.disabled for f in found):
            continue  # enabled in every target: nothing to say
        shipping = [r for r in targets.releases if _ships_module(r, resource_id)]
        if not shipping:
            elsewhere = having(resource_id)
            if elsewhere:
                problems[resource_id] = (_not_shipped(resource_id, targets, elsewhere), "warning")
            continue
        lacking = [r.name for r in shipping if resource_id not in release_ids(r.name)]
        disabled = [
            r.name
            for r in shipping
            if (found := release_ids(r.name).get(resource_id)) is not None and found.disabled
        ]
        if not lacking and not disabled:
            continue
        elsewhere = having(resource_id)
        if not elsewhere:
            continue  # enabled in no release: a typo or a disabled id, as resolve_grant says
        problems[resource_id] = (
            _release_message(resource_id, lacking, disabled, elsewhere),
            "error",
        )
    return problems


def _not_shipped(resource_id: str, targets: Targets, elsewhere: tuple[str, ...]) -> str:
    return (
        f"{resource_id} is granted as written, unchecked: Magento {describe(targets.names)} does "
        f"not ship the module {module_of(resource_id)} (it exists in Magento "
        f"{describe(elsewhere)}); it works where that module is installed; {STORE_HINT}"
    )


def _release_message(
    resource_id: str, lacking: list[str], disabled: list[str], elsewhere: tuple[str, ...]
) -> str:
    parts = []
    if lacking:
        parts.append(f"does not exist in Magento {describe(lacking)}")
    if disabled:
        parts.append(
            f"is disabled in Magento {describe(disabled)} (Magento leaves it out of the tree: "
            "a grant of it does nothing there)"
        )
    has = f"; it exists in Magento {describe(elsewhere)}" if elsewhere else ""
    replaced = _replacements(resource_id, lacking, elsewhere)
    return (
        f"ACL resource {resource_id} {' and '.join(parts)}{has}{replaced}: target only releases "
        f"that have it (magento:), grant an id every targeted release has, or {STORE_HINT}"
    )


def _replacements(resource_id: str, lacking: list[str], elsewhere: tuple[str, ...]) -> str:
    """Where another id took ``resource_id``'s place: the routes it gates where it exists, and
    what they need in the first release lacking it."""
    if not lacking or not elsewhere:
        return ""
    from generator.magento.releases import release_routes

    there = release_routes(elsewhere[-1])
    before = release_routes(lacking[0])
    found = []
    for route in there.needing(resource_id):
        other = before.get(route.method, route.url)
        if other is not None and resource_id not in other.resources and other.acl_ids:
            found.append(f"{route} needs {', '.join(other.acl_ids)} there instead")
    return f" ({'; '.join(found)})" if found else ""


def subtree_filter(targets: Targets) -> Callable[[str, str], bool]:
    """What a subtree ``root/**`` brings for ``targets``: the descendants every targeted release
    has, enabled, of Magento's core modules or of the root's own module. Ids of optional
    packages a store may have removed (MSI, Payment Services) are granted only when named. Ids
    no targeted release knows (a module's own, declared by its spec or acl.xml) are brought."""
    def brings(root: str, resource_id: str) -> bool:
        found = [release_ids(name).get(resource_id) for name in targets.names]
        if all(resource is None for resource in found):
            return True
        owner = module_of(resource_id)
        core = owner is not None and targets.modules().is_core(owner)
        if owner != module_of(root) and not core:
            return False
        return all(resource is not None and not resource.disabled for resource in found)

    return brings


def with_release_ancestors(
    resources: Iterable[str], targets: Targets, acl: AclCatalog
) -> tuple[str, ...]:
    """``resources`` with the ancestors (below the admin root) each has in any targeted release,
    in ``acl``'s tree order; ids ``acl`` lacks keep their place at the end."""
    granted = list(resources)
    for resource_id in list(granted):
        for release in targets.releases:
            granted += [a for a in release_ancestors(release.name, resource_id) if a in acl]
    known = [r for r in granted if r in acl]
    return acl.in_tree_order(known) + tuple(dict.fromkeys(r for r in granted if r not in acl))


def _nameable() -> list[str]:
    """Target sets a spec can name simply, in the order spec-from prefers them: from a line on,
    one line, then a run of lines."""
    names = [line.name for line in known_lines()]
    ranges = [f">={a} <{b}" for i, a in enumerate(names) for b in names[i + 2 :]]
    return [f">={name}" for name in names] + [f"{name}.*" for name in names] + ranges


def targets_for_php(php: str) -> str | None:
    """The ``magento:`` constraint whose targets give exactly ``php``; None when the default
    targets give it (nothing to write) or no simple constraint does."""
    if php == target_php(default_targets()):
        return None
    for constraint in _nameable():
        if target_php(select_releases(constraint)) == php:
            return constraint
    return None


def target_lines_php(magento: str | None) -> str | None:
    """composer.json's php for the spec's ``magento:`` value; None without one."""
    return target_php(select_releases(magento)) if magento is not None else None
