"""The ACL tree and module packages that specs and modules are checked against."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from generator.errors import Problem
from generator.magento.acl import (
    AclCatalog,
    ModuleCatalog,
    bundled_acl,
    bundled_modules,
    module_of,
)

if TYPE_CHECKING:
    from generator.magento.installation import Installation
    from generator.magento.snapshot import Snapshot

# The environment variable that names a catalog file, like --catalog.
CATALOG_ENV = "MAGEGEN_CATALOG"


class CatalogFile(type(Path())):  # type: ignore[misc]
    """A path that names a catalog file (``magegen catalog``) rather than a Magento root.

    Wherever a ``magento_root`` is passed on (``new``, ``validate``, ...), a CatalogFile makes
    ``catalogs`` read that file instead of an installation.
    """


class Catalogs(NamedTuple):
    """The ACL tree and module packages a spec is checked against, and what reading them found."""

    acl: AclCatalog
    modules: ModuleCatalog
    problems: tuple[Problem, ...] = ()
    installation: Installation | None = None
    snapshot: Snapshot | None = None  # the catalog file they were read from

    @property
    def from_store(self) -> bool:
        """Whether they describe a store (an installation or its catalog file), not only the
        bundled core."""
        return self.installation is not None or self.snapshot is not None


def catalogs(magento_root: Path | None = None) -> Catalogs:
    """The bundled catalogs of the default target releases; an installation's own (and nothing
    else) when ``magento_root`` is given; those of a catalog file when it is a CatalogFile
    (refused with UsageError, exit 2, unless it is a valid one)."""
    if magento_root is None:
        return Catalogs(bundled_acl(), bundled_modules())
    if isinstance(magento_root, CatalogFile):
        from generator.magento.snapshot import load_snapshot

        snapshot = load_snapshot(magento_root)
        return Catalogs(snapshot.acl, snapshot.modules, snapshot=snapshot)
    from generator.magento.installation import load_installation

    found = load_installation(magento_root)
    return Catalogs(found.acl, found.modules, found.problems, found)


def knows_module_of(resource_id: str, acl: AclCatalog, modules: ModuleCatalog) -> bool:
    """Whether the module an ACL id names is known to the catalogs (case ignored).

    Checks should treat an unknown id of a known module as a typo (an error) and an unknown id
    of an unknown module (``Magento_Rma::magento_rma`` of Adobe Commerce, a third-party module)
    as a warning: it is valid where that module is installed, which ``--magento-root`` can show.
    A module is known when the ACL tree holds ids of it or the module catalog lists it.
    """
    module = module_of(resource_id)
    return module is not None and (acl.knows_module(resource_id) or modules.knows(module))
