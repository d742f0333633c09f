"""`magegen routes --spec` answers for the releases the spec's ``magento:`` targets, as ``new``
judges its endpoints and ``acl-diff`` its routes: on 2.4.7, ``POST /V1/orders`` needs
``Magento_Sales::create`` (2.4.7-p4 and 2.4.8 on moved it to ``Magento_Sales::api_actions``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

SPEC = """\
magento: "{magento}"
integrations:
  - name: ERP
    email: ops@example.com
    resources: [{resource}]
"""


def _routes(run_cli: Callable[..., Result], tmp_path: Path, magento: str, resource: str) -> set:
    spec = tmp_path / f"{magento}.yaml"
    spec.write_text(SPEC.format(magento=magento, resource=resource), encoding="utf-8")
    result = run_cli("routes", "--spec", spec, "--format", "json")
    assert result.exit_code == 0, result.stderr
    (integration,) = json.loads(result.stdout)["integrations"]
    return {f"{r['method']} {r['url']}" for r in integration["routes"]}


def test_routes_of_a_spec_come_from_the_releases_it_targets(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    assert "POST /V1/orders" in _routes(run_cli, tmp_path, "2.4.7", "Magento_Sales::create")
    assert "POST /V1/orders" not in _routes(run_cli, tmp_path, "2.4.8", "Magento_Sales::create")
    assert "POST /V1/orders" in _routes(run_cli, tmp_path, "2.4.8", "Magento_Sales::api_actions")
