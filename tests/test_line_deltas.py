"""Line deltas: what 2.4.7 changed over the bundled 2.4.4 catalogs, applied for target lines,
and reported where target lines disagree."""

from __future__ import annotations

import pytest

from generator.magento.acl import bundled_acl
from generator.magento.linedeltas import (
    LineGap,
    acl_for_lines,
    added_in,
    apply_route_deltas,
    line_deltas,
    line_gaps,
    route_gaps,
)
from generator.magento.lines import line, select_lines

API_ACTIONS = "Magento_Sales::api_actions"
ORDERS_POST = ("POST", "/V1/orders")


@pytest.mark.parametrize("targets", [">=2.4.7", "2.4.7.*", "2.4.9.*", "~2.4.6"])
def test_the_2_4_7_id_is_known_when_a_target_has_it(targets: str) -> None:
    catalog = acl_for_lines(select_lines(targets))
    resource = catalog.get(API_ACTIONS)
    assert resource is not None
    assert (resource.title, resource.parent, resource.sort_order) == (
        "Order Save API",
        "Magento_Sales::actions",
        10,
    )
    assert catalog.ancestors_below_admin(API_ACTIONS)[-1] == "Magento_Sales::actions"
    # Tree order: sortOrder 10 like Create, which Magento_Sales declares first.
    siblings = catalog.children("Magento_Sales::actions")
    assert siblings[:3] == ("Magento_Sales::create", API_ACTIONS, "Magento_Sales::actions_view")
    assert len(catalog) == len(bundled_acl()) + 1


@pytest.mark.parametrize("targets", ["2.4.6.*", "<2.4.7", "2.4.4.*"])
def test_the_2_4_7_id_is_unknown_when_no_target_has_it(targets: str) -> None:
    catalog = acl_for_lines(select_lines(targets))
    assert API_ACTIONS not in catalog
    assert catalog is bundled_acl()


def test_a_2_4_6_target_cannot_rely_on_the_2_4_7_id() -> None:
    gaps = line_gaps([API_ACTIONS, "Magento_Sales::create", API_ACTIONS], select_lines(">=2.4.6"))
    assert len(gaps) == 1
    (gap,) = gaps
    assert gap == LineGap(
        "acl", API_ACTIONS, "2.4.7", ("2.4.7", "2.4.8", "2.4.9"), ("2.4.6",), gap.source
    )
    assert "Sales/etc/acl.xml" in gap.source


def test_a_2_4_6_only_target_gets_a_gap_that_holds_nowhere() -> None:
    (gap,) = line_gaps([API_ACTIONS], select_lines("2.4.6.*"))
    assert gap.holds_on == ()
    assert gap.missing_on == ("2.4.6",)


def test_targets_from_2_4_7_on_agree() -> None:
    assert line_gaps([API_ACTIONS], select_lines(">=2.4.7")) == ()
    assert route_gaps(select_lines(">=2.4.7")) == ()


def test_added_in_names_the_line_and_source() -> None:
    delta = added_in(API_ACTIONS)
    assert delta is not None and delta.line == "2.4.7"
    assert added_in("Magento_Sales::create") is None


def test_the_orders_route_needs_the_new_id_from_2_4_7_on() -> None:
    routes = {ORDERS_POST: ("Magento_Sales::create",), ("GET", "/V1/orders"): ("X_Y::z",)}
    assert apply_route_deltas(routes, line("2.4.6")) == routes
    changed = apply_route_deltas(routes, line("2.4.8"))
    assert changed[ORDERS_POST] == (API_ACTIONS,)
    assert changed[("GET", "/V1/orders")] == ("X_Y::z",)
    assert apply_route_deltas({}, line("2.4.8")) == {}  # only routes the catalog has


def test_targets_across_2_4_7_disagree_on_the_orders_route() -> None:
    (gap,) = route_gaps(select_lines("~2.4.6"))
    assert (gap.kind, gap.subject, gap.since, gap.missing_on) == (
        "route",
        "POST /V1/orders",
        "2.4.7",
        ("2.4.6",),
    )


def test_the_route_delta_data_has_the_agreed_shape() -> None:
    (change,) = line_deltas().route_changes
    assert (change.method, change.url, change.before, change.resources) == (
        "POST",
        "/V1/orders",
        ("Magento_Sales::create",),
        (API_ACTIONS,),
    )
    assert line_deltas().base == bundled_acl().magento_version == "2.4.4"
