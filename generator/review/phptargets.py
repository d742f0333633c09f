"""MG215: a module whose composer.json ``php`` excludes every PHP version of a Magento line it
targets cannot be installed on that line.

Which lines a module targets, as a Magento developer reads it: with a store named
(``--catalog``, ``--magento-root``) the store's own line, since that is where the module is
going; without one, one of Magento's own core modules targets the line magegen's core catalog
comes from (2.4.4: a 2.4.4 module is not meant for 2.4.8), and any other module the default
target lines (those Adobe supports; see ``lines.default_targets``).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache, lru_cache

from generator.errors import Problem, Severity, shown
from generator.magento.acl import bundled_core
from generator.magento.catalogs import Catalogs
from generator.magento.constraints import ConstraintError
from generator.magento.linedeltas import line_deltas
from generator.magento.lines import (
    MagentoLine,
    default_targets,
    lines_excluded_by_php,
    select_lines,
)
from generator.magento.moduletree import ModuleFacts


def store_lines(known: Catalogs) -> tuple[MagentoLine, ...] | None:
    """The line of the store ``known`` describes (its catalog file's or installation's
    Magento version); None without a store, or when its version names no known line."""
    version = None
    if known.snapshot is not None:
        version = known.snapshot.magento_version
    elif known.installation is not None:
        from generator.magento.snapshot import magento_version

        version = magento_version(known.installation.root)[0]
    if not version:
        return None
    try:
        return select_lines(version)
    except ConstraintError:
        return None


def module_targets(
    module: ModuleFacts, store: tuple[MagentoLine, ...] | None
) -> tuple[tuple[MagentoLine, ...], str]:
    """The lines ``module`` is judged against, and how they were chosen (for the message)."""
    if store is not None:
        return store, "the store's line"
    name = module.name.value if module.name is not None else None
    if name is not None and name in bundled_core():
        base = line_deltas().base
        return select_lines(base), f"a core module of Magento {base}"
    return _default_targets(), "the default target lines; name the store with --catalog"


@lru_cache(maxsize=64)
def _excluded(php: str, targets: tuple[MagentoLine, ...]) -> tuple[MagentoLine, ...]:
    """The targets ``php`` excludes, worked out once per constraint: modules repeat them."""
    return lines_excluded_by_php(php, targets)


@cache
def _default_targets() -> tuple[MagentoLine, ...]:
    """The default target lines, chosen once per run rather than once per module."""
    return default_targets()


def php_findings(module: ModuleFacts, store: tuple[MagentoLine, ...] | None) -> Iterator[Problem]:
    """MG215 for ``module``, if its composer.json requires a php that a targeted line lacks."""
    require = module.composer.get("require") if isinstance(module.composer, dict) else None
    php = require.get("php") if isinstance(require, dict) else None
    if not isinstance(php, str):
        return
    targets, why = module_targets(module, store)
    try:
        excluded = _excluded(php, targets)
    except ConstraintError:
        return  # a constraint Composer cannot read is composer validate's to report
    for line in excluded:
        yield Problem(
            module.display("composer.json"),
            f"requires php '{shown(php)}', which allows none of Magento {line.name}'s PHP "
            f"versions ({line.php}): the module cannot be installed on {line.name} ({why})",
            severity=Severity.WARNING,
            code="MG215",
        )
