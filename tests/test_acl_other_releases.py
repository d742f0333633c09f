"""``magegen acl ID`` and ``routes ROUTE`` for what the releases asked about lack: they name the
releases that have it
instead of offering another id as if the first were a typo (issue 19, item 6)."""

from __future__ import annotations

from collections.abc import Callable

from click.testing import Result

Runner = Callable[..., Result]


def test_an_id_of_later_patches_names_them(run_cli: Runner) -> None:
    result = run_cli("acl", "Magento_Sales::api_actions", "--magento", "2.4.7-p3")
    assert result.exit_code == 1
    assert "did you mean" not in result.stderr
    assert "2.4.7-p4 to 2.4.8-p1" in result.stderr
    assert "2.4.6-p9" in result.stderr
    assert "--magento" in result.stderr and "--catalog" in result.stderr


def test_the_id_is_found_where_the_releases_have_it(run_cli: Runner) -> None:
    result = run_cli("acl", "Magento_Sales::api_actions", "--magento", ">=2.4.7-p4")
    assert result.exit_code == 0
    assert "Order Save API" in result.stdout


def test_a_typo_still_gets_its_suggestion(run_cli: Runner) -> None:
    result = run_cli("acl", "Magento_Sales::reoder")
    assert result.exit_code == 1
    assert "did you mean Magento_Sales::reorder" in result.stderr


def test_a_route_of_later_releases_names_them(run_cli: Runner) -> None:
    route = "GET /V1/products/attributes/:attributeCode/is-filterable"
    result = run_cli("routes", route, "--magento", "2.4.6")
    assert result.exit_code == 1
    assert "did you mean" not in result.stderr
    assert "Magento 2.4.7 to 2.4.8-p1 has it" in result.stderr
    assert "--magento" in result.stderr


def test_a_misspelt_route_still_gets_suggestions(run_cli: Runner) -> None:
    result = run_cli("routes", "GET /V1/prodcts")
    assert result.exit_code == 1
    assert "did you mean GET /V1/products" in result.stderr
