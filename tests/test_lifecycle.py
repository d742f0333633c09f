"""Changing integrations after installation: retiring, superseded patches, moving formats.

Each test runs the CLI for real and, where a store is involved, the store model of
tests/php/store.php with the real php.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from generator.pipeline.render import environment
from generator.pipeline.sync import INSTALL_DATA_PREFIX
from tests.conftest import tree
from tests.store_kit import rows, state, tokens_of, upgrade

MODULE = "Acme_Erp"
ERP = """  - name: ERP Sync
    email: erp@acme.example
    endpoint_url: https://erp.acme.example/cb
    resources: [Magento_Sales::sales]
"""
PIM = """  - name: PIM Feed
    email: pim@acme.example
    resources: [Magento_Catalog::products]
"""
PIM_RETIRED = """  - name: PIM Feed
    retired: true
"""


def spec(path: Path, *entries: str, head: str = "setup: data-patch\n") -> Path:
    path.write_text(head + "integrations:\n" + "".join(entries), encoding="utf-8")
    return path


def patches(root: Path) -> list[str]:
    folder = root / "Setup" / "Patch" / "Data"
    return sorted(p.name for p in folder.glob("*.php")) if folder.is_dir() else []


def test_an_unchanged_spec_gives_the_same_patch(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    v1 = spec(tmp_path / "v1.yaml", ERP, PIM)
    out = tmp_path / "m"
    assert run_cli("new", MODULE, v1, "-o", out).exit_code == 0
    first = tree(out)
    again = run_cli("new", MODULE, v1, "-o", out, "--force")
    assert again.exit_code == 0 and again.stderr == ""
    assert tree(out) == first
    (name,) = patches(out)
    assert name.startswith("CreateIntegrations") and len(name) == len("CreateIntegrations") + 12


def test_a_changed_spec_replaces_magegens_own_patch(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "m"
    assert run_cli("new", MODULE, spec(tmp_path / "v1.yaml", ERP, PIM), "-o", out).exit_code == 0
    (old,) = patches(out)
    v2 = spec(tmp_path / "v2.yaml", ERP.replace("sales]", "sales, Magento_Cms::page]"), PIM)
    check = run_cli("new", MODULE, v2, "-o", out, "--check")
    assert check.exit_code == 1
    assert f"{old}: error: is magegen's own superseded data patch" in check.stderr
    result = run_cli("new", MODULE, v2, "-o", out, "--force")
    assert result.exit_code == 0, result.stderr
    (new,) = patches(out)
    assert new != old
    assert f"{old}: note: magegen's own superseded data patch" in result.stderr


def test_a_patch_a_person_edited_is_never_removed(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "m"
    assert run_cli("new", MODULE, spec(tmp_path / "v1.yaml", ERP, PIM), "-o", out).exit_code == 0
    (old,) = patches(out)
    path = out / "Setup" / "Patch" / "Data" / old
    path.write_text(path.read_text().replace("return $this;", "return $this; // mine"))
    v2 = spec(tmp_path / "v2.yaml", ERP)  # PIM dropped silently: refused first
    refused = run_cli("new", MODULE, v2, "-o", out, "--force")
    assert refused.exit_code == 2
    assert "integration 'PIM Feed'" in refused.stderr and "retired: true" in refused.stderr
    result = run_cli(
        "new", MODULE, spec(tmp_path / "v3.yaml", ERP, PIM_RETIRED), "-o", out, "--force"
    )
    assert result.exit_code == 0, result.stderr
    assert old in patches(out) and len(patches(out)) == 2
    assert "superseded" not in result.stderr


def test_magegens_earlier_one_shot_patch_is_removed(
    tmp_path: Path, run_cli: Callable[..., Result], php: str
) -> None:
    """A tree from before sync patches (CreateIntegrations.php) moves on without recreating."""
    out = tmp_path / "m"
    assert run_cli("new", MODULE, spec(tmp_path / "v1.yaml", ERP, PIM), "-o", out).exit_code == 0
    for name in patches(out):
        (out / "Setup" / "Patch" / "Data" / name).unlink()
    legacy = environment(False).get_template("legacy/DataPatch-1.php.j2")
    old_spec = {
        "namespace": "Acme\\Erp",
        "setup_patch_name": "CreateIntegrations",
        "integrations": [{"name": "ERP Sync"}, {"name": "PIM Feed"}],
    }
    (out / "Setup" / "Patch" / "Data" / "CreateIntegrations.php").write_text(
        legacy.render({"spec": old_spec}), encoding="utf-8"
    )
    store = tmp_path / "store.json"
    installed = upgrade(php, store, out, MODULE, activate=True)
    assert installed.ok, installed.error
    erp = rows(installed.tables)["ERP Sync"]

    v2 = spec(tmp_path / "v2.yaml", ERP, PIM_RETIRED)
    result = run_cli("new", MODULE, v2, "-o", out, "--force")
    assert result.exit_code == 0, result.stderr
    assert "CreateIntegrations.php: note: magegen's own superseded" in result.stderr
    assert "'PIM Feed' is retired" in result.stderr and "tokens stop working" in result.stderr
    assert "CreateIntegrations.php" not in patches(out)
    upgraded = upgrade(php, store, out, MODULE)
    assert upgraded.ok, upgraded.error
    assert set(rows(upgraded.tables)) == {"ERP Sync"}
    assert rows(upgraded.tables)["ERP Sync"]["id"] == erp["id"]
    assert tokens_of(upgraded.tables, erp["consumer_id"]) == tokens_of(
        installed.tables, erp["consumer_id"]
    )


def test_retired_entries_hold_only_a_name(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    bad = spec(
        tmp_path / "bad.yaml",
        ERP,
        "  - name: PIM Feed\n    retired: true\n    email: x@y.example\n",
    )
    result = run_cli("new", MODULE, bad, "-o", tmp_path / "m")
    assert result.exit_code == 2
    assert "bad.yaml:9:" in result.stderr and "integrations[1].email" in result.stderr
    assert "a retired integration holds only its name" in result.stderr
    assert not (tmp_path / "m").exists()
    consolidated = spec(
        tmp_path / "c.yaml", ERP, PIM_RETIRED, head="integration_format: consolidated\n"
    )
    refused = run_cli("new", MODULE, consolidated, "-o", tmp_path / "c")
    assert refused.exit_code == 2 and "needs integration_format: split" in refused.stderr


def test_a_module_of_retired_integrations_cleans_up_stores(
    tmp_path: Path, run_cli: Callable[..., Result], php: str
) -> None:
    out, store = tmp_path / "m", tmp_path / "store.json"
    head = "module:\n  version: 1.0.0\n"  # install-data, the tutorial's default
    assert (
        run_cli("new", MODULE, spec(tmp_path / "v1.yaml", ERP, PIM, head=head), "-o", out).exit_code
        == 0
    )
    assert (out / "Setup" / "InstallData.php").is_file()
    (sync,) = patches(out)
    assert sync.startswith(INSTALL_DATA_PREFIX)
    installed = upgrade(php, store, out, MODULE, activate=True)
    assert installed.ok and set(rows(installed.tables)) == {"ERP Sync", "PIM Feed"}

    retired = spec(
        tmp_path / "v2.yaml", "  - name: ERP Sync\n    retired: true\n", PIM_RETIRED, head=head
    )
    result = run_cli("new", MODULE, retired, "-o", out, "--force")
    assert result.exit_code == 0, result.stderr
    # Nothing is left to declare or create: magegen names what it no longer generates, and
    # removes its own InstallData, which a fresh store (module.xml keeps its setup_version)
    # would run with names config.xml no longer declares.
    assert "Setup/InstallData.php: note: magegen's own InstallData" in result.stderr
    assert "): removed, so that a fresh store never runs it" in result.stderr
    assert not (out / "Setup" / "InstallData.php").exists()
    assert 'setup_version="1.0.0"' in (out / "etc" / "module.xml").read_text()
    for stale in ("etc/integration/config.xml", "etc/integration/api.xml"):
        assert f"{stale}: warning: magegen generated this file before" in result.stderr
        (out / stale).unlink()
    upgraded = upgrade(php, store, out, MODULE)
    assert upgraded.ok, upgraded.error
    assert rows(upgraded.tables) == {} and upgraded.tables["tokens"] in ([], {})
    assert upgraded.tables["consumers"] in ([], {})
    fresh = upgrade(php, tmp_path / "fresh.json", out, MODULE)
    assert fresh.ok, fresh.error
    assert state(fresh.tables) == state(upgraded.tables) == {}


def test_moving_a_consolidated_module_to_the_split_format_keeps_its_integrations(
    tmp_path: Path, run_cli: Callable[..., Result], php: str
) -> None:
    """The README's way: regenerate with the split format, delete etc/integration.xml."""
    out, store = tmp_path / "m", tmp_path / "store.json"
    v1 = spec(tmp_path / "v1.yaml", ERP, PIM, head="integration_format: consolidated\n")
    assert run_cli("new", MODULE, v1, "-o", out).exit_code == 0
    installed = upgrade(php, store, out, MODULE, activate=True)
    assert installed.ok, installed.error
    before = rows(installed.tables)

    v2 = spec(
        tmp_path / "v2.yaml", ERP.replace("sales]", "sales, Magento_Cms::page]"), PIM, head=""
    )
    result = run_cli("new", MODULE, v2, "-o", out, "--force")
    assert result.exit_code == 0, result.stderr
    assert "etc/integration.xml: warning: magegen generated this file before" in result.stderr
    (out / "etc" / "integration.xml").unlink()
    for _ in range(2):  # and a second setup:upgrade changes nothing
        upgraded = upgrade(php, store, out, MODULE)
        assert upgraded.ok, upgraded.error
        after = rows(upgraded.tables)
        for name, row in before.items():
            assert (after[name]["id"], after[name]["consumer_id"]) == (
                row["id"],
                row["consumer_id"],
            )
            assert tokens_of(upgraded.tables, row["consumer_id"])
    fresh = upgrade(php, tmp_path / "fresh.json", out, MODULE)
    assert state(fresh.tables) == state(upgraded.tables)
    assert "Magento_Cms::page" in state(upgraded.tables)["ERP Sync"]["resources"]


