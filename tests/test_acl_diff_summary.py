"""Issue 20, item 23: acl-diff in markdown opens with a summary and folds long route lists,
writes and deletes first, so that no DELETE route hides in a long list of reads."""

from __future__ import annotations

from pathlib import Path

from tests.validate_kit import Runner, assert_no_traceback, write

SPEC = """\
name: Acme/Sync
integrations:
  - name: Catalog
    email: a@example.com
    resources: [{resources}]
"""


def _diff(run_cli: Runner, tmp_path: Path, old: str, new: str) -> str:
    before = write(tmp_path / "old.yaml", SPEC.format(resources=old))
    after = write(tmp_path / "new.yaml", SPEC.format(resources=new))
    result = run_cli("acl-diff", before, after, "--format", "markdown")
    assert_no_traceback(result)
    assert result.exit_code == 1
    return result.stdout


def test_the_summary_comes_first_and_names_the_deletes(run_cli: Runner, tmp_path: Path) -> None:
    text = _diff(run_cli, tmp_path, "Magento_Customer::customer", "Magento_Catalog::products")
    summary = text[: text.index("####")]
    assert "**1 integration change** (1 changed)" in summary
    assert "resources granted" in summary and "revoked" in summary
    opened = next(line for line in summary.splitlines() if line.startswith("**Routes opened:**"))
    assert opened.index("DELETE") < opened.index("POST") < opened.index("GET")
    assert "**Routes closed:**" in summary
    assert "`DELETE /V1/products/:sku`" in summary


def test_a_long_route_list_is_folded_with_writes_first(run_cli: Runner, tmp_path: Path) -> None:
    text = _diff(run_cli, tmp_path, "Magento_Customer::customer", "Magento_Catalog::products")
    details = text[text.index("<details>") : text.index("</details>")]
    assert "<summary>Routes:" in details and "opened (" in details
    rows = [line for line in details.splitlines() if line.startswith("| can now call")]
    assert len(rows) > 60
    methods = [row.split("`")[1].split()[0] for row in rows]
    first_get = methods.index("GET")
    assert all(method == "GET" for method in methods[first_get:])
    assert "DELETE" in methods[:first_get]


def test_a_short_route_list_stays_a_table(run_cli: Runner, tmp_path: Path) -> None:
    text = _diff(run_cli, tmp_path, "Magento_Customer::customer",
                 "Magento_Customer::customer, Magento_Sales::cancel")
    assert "<details>" not in text
    assert "| can now call | `POST /V1/orders/:id/cancel` |" in text
    assert "**Can now change the store:** `POST /V1/orders/:id/cancel`." in text
