"""The command-line options that name the store magegen checks against: ``--catalog`` (and
``$MAGEGEN_CATALOG``) beside ``--magento-root`` (and ``$MAGENTO_ROOT``); or, without a store,
``--magento`` for the bundled releases to answer for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.errors import Problem, UsageError
from generator.magento.catalogs import CATALOG_ENV, CatalogFile, Catalogs

if TYPE_CHECKING:
    from generator.magento.routes import RouteCatalog

CATALOG_OPTION = click.option(
    "--catalog",
    type=click.Path(path_type=Path),
    envvar=CATALOG_ENV,
    help="A catalog file written by `magegen catalog`: a store's ACL tree and modules, "
    "instead of --magento-root. Default: $MAGEGEN_CATALOG.",
)


def chosen_store(magento_root: Path | None, catalog: Path | None) -> Path | None:
    """The store to check against: --magento-root, or --catalog as a CatalogFile.

    Giving both on the command line is an error; an option given on the command line wins over
    the other one's environment variable; both variables set (and no option) is an error.
    """
    if magento_root is None or catalog is None:
        return CatalogFile(catalog) if catalog is not None else magento_root
    source = click.get_current_context().get_parameter_source
    from_line = {
        name: source(name) is click.core.ParameterSource.COMMANDLINE
        for name in ("magento_root", "catalog")
    }
    if from_line["magento_root"] != from_line["catalog"]:
        return magento_root if from_line["magento_root"] else CatalogFile(catalog)
    where = (
        "--magento-root and --catalog"
        if from_line["catalog"]
        else "MAGENTO_ROOT and MAGEGEN_CATALOG"
    )
    raise UsageError([Problem(where, "name two stores: give one of them")])


MAGENTO_OPTION = click.option(
    "--magento",
    "magento",
    metavar="CONSTRAINT",
    help="The Magento releases to answer for, as a spec's magento: key says them "
    "(2.4.8, '>=2.4.7-p4'); default: the releases of the lines in support. Not with a store.",
)


def catalogs_for(
    magento_root: Path | None, catalog: Path | None, magento: str | None
) -> tuple[Catalogs, Callable[[], RouteCatalog]]:
    """The catalogs and REST routes to answer from: the store's own (--magento-root,
    --catalog, $MAGEGEN_CATALOG) alone, or the releases --magento targets, or the default
    ones. Raises UsageError for a store and --magento together, or a bad constraint."""
    from generator.magento.catalogs import catalogs
    from generator.pipeline.context import route_loader

    store = chosen_store(magento_root, catalog)
    if store is not None and magento is not None:
        raise UsageError([Problem("--magento", "a store is its own release: give one of them")])
    if store is not None:
        known = catalogs(store)
        loader = route_loader(known)
        if loader is None:  # a catalog file that records no routes: the default targets'
            from generator.magento.targetset import default_targets

            loader = default_targets().routes
        return known, loader
    if magento is None:
        from generator.magento.targetset import default_targets

        targets = default_targets()
    else:
        from generator.magento.constraints import ConstraintError
        from generator.magento.targetset import select_releases

        try:
            targets = select_releases(magento)
        except ConstraintError as exc:
            raise UsageError([Problem("--magento", str(exc))]) from None
    known = Catalogs(targets.acl(), targets.modules())
    return known, targets.routes


BUNDLED_OPTION = click.option(
    "--bundled",
    is_flag=True,
    help="Check against magegen's bundled releases even when run inside a Magento root "
    "(or writing under one's app/code).",
)


def is_magento_root(folder: Path) -> bool:
    """Whether ``folder`` is a Magento installation: bin/magento and the framework."""
    framework = (folder / "vendor/magento/framework", folder / "lib/internal/Magento/Framework")
    return (folder / "bin" / "magento").is_file() and any(f.is_dir() for f in framework)


def surrounding_store(output: Path | None) -> Path | None:
    """The Magento root ``new`` runs in: the current folder, or the root whose app/code holds
    ``output``; None when there is none."""
    here = Path.cwd()
    if is_magento_root(here):
        return here
    if output is None:
        return None
    for folder in output.resolve().parents:
        if folder.name == "code" and folder.parent.name == "app":
            root = folder.parent.parent
            return root if is_magento_root(root) else None
    return None
