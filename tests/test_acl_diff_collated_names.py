"""acl-diff over a folder of modules: names that are equal only under the store's collation
('ERP', 'erp') are not merged by Magento's config merge, which matches names exactly; the store
finds one row by either name and each update replaces its grant. The note must not call the
grants shown "the merged one", which is true only of names spelled alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

SPEC = "integrations:\n  - name: {name}\n    email: ops@example.com\n    resources: [{id}]\n"


def _tree(run_cli: Callable[..., Result], tmp_path: Path, second: str) -> Path:
    folder = tmp_path / "modules"
    modules = (("Aa", "ERP", "Magento_Sales::reorder"), ("Bb", second, "Magento_Cms::page"))
    for module, name, resource in modules:
        spec = tmp_path / f"{module}.yaml"
        spec.write_text(SPEC.format(name=name, id=resource), encoding="utf-8")
        result = run_cli("new", f"Acme/{module}", spec, "-o", folder / module, "-q")
        assert result.exit_code == 0, result.stderr
    return folder


def test_names_equal_only_under_the_collation_are_not_called_merged(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    folder = _tree(run_cli, tmp_path, "erp")
    result = run_cli("acl-diff", tmp_path / "Aa.yaml", folder)
    assert "are one integration to Magento" in result.stdout
    assert "the grant shown is the merged one" not in result.stdout
    assert "not their union" in result.stdout


def test_names_spelled_alike_are_shown_merged(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    folder = _tree(run_cli, tmp_path, "ERP")
    result = run_cli("acl-diff", tmp_path / "Aa.yaml", folder)
    assert "the grant shown is the merged one" in result.stdout
    assert "+ Magento_Cms::page" in result.stdout
