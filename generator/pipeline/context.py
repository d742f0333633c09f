"""What ``new`` reads a spec against besides the catalogs: an installation's REST routes, and
the target folder's own hand-written etc/acl.xml."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import Problem
from generator.magento.files import ACL_XML
from generator.pipeline.target import default_target

if TYPE_CHECKING:
    from generator.magento.acl import AclCatalog
    from generator.magento.catalogs import Catalogs
    from generator.magento.routes import RouteCatalog


def route_loader(known: Catalogs) -> Callable[[], RouteCatalog] | None:
    """The store's REST routes, loaded when a spec asks for endpoints: a catalog file's
    recorded routes, or an installation's own; None (the targets' routes) without a store."""
    snapshot = known.snapshot
    if snapshot is not None and snapshot.routes is not None:
        recorded = snapshot.routes

        def from_file() -> RouteCatalog:
            from generator.magento.routes import Route, RouteCatalog

            version = snapshot.magento_version
            return RouteCatalog(
                version, (Route(m, u, tuple(r), "", "", "") for m, u, r in recorded)
            )

        return from_file
    installation = known.installation
    if installation is None:
        return None

    def load() -> RouteCatalog:
        from generator.magento.webapixml import installation_routes

        return installation_routes(installation.root)[0]

    return load


class TargetAcl:
    """``load_spec``'s ``acl_for`` for ``new``: the target folder's own etc/acl.xml, which the
    spec does not generate, merged into the tree; what kept it out is kept in ``problems``."""

    def __init__(self, output: Path | None) -> None:
        self.output = output
        self.problems: tuple[Problem, ...] = ()

    def __call__(self, vendor: str, module: str, acl: AclCatalog) -> AclCatalog:
        target = self.output or default_target(vendor, module)
        found = target / ACL_XML
        if not (found.exists() or found.is_symlink()):
            return acl  # nothing to merge (and nothing more to import)
        from generator.magento.moduleacl import with_module_acl

        merged, self.problems = with_module_acl(target, f"{vendor}_{module}", acl)
        return merged
