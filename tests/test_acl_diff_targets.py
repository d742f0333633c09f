"""acl-diff between two specs that target other Magento releases: the routes each side's own
releases open and close (issue 19, item 7), even when the grant itself stays the same."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

SPEC = """\
name: Acme/Erp
magento: "{magento}"
integrations:
  - name: ERP
    email: erp@example.com
    resources:
{resources}
"""

Runner = Callable[..., Result]


def _spec(path: Path, magento: str, *resources: str) -> Path:
    listed = "".join(f"      - {resource}\n" for resource in resources)
    path.write_text(SPEC.format(magento=magento, resources=listed), encoding="utf-8")
    return path


def test_a_target_change_that_keeps_the_grant_shows_the_routes_it_closes(
    run_cli: Runner, tmp_path: Path
) -> None:
    # From 2.4.7-p4 on, POST /V1/orders needs Magento_Sales::api_actions, not create.
    old = _spec(tmp_path / "old.yaml", "2.4.7-p3", "Magento_Sales::create")
    new = _spec(tmp_path / "new.yaml", "2.4.7-p4", "Magento_Sales::create")
    result = run_cli("acl-diff", old, new, "--format", "json")
    assert result.exit_code == 1, result.output
    assert '"POST /V1/orders"' in result.stdout
    assert "routes_lost" in result.stdout
    text = run_cli("acl-diff", old, new).stdout
    assert "can no longer call POST /V1/orders" in text
    assert "other Magento releases targeted" in text


def test_the_same_targets_and_grant_show_no_change(run_cli: Runner, tmp_path: Path) -> None:
    old = _spec(tmp_path / "old.yaml", "2.4.7-p4", "Magento_Sales::create")
    new = _spec(tmp_path / "new.yaml", "2.4.7-p4", "Magento_Sales::create")
    result = run_cli("acl-diff", old, new)
    assert result.exit_code == 0, result.output


def test_granting_the_new_id_with_the_new_targets_keeps_the_route(
    run_cli: Runner, tmp_path: Path
) -> None:
    old = _spec(tmp_path / "old.yaml", "2.4.7-p3", "Magento_Sales::create")
    new = _spec(tmp_path / "new.yaml", "2.4.7-p4", "Magento_Sales::api_actions")
    text = run_cli("acl-diff", old, new).stdout
    assert "Magento_Sales::api_actions" in text
    # Callable before (create) and after (api_actions): neither opened nor closed.
    assert "call POST /V1/orders\n" not in text
    assert "can no longer call PUT /V1/orders/create\n" in text  # create alone gated that one
