"""composer.json's requires judged against the targeted releases' package data (issue 21,
items 3 and 10): MG214 only for a sequenced package nothing pulls in, MG216 for a Magento
package no targeted release can satisfy."""

from __future__ import annotations

from pathlib import Path

from tests.validate_kit import Runner, codes, edit_json, findings_with, validate_json


def _requires(example: Path, **changes: str | None) -> None:
    def change(manifest: dict) -> None:
        for package, constraint in changes.items():
            name = package.replace("__", "/").replace("_", "-")
            if constraint is None:
                manifest["require"].pop(name)
            else:
                manifest["require"][name] = constraint

    edit_json(example / "composer.json", change)


def test_a_sequenced_package_a_required_one_requires_is_no_mg214(
    example: Path, run_cli: Runner
) -> None:
    # magento/module-customer requires magento/module-integration in the targeted releases.
    _requires(example, magento__module_integration=None, magento__module_customer="103.0.*")
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0


def test_a_sequenced_package_nothing_pulls_in_is_mg214(example: Path, run_cli: Runner) -> None:
    _requires(example, magento__module_integration=None)
    (finding,) = findings_with(validate_json(run_cli, example)[1], "MG214")
    assert "magento/module-integration" in finding["message"]
    assert "nor does any package it requires" in finding["message"]


def test_a_framework_no_targeted_release_ships_is_mg216(example: Path, run_cli: Runner) -> None:
    _requires(example, magento__framework="~101.0")
    result, report = validate_json(run_cli, example)
    (finding,) = findings_with(report, "MG216")
    assert finding["severity"] == "warning"
    assert "magento/framework '~101.0'" in finding["message"]
    assert "2.4.7" in finding["message"] and "2.4.8-p1" in finding["message"]
    assert "default targets" in finding["message"]
    assert result.exit_code == 0


def test_a_package_magento_removed_is_mg216(example: Path, run_cli: Runner) -> None:
    _requires(example, magento__module_braintree="100.3.*")
    (finding,) = findings_with(validate_json(run_cli, example)[1], "MG216")
    assert "Magento removed in 2.4.0" in finding["message"]


def test_requires_every_targeted_release_satisfies_are_fine(example: Path, run_cli: Runner) -> None:
    _requires(
        example,
        magento__framework="^103.0",
        magento__module_catalog="104.0.*",
        # An Adobe Commerce package: magegen cannot judge it, so it says nothing.
        magento__module_rma="*",
        magento__module_sales="not a constraint",
    )
    _, report = validate_json(run_cli, example)
    assert "MG216" not in codes(report)
