"""Every Magento release magegen knows (2.4.4 to 2.4.8-p1), and what each one holds.

The facts come from Magento's own files, derived by ``scripts/build_releases.py`` into
``data/releases/`` (see ``generator.magento.releasedata`` for the layout). Choosing releases
reads only ``index.json``; each table (ACL, packages, modules, requires, routes) is read the
first time a command asks for it, and a release's catalogs are built only for the releases a
command targets.

Releases are ordered as Composer orders versions: 2.4.7 < 2.4.7-p1 < ... < 2.4.7-p6 < 2.4.8.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from generator.magento.acl import (
    ADMIN,
    CORE,
    DEFAULT_INSTALL,
    AclCatalog,
    AclResource,
    ModuleCatalog,
    ModulePackage,
    release_constraint,
)
from generator.magento.constraints import Version, release_key
from generator.magento.lines import php_minors
from generator.magento.releasedata import (
    FORMAT,
    acl_record,
    decode_table,
    expand,
    line_of,
    requires_record,
)

if TYPE_CHECKING:
    from generator.magento.routes import RouteCatalog

DATA = Path(__file__).resolve().parent / "data" / "releases"
FRAMEWORK = "magento/framework"


class Release(NamedTuple):
    """One Magento Open Source release, such as 2.4.7-p4."""

    name: str
    framework: str  # magento/framework's version
    php: str  # the framework's php constraint
    php_minors: tuple[tuple[int, int], ...]

    @property
    def line(self) -> str:
        """Its line: 2.4.7 for 2.4.7-p4."""
        return line_of(self.name)

    @property
    def key(self) -> Version:
        """The release as Composer orders it."""
        return _key(self.name)

    def __str__(self) -> str:
        return self.name


_key = cache(release_key)  # a release's key, parsed once per name
_minors = cache(php_minors)  # releases share a few php constraints


@cache
def _indexed() -> dict[str, Release]:
    """Every bundled release by name, as index.json lists them (nothing parsed or ordered)."""
    document = json.loads((DATA / "index.json").read_text(encoding="utf-8"))
    if document.get("format") != FORMAT:
        raise ValueError(f"release index format {document.get('format')!r}, expected {FORMAT}")
    return {
        e["release"]: Release(e["release"], e["framework"], e["php"], _minors(e["php"]))
        for e in document["releases"]
    }


@cache
def known_releases() -> tuple[Release, ...]:
    """Every bundled release, oldest first."""
    return tuple(sorted(_indexed().values(), key=lambda r: r.key))


def release(name: str) -> Release:
    """The known release ``name``; KeyError when magegen does not know it."""
    return _indexed()[name]


def newest_release() -> Release:
    """The newest release magegen knows."""
    return known_releases()[-1]


@cache
def _table(table: str) -> dict[str, Any]:
    return decode_table((DATA / f"{table}.json").read_text(encoding="utf-8"))


def _rows(table: str, name: str) -> list[Any]:
    document = _table(table)
    rows = document["rows"]
    return [rows[i] for i in expand(document["releases"][name])]


@cache
def _acl_rows() -> tuple[Any, ...]:
    return tuple(acl_record(row) for row in _table("acl")["rows"])


@cache
def release_ids(name: str) -> dict[str, AclResource]:
    """Release ``name``'s ACL records by id: a cheap lookup for checks that need no tree."""
    rows = _acl_rows()
    return {rows[i].id: rows[i] for i in expand(_table("acl")["releases"][name])}


def release_ancestors(name: str, resource_id: str) -> list[str]:
    """The ancestors of ``resource_id`` below the admin root in release ``name``, nearest
    first; empty when the release lacks it."""
    records = release_ids(name)
    chain: list[str] = []
    found = records.get(resource_id)
    while found is not None and found.parent is not None and found.parent != ADMIN:
        chain.append(found.parent)
        found = records.get(found.parent)
    return chain


@cache
def release_acl(name: str) -> AclCatalog:
    """The ACL tree of release ``name``, as Magento merges it (disabled ids included)."""
    rows = _acl_rows()
    return AclCatalog(name, tuple(rows[i] for i in expand(_table("acl")["releases"][name])))


@cache
def release_packages(name: str) -> dict[str, str]:
    """Composer package to version, for every package release ``name`` installs (the
    ``magento/*`` ones, and the other vendors' packages of a default install)."""
    return dict(_rows("packages", name))


