"""Magento's ACL resource tree and its modules, and queries.

The bundled catalogs describe the releases of ``generator.magento.releases``: each a default
Magento Open Source install, with Magento's own modules (CORE) and the other packages
``magento/product-community-edition`` brings in (DEFAULT_INSTALL: MSI, PageBuilder, the security
package, Adobe Stock/IMS, Braintree, ...). "core" still matters to some checks.

Magento merges every module's ``etc/acl.xml`` by resource id, in module load order: a later file
can add children under a resource another module declared, and its attributes win. Each level is
then ordered by ``sortOrder`` (0 when absent); that order is the one the admin's role editor shows
and the one magegen writes resources in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from generator.magento.suggest import Candidate

ADMIN = "Magento_Backend::admin"
ALL = "Magento_Backend::all"
ALL_TITLE = "Allow everything"  # its title in Magento_Backend's acl.xml
# Distinct wrong ids one run of magegen ranks suggestions for (a few ms each); past it, no
# suggestion: a file of thousands of unknown ids is no typo, and its run stays within a fixed
# time. Counted per run, not per catalog: the bundled catalogs are shared by everything a
# process reads (see ``reset_suggestion_budget``).
SUGGESTION_BUDGET = 200
# "deferred": while set, nothing is ranked and each request is counted in "wanted" instead, so
# that a caller checking in several processes can rank them afterwards in its own order.
_rankings = {"left": SUGGESTION_BUDGET, "deferred": 0, "wanted": 0}


def reset_suggestion_budget() -> None:
    """Start a new run's suggestion budget (each command of the CLI calls it once)."""
    _rankings["left"] = SUGGESTION_BUDGET


def defer_rankings(deferred: bool) -> None:
    """While ``deferred``, ``AclCatalog.suggestions`` ranks nothing (it still answers an id
    spelt with other capitals) and counts each request instead (``rankings_wanted``)."""
    _rankings["deferred"] = int(deferred)


def rankings_wanted() -> int:
    """How many suggestions were asked for while rankings were deferred, in this process."""
    return _rankings["wanted"]

# Where a module of a ModuleCatalog comes from.
CORE = "core"  # one of the 209 core modules of magento2 (app/code/Magento)
DEFAULT_INSTALL = "default-install"  # another package of a default Open Source install (MSI, ...)
INSTALLATION = "installation"  # found only in the installation given with --magento-root



class AclResource(NamedTuple):
    """One ACL resource of the merged tree."""

    id: str
    title: str
    parent: str | None
    module: str
    sort_order: int | None = None
    disabled: bool = False


