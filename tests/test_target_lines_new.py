"""`magento:` through `magegen new`: composer.json's php follows the target lines, and the id
2.4.7 added is accepted for 2.4.7 on and explained for older targets."""

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
        ("2.3.*", 10, "'2.3.*' targets none of the Magento lines known: 2.4.4"),
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


@pytest.mark.parametrize("magento", [">=2.4.7", "2.4.9.*", None])
def test_the_2_4_7_id_is_accepted_when_every_target_has_it(
    tmp_path: Path, run_cli: Callable[..., Result], magento: str | None
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


def test_a_subtree_does_not_take_in_the_2_4_7_id_unasked(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    result, target, _ = run_new(tmp_path, run_cli, spec_text(None, ["Magento_Sales::actions/**"]))
    assert result.exit_code == 0, result.stderr
    api = (target / "etc" / "integration" / "api.xml").read_text(encoding="utf-8")
    assert API_ACTIONS not in api


@pytest.mark.parametrize(
    ("magento", "claim"),
    [
        (">=2.4.6", "but the module also targets Magento 2.4.6, where it does not exist"),
        ("~2.4.4", "but the module also targets Magento 2.4.4, 2.4.5, 2.4.6, where"),
        ("2.4.6.*", "but the module targets only Magento 2.4.6"),
    ],
)
def test_the_2_4_7_id_is_refused_with_why_for_an_older_target(
    tmp_path: Path, run_cli: Callable[..., Result], magento: str, claim: str
) -> None:
    result, target, spec = run_new(tmp_path, run_cli, spec_text(magento, [API_ACTIONS]))
    assert result.exit_code == 2
    (line,) = [line for line in result.stderr.splitlines() if "error" in line]
    assert line.startswith(f"{spec}:7:9: error: integrations[0].resources[0]: ACL resource ")
    assert f"{API_ACTIONS} exists from Magento 2.4.7 on, {claim}" in line
    assert "magento: '>=2.4.7'" in line
    assert "source: magento/magento2 app/code/Magento/Sales/etc/acl.xml" in line
    assert "unknown ACL resource" not in result.stderr  # one explanation, not two
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


def test_validate_knows_the_2_4_7_id_of_a_module_for_default_targets(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    result, target, _ = run_new(tmp_path, run_cli, spec_text(None, [API_ACTIONS]))
    assert result.exit_code == 0, result.stderr
    checked = run_cli("validate", target, "--no-php", "--strict")
    assert checked.exit_code == 0, checked.stdout
