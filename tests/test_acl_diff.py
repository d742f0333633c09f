"""`magegen acl-diff`: permission changes per integration, between trees and specs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import EXAMPLE_SPEC


def edited_spec(folder: Path, old: str, new: str) -> Path:
    spec = folder / "edited.yaml"
    text = EXAMPLE_SPEC.read_text()
    assert old in text
    spec.write_text(text.replace(old, new))
    return spec


def consolidated_tree(folder: Path, resources: list[str], email: str = "a@example.com") -> Path:
    """A module in the consolidated format (etc/integration.xml), written by hand."""
    (folder / "etc").mkdir(parents=True)
    (folder / "etc" / "module.xml").write_text(
        '<?xml version="1.0"?>\n<config><module name="Acme_Erp"/></config>\n'
    )
    grants = "".join(f'<resource name="{r}"/>' for r in resources)
    (folder / "etc" / "integration.xml").write_text(
        f'<?xml version="1.0"?>\n<config><integration name="Erp"><email>{email}</email>'
        f"<resources>{grants}</resources></integration></config>\n"
    )
    return folder


def test_tree_against_spec_lists_granted_and_revoked_with_titles(
    tmp_path: Path, generate: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    old = generate(spec=EXAMPLE_SPEC, name="Beehexa/IntegrationManager")
    new = edited_spec(
        tmp_path, "      - Magento_Sales::reorder\n", "      - Magento_Sales::cancel\n"
    )
    result = run_cli("acl-diff", old, new)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "integration 'testIntegration2' (split format): changed",
        "  + Magento_Sales::cancel  Cancel",
        "  - Magento_Sales::reorder  Reorder",
        "  can now call POST /V1/orders/:id/cancel",
    ]  # no warning: the spec's sync data patch brings installed stores along, tokens kept


def test_no_change_exits_zero(
    tmp_path: Path, generate: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    old = generate(spec=EXAMPLE_SPEC, name="Beehexa/IntegrationManager")
    result = run_cli("acl-diff", old, EXAMPLE_SPEC)
    assert (result.exit_code, result.stdout) == (0, "No integration permissions change.\n")


def test_spec_against_spec_with_added_and_removed_integrations(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    new = edited_spec(tmp_path, "  - name: testIntegration2\n", "  - name: Renamed\n")
    result = run_cli("acl-diff", EXAMPLE_SPEC, new, "--format", "json")
    assert result.exit_code == 1
    changes = json.loads(result.stdout)
    assert [(c["name"], c["status"]) for c in changes] == [
        ("Renamed", "added"),
        ("testIntegration2", "removed"),
    ]
    assert {"id": "Magento_Sales::reorder", "title": "Reorder"} in changes[0]["granted"]
    assert changes[1]["granted"] == [] and len(changes[1]["revoked"]) == 6
    assert "does not delete it from stores" in changes[1]["warnings"][0]


def test_email_and_url_changes_are_listed(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    new = edited_spec(
        tmp_path,
        "    endpoint_url: https://hexasync.example.com/endpoint\n",
        "    endpoint_url: https://hexasync.example.com/v2\n",
    )
    result = run_cli("acl-diff", EXAMPLE_SPEC, new)
    assert result.exit_code == 1
    assert (
        "  ~ endpoint_url: https://hexasync.example.com/endpoint -> https://hexasync.example.com/v2"
        in result.stdout.splitlines()
    )


def test_consolidated_change_warns_about_recreation(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    old = consolidated_tree(tmp_path / "old", ["Magento_Sales::sales"])
    new = consolidated_tree(tmp_path / "new", ["Magento_Sales::sales", "Magento_Cart::cart"])
    result = run_cli("acl-diff", old, new, "--format", "markdown")
    assert result.exit_code == 1
    assert result.stdout == (
        "### Integration permissions\n"
        "\n"
        "**1 integration change** (1 changed): 1 ACL resource granted, 0 revoked.\n"
        "\n"
        "#### `Erp` (consolidated format): changed\n"
        "\n"
        "| | Resource | Title |\n"
        "|---|---|---|\n"
        "| granted | `Magento_Cart::cart` | Carts |\n"
        "\n"
        "> **Warning:** Magento deletes and recreates this integration on the next "
        "setup:upgrade: it gets new consumer keys, and every access token issued to it stops "
        "working\n"
    )


def test_markdown_escapes_names(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    new = edited_spec(tmp_path, "  - name: testIntegration2\n", '  - name: "a|b <c>"\n')
    result = run_cli("acl-diff", EXAMPLE_SPEC, new, "--format", "markdown")
    assert "#### `a|b <c>` (split format): added" in result.stdout


def test_bad_inputs_exit_two(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    not_a_module = tmp_path / "empty"
    not_a_module.mkdir()
    result = run_cli("acl-diff", not_a_module, EXAMPLE_SPEC)
    assert result.exit_code == 2
    assert result.stderr == f"{not_a_module}: error: is not a module folder (no etc/module.xml)\n"
    bad_spec = tmp_path / "bad.yaml"
    bad_spec.write_text("integrations: 3\n")
    result = run_cli("acl-diff", EXAMPLE_SPEC, bad_spec)
    assert result.exit_code == 2
    assert "integrations: expected a list" in result.stderr
