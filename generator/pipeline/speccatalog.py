"""The store a spec is checked against when the command line names none: its ``catalog:`` key.

Precedence: ``--magento-root`` or ``--catalog`` on the command line, then ``$MAGENTO_ROOT`` or
``$MAGEGEN_CATALOG``, then the spec's ``catalog:`` (a catalog file relative to the spec's
folder), then magegen's bundled core.
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import Problem, SpecError, UsageError
from generator.magento.catalogs import CatalogFile, Catalogs, catalogs
from generator.spec.reader import spec_catalog


def catalogs_for_spec(spec_path: Path, known: Catalogs, store_given: bool) -> Catalogs:
    """``known`` when a store was given (``store_given``) or the spec names no catalog file;
    else the catalogs of the file its ``catalog:`` key names.

    A missing, broken or hostile file is a SpecError (exit 2) at the key, naming the file.
    """
    if store_given:
        return known
    named = spec_catalog(spec_path)
    if named is None:
        return known
    file, (line, column) = named
    try:
        return catalogs(CatalogFile(file))
    except UsageError as exc:
        reasons = "; ".join(problem.message for problem in exc.problems)
        message = f"catalog file {file}: {reasons}"
        raise SpecError([Problem(str(spec_path), message, line, column, field="catalog")]) from None
