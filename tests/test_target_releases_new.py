"""`magento:` through `magegen new`: composer.json's php follows the targeted releases, and
``Magento_Sales::api_actions`` (2.4.4-p12, 2.4.5-p11, 2.4.6-p9, 2.4.7-p4, 2.4.8 on) is accepted
where every target has it and explained where some lack it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.magento.constraints import admits_some, minor_span, parse_constraint

API_ACTIONS = "Magento_Sales::api_actions"


def spec_text(magento: str | None, resources: list[str], extra: str = "") -> str:
    lines = ["name: Acme/Orders"]
    if magento is not None:
        lines.append(f'magento: "{magento}"')
    lines += ["integrations:", "  - name: Orders", "    email: orders@example.com"]
    lines += ["    resources:", *(f"      - {r}" for r in resources)]
    return "\n".join(lines) + "\n" + extra


def run_new(tmp_path: Path, run_cli: Callable[..., Result], text: str) -> tuple[Result, Path, Path]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    target = tmp_path / "out"
    return run_cli("new", spec, "-o", target), target, spec


@pytest.mark.parametrize(
    ("magento", "php"),
    [
        (None, "~8.1.0||~8.2.0||~8.3.0||~8.4.0||~8.5.0"),
        (">=2.4.7", "~8.1.0||~8.2.0||~8.3.0||~8.4.0||~8.5.0"),
        (">=2.4.8", "~8.2.0||~8.3.0||~8.4.0||~8.5.0"),
        ("2.4.8.*", "~8.2.0||~8.3.0||~8.4.0"),
        ("~2.4.7 || ~2.4.8", "~8.1.0||~8.2.0||~8.3.0||~8.4.0||~8.5.0"),
        ("2.4.6.*", "~8.1.0||~8.2.0"),
        ("2.4.4.* || 2.4.5.*", "~7.4.0||~8.1.0"),
        (">=2.4.4 <2.4.7", "~7.4.0||~8.1.0||~8.2.0"),
    ],
)
def test_composer_php_follows_the_target_lines(
    tmp_path: Path, run_cli: Callable[..., Result], magento: str | None, php: str
) -> None:
    result, target, _ = run_new(tmp_path, run_cli, spec_text(magento, ["Magento_Sales::sales"]))
    assert result.exit_code == 0, result.stderr
    require = json.loads((target / "composer.json").read_text(encoding="utf-8"))["require"]
    assert require["php"] == php
    assert next(iter(require)) == "php"  # Composer's order is kept


def test_default_targets_admit_php_8_4(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    result, target, _ = run_new(tmp_path, run_cli, spec_text(None, ["Magento_Sales::sales"]))
    assert result.exit_code == 0, result.stderr
    php = json.loads((target / "composer.json").read_text(encoding="utf-8"))["require"]["php"]
    assert admits_some(parse_constraint(php), minor_span(8, 4))


def test_the_spec_php_wins_over_the_target_lines(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    extra = 'composer:\n  require:\n    php: "^8.3"\n'
    text = spec_text(">=2.4.8", ["Magento_Sales::sales"], extra)
    result, target, _ = run_new(tmp_path, run_cli, text)
    assert result.exit_code == 0, result.stderr
    require = json.loads((target / "composer.json").read_text(encoding="utf-8"))["require"]
    assert require["php"] == "^8.3"


@pytest.mark.parametrize(
    ("magento", "column", "reason"),
    [
        ("banana", 10, "'banana' is not a version constraint Composer reads"),
        ("2.3.*", 10, "'2.3.*' targets none of the Magento releases magegen knows: 2.4.4 to"),
        ("dev-main", 10, "'dev-main': the branch 'dev-main' names no version"),
    ],
)
def test_a_bad_magento_key_is_refused_at_its_place(
    tmp_path: Path, run_cli: Callable[..., Result], magento: str, column: int, reason: str
) -> None:
    result, target, spec = run_new(tmp_path, run_cli, spec_text(magento, ["Magento_Sales::sales"]))
    assert result.exit_code == 2
    assert f"{spec}:2:{column}: error: magento: {reason}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("magento", [">=2.4.7-p4", "2.4.6-p9", "~2.4.8", "2.4.9.*"])
def test_api_actions_is_accepted_where_every_target_has_it(
    tmp_path: Path, run_cli: Callable[..., Result], magento: str
) -> None:
    result, target, _ = run_new(tmp_path, run_cli, spec_text(magento, [API_ACTIONS]))
    assert result.exit_code == 0, result.stderr
    api = (target / "etc" / "integration" / "api.xml").read_text(encoding="utf-8")
    names = [line.split('"')[1] for line in api.splitlines() if "<resource " in line]
    assert names == [
        "Magento_Sales::sales",
        "Magento_Sales::sales_operation",
        "Magento_Sales::sales_order",
        "Magento_Sales::actions",
        API_ACTIONS,
    ]


def test_a_subtree_does_not_take_in_an_id_some_targets_lack(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    # The default targets run from 2.4.7, which lacks api_actions, to 2.4.8-p1, which has it.
    result, target, _ = run_new(tmp_path, run_cli, spec_text(None, ["Magento_Sales::actions/**"]))
    assert result.exit_code == 0, result.stderr
    api = (target / "etc" / "integration" / "api.xml").read_text(encoding="utf-8")
    assert API_ACTIONS not in api
    assert "Magento_Sales::reorder" in api
    (tmp_path / "p4").mkdir()
    result, target, _ = run_new(
        tmp_path / "p4", run_cli, spec_text(">=2.4.7-p4", ["Magento_Sales::actions/**"])
    )
    assert result.exit_code == 0, result.stderr
    assert API_ACTIONS in (target / "etc" / "integration" / "api.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("magento", "lacking"),
    [
        (None, "does not exist in Magento 2.4.7 to 2.4.7-p3"),
        (">=2.4.6", "does not exist in Magento 2.4.6 to 2.4.6-p8, 2.4.7 to 2.4.7-p3"),
        ("2.4.7-p3", "does not exist in Magento 2.4.7-p3"),
        ("2.4.6.*", "does not exist in Magento 2.4.6 to 2.4.6-p8"),
    ],
)
def test_api_actions_is_refused_naming_the_releases_that_lack_it(
    tmp_path: Path, run_cli: Callable[..., Result], magento: str | None, lacking: str
) -> None:
    result, target, spec = run_new(tmp_path, run_cli, spec_text(magento, [API_ACTIONS]))
    assert result.exit_code == 2
    (line,) = [line for line in result.stderr.splitlines() if "error" in line]
    row = 7 if magento is not None else 6
    assert line.startswith(f"{spec}:{row}:9: error: integrations[0].resources[0]: ACL resource ")
    assert f"{API_ACTIONS} {lacking}" in line
    assert "it exists in Magento 2.4.4-p12 to 2.4.4-p13, 2.4.5-p11 to 2.4.5-p13" in line
    # The id that took its place where it is missing.
    assert "POST /V1/orders needs Magento_Sales::create there instead" in line
    assert "--catalog FILE" in line
    assert "did you mean" not in result.stderr  # never "corrected" to another id
    assert not target.exists()


def test_an_unknown_id_of_a_known_module_says_how_to_give_the_catalog(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    text = spec_text(None, ["Magento_Sales::qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"])
    result, target, _ = run_new(tmp_path, run_cli, text)
    assert result.exit_code == 2
    assert (
        "needs the store's catalog: --magento-root, --catalog FILE, MAGEGEN_CATALOG or the "
        "spec key catalog:" in result.stderr
    )
    assert not target.exists()


def test_validate_knows_api_actions_for_default_targets(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    result, target, _ = run_new(tmp_path, run_cli, spec_text(">=2.4.8", [API_ACTIONS]))
    assert result.exit_code == 0, result.stderr
    checked = run_cli("validate", target, "--no-php", "--strict")
    assert checked.exit_code == 0, checked.stdout


def test_orders_endpoint_for_2_4_7_on_grants_create_and_api_actions(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    text = 'name: Acme/Orders\nmagento: ">=2.4.7"\nintegrations:\n  - name: Orders\n'
    text += "    email: orders@example.com\n    endpoints: [POST /V1/orders]\n"
    result, target, spec = run_new(tmp_path, run_cli, text)
    assert result.exit_code == 0, result.stderr
    api = (target / "etc" / "integration" / "api.xml").read_text(encoding="utf-8")
    assert '"Magento_Sales::create"' in api and f'"{API_ACTIONS}"' in api
    assert (
        f"{spec}:6:17: warning: integrations[0].endpoints[0]: POST /V1/orders needs different "
        "ACL resources on the targeted releases: Magento_Sales::create on Magento 2.4.7 to "
        f"2.4.7-p3; {API_ACTIONS} on Magento 2.4.7-p4 to 2.4.8-p1"
    ) in result.stderr


def test_a_route_some_targets_lack_is_an_error_naming_them(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    text = 'name: Acme/Orders\nmagento: ">=2.4.6"\nintegrations:\n  - name: Orders\n'
    text += "    email: orders@example.com\n"
    text += "    endpoints: [GET /V1/products/attributes/:attributeCode/is-filterable]\n"
    result, target, _ = run_new(tmp_path, run_cli, text)
    assert result.exit_code == 2
    assert "does not exist in Magento 2.4.6 to 2.4.6-p11, which the module targets" in result.stderr
    assert not target.exists()
