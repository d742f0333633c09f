"""The targets' modules taken together (``targetset.union_modules``) are what each targeted
release's own module catalog says, merged: the newest declaration of each module (the newest
release's modules first, in its order, then those only older ones ship), with a constraint that
admits the package's release line in every targeted release that ships it.

The union is computed from the distinct rows of the bundled table; here it is rebuilt release by
release from ``release_modules``, for the default targets and for other target sets.
"""

from __future__ import annotations

import pytest

from generator.magento.acl import ModulePackage
from generator.magento.releases import known_releases, release_modules
from generator.magento.targetset import default_targets, select_releases, union_modules


def _release_by_release(names: tuple[str, ...]) -> dict[str, ModulePackage]:
    constraints: dict[str, dict[str, None]] = {}
    for name in names:
        for module, package in release_modules(name).modules.items():
            if package.constraint:
                constraints.setdefault(module, {})[package.constraint] = None
    merged: dict[str, ModulePackage] = {}
    for name in reversed(names):
        for module, package in release_modules(name).modules.items():
            if module not in merged:
                joined = "||".join(constraints.get(module, ())) or package.constraint
                merged[module] = package._replace(version=None, constraint=joined)
    return merged


TARGET_SETS = [">=2.4.7", ">=2.4.4", "2.4.6.*", ">=2.4.5 <2.4.7", "~2.4.8", "2.4.4 || 2.4.8"]


@pytest.mark.parametrize("constraint", TARGET_SETS)
def test_the_union_of_modules_is_each_release_merged(constraint: str) -> None:
    names = select_releases(constraint).names
    union = union_modules(names).modules
    expected = _release_by_release(names)
    assert list(union) == list(expected)  # the same order, too
    assert union == expected


def test_a_package_that_moved_to_another_line_admits_both() -> None:
    union = union_modules(select_releases(">=2.4.4").names).modules
    assert union["Magento_AdminAdobeIms"].constraint == "100.4.*||100.5.*"
    assert all(p.version is None for p in union.values())
    assert len(default_targets().names) > 1


def test_one_release_is_its_own_catalog() -> None:
    newest = known_releases()[-1].name
    assert union_modules((newest,)) == release_modules(newest)
