"""The facts ``scripts/build_releases.py`` derives of one release, before they are written as
rows of the bundled tables (``generator.magento.releasedata`` says the layout).

Only the build script and its tests use these records; magegen itself reads the tables' rows.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from generator.magento.acl import AclResource


class PackageRecord(NamedTuple):
    """One Composer package of a release: its version and the ``magento/*`` packages it
    requires, with their constraints as its composer.json writes them."""

    name: str
    version: str
    requires: tuple[tuple[str, str], ...] = ()


class ModuleRecord(NamedTuple):
    """One Magento module of a release: its Composer package and the modules it sequences."""

    module: str
    package: str
    sequence: tuple[str, ...] = ()
    constraint: str | None = None  # the package's release-line constraint (103.0.*), if known


class Facts(NamedTuple):
    """What magegen bundles of one release (``routes`` are routes.Route tuples)."""

    release: str
    framework: str  # magento/framework's version, e.g. 103.0.7-p4
    php: str  # the framework's php constraint
    acl: tuple[AclResource, ...]
    routes: tuple[Any, ...]
    packages: tuple[PackageRecord, ...]
    modules: tuple[ModuleRecord, ...]
