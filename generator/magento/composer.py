"""Composer's and Magento's conventions for a module's composer.json: require, autoload."""

from __future__ import annotations

from collections.abc import Iterable

from generator.magento.acl import ModuleCatalog
from generator.magento.lines import php_constraint


def default_php() -> str:
    """composer.json's ``php`` for a module with the default targets: every PHP version one of
    them allows (``~8.1.0||...||~8.5.0`` for 2.4.7 to 2.4.9)."""
    from generator.magento.targetset import default_targets

    return php_constraint(default_targets().php_sources())


def _package_order(package: str) -> tuple[int, str]:
    """Composer's sort-packages order: php, then extensions and libraries, then packages."""
    if package == "php" or package.startswith("php-"):
        rank = 0
    elif package.startswith("ext-"):
        rank = 1
    elif package.startswith("lib-"):
        rank = 2
    else:
        rank = 3
    return rank, package


def resolve_require(
    sequence: Iterable[str],
    user_require: Iterable[tuple[str, str]],
    modules: ModuleCatalog,
    php: str | None = None,
) -> tuple[tuple[str, str], ...]:
    """composer.json's ``require``, in Composer's order.

    It holds php (``php``; by default the default target lines' union), magento/framework
    and, as Magento's own modules do, the package of every module
    in the sequence whose package is known; the spec's own entries win.
    """
    require = {"php": php or default_php(), modules.framework.package: modules.framework.constraint}
    for name in sequence:
        package = modules.modules.get(name)
        if package is not None and package.constraint:
            require[package.package] = package.constraint
    require.update(user_require)
    return tuple((key, require[key]) for key in sorted(require, key=_package_order))


def autoload(namespace: str) -> dict[str, object]:
    """Magento's own modules' ``autoload``: registration.php, and the namespace at the root."""
    return {"files": ["registration.php"], "psr-4": {f"{namespace}\\": ""}}
