"""The command-line options that name the store magegen checks against: ``--catalog`` (and
``$MAGEGEN_CATALOG``) beside ``--magento-root`` (and ``$MAGENTO_ROOT``)."""

from __future__ import annotations

from pathlib import Path

import click

from generator.errors import Problem, UsageError
from generator.magento.catalogs import CATALOG_ENV, CatalogFile

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
