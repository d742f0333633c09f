"""composer.json's ``require`` against the Magento releases a module targets (MG214, MG216).

- MG214: a module of the sequence whose package composer.json does not require. Composer
  installs a package that a required package requires, so the requires are followed
  transitively through each targeted release's package data (``releases.release_requires``);
  only a package nothing pulls in is reported.
- MG216: a Magento package required at a version no targeted release ships (``magento/framework
  ~101.0`` is Magento 2.2; ``100.0.*`` is 2.0), or one Magento removed (``magento/module-
  braintree``, gone in 2.4): Composer refuses to install the module on those releases.

The targets are MG215's (``phptargets.module_targets``): the store's release when one is named,
else the releases that ship the module (a package of Magento's own), else the default targets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from generator.errors import Problem, Severity, shown
from generator.magento.constraints import (
    ConstraintError,
    admits,
    parse_constraint,
    release_key,
)
from generator.magento.moduletree import ModuleFacts
from generator.magento.releases import Release, release_packages, release_requires
from generator.magento.targetset import describe
from generator.review.phptargets import package_targets
from generator.review.treecontext import Context

# Magento packages that no 2.4 release ships because 2.4.0 removed them (its release notes):
# the core Braintree integration (replaced by PayPal's paypal/module-braintree) and the
# deprecated Authorize.Net, eWay, CyberSource and Worldpay integrations.
REMOVED_IN_2_4 = frozenset(
    {
        "magento/module-braintree",
        "magento/module-braintree-graph-ql",
        "magento/module-authorizenet",
        "magento/module-authorizenet-acceptjs",
        "magento/module-authorizenet-cardinal",
        "magento/module-authorizenet-graph-ql",
        "magento/module-cybersource",
        "magento/module-eway",
        "magento/module-worldpay",
    }
)


def require_findings(module: ModuleFacts, context: Context) -> Iterator[Problem]:
    """MG214 and MG216 for ``module``'s composer.json."""
    manifest = module.composer if isinstance(module.composer, dict) else {}
    require = manifest.get("require")
    if not isinstance(require, dict):
        return
    name, version = manifest.get("name"), manifest.get("version")
    targets, why = _targets(
        name if isinstance(name, str) else None,
        version if isinstance(version, str) else None,
        context.store_lines,
    )
    yield from _unrequired_sequence(module, context, require, targets)
    yield from _unsatisfiable(module, require, targets, why)


def _targets(
    name: str | None, version: str | None, store: tuple[Release, ...] | None
) -> tuple[tuple[Release, ...], str]:
    """MG215's targets for a package ``name`` at ``version`` (modules of one tree share them)."""
    if store is not None:
        return _releases_of(store), "the store's release"
    targets, why = package_targets(name, version)
    return _releases_of(targets), why


# The targets' id -> (the targets, their releases): a line without a known release (2.4.9) has
# no package data, and its judge, the newest known release, is among the targets. Modules of a
# run share one targets tuple (package_targets), so this is worked out once; it is kept, so its
# id stays its own.
_RELEASES: dict[int, tuple[tuple[object, ...], tuple[Release, ...]]] = {}
KEPT = 256


def _releases_of(targets: tuple[object, ...]) -> tuple[Release, ...]:
    found = _RELEASES.get(id(targets))
    if found is not None and found[0] is targets:
        return found[1]
    releases = tuple(t for t in targets if isinstance(t, Release))
    if len(_RELEASES) >= KEPT:
        _RELEASES.clear()
    _RELEASES[id(targets)] = (targets, releases)
    return releases


def _unrequired_sequence(
    module: ModuleFacts, context: Context, require: dict, targets: tuple[Release, ...]
) -> Iterator[Problem]:
    pulled: set[str] | None = None  # read only when some sequence package is not required
    for dependency in module.sequence:
        package = context.modules.modules.get(dependency.value)
        if package is None or package.package in require:
            continue
        if pulled is None:
            pulled = pulled_in(require, targets)
        if package.package in pulled:
            continue
        yield Problem(
            module.display("composer.json"),
            f"requires no {package.package}, though {dependency.value} is in the sequence (nor "
            "does any package it requires)",
            severity=Severity.WARNING,
            code="MG214",
        )


