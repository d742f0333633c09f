"""The Magento releases a module targets (``magento:``), and their catalogs taken together.

A Composer constraint over Magento versions (``>=2.4.7-p4``, ``~2.4.8``, ``>=2.4.6 <2.4.8``)
targets every known release it admits, in Composer's order of ``-pN`` patches. Where it admits
versions newer than the newest known release of a line (2.4.7-p7, when the newest known is
2.4.7-p6; or a line with no known release yet, such as 2.4.9), those are judged by the newest
known release before them, with a note saying so.

Taken together, the targets' ACL tree, modules and routes are unions: an id or route any target
has, with the newest target's attributes. Checks that must hold on every target (an id that
exists and is enabled everywhere) ask each release's own catalog (``releases.release_acl``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from generator.errors import shown
from generator.magento.acl import AclCatalog, ModuleCatalog
from generator.magento.constraints import (
    ConstraintError,
    Interval,
    admits,
    admits_some,
    intersect,
    later_than,
    parse_constraint,
    patch_span,
    release_key,
)
from generator.magento.defaults import stored_defaults
from generator.magento.lines import MagentoLine, known_lines, line_facts
from generator.magento.releases import (
    DATA,
    Release,
    framework_package,
    known_releases,
    release,
    release_acl,
    release_ids,
    release_modules,
    release_routes,
    union_module_packages,
)

if TYPE_CHECKING:
    from generator.magento.routes import RouteCatalog


class Targets(NamedTuple):
    """The releases a module targets, oldest first, and how they were chosen.

    ``unreleased`` are targeted lines magegen knows no release of (2.4.9): they are judged by
    the newest known release, and add their own PHP versions to composer.json's php.
    """

    releases: tuple[Release, ...]
    notes: tuple[str, ...] = ()
    unreleased: tuple[MagentoLine, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The targeted releases' names, oldest first."""
        return tuple(r.name for r in self.releases)

    @property
    def newest(self) -> Release:
        """The newest targeted release."""
        return self.releases[-1]

    def php_sources(self) -> tuple[Release | MagentoLine, ...]:
        """What composer.json's php must cover: every target's PHP versions."""
        return (*self.releases, *self.unreleased)

    def acl(self) -> AclCatalog:
        """Every target's ACL ids in one tree (the newest target's attributes win)."""
        return union_acl(self.names)

    def modules(self) -> ModuleCatalog:
        """Every target's modules; a package's constraint admits each target's version."""
        return union_modules(self.names)

    def routes(self) -> RouteCatalog:
        """Every target's REST routes (the newest target's declaration wins)."""
        return union_routes(self.names)


def describe(names: Iterable[str]) -> str:
    """Release names as a short list: consecutive known releases become ``2.4.7 to
    2.4.7-p3``."""
    order = {r.name: i for i, r in enumerate(known_releases())}
    chosen = sorted(set(names), key=lambda n: order.get(n, -1))
    runs: list[list[str]] = []
    for name in chosen:
        if runs and name in order and order.get(runs[-1][-1], -2) + 1 == order[name]:
            runs[-1].append(name)
        else:
            runs.append([name])
    parts = [run[0] if len(run) == 1 else f"{run[0]} to {run[-1]}" for run in runs]
    return ", ".join(parts)


def _beyond_known(
    admitted: tuple[Interval, ...], line: MagentoLine, newest: Release | None
) -> bool:
    """Whether ``admitted`` takes a version of ``line`` after its newest known release."""
    span = patch_span(*line.key)
    if newest is not None:
        span = intersect(span, later_than(newest.key))
    return admits_some(admitted, span)