def releases_shipping(package: str, version: str) -> tuple[Release, ...]:
    """The known releases that install ``package`` at ``version``, oldest first: the releases
    whose rows hold that package row, found without building each release's package list."""
    if not installs(package):
        return ()  # (most packages a tree names are not Magento's: no row index is built)
    index = _package_rows().get((package, version))
    if index is None:
        return ()
    runs = _table("packages")["releases"]
    return tuple(r for r in known_releases() if _in_runs(index, runs[r.name]))


def installs(package: str) -> bool:
    """Whether some known release installs ``package``, at any version."""
    return package in _package_names()


@cache
def _package_names() -> frozenset[str]:
    return frozenset(row[0] for row in _table("packages")["rows"])


@cache
def _package_rows() -> dict[tuple[str, str], int]:
    return {(row[0], row[1]): i for i, row in enumerate(_table("packages")["rows"])}


def _in_runs(index: int, runs: list[Any]) -> bool:
    return any(
        run[0] <= index <= run[1] if isinstance(run, list) else run == index for run in runs
    )


@cache
def release_requires(name: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """Composer package to the ``magento/*`` packages it requires in release ``name``, with
    their constraints as its composer.json writes them (``*`` is common)."""
    return dict(requires_record(row) for row in _rows("requires", name))


@cache
def _origin(version: str) -> str:
    """CORE for Magento's own modules (versioned 100.x and up, as the modules of magento2's
    app/code are), DEFAULT_INSTALL for the rest (MSI 1.x, PageBuilder 2.x, ...); ``version``
    may be a constraint such as 103.0.*."""
    major = version.split(".", 1)[0]
    return CORE if major.isdigit() and int(major) >= 100 else DEFAULT_INSTALL


@cache
def line_constraint(version: str) -> str:
    """``release_constraint``, once per version."""
    return release_constraint(version)


def _module_package(
    row: list[Any], version: str | None = None, constraint: str | None = None
) -> ModulePackage:
    """One ``modules`` row (see releasedata) as a ModulePackage, with its origin and, if known,
    its version; ``constraint`` replaces the row's own."""
    module, package, sequence, own = row
    return ModulePackage(
        module, package, constraint or own, _origin(own or ""), tuple(sequence), version
    )


def union_module_packages(names: Sequence[str]) -> dict[str, ModulePackage]:
    """The modules of the releases ``names`` (oldest first): the newest declaration of each
    (newest release's modules first, then those only older ones have), each with a constraint
    that admits its package's release line in every release that has it (``1.2.*||1.3.*``).

    Releases share most rows of the table, so each distinct row is looked at once.
    """
    document = _table("modules")
    rows, runs = document["rows"], document["releases"]
    constraints: dict[str, dict[str, None]] = {}  # module to its constraints, oldest first
    seen: set[int] = set()
    for name in names:
        for index in expand(runs[name]):
            if index not in seen:
                seen.add(index)
                if rows[index][3]:
                    constraints.setdefault(rows[index][0], {})[rows[index][3]] = None
    chosen: dict[str, int] = {}  # module to the row of its newest declaration
    for name in reversed(names):
        own = {rows[i][0]: i for i in expand(runs[name]) if rows[i][0] not in chosen}
        chosen.update(own)
    return {
        module: _module_package(rows[index], None, "||".join(constraints.get(module, ())))
        for module, index in chosen.items()
    }


@cache
def release_modules(name: str) -> ModuleCatalog:
    """The modules of release ``name``, each with its package and that package's release-line
    constraint (``103.0.*`` for 103.0.7-p4)."""
    versions = release_packages(name)
    modules = {}
    for row in _rows("modules", name):
        package = _module_package(row, versions.get(row[1]))
        modules[package.module] = package
    return ModuleCatalog(name, framework_package(name), modules)


def framework_package(name: str) -> ModulePackage:
    """magento/framework of release ``name``, from the release index (no table read)."""
    version = release(name).framework
    constraint = line_constraint(version)
    return ModulePackage("Magento_Framework", FRAMEWORK, constraint, CORE, (), version)


@cache
def release_routes(name: str) -> RouteCatalog:
    """The REST routes of release ``name``, merged as Magento merges webapi.xml files."""
    from generator.magento.routes import Route, RouteCatalog

    routes = (Route(r[0], r[1], tuple(r[2]), r[3], r[4], r[5]) for r in _rows("routes", name))
    return RouteCatalog(name, routes)
