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


class Catalogs(NamedTuple):
    """The ACL tree and module packages a spec is checked against, and what reading them found."""

    acl: AclCatalog
    modules: ModuleCatalog
    problems: tuple[Problem, ...] = ()
    installation: Installation | None = None


def catalogs(magento_root: Path | None = None) -> Catalogs:
    """Magento's core catalogs, merged with an installation's when ``magento_root`` is given."""
    if magento_root is None:
        return Catalogs(bundled_acl(), bundled_modules())
    from generator.magento.installation import load_installation

    found = load_installation(magento_root, bundled_acl(), bundled_modules())
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
