"""acl-diff names the routes each integration can now call and can no longer call."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import REPO

HEAD = "name: Acme/Erp\nintegrations:\n  - name: ERP\n    email: erp@example.com\n"


def _spec(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    old = _spec(tmp_path, "old.yaml", '    endpoints: ["GET /V1/orders"]\n')
    new = _spec(tmp_path, "new.yaml", '    endpoints: ["POST /V1/orders/:id/cancel"]\n')
    return old, new


def test_text_names_routes_gained_and_lost(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    old = _spec(tmp_path, "old.yaml", '    endpoints: ["GET /V1/orders"]\n')
    new = _spec(
        tmp_path, "new.yaml", '    endpoints: ["GET /V1/orders", "POST /V1/orders/:id/cancel"]\n'
    )
    result = run_cli("acl-diff", old, new)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "integration 'ERP' (split format): changed",
        "  + Magento_Sales::cancel  Cancel",
        "  can now call POST /V1/orders/:id/cancel",
    ]
    back = run_cli("acl-diff", new, old)
    assert "  can no longer call POST /V1/orders/:id/cancel" in back.stdout.splitlines()


def test_parents_false_loses_the_parent_routes(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    old = _spec(tmp_path, "old.yaml", '    endpoints: ["GET /V1/products/:sku"]\n')
    new = _spec(
        tmp_path, "new.yaml", '    parents: false\n    endpoints: ["GET /V1/products/:sku"]\n'
    )
    result = run_cli("acl-diff", old, new, "--format", "json")
    assert result.exit_code == 1
    change = json.loads(result.stdout)[0]
    assert [r["id"] for r in change["revoked"]] == [
        "Magento_Catalog::catalog",
        "Magento_Catalog::catalog_inventory",
    ]
    assert "GET /V1/products/:sku/media" in change["routes_lost"]
    assert change["routes_gained"] == []
    assert "GET /V1/products/:sku" not in change["routes_lost"]


def test_markdown_has_a_route_table(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    old, new = _pair(tmp_path)
    markdown = run_cli("acl-diff", old, new, "--format", "markdown").stdout
    assert "| | Route |" in markdown
    assert "| can now call | `POST /V1/orders/:id/cancel` |" in markdown
    assert "| can no longer call | `GET /V1/orders` |" in markdown


def test_an_added_integration_lists_what_it_can_call(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("name: Acme/Erp\n", encoding="utf-8")
    new = _spec(tmp_path, "new.yaml", '    parents: false\n    endpoints: ["GET /V1/orders"]\n')
    change = json.loads(run_cli("acl-diff", empty, new, "--format", "json").stdout)[0]
    assert change["status"] == "added"
    assert "GET /V1/orders" in change["routes_gained"]
    assert "GET /V1/modules" in change["routes_gained"]  # Magento_Backend::admin, always added


def test_acl_diff_without_grant_changes_does_not_load_routes(tmp_path: Path) -> None:
    spec = _spec(tmp_path, "a.yaml", "    resources: [Magento_Sales::actions_view]\n")
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from generator.cli import main\n"
        f"r = CliRunner().invoke(main, ['acl-diff', {str(spec)!r}, {str(spec)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('generator.magento.routes' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