def pulled_in(require: Iterable[str], targets: tuple[Release, ...]) -> set[str]:
    """Every package Composer installs for ``require`` in some release of ``targets``: the
    required ones and, transitively, the Magento packages they require."""
    found = set(require)
    for target in targets:
        for package in require:
            found |= _closure(target.name, package)
    return found


@lru_cache(maxsize=4096)
def _closure(release: str, package: str) -> frozenset[str]:
    """``package`` and every Magento package it requires in ``release``, transitively."""
    graph = release_requires(release)
    if package not in graph:
        return frozenset()
    seen, todo = {package}, [package]
    while todo:
        for needed, _ in graph.get(todo.pop(), ()):
            if needed not in seen:
                seen.add(needed)
                todo.append(needed)
    return frozenset(seen)


def _unsatisfiable(
    module: ModuleFacts, require: dict, targets: tuple[Release, ...], why: str
) -> Iterator[Problem]:
    for package, constraint in require.items():
        if not isinstance(package, str) or not package.startswith("magento/"):
            continue
        if not isinstance(constraint, str):
            continue  # composer validate reports it
        message = _refusal(package, constraint, targets, why)
        if message is not None:
            yield Problem(
                module.display("composer.json"), message, severity=Severity.WARNING, code="MG216"
            )


# (package, constraint, the targets' id, why) -> (the targets, MG216's message or None): modules
# of a run require the same few packages at the same constraints, against the same targets.
_REFUSALS: dict[tuple[str, str, int, str], tuple[tuple[Release, ...], str | None]] = {}
REFUSALS_KEPT = 1024


def _refusal(package: str, constraint: str, targets: tuple[Release, ...], why: str) -> str | None:
    """MG216's message for ``package: constraint`` against ``targets``; None when none refuses."""
    key = (package, constraint, id(targets), why)
    found = _REFUSALS.get(key)
    if found is not None and found[0] is targets:
        return found[1]
    refused = refusing_releases(package, constraint, targets)
    message = None
    if refused is not None:
        message = _message(package, constraint, describe(r.name for r in refused), why)
    if len(_REFUSALS) >= REFUSALS_KEPT:
        _REFUSALS.clear()
    _REFUSALS[key] = (targets, message)
    return message


def refusing_releases(
    package: str, constraint: str, targets: tuple[Release, ...]
) -> tuple[Release, ...] | None:
    """The targeted releases that cannot satisfy ``package: constraint``; None when every one
    can, or when magegen cannot tell (a constraint it cannot read, a package it does not know:
    an Adobe Commerce one, say)."""
    refused = []
    for target in targets:
        version = release_packages(target.name).get(package)
        if version is None and package not in REMOVED_IN_2_4:
            return None  # not Magento Open Source's: magegen cannot judge it
        satisfied = _satisfies(constraint, version) if version is not None else False
        if satisfied is None:
            return None
        if not satisfied:
            refused.append(target)
    return tuple(refused) or None


# A version's key, parsed once: the targets ship few versions of each package, which many
# constraints are held against.
_version_key = lru_cache(maxsize=1024)(release_key)


@lru_cache(maxsize=8192)
def _satisfies(constraint: str, version: str) -> bool | None:
    """Whether ``constraint`` admits ``version``; None when either cannot be read (an empty
    version: shipped at one the data does not record)."""
    try:
        return admits(parse_constraint(constraint), _version_key(version))
    except ConstraintError:
        return None


def _message(package: str, constraint: str, where: str, why: str) -> str:
    if package in REMOVED_IN_2_4:
        return (
            f"requires {shown(package)}, which Magento removed in 2.4.0: Composer cannot "
            f"install the module on {where} ({why})"
        )
    return (
        f"requires {shown(package)} '{shown(constraint)}', which no version that Magento "
        f"{where} ships satisfies: Composer cannot install the module there ({why})"
    )