@cache
def select_releases(constraint: str, *, notes: bool = True) -> Targets:
    """The known releases ``constraint`` (Composer syntax, over Magento versions) targets.

    Raises ConstraintError when Composer cannot read it, or when it targets no release
    magegen knows or can judge (the message names the known ones).
    """
    admitted = parse_constraint(constraint)
    releases = [r for r in known_releases() if admits(admitted, r.key)]
    beyond: list[str] = []
    judges: list[str] = []
    unreleased: list[MagentoLine] = []
    for line in known_lines():
        in_line = [r for r in known_releases() if r.line == line.name]
        judge = in_line[-1] if in_line else _newest_before(line)
        if judge is None or not _beyond_known(admitted, line, in_line[-1] if in_line else None):
            continue
        if not in_line:
            unreleased.append(line)
        if judge not in releases:
            releases.append(judge)
        beyond.append(f"{line.name} after {judge.name}" if in_line else line.name)
        judges.append(judge.name)
    said = (
        f"'{shown(constraint)}' also admits releases magegen does not know "
        f"({', '.join(beyond)}); each is judged by the newest known release before it "
        f"({', '.join(dict.fromkeys(judges))}); give the store's catalog (--catalog, "
        "--magento-root) to check against the store itself",
    )
    if not releases:
        known = describe(r.name for r in known_releases())
        raise ConstraintError(
            f"'{shown(constraint)}' targets none of the Magento releases magegen knows: {known}"
        )
    releases.sort(key=lambda r: r.key)
    return Targets(tuple(releases), said if notes and beyond else (), tuple(unreleased))


def _newest_before(line: MagentoLine) -> Release | None:
    before = [r for r in known_releases() if r.key < release_key(line.name)]
    return before[-1] if before else None


@cache
def default_targets() -> Targets:
    """The releases a module targets unless it says otherwise: those of the lines Adobe
    supported on the date the line facts were checked; no notes (the README says how a line
    without a known release is judged). As the build stored them, when it did for these facts."""
    constraint = line_facts().default_targets
    stored = stored_defaults(DATA, constraint)
    if stored is None:
        return select_releases(constraint, notes=False)
    lines = {line.name: line for line in known_lines()}
    releases = tuple(release(name) for name in stored.releases)
    return Targets(releases, (), tuple(lines[name] for name in stored.unreleased))


@cache
def union_acl(names: tuple[str, ...]) -> AclCatalog:
    """The ACL ids of the releases ``names`` (oldest first) in one tree: the newest release's
    tree, plus the ids only older ones have, under their parents there."""
    newest = release_acl(names[-1])
    extra = {}
    for name in reversed(names[:-1]):
        for resource_id, resource in release_ids(name).items():
            if resource_id not in newest and resource_id not in extra:
                extra[resource_id] = resource
    if not extra:
        return newest
    order = {name: release_acl(name) for name in names[:-1]}  # tree order, parents first
    extra = {
        r.id: r for name in reversed(names[:-1]) for r in order[name].resources if r.id in extra
    }
    from generator.magento.aclxml import AclTreeBuilder

    builder = AclTreeBuilder()
    builder.add_catalog(newest)
    builder.add_catalog(AclCatalog("", tuple(extra.values())))
    return builder.build(describe(names))


@cache
def union_modules(names: tuple[str, ...]) -> ModuleCatalog:
    """The modules of the releases ``names`` (oldest first): the newest declaration of each,
    with a constraint that admits the package's version in every release that has it
    (``1.2.*||1.3.*``)."""
    stored = stored_defaults(DATA, line_facts().default_targets)
    if stored is not None and names == stored.releases:
        return stored.modules  # the default targets', merged when the data was built
    return merged_modules(names)


def merged_modules(names: tuple[str, ...]) -> ModuleCatalog:
    """``union_modules``, computed from the releases' own tables."""
    if len(names) == 1:
        return release_modules(names[0])
    modules = union_module_packages(names)
    frameworks = [framework_package(name) for name in names]
    joined = "||".join(dict.fromkeys(f.constraint or "" for f in frameworks))
    framework = frameworks[-1]._replace(constraint=joined, version=None)
    return ModuleCatalog(describe(names), framework, modules)


@cache
def union_routes(names: tuple[str, ...]) -> RouteCatalog:
    """The REST routes of the releases ``names``: each as the newest release that has it
    declares it."""
    from generator.magento.routes import RouteCatalog

    found = {}
    for name in names:
        for route in release_routes(name):
            found[(route.method, route.url)] = route
    return RouteCatalog(describe(names), found.values())
