"""acl-diff between two module trees reads magegen's sync patch: a split-format change that the
patch brings to installed stores gets no "never applies this change" warning; a tree without
one still does."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

MODULE = "Acme/Erp"
ENTRY = """integrations:
  - name: ERP Sync
    email: erp@acme.example
    resources: [{resources}]
"""
CHANGE = [
    "integration 'ERP Sync' (split format): changed",
    "  + Magento_Backend::content  Content",
    "  + Magento_Backend::content_elements  Elements",
    "  + Magento_Cms::page  Pages",
    "  - Magento_Sales::sales_operation  Operations",
    "  - Magento_Sales::sales_invoice  Invoices",
]
NEVER_APPLIED = (
    "  warning: a store where the module is already installed never applies this change: "
    "InstallData and data patches run only once. Add a new data patch whose apply() calls "
    "processIntegrationConfig(['ERP Sync']) (or change it in the admin)"
)


def _trees(tmp_path: Path, run_cli: Callable[..., Result], head: str) -> tuple[Path, Path]:
    trees = []
    for version, resources in (
        ("v1", "Magento_Sales::sales, Magento_Sales::sales_invoice"),
        ("v2", "Magento_Sales::sales, Magento_Cms::page"),
    ):
        path = tmp_path / f"{version}.yaml"
        path.write_text(head + ENTRY.format(resources=resources), encoding="utf-8")
        out = tmp_path / version
        assert run_cli("new", MODULE, path, "-o", out).exit_code == 0
        trees.append(out)
    return trees[0], trees[1]


@pytest.mark.parametrize("head", ["", "setup: data-patch\n"], ids=["install-data", "data-patch"])
def test_two_generated_trees_give_the_change_without_the_warning(
    tmp_path: Path, run_cli: Callable[..., Result], head: str
) -> None:
    old, new = _trees(tmp_path, run_cli, head)
    result = run_cli("acl-diff", old, new)
    assert result.exit_code == 1, result.stderr
    assert _without_routes(result.stdout) == CHANGE


@pytest.mark.parametrize("head", ["", "setup: data-patch\n"], ids=["install-data", "data-patch"])
def test_a_tree_without_a_sync_patch_still_gets_the_warning(
    tmp_path: Path, run_cli: Callable[..., Result], head: str
) -> None:
    old, new = _trees(tmp_path, run_cli, head)
    folder = new / "Setup" / "Patch" / "Data"
    (sync,) = folder.glob("*.php")
    if head:  # data-patch: the same patch under a plain class name, as a person might write it
        text = sync.read_text().replace(sync.stem, "CreateIntegrations")
        text = "\n".join(line for line in text.split("\n") if "magegen-sync:" not in line)
        (folder / "CreateIntegrations.php").write_text(text)
        sync.unlink()
    else:
        shutil.rmtree(new / "Setup" / "Patch")
    result = run_cli("acl-diff", old, new)
    assert result.exit_code == 1, result.stderr
    assert _without_routes(result.stdout) == [*CHANGE, NEVER_APPLIED]


def _without_routes(output: str) -> list[str]:
    """acl-diff's lines without the routes gained and lost (tests/test_acl_diff_routes.py)."""
    return [line for line in output.splitlines() if not line.startswith("  can ")]
