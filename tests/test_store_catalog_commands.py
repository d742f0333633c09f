"""`acl` and `routes` with a store's catalog file answer from that store: a file that records no
routes (the ``routes`` key is optional) is still the store (only the routes default to the
bundled ones), and a spec given with ``--spec`` is read against the store, as ``new`` reads it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from generator.magento.snapshot import to_text
from tests.test_catalog_file_hostile import valid_document

Runner = Callable[..., Result]


def _catalog_without_routes(tmp_path: Path) -> Path:
    document = valid_document()
    del document["routes"]
    path = tmp_path / "store.json"
    path.write_text(to_text(document), encoding="utf-8")
    return path


def test_acl_answers_from_the_store_without_recorded_routes(
    run_cli: Runner, tmp_path: Path
) -> None:
    catalog = _catalog_without_routes(tmp_path)
    # The store has only the Sales branch: the CMS pages of the bundled releases are not in it.
    result = run_cli("acl", "--catalog", catalog, "Magento_Cms::page")
    assert result.exit_code == 1, result.output
    assert "this store lacks it" in result.stderr
    listed = run_cli("acl", "--catalog", catalog)
    assert listed.exit_code == 0
    assert "Magento_Sales::reorder" in listed.stdout
    assert "Magento_Cms::page" not in listed.stdout



def test_acl_reads_a_spec_against_the_store_it_is_given(run_cli: Runner, tmp_path: Path) -> None:
    """``acl --catalog STORE --spec SPEC`` checks the spec's grants against that store, as
    ``new --catalog STORE`` does, not against the bundled releases."""
    document = valid_document()
    document["acl"].append(
        {
            "id": "Magento_Sales::brand_new",
            "title": "Brand new",
            "parent": "Magento_Sales::actions",
            "module": "Magento_Sales",
            "sort_order": 900,
            "disabled": False,
        }
    )
    catalog = tmp_path / "store.json"
    catalog.write_text(to_text(document), encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "integrations:\n  - name: ERP\n    email: ops@example.com\n"
        "    resources: [Magento_Sales::brand_new]\n",
        encoding="utf-8",
    )
    assert run_cli("new", "Acme/Own", spec, "--catalog", catalog, "--dry-run").exit_code == 0
    result = run_cli("acl", "--catalog", catalog, "--spec", spec, "Magento_Sales::brand_new")
    assert result.exit_code == 0, result.stderr
    assert "Magento_Sales::brand_new" in result.stdout
