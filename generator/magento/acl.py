"""Magento's ACL resource tree: the bundled 2.4 catalog, merging acl.xml files, and queries.

Magento merges every module's ``etc/acl.xml`` by resource id, in module load order: a later file
can add children under a resource another module declared, and its attributes win. Each level is
then ordered by ``sortOrder`` (0 when absent); that order is the one the admin's role editor shows
and the one magegen writes resources in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import NamedTuple

ADMIN = "Magento_Backend::admin"
ALL = "Magento_Backend::all"
SUBTREE_SUFFIX = "/**"

_DATA = Path(__file__).resolve().parent / "data"


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

    __slots__ = ("_children", "_index", "_position", "magento_version", "resources")

    def __init__(self, magento_version: str, resources: tuple[AclResource, ...]) -> None:
        self.magento_version = magento_version
        self.resources = resources
        self._index = {r.id: r for r in resources}
        self._position = {r.id: i for i, r in enumerate(resources)}
        children: dict[str | None, list[str]] = {}
        for resource in resources:
            children.setdefault(resource.parent, []).append(resource.id)
        self._children = {k: tuple(v) for k, v in children.items()}

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
        """Every resource below ``resource_id``, in tree order."""
        for child in self.children(resource_id):
            yield child
            yield from self.descendants(child)

    def in_tree_order(self, resource_ids: Iterable[str]) -> tuple[str, ...]:
        """``resource_ids`` without repeats, sorted as the tree orders them."""
        return tuple(sorted(set(resource_ids), key=self._position.__getitem__))

    def same_but_case(self, wrong: str) -> str | None:
        """The known id that ``wrong`` spells with other capitals, if there is one."""
        folded = wrong.casefold()
        return next((r.id for r in self.resources if r.id.casefold() == folded), None)

    def suggestions(self, wrong: str, limit: int = 2) -> list[str]:
        """Known ids that ``wrong`` most likely misspells."""
        exact = self.same_but_case(wrong)
        if exact:
            return [exact]
        import difflib  # only when something is misspelt

        ids = [r.id for r in self.resources]
        return difflib.get_close_matches(wrong, ids, n=limit, cutoff=0.75)

    def modules(self) -> frozenset[str]:
        """Every module that declares a resource of this tree."""
        return frozenset(r.module for r in self.resources)

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


@cache
def bundled_acl() -> AclCatalog:
    """The ACL tree of Magento Open Source's core modules, shipped with magegen."""
    return AclCatalog.from_json((_DATA / "acl.json").read_text(encoding="utf-8"))


class ModulePackage(NamedTuple):
    """A Magento module's Composer package and the constraint that requires its release line."""

    module: str
    package: str
    constraint: str | None = None


class ModuleCatalog(NamedTuple):
    """Magento modules by name, with their Composer packages."""

    magento_version: str
    framework: ModulePackage
    modules: dict[str, ModulePackage]

    def merged_with(self, others: Iterable[ModulePackage]) -> ModuleCatalog:
        """This catalog plus ``others`` (which win)."""
        modules = dict(self.modules)
        modules.update((other.module, other) for other in others)
        return ModuleCatalog(self.magento_version, self.framework, modules)


@cache
def bundled_modules() -> ModuleCatalog:
    """Magento Open Source's core modules, shipped with magegen."""
    document = json.loads((_DATA / "modules.json").read_text(encoding="utf-8"))
    framework = ModulePackage("Magento_Framework", **document["framework"])
    modules = {name: ModulePackage(name, **entry) for name, entry in document["modules"].items()}
    return ModuleCatalog(document["magento_version"], framework, modules)


def release_constraint(version: str) -> str:
    """Magento's constraint for a release line: ``100.4.4`` gives ``100.4.*``."""
    major, minor, *_ = [*version.split("-")[0].split("."), "0", "0"]
    return f"{major}.{minor}.*"
