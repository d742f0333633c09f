"""Suggestions for wrong ACL ids, ranked by id structure and title, and `magegen acl` searches."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.magento.acl import bundled_acl
from generator.magento.suggest import stem, words

# A typo or a half-remembered id, and the real id meant.
TYPOS = [
    ("Magento_Sales::order", "Magento_Sales::sales_order"),  # not reorder, which creates orders
    ("Magento_Sales::orders", "Magento_Sales::sales_order"),
    ("Magento_Sales::ordr", "Magento_Sales::sales_order"),
    ("Magento_Sales::reoder", "Magento_Sales::reorder"),
    ("reorder", "Magento_Sales::reorder"),
    ("Magento_Slaes::reorder", "Magento_Sales::reorder"),
    ("Magento_Sales::order_view", "Magento_Sales::actions_view"),
    ("Magento_Sales::cancel_order", "Magento_Sales::cancel"),
    ("Magento_Sales::ship_order", "Magento_Sales::ship"),
    ("Magento_Sales::invoices", "Magento_Sales::invoice"),
    ("Magento_Catalog::product", "Magento_Catalog::products"),
    ("Magento_Catalog::category", "Magento_Catalog::categories"),
    ("Magento_Catalog::inventory", "Magento_Catalog::catalog_inventory"),
    ("Magento_Customer::customers", "Magento_Customer::customer"),
    ("Magento_Cms::blok", "Magento_Cms::block"),
    ("Magento_Log::online", "Magento_Customer::online"),
    ("Magento_Inventory::source", "Magento_InventoryApi::source"),
    ("Magento_InventoryApi::sorce", "Magento_InventoryApi::source"),
    ("Magento_InventoryApi::stocks", "Magento_InventoryApi::stock"),
    ("Magento_PageBuilder::template", "Magento_PageBuilder::templates"),
]


@pytest.mark.parametrize(("wrong", "meant"), TYPOS)
def test_the_first_suggestion_is_the_id_meant(wrong: str, meant: str) -> None:
    assert meant in bundled_acl()
    assert bundled_acl().suggestions(wrong, limit=3)[0] == meant


def test_order_does_not_suggest_reorder_first() -> None:
    """Edit distance alone ranks reorder (creating orders) first; structure and title do not."""
    import difflib

    ids = [r.id for r in bundled_acl().resources]
    assert difflib.get_close_matches("Magento_Sales::order", ids, n=1) == ["Magento_Sales::reorder"]
    assert bundled_acl().suggestions("Magento_Sales::order", limit=1) == [
        "Magento_Sales::sales_order"
    ]


@pytest.mark.parametrize(
    "wrong",
    [
        "Magento_Rma::magento_rma",  # Adobe Commerce
        "Aheadworks_Giftcard::giftcard_codes",  # a third-party module
        "Acme_Erp::orders",
        "Magento_Sales::zzzz",
    ],
)
def test_ids_of_unknown_modules_get_no_far_fetched_suggestion(wrong: str) -> None:
    assert bundled_acl().suggestions(wrong) == []


def test_disabled_ids_are_never_suggested() -> None:
    assert "Magento_Config::advanced" not in bundled_acl().suggestions("Magento_Config::advance")


def test_words_and_stems() -> None:
    assert words("inStorePickup") == ["in", "store", "pickup"]
    assert words("Notify Orders Are Ready") == ["notify", "order", "are", "ready"]
    assert [stem(w) for w in ("Categories", "orders", "address", "tfa")] == [
        "category",
        "order",
        "address",
        "tfa",
    ]


def test_a_spec_typo_gets_the_structural_suggestion(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "integrations:\n  - name: Erp\n    email: e@example.com\n"
        "    resources: [Magento_Sales::order]\n"
    )
    result = run_cli("new", "Acme/Erp", spec, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert (
        "unknown ACL resource 'Magento_Sales::order' (did you mean 'Magento_Sales::sales_order'?)"
        in result.stderr
    )


# -- magegen acl ----------------------------------------------------------------------------------


def test_acl_suggests_a_near_word(run_cli: Callable[..., Result]) -> None:
    result = run_cli("acl", "custmer")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        "magegen: no ACL resource matches 'custmer'; did you mean 'customer' "
        "(Magento_Customer::customer, Magento_Customer::manage, "
    )
    assert len(result.stderr.splitlines()) == 1


def test_acl_suggests_near_ids(run_cli: Callable[..., Result]) -> None:
    result = run_cli("acl", "Magento_Sales::ordr")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "magegen: no ACL resource matches 'Magento_Sales::ordr'; "
        "did you mean Magento_Sales::sales_order, "
    )


def test_acl_matches_every_word_across_ids_titles_and_paths(
    run_cli: Callable[..., Result],
) -> None:
    result = run_cli("acl", "read orders")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Magento_Sales::actions_view  View\n"
        "    Magento Admin > Sales > Operations > Orders > Actions > View\n"
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "inventory sources",
            [
                "Magento_InventoryApi::source",
                "Magento_InventoryApi::source_edit",
                "Magento_InventoryApi::ship_source_selection",
                "Magento_InventorySourceSelectionApi::source_selection_algorithm",
                "Magento_InventorySourceSelectionApi::source_selection_algorithm_post",
                "Magento_InventoryApi::stock_source_link",
                "Magento_InventoryApi::stock_source_item_assign",
            ],
        ),
        ("ORDERS cancel", ["Magento_Sales::cancel"]),  # "orders" only in the path
        ("categories", ["Magento_Catalog::categories", "Magento_Catalog::edit_category_design"]),
        # One word does not list a whole subtree: Operations' children are left out.
        (
            "operations",
            [
                "Magento_Sales::sales_operation",
                "Magento_Logging::system_magento_logging_bulk_operations",
            ],
        ),
    ],
)
def test_acl_search_examples(
    query: str, expected: list[str], run_cli: Callable[..., Result]
) -> None:
    result = run_cli("acl", query, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in json.loads(result.stdout)["resources"]] == expected


def test_acl_parts_of_words_when_no_whole_word_matches(run_cli: Callable[..., Result]) -> None:
    result = run_cli("acl", "cust", "--format", "json")
    ids = [r["id"] for r in json.loads(result.stdout)["resources"]]
    assert "Magento_Customer::customer" in ids
