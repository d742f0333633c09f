"""`magegen acl-diff` shows a module's own ACL ids with their titles: from the spec's ``acl:``
on a spec side, from the tree's etc/acl.xml on a tree side."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

OWN = """\
name: Fleet/Sync
acl:
  - id: Fleet_Sync::fleet
    title: Fleet Sync
    children:
      - {id: Fleet_Sync::fleet_read, title: Read Fleet, sortOrder: 10}
      - {id: Fleet_Sync::fleet_write, title: Write Fleet, sortOrder: 20}
"""
GONE = "  - {id: Fleet_Sync::old_export, title: Old Export, parent: Magento_Sales::sales}\n"


def spec(folder: Path, name: str, acl: str, *resources: str) -> Path:
    listed = ", ".join(resources)
    path = folder / name
    path.write_text(
        acl + "integrations:\n  - name: Fleet\n    email: fleet@example.com\n"
        f"    resources: [{listed}]\n"
    )
    return path


def sides(tmp_path: Path) -> tuple[Path, Path]:
    old = spec(tmp_path, "old.yaml", OWN + GONE, "Fleet_Sync::fleet_read", "Fleet_Sync::old_export")
    new = spec(tmp_path, "new.yaml", OWN, "Fleet_Sync::fleet/**")
    return old, new


EXPECTED = [
    "integration 'Fleet' (split format): changed",
    "  + Fleet_Sync::fleet_write  Write Fleet",
    "  - Magento_Sales::sales  Sales",
    "  - Fleet_Sync::old_export  Old Export",
]


def test_spec_sides_show_own_ids_with_the_titles_of_acl(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    old, new = sides(tmp_path)
    result = run_cli("acl-diff", old, new)
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[: len(EXPECTED)] == EXPECTED
    assert "(unknown resource)" not in result.stdout


def test_tree_sides_show_own_ids_with_the_titles_of_their_acl_xml(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    old, new = sides(tmp_path)
    trees = []
    for name, side in (("a", old), ("b", new)):
        result = run_cli("new", side, "-o", tmp_path / name)
        assert result.exit_code == 0, result.output
        trees.append(tmp_path / name)
    result = run_cli("acl-diff", *trees)
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[: len(EXPECTED)] == EXPECTED


def test_markdown_and_json_carry_the_own_titles(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    old, new = sides(tmp_path)
    markdown = run_cli("acl-diff", old, new, "--format", "markdown").stdout
    assert "| granted | `Fleet_Sync::fleet_write` | Write Fleet |" in markdown
    assert "| revoked | `Fleet_Sync::old_export` | Old Export |" in markdown
    document = json.loads(run_cli("acl-diff", old, new, "--format", "json").stdout)
    assert {"id": "Fleet_Sync::fleet_write", "title": "Write Fleet"} in document[0]["granted"]
    assert {"id": "Fleet_Sync::old_export", "title": "Old Export"} in document[0]["revoked"]


def test_a_hand_written_acl_xml_gives_the_tree_side_its_titles(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    tree = tmp_path / "tree"
    first = spec(tmp_path, "first.yaml", OWN, "Fleet_Sync::fleet_read")
    assert run_cli("new", first, "-o", tree).exit_code == 0
    # The tree's acl.xml is now the module's own; a spec without acl: grants from it.
    second = spec(tmp_path, "second.yaml", "name: Fleet/Sync\n", "Fleet_Sync::fleet_write")
    assert run_cli("new", second, "-o", tree, "--force").exit_code == 0
    result = run_cli("acl-diff", tmp_path / "first.yaml", tree)
    assert result.exit_code == 1, result.output
    assert "  + Fleet_Sync::fleet_write  Write Fleet" in result.stdout.splitlines()
    assert "  - Fleet_Sync::fleet_read  Read Fleet" in result.stdout.splitlines()


def consolidated(folder: Path, *resources: str) -> Path:
    """A module in the consolidated format with its own hand-written etc/acl.xml."""
    (folder / "etc").mkdir(parents=True)
    (folder / "etc/module.xml").write_text('<config><module name="Fleet_Sync"/></config>\n')
    (folder / "etc/acl.xml").write_text(
        '<config><acl><resources><resource id="Magento_Backend::admin">'
        '<resource id="Fleet_Sync::fleet" title="Fleet Sync">'
        '<resource id="Fleet_Sync::fleet_read" title="Read Fleet"/>'
        "</resource></resource></resources></acl></config>\n"
    )
    grants = "".join(f'<resource name="{r}"/>' for r in resources)
    (folder / "etc/integration.xml").write_text(
        '<config><integration name="Fleet"><email>fleet@example.com</email>'
        f"<resources>{grants}</resources></integration></config>\n"
    )
    return folder


def test_the_consolidated_format_grants_an_own_ids_own_parents(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    old = consolidated(tmp_path / "old", "Magento_Sales::sales")
    new = consolidated(tmp_path / "new", "Magento_Sales::sales", "Fleet_Sync::fleet_read")
    result = run_cli("acl-diff", old, new)
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[:3] == [
        "integration 'Fleet' (consolidated format): changed",
        "  + Fleet_Sync::fleet  Fleet Sync",
        "  + Fleet_Sync::fleet_read  Read Fleet",
    ]
