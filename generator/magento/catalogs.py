"""The ACL tree and module packages that specs and modules are checked against."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from generator.errors import Problem
from generator.magento.acl import AclCatalog, ModuleCatalog, bundled_acl, bundled_modules

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