class AclCatalog:
    """A merged ACL tree; ``resources`` are in tree order (depth first, by sortOrder)."""

    __slots__ = (
        "_candidates",
        "_children",
        "_index",
        "_modules",
        "_position",
        "_suggested",
        "magento_version",
        "resources",
    )

    def __init__(self, magento_version: str, resources: tuple[AclResource, ...]) -> None:
        if not any(r.id == ALL for r in resources):
            # Magento_Backend::all means full access whether or not a tree declares it: Magento
            # grants it by id (Backend's acl.xml), so a tree without it still knows what it is.
            resources = (AclResource(ALL, ALL_TITLE, None, "Magento_Backend"), *resources)
        self.magento_version = magento_version
        self.resources = resources
        self._index = {r.id: r for r in resources}
        self._position = {r.id: i for i, r in enumerate(resources)}
        children: dict[str | None, list[str]] = {}
        for resource in resources:
            children.setdefault(resource.parent, []).append(resource.id)
        self._children = {k: tuple(v) for k, v in children.items()}
        self._modules: frozenset[str] | None = None
        self._candidates: tuple[Candidate, ...] | None = None
        self._suggested: dict[tuple[str, int], list[str]] = {}

    def __contains__(self, resource_id: object) -> bool:
        return resource_id in self._index

    def __len__(self) -> int:
        return len(self.resources)

    def get(self, resource_id: str) -> AclResource | None:
        """The resource ``resource_id``, if the tree has it."""
        return self._index.get(resource_id)

    def children(self, resource_id: str | None) -> tuple[str, ...]:
        """The direct children of ``resource_id`` (None: the roots), in tree order."""
        return self._children.get(resource_id, ())

    def path(self, resource_id: str) -> list[str]:
        """The ids from the root down to ``resource_id``, both included."""
        chain = []
        current: str | None = resource_id
        while current is not None:
            chain.append(current)
            current = self._index[current].parent
        return chain[::-1]

    def ancestors_below_admin(self, resource_id: str) -> list[str]:
        """The ancestors Magento needs listed with ``resource_id``: those below the admin root."""
        chain = self.path(resource_id)[:-1]
        return chain[chain.index(ADMIN) + 1 :] if ADMIN in chain else chain

    def descendants(self, resource_id: str) -> Iterator[str]:
        """Every resource below ``resource_id``, in tree order (without recursion: a catalog
        file's chain may be deeper than Python's stack)."""
        pending = list(reversed(self.children(resource_id)))
        while pending:
            current = pending.pop()
            yield current
            pending.extend(reversed(self.children(current)))

    def in_tree_order(self, resource_ids: Iterable[str]) -> tuple[str, ...]:
        """``resource_ids`` without repeats, sorted as the tree orders them."""
        return tuple(sorted(set(resource_ids), key=self._position.__getitem__))

    def same_but_case(self, wrong: str) -> str | None:
        """The known id that ``wrong`` spells with other capitals, if there is one."""
        folded = wrong.casefold()
        return next((r.id for r in self.resources if r.id.casefold() == folded), None)

    def suggestions(self, wrong: str, limit: int = 2) -> list[str]:
        """Known ids that ``wrong`` most likely means, best first.

        Ranked by id structure and title, then spelling (see ``generator.magento.suggest``):
        ``Magento_Sales::order`` gives ``Magento_Sales::sales_order`` first, and
        ``Magento_Sales::reoder`` gives ``Magento_Sales::reorder``.
        """
        exact = self.same_but_case(wrong)
        if exact:
            return [exact]
        if _rankings["deferred"]:
            _rankings["wanted"] += 1
            return []
        key = (wrong, limit)
        if key not in self._suggested:
            if _rankings["left"] <= 0:
                return []  # thousands of unknown ids: the first ones got their suggestions
            _rankings["left"] -= 1
            self._suggested[key] = self._rank(wrong, limit)
        return list(self._suggested[key])

    def _rank(self, wrong: str, limit: int) -> list[str]:
        from generator.magento import suggest  # only when something is misspelt

        if self._candidates is None:
            self._candidates = tuple(
                suggest.candidate(
                    r.id, r.title, [self._index[i].title for i in self.path(r.id)[:-1]]
                )
                for r in self.resources
                if not r.disabled
            )
        return suggest.rank(wrong, self._candidates, limit)

    def knows_module(self, resource_id: str) -> bool:
        """Whether this tree holds ids of the module that ``resource_id`` names (case ignored).

        ``Magento_Sales::reoder`` gives True (a typo in a known module: an error), while
        ``Magento_Rma::magento_rma`` gives False (an Adobe Commerce module: maybe installed). A
        module counts when it declares a resource or some id carries its prefix. Callers that
        also hold a ModuleCatalog should use ``catalogs.knows_module_of``, which asks both.
        """
        module = module_of(resource_id)
        if self._modules is None:
            self._modules = frozenset(
                name.casefold()
                for r in self.resources
                for name in (r.module, module_of(r.id))
                if name is not None
            )
        return module is not None and module.casefold() in self._modules

    def to_json(self) -> str:
        """The catalog as the JSON document magegen ships."""
        document = {
            "magento_version": self.magento_version,
            "resources": [
                {
                    "id": r.id,
                    "title": r.title,
                    "parent": r.parent,
                    "module": r.module,
                    "sort_order": r.sort_order,
                    "disabled": r.disabled,
                }
                for r in self.resources
            ],
        }
        return json.dumps(document, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> AclCatalog:
        """Read a catalog written by ``to_json``."""
        document = json.loads(text)
        resources = tuple(AclResource(**entry) for entry in document["resources"])
        return cls(document["magento_version"], resources)


def bundled_acl() -> AclCatalog:
    """The ACL tree magegen checks against when no store is named: every id of the default
    target releases (``targetset.default_targets``), with the newest one's attributes."""
    from generator.magento.targetset import default_targets

    return default_targets().acl()


class ModulePackage(NamedTuple):
    """A Magento module: its Composer package, the constraint that requires its release line,
    where it comes from (CORE, DEFAULT_INSTALL or INSTALLATION) and the modules its module.xml
    sequences."""

    module: str
    package: str
    constraint: str | None = None
    origin: str = INSTALLATION
    sequence: tuple[str, ...] = ()
    version: str | None = None  # the package's version, where known


class ModuleCatalog(NamedTuple):
    """Magento modules by name, with their Composer packages, origins and sequences."""

    magento_version: str
    framework: ModulePackage
    modules: dict[str, ModulePackage]

    def knows(self, module: str) -> bool:
        """Whether ``module`` is a module of this catalog (case ignored).

        The bundled catalog knows the default installs of the targeted releases; a store's
        catalog, the store's modules. An unknown module may still exist where it is installed
        (Adobe Commerce's ``Magento_Rma``, a third-party module), so checks should warn about its
        ids rather than call them typos.
        """
        if module in self.modules:
            return True
        folded = module.casefold()
        return any(name.casefold() == folded for name in self.modules)

    def is_core(self, module: str) -> bool:
        """Whether ``module`` is one of Magento's 209 core modules (not MSI, PageBuilder, ...)."""
        known = self.modules.get(module)
        return known is not None and known.origin == CORE

    def core(self) -> frozenset[str]:
        """The names of Magento's core modules."""
        return frozenset(name for name, m in self.modules.items() if m.origin == CORE)

    def sequence_closure(
        self, modules: Iterable[str], extra: Mapping[str, Iterable[str]] | None = None
    ) -> frozenset[str]:
        """``modules`` and every module they load after, following sequences transitively.

        Sequences come from the catalog and from ``extra`` (module name to its sequence, for
        modules of a tree being checked), which wins for the modules it names. Sequenced modules
        the catalog does not know are included but not followed further.
        """
        return closure(modules, self.sequence_map(extra))

    def sequence_map(
        self, extra: Mapping[str, Iterable[str]] | None = None
    ) -> dict[str, tuple[str, ...]]:
        """Each module's sequence: the catalog's, and ``extra``'s for the modules it names."""
        sequences = {name: m.sequence for name, m in self.modules.items()}
        sequences.update((name, tuple(seq)) for name, seq in (extra or {}).items())
        return sequences

    def merged_with(self, others: Iterable[ModulePackage]) -> ModuleCatalog:
        """This catalog plus ``others``, which win; a module known here keeps its origin, and
        its sequence unless the other one declares one."""
        modules = dict(self.modules)
        for other in others:
            known = modules.get(other.module)
            if known is not None:
                other = other._replace(
                    origin=known.origin, sequence=other.sequence or known.sequence
                )
            modules[other.module] = other
        return ModuleCatalog(self.magento_version, self.framework, modules)


def bundled_modules() -> ModuleCatalog:
    """The modules of the default target releases, each package's constraint admitting its
    version in every one of them."""
    from generator.magento.targetset import default_targets

    return default_targets().modules()


def closure(modules: Iterable[str], sequences: Mapping[str, Iterable[str]]) -> frozenset[str]:
    """``modules`` and every module they load after, by ``sequences`` (module to its sequence)."""
    reached: set[str] = set()
    pending = list(modules)
    while pending:
        module = pending.pop()
        if module not in reached:
            reached.add(module)
            pending.extend(sequences.get(module, ()))
    return frozenset(reached)


@cache
def bundled_core() -> frozenset[str]:
    """The names of Magento's core modules in the bundled catalog."""
    return bundled_modules().core()


def module_of(resource_id: str) -> str | None:
    """The module part of an ACL id: ``Magento_Sales`` of ``Magento_Sales::reorder``."""
    module, separator, _ = resource_id.partition("::")
    return module if separator and module else None


def release_constraint(version: str) -> str:
    """Magento's constraint for a release line: ``100.4.4`` gives ``100.4.*``."""
    major, minor, *_ = [*version.split("-")[0].split("."), "0", "0"]
    return f"{major}.{minor}.*"