def test_the_consolidated_format_recreates_on_change(
    tmp_path: Path, run_cli: Callable[..., Result], php: str
) -> None:
    """Why acl-diff warns: Magento_Integration deletes and recreates a changed integration."""
    out, store = tmp_path / "m", tmp_path / "store.json"
    head = "integration_format: consolidated\n"
    assert (
        run_cli("new", MODULE, spec(tmp_path / "v1.yaml", ERP, head=head), "-o", out).exit_code == 0
    )
    installed = upgrade(php, store, out, MODULE, activate=True)
    v2 = spec(tmp_path / "v2.yaml", ERP.replace("sales]", "sales, Magento_Cms::page]"), head=head)
    assert run_cli("new", MODULE, v2, "-o", out, "--force").exit_code == 0
    upgraded = upgrade(php, store, out, MODULE)
    old, new = rows(installed.tables)["ERP Sync"], rows(upgraded.tables)["ERP Sync"]
    assert new["id"] != old["id"] and new["consumer_id"] != old["consumer_id"]
    assert new["status"] == 2


def test_a_patch_naming_an_undeclared_integration_breaks_setup_upgrade(
    tmp_path: Path, run_cli: Callable[..., Result], php: str
) -> None:
    """The store model fails as Magento does, so the history tests can trust it."""
    out = tmp_path / "m"
    assert run_cli("new", MODULE, spec(tmp_path / "v1.yaml", ERP), "-o", out).exit_code == 0
    (name,) = patches(out)
    path = out / "Setup" / "Patch" / "Data" / name
    path.write_text(
        path.read_text().replace(
            "'ERP Sync',\n        ]);", "'ERP Sync',\n            'Ghost',\n        ]);"
        )
    )
    failed = upgrade(php, tmp_path / "store.json", out, MODULE)
    assert not failed.ok and 'Undefined array key "Ghost"' in failed.error


