"""`magegen acl --spec SPEC` and `--module MODULE_DIR`: a module's own resources shown and
searched like Magento's, with titles and paths."""

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
      - {id: Fleet_Sync::fleet_read, title: Read Fleet}
  - {id: Fleet_Sync::order_export, title: Export Orders, parent: Magento_Sales::sales_operation}
"""
HAND_ACL = (
    '<config><acl><resources><resource id="Magento_Backend::admin">'
    '<resource id="Hand_Made::root" title="Hand Made">'
    '<resource id="Hand_Made::read" title="Read Hand"/>'
    "</resource></resource></resources></acl></config>\n"
)


def own_spec(tmp_path: Path) -> Path:
    spec = tmp_path / "spec.yaml"
    spec.write_text(OWN)
    return spec


def hand_module(folder: Path) -> Path:
    (folder / "etc").mkdir(parents=True)
    (folder / "etc/module.xml").write_text('<config><module name="Hand_Made"/></config>\n')
    (folder / "etc/acl.xml").write_text(HAND_ACL)
    return folder


def test_a_search_finds_the_specs_own_ids_with_their_path(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    result = run_cli("acl", "export orders", "--spec", own_spec(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Fleet_Sync::order_export  Export Orders",
        "    Magento Admin > Sales > Operations > Export Orders",
    ]


def test_without_spec_the_tree_is_magentos_alone(run_cli: Callable[..., Result]) -> None:
    result = run_cli("acl", "Fleet_Sync")
    assert result.exit_code == 1
    assert "Fleet_Sync" not in result.stdout


def test_the_tree_nests_own_ids_where_they_are_declared(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    lines = run_cli("acl", "--spec", own_spec(tmp_path)).stdout.splitlines()
    fleet = lines.index("  Fleet_Sync::fleet  Fleet Sync")
    assert lines[fleet + 1] == "    Fleet_Sync::fleet_read  Read Fleet"
    operations = lines.index("    Magento_Sales::sales_operation  Operations")
    assert lines[operations + 1] == "      Fleet_Sync::order_export  Export Orders"


def test_json_gives_own_ids_their_module_and_path(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    result = run_cli(
        "acl", "Fleet_Sync::fleet_read", "--spec", own_spec(tmp_path), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    [resource] = json.loads(result.stdout)["resources"]
    assert resource["title"] == "Read Fleet"
    assert resource["module"] == "Fleet_Sync"
    assert resource["path"] == [
        "Magento_Backend::admin",
        "Fleet_Sync::fleet",
        "Fleet_Sync::fleet_read",
    ]


def test_a_module_folder_adds_its_acl_xml(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    module = hand_module(tmp_path / "Hand")
    result = run_cli("acl", "read hand", "--module", module)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Hand_Made::read  Read Hand",
        "    Magento Admin > Hand Made > Read Hand",
    ]


def test_a_link_out_of_the_module_folder_is_not_followed(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    module = hand_module(tmp_path / "Hand")
    outside = tmp_path / "outside.xml"
    (module / "etc/acl.xml").rename(outside)
    (module / "etc/acl.xml").symlink_to(outside)
    result = run_cli("acl", "Hand_Made", "--module", module)
    assert result.exit_code == 1
    assert "not read: not a regular file inside the module's folder" in result.stderr
    assert "Hand_Made::read" not in result.stdout


def test_bad_input_exits_2(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    spec = own_spec(tmp_path)
    both = run_cli("acl", "--spec", spec, "--module", hand_module(tmp_path / "Hand"))
    assert both.exit_code == 2 and "not both" in both.stderr
    no_module = run_cli("acl", "--module", tmp_path)
    assert no_module.exit_code == 2 and "no etc/module.xml" in no_module.stderr
    spec.write_text(OWN.replace("title: Read Fleet", "title: ab"))
    bad = run_cli("acl", "--spec", spec)
    assert bad.exit_code == 2 and "spec.yaml:6:" in bad.stderr
