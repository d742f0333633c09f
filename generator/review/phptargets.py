"""MG215: a module whose composer.json ``php`` excludes every PHP version of a Magento release it
targets cannot be installed on that release.

Which releases a module targets, as a Magento developer reads it: with a store named
(``--catalog``, ``--magento-root``) the store's own release, since that is where the module is
going; without one, a package of Magento's own (its composer.json name and version ship in
known releases) targets the releases that ship it (a 2.4.4 module is not meant for 2.4.8), and
any other module the default targets (the lines Adobe supports; see
``targetset.default_targets``).
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.errors import Problem, Severity, shown
from generator.magento.catalogs import Catalogs
from generator.magento.constraints import ConstraintError
from generator.magento.lines import MagentoLine, PhpSource, excluded_by_php
from generator.magento.moduletree import ModuleFacts
from generator.magento.releases import (
    Release,
    installs,
    known_releases,
    release_packages,
    releases_shipping,
)
from generator.magento.targetset import Targets, default_targets, describe, select_releases


def store_lines(known: Catalogs) -> tuple[Release, ...] | None:
    """The release of the store ``known`` describes (its catalog file's or installation's
    Magento version); None without a store, or when its version names no known release."""
    version = None
    if known.snapshot is not None:
        version = known.snapshot.magento_version
    elif known.installation is not None:
        from generator.magento.snapshot import magento_version

        version = magento_version(known.installation.root)[0]
    if not version:
        return None
    try:
        return select_releases(version).releases
    except ConstraintError:
        return None


def module_targets(
    module: ModuleFacts, store: tuple[Release, ...] | None
) -> tuple[tuple[Release, ...], str]:
    """The releases ``module`` is judged against, and how they were chosen (for the message)."""
    if store is not None:
        return store, "the store's release"
    manifest = module.composer if isinstance(module.composer, dict) else {}
    return package_targets(manifest.get("name"), manifest.get("version"))


def package_targets(name: object, version: object) -> tuple[tuple[Release, ...], str]:
    """``module_targets`` without a store, for composer.json's ``name`` and ``version`` (any
    JSON values). Modules of one run share the answer's tuple: the defaults' is made once."""
    if isinstance(name, str) and isinstance(version, str):
        found = _shipping(name, version)
        if found is not None:
            return found
    else:  # (not a key to keep: compared as it is)
        shipping = _shipping_of(known_releases(), name, version)
        if shipping:
            return shipping, _ships(shipping, name, version)
    return _defaults()


def _ships(shipping: tuple[Release, ...], name: object, version: object) -> str:
    return f"Magento {describe(r.name for r in shipping)} ships {name} {version}"


# (the known releases' id, name, version) -> (the known releases, (those that ship that version,
# why) or None when none does): modules repeat them, and the releases' tables are read once per
# run (known_releases and release_packages keep what they read).
_SHIPPING: dict[
    tuple[int, str, str], tuple[tuple[Release, ...], tuple[tuple[Release, ...], str] | None]
] = {}
SHIPPING_KEPT = 256


def _shipping(name: str, version: str) -> tuple[tuple[Release, ...], str] | None:
    """The known releases that ship package ``name`` at ``version``, and the message's why;
    None when none does."""
    if not version or not installs(name):
        return None  # (as releases_shipping says: no version, or no release installs it)
    releases = known_releases()
    key = (id(releases), name, version)
    found = _SHIPPING.get(key)
    if found is not None:
        return found[1]
    shipping = releases_shipping(name, version)
    judged = (shipping, _ships(shipping, name, version)) if shipping else None
    if len(_SHIPPING) >= SHIPPING_KEPT:
        _SHIPPING.clear()
    _SHIPPING[key] = (releases, judged)
    return judged


def _shipping_of(
    releases: tuple[Release, ...], name: object, version: object
) -> tuple[Release, ...]:
    if not version or not isinstance(name, str):
        # (no release ships a missing or empty version, nor a name that is not a string: a list
        # or an object, which no table can be asked about)
        return ()
    return tuple(r for r in releases if release_packages(r.name).get(name) == version)


# The default targets, their php sources (the same tuple for every module of a run) and why.
_DEFAULTS: list[tuple[Targets, tuple[Release | MagentoLine, ...]]] = []
DEFAULT_WHY = "the default targets; name the store with --catalog"


def _defaults() -> tuple[tuple[Release, ...], str]:
    targets = default_targets()
    if not _DEFAULTS or _DEFAULTS[0][0] is not targets:
        _DEFAULTS[:] = [(targets, targets.php_sources())]
    return _DEFAULTS[0][1], DEFAULT_WHY  # type: ignore[return-value]


# (php, the targets' id) -> (the targets, those php excludes). Keyed by identity: modules of a run
# are judged against the same targets tuple (see package_targets), and hashing the targets cost
# more than the rest of the check. The targets are kept, so their id stays theirs.
_EXCLUDED: dict[tuple[str, int], tuple[tuple[PhpSource, ...], tuple[PhpSource, ...]]] = {}
EXCLUDED_KEPT = 64


def _excluded(php: str, targets: tuple[PhpSource, ...]) -> tuple[PhpSource, ...]:
    """The targets ``php`` excludes, worked out once per constraint: modules repeat them."""
    key = (php, id(targets))
    found = _EXCLUDED.get(key)
    if found is not None and found[0] is targets:
        return found[1]
    excluded = excluded_by_php(php, targets)
    if len(_EXCLUDED) >= EXCLUDED_KEPT:
        _EXCLUDED.clear()
    _EXCLUDED[key] = (targets, excluded)
    return excluded


def php_findings(module: ModuleFacts, store: tuple[Release, ...] | None) -> Iterator[Problem]:
    """MG215 for ``module``, if its composer.json requires a php that a targeted release
    lacks."""
    require = module.composer.get("require") if isinstance(module.composer, dict) else None
    php = require.get("php") if isinstance(require, dict) else None
    if not isinstance(php, str):
        return
    targets, why = module_targets(module, store)
    try:
        excluded = _excluded(php, targets)
    except ConstraintError:
        return  # a constraint Composer cannot read is composer validate's to report
    by_php: dict[str, list[str]] = {}
    for target in excluded:
        by_php.setdefault(target.php or "", []).append(target.name)
    for allowed, names in by_php.items():
        where = describe(names)
        yield Problem(
            module.display("composer.json"),
            f"requires php '{shown(php)}', which allows none of Magento {where}'s PHP "
            f"versions ({allowed}): the module cannot be installed on {where} ({why})",
            severity=Severity.WARNING,
            code="MG215",
        )