def test_acl_diff_says_a_retired_integration_is_deleted(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "m"
    assert run_cli("new", MODULE, spec(tmp_path / "v1.yaml", ERP, PIM), "-o", out).exit_code == 0
    result = run_cli("acl-diff", out, spec(tmp_path / "v2.yaml", ERP, PIM_RETIRED))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "integration 'PIM Feed' (split format): retired",
        "  - Magento_Catalog::catalog  Catalog",
        "  - Magento_Catalog::catalog_inventory  Inventory",
        "  - Magento_Catalog::products  Products",
        "  warning: every store that has it deletes it on its next setup:upgrade (magegen's sync "
        "data patch), with its OAuth consumer: its access tokens stop working",
    ]


def test_the_integrations_a_tree_declares_are_read_as_magento_reads_them(tmp_path: Path) -> None:
    """Through the module reader: by local name, nameless ones skipped, a DOCTYPE refused."""
    from generator.magento.moduletree import declared_integration_names

    config = tmp_path / "etc" / "integration" / "config.xml"
    config.parent.mkdir(parents=True)
    config.write_text(
        '<config xmlns:x="urn:example"><x:integration name="Prefixed"/>'
        '<integration name=""/><integration name="Plain"/></config>'
    )
    (tmp_path / "etc" / "integration.xml").write_text(
        '<!DOCTYPE config [<!ENTITY e "x">]><config><integration name="Hidden"/></config>'
    )
    assert declared_integration_names(tmp_path) == [
        ("etc/integration/config.xml", "Prefixed"),
        ("etc/integration/config.xml", "Plain"),
    ]
