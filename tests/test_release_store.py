"""Grants on real releases, judged by the PHP store model (tests/php/store.php) with the real php:
the store keeps a rule row per ACL id as Magento does when a grant is saved, and a token may call
a route when every ref it needs is allowed. From 2.4.5 an id without a rule row is denied, so an
id a Magento upgrade adds stays closed until the grant is saved again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.magento.releases import release_acl, release_routes
from tests.store_kit import authorised, install_magento, upgrade

NAME = "Acme/Orders"
MODULE = "Acme_Orders"
ROUTES = (
    ("POST", "/V1/orders"),
    ("POST", "/V1/inventory/source-items"),
    ("GET", "/V1/products/attributes/:attributeCode/is-filterable"),
)


def _tree(release: str) -> dict[str, str | None]:
    return {r.id: r.parent for r in release_acl(release).resources}


def _module(
    run_cli: Callable[..., Result], folder: Path, magento: str, routes: tuple[tuple[str, str], ...]
) -> Path:
    spec = folder / f"spec-{magento.replace(' ', '')}.yaml"
    lines = [f'magento: "{magento}"', "integrations:", "  - name: Orders"]
    lines += ["    email: orders@example.com", "    endpoints:"]
    lines += [f"      - {method} {url}" for method, url in routes]
    spec.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = folder / f"module-{len(list(folder.iterdir()))}"
    result = run_cli("new", NAME, spec, "-o", out)
    assert result.exit_code == 0, result.stderr
    return out


def _calls(php: str, store: Path, release: str, routes: tuple[tuple[str, str], ...]) -> list[bool]:
    catalog = release_routes(release)
    return [
        authorised(php, store, "Orders", found.resources)
        for method, url in routes
        if (found := catalog.get(method, url)) is not None
    ]


# 2.4.7-p7 is newer than the releases magegen knows: magegen judges it by 2.4.7-p6.
@pytest.mark.parametrize("release", ["2.4.7-p6", "2.4.8-p1"])
def test_endpoints_for_newer_releases_are_authorised_on_each(
    php: str, tmp_path: Path, run_cli: Callable[..., Result], release: str
) -> None:
    module = _module(run_cli, tmp_path, ">=2.4.7", ROUTES)
    store = tmp_path / "store.json"
    install_magento(php, store, release, _tree(release))
    assert upgrade(php, store, module, MODULE, activate=True).ok
    assert _calls(php, store, release, ROUTES) == [True, True, True]


def test_a_grant_for_2_4_7_p3_gets_401_on_2_4_7_p4_orders(
    php: str, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    orders = ROUTES[:1]
    module = _module(run_cli, tmp_path, "2.4.7-p3", orders)
    store = tmp_path / "store.json"
    install_magento(php, store, "2.4.7-p6", _tree("2.4.7-p6"))
    assert upgrade(php, store, module, MODULE, activate=True).ok
    assert _calls(php, store, "2.4.7-p6", orders) == [False]  # needs api_actions there


@pytest.mark.parametrize(
    ("before", "after", "open_after_upgrade"),
    [
        ("2.4.7-p3", "2.4.7-p4", False),  # 2.4.5 on: the new id has no rule row, denied
        ("2.4.4-p11", "2.4.4-p12", True),  # 2.4.4: it inherits its allowed parent's rule
    ],
)
def test_after_upgrading_magento_a_new_sync_patch_saves_the_grant_again(
    php: str,
    tmp_path: Path,
    run_cli: Callable[..., Result],
    before: str,
    after: str,
    open_after_upgrade: bool,
) -> None:
    orders = ROUTES[:1]
    store = tmp_path / "store.json"
    install_magento(php, store, before, _tree(before))
    # Granted for both releases while the store is on the older one: create and api_actions.
    first = _module(run_cli, tmp_path, f">={before} <={after}", orders)
    assert upgrade(php, store, first, MODULE, activate=True).ok
    install_magento(php, store, after, _tree(after))  # the Magento upgrade
    assert _calls(php, store, after, orders) == [open_after_upgrade]
    # Raising magento: changes api.xml, so the module gets a new sync patch that saves it again.
    second = _module(run_cli, tmp_path, after, orders)
    patches = [{p.name for p in (m / "Setup/Patch/Data").iterdir()} for m in (first, second)]
    assert patches[0] != patches[1]
    assert upgrade(php, store, second, MODULE).ok
    assert _calls(php, store, after, orders) == [True]
