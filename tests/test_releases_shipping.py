"""releases_shipping finds the releases that install a package version from the packages table's
runs: for every package row bundled, it answers what each release's own package list answers."""

from __future__ import annotations

from generator.magento.releases import (
    _table,
    known_releases,
    release_packages,
    releases_shipping,
)


def _by_lists(package: str, version: str) -> tuple[str, ...]:
    lists = {r.name: release_packages(r.name) for r in known_releases()}
    return tuple(name for name, found in lists.items() if found.get(package) == version)


def test_every_package_row_is_shipped_by_the_releases_whose_lists_hold_it() -> None:
    rows = _table("packages")["rows"]
    assert len(rows) > 1000
    for package, version in rows:
        shipped = tuple(r.name for r in releases_shipping(package, version))
        assert shipped == _by_lists(package, version), (package, version)
        assert shipped  # (every row is some release's)


def test_versions_and_packages_no_release_ships() -> None:
    assert releases_shipping("magento/module-catalog", "1.0.0") == ()
    assert releases_shipping("acme/module-nothing", "103.0.7") == ()
    catalog = dict(_table("packages")["rows"])["magento/module-catalog"]
    assert releases_shipping("magento/module-catalog", catalog)
