"""A catalog file that records no routes (the ``routes`` key is optional) is still the store:
``acl`` (and ``routes``, ``acl-diff``) answer from its ACL tree, never from the bundled
releases; only the routes default to the bundled ones."""

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

