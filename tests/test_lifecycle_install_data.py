"""magegen's own InstallData, once the spec no longer generates it, is removed by ``--force``.

Left in a tree whose module.xml keeps a setup_version, it would run in every fresh store and
name integrations config.xml no longer declares, and setup:upgrade would fail. Each test runs the
CLI for real and, where a store is involved, the store model of tests/php/store.php with php.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from generator.resources import templates_dir
from tests.store_kit import rows, state, tokens_of, upgrade

MODULE = "Acme_Erp"
HEAD = "module:\n  setup_version: 1.0.0\n"
ERP = """  - name: ERP Sync
    email: erp@acme.example
    resources: [Magento_Sales::sales]
"""
PIM = """  - name: PIM Feed
    email: pim@acme.example
    resources: [Magento_Catalog::products]
"""
PIM_RETIRED = "  - name: PIM Feed\n    retired: true\n"
ALL_RETIRED = "  - name: ERP Sync\n    retired: true\n" + PIM_RETIRED
INSTALL_DATA = "Setup/InstallData.php"


def spec(path: Path, head: str, *entries: str) -> Path:
    path.write_text(head + "integrations:\n" + "".join(entries), encoding="utf-8")
    return path


def test_switching_to_data_patch_removes_install_data_and_stores_follow(
    tmp_path: Path, run_cli: Callable[..., Result], php: str
) -> None:
    out, store = tmp_path / "m", tmp_path / "store.json"
    assert (
        run_cli("new", MODULE, spec(tmp_path / "v1.yaml", HEAD, ERP, PIM), "-o", out).exit_code == 0
    )
    installed = upgrade(php, store, out, MODULE, activate=True)
    assert installed.ok, installed.error
    erp = rows(installed.tables)["ERP Sync"]

    v2 = spec(tmp_path / "v2.yaml", HEAD + "setup: data-patch\n", ERP, PIM_RETIRED)
    dry = run_cli("new", MODULE, v2, "-o", out, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert f"remove    {out / INSTALL_DATA}" in dry.stdout.splitlines()
    note = f"{out / INSTALL_DATA}: note: magegen's own InstallData, which this spec no longer"
    assert note in dry.stderr and "would be removed by new --force" in dry.stderr
    assert ": removed" not in dry.stderr
    check = run_cli("new", MODULE, v2, "-o", out, "--check")
    assert check.exit_code == 1
    assert (
        f"{out / INSTALL_DATA}: error: is magegen's own InstallData, which the spec no longer "
        "generates; magegen new --force removes it" in check.stderr
    )
    assert "would be removed by new --force" in check.stderr and ": removed" not in check.stderr
    diff = run_cli("new", MODULE, v2, "-o", out, "--diff")
    assert f"--- a/{INSTALL_DATA}\n+++ /dev/null\n" in diff.stdout
    assert (out / INSTALL_DATA).is_file(), "comparing and dry runs write nothing"

    written = run_cli("new", MODULE, v2, "-o", out, "--force")
    assert written.exit_code == 0, written.stderr
    assert f"{note} generates (it renders to these exact bytes): removed," in written.stderr
    assert not (out / INSTALL_DATA).exists()
    assert 'setup_version="1.0.0"' in (out / "etc" / "module.xml").read_text()
    upgraded = upgrade(php, store, out, MODULE)
    assert upgraded.ok, upgraded.error
    fresh = upgrade(php, tmp_path / "fresh.json", out, MODULE)
    assert fresh.ok, fresh.error  # with InstallData left, 'PIM Feed' is an undefined array key
    assert state(fresh.tables) == state(upgraded.tables)
    assert set(state(upgraded.tables)) == {"ERP Sync"}
    kept = rows(upgraded.tables)["ERP Sync"]
    assert (kept["id"], kept["consumer_id"]) == (erp["id"], erp["consumer_id"])
    assert tokens_of(upgraded.tables, erp["consumer_id"]) == tokens_of(
        installed.tables, erp["consumer_id"]
    )


def _custom_templates(folder: Path) -> Path:
    """A templates folder whose InstallData adds a line to the built-in one."""
    built_in = templates_dir() / "Setup" / "InstallData.php.j2"
    target = folder / "Setup" / "InstallData.php.j2"
    target.parent.mkdir(parents=True)
    target.write_text(built_in.read_text(encoding="utf-8") + "// Acme house style\n")
    return folder


def test_a_custom_install_data_is_removed_only_when_its_template_renders_it(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    templates = _custom_templates(tmp_path / "templates")
    retired = spec(tmp_path / "v2.yaml", HEAD, ALL_RETIRED)
    for given, removed in ((False, False), (True, True)):
        out = tmp_path / f"m-{given}"
        v1 = spec(tmp_path / "v1.yaml", HEAD, ERP, PIM)
        assert run_cli("new", MODULE, v1, "-o", out, "--templates", templates).exit_code == 0
        assert (out / INSTALL_DATA).read_text().endswith("// Acme house style\n")
        options = ("--templates", templates) if given else ()
        result = run_cli("new", MODULE, retired, "-o", out, "--force", *options)
        assert result.exit_code == 0, result.stderr
        assert (out / INSTALL_DATA).exists() is not removed
        stale = f"{out / INSTALL_DATA}: warning: magegen generated this file before"
        assert (stale in result.stderr) is not removed
        assert ("magegen's own InstallData" in result.stderr) is removed
