"""``endpoints:`` across the targeted releases: a route must exist in every one, and the grant
holds what each one needs for it (``POST /V1/orders`` needs ``Magento_Sales::create`` up to
2.4.7-p3 and ``Magento_Sales::api_actions`` from 2.4.7-p4 on)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.errors import shown
from generator.magento.releases import known_releases, release_routes
from generator.magento.targetset import Targets, describe
from generator.spec.targets import STORE_HINT

if TYPE_CHECKING:
    from generator.magento.routematch import RouteLookupError
    from generator.magento.routes import Route


def route_in_releases(
    route: Route, targets: Targets
) -> tuple[tuple[Route, ...], tuple[str, str] | None]:
    """The route as each targeted release declares it (one per distinct set of resources), and
    what to say: (message, severity) when some target lacks it (an error) or when targets need
    different resources for it (a warning); None when all agree."""
    by_release = {
        r.name: release_routes(r.name).get(route.method, route.url) for r in targets.releases
    }
    missing = [name for name, found in by_release.items() if found is None]
    variants: dict[tuple[str, ...], list[str]] = {}
    for name, found in by_release.items():
        if found is not None:
            variants.setdefault(found.resources, []).append(name)
    declared = tuple(
        next(f for f in by_release.values() if f is not None and f.resources == resources)
        for resources in variants
    )
    if missing:
        having = [
            r.name for r in known_releases() if release_routes(r.name).get(route.method, route.url)
        ]
        return declared, (
            f"{shown(str(route))} does not exist in Magento {describe(missing)}, which the module "
            f"targets (Magento {describe(having)} has it): target only releases that have it "
            f"(magento:), or {STORE_HINT}",
            "error",
        )
    if len(variants) > 1:
        needs = "; ".join(
            f"{', '.join(resources)} on Magento {describe(names)}"
            for resources, names in variants.items()
        )
        return declared, (
            f"{shown(str(route))} needs different ACL resources on the targeted releases: "
            f"{needs}; the grant holds each, so the route is authorised on all of them",
            "warning",
        )
    return declared, None


def elsewhere_message(
    text: str, error: RouteLookupError | None, target_with: str = "magento:"
) -> str | None:
    """For a route the targets do not have: which other known releases have it (instead of a
    suggestion of another route), or None when no release has it. ``target_with`` is how the
    reader picks releases (the spec key, or the command line's --magento)."""
    from generator.magento.routematch import RouteLookupError, resolve

    having = []
    for release in known_releases():
        try:
            resolve(release_routes(release.name), text)
        except RouteLookupError:
            continue
        having.append(release.name)
    if not having:
        return None
    return (
        f"{shown(text)} is not a route of the targeted releases; Magento {describe(having)} "
        f"has it: target those ({target_with}), or {STORE_HINT}"
    )
