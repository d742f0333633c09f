"""``--magento-root`` / ``$MAGENTO_ROOT``: the ACL tree of a real installation, in both layouts.

Each test gets the fake Magento root of tests/fake_magento.py (the real Magento_Backend, _Sales,
_Customer and _Integration, plus Acme_Erp with ``Acme_Erp::erp`` > ``Acme_Erp::orders`` >
``Acme_Erp::orders_export``), built twice: as a git checkout and as a Composer install.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree

from generator.cli import main
from tests.fake_magento import FakeRoot, build_magento_root

NAME = "Acme/Sync"
ERP_CHAIN = ["Acme_Erp::erp", "Acme_Erp::orders", "Acme_Erp::orders_export"]
REORDER_CHAIN = [
    "Magento_Sales::sales",
    "Magento_Sales::sales_operation",
    "Magento_Sales::sales_order",
    "Magento_Sales::actions",
    "Magento_Sales::reorder",
]


def write_spec(
    folder: Path, resources: Sequence[str], sequence: Sequence[str] | None = None
) -> Path:
    """A spec with one integration granted ``resources``; ``module.sequence`` when given."""
    lines = []
    if sequence is not None:
        lines += ["module:", f"  sequence: [{', '.join(sequence)}]"]
    lines += [
        "integrations:",
        "  - name: Acme ERP sync",
        "    email: erp@example.com",
        "    resources:",
        *(f"      - {resource}" for resource in resources),
    ]
    spec = folder / "spec.yaml"
    spec.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return spec


def spec_line(spec: Path, text: str) -> int:
    """The 1-based number of the first line of ``spec`` that holds ``text``."""
    lines = spec.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def granted(module: Path) -> list[str]:
    """The resources the module's only integration lists in etc/integration/api.xml."""
    document = etree.parse(str(module / "etc" / "integration" / "api.xml"))
    integrations = document.getroot().findall("integration")
    assert len(integrations) == 1
    return [resource.get("name") for resource in integrations[0].iterfind("resources/resource")]


def require(module: Path) -> dict[str, str]:
    """The ``require`` of the generated composer.json."""
    return json.loads((module / "composer.json").read_text(encoding="utf-8"))["require"]


def notes(result: Result) -> list[str]:
    """The ``note:`` lines of stderr."""
    return [line for line in result.stderr.splitlines() if ": note: " in line]


def assert_clean_usage_error(result: Result) -> None:
    """Exit 2 with a message, and no Python traceback or internal error."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.strip()
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def tree_children(lines: list[str], indent: int) -> list[str]:
    """The resource ids of `magegen acl` tree lines indented by exactly ``indent`` spaces."""
    return [
        line.split()[0]
        for line in lines
        if line.strip() and line.startswith(" " * indent) and line[indent] != " "
    ]


# Custom resources: unknown without a root, granted with one.


def test_custom_resource_is_unknown_without_a_root(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """A module the bundled catalog does not know may be installed: a warning, not an error."""
    spec = write_spec(tmp_path, ["Acme_Erp::orders_export"])
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec, "-o", out)
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == 1
    line = spec_line(spec, "Acme_Erp::orders_export")
    assert warnings[0].startswith(f"{spec}:{line}:")
    assert "'Acme_Erp::orders_export' is granted as written, unchecked" in warnings[0]
    assert "does not know the module Acme_Erp" in warnings[0]
    assert "--magento-root" in warnings[0]
    assert "Acme_Erp::orders_export" in (out / "etc/integration/api.xml").read_text()


def test_custom_resource_is_granted_with_a_root(
    tmp_path: Path, magento_root: FakeRoot, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path, ["Acme_Erp::orders_export"])
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec, "-o", out, "--magento-root", magento_root.path)
    assert result.exit_code == 0, result.stderr
    assert granted(out) == ERP_CHAIN
    assert ": error: " not in result.stderr and ": warning: " not in result.stderr


def test_custom_subtree_is_granted_with_a_root(
    tmp_path: Path, magento_root: FakeRoot, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path, ["Acme_Erp::erp/**"])
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec, "-o", out, "--magento-root", magento_root.path)
    assert result.exit_code == 0, result.stderr
    assert granted(out) == ERP_CHAIN


def test_core_resources_still_validate_with_a_root(
    tmp_path: Path, magento_root: FakeRoot, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path, ["Magento_Sales::reorder"])
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec, "-o", out, "--magento-root", magento_root.path)
    assert result.exit_code == 0, result.stderr
    assert granted(out) == REORDER_CHAIN
    assert notes(result) == []


def test_core_and_custom_resources_follow_the_merged_tree_order(
    tmp_path: Path, magento_root: FakeRoot, run_cli: Callable[..., Result]
) -> None:
    # Acme_Erp::erp has sortOrder 25: after Sales (20), before Catalog (30) and Customers (40).
    spec = write_spec(
        tmp_path, ["Magento_Customer::customer", "Acme_Erp::orders", "Magento_Sales::reorder"]
    )
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec, "-o", out, "--magento-root", magento_root.path)
    assert result.exit_code == 0, result.stderr
    assert granted(out) == [
        *REORDER_CHAIN,
        "Acme_Erp::erp",
        "Acme_Erp::orders",
        "Magento_Customer::customer",
    ]


# $MAGENTO_ROOT


def test_environment_variable_stands_in_for_the_option(
    tmp_path: Path, magento_root: FakeRoot
) -> None:
    spec = write_spec(tmp_path, ["Acme_Erp::orders_export"])
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["new", NAME, str(spec), "-o", str(out)],
        env={"MAGENTO_ROOT": str(magento_root.path)},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert granted(out) == ERP_CHAIN

    result = CliRunner().invoke(
        main,
        ["acl", "Acme_Erp::orders_export"],
        env={"MAGENTO_ROOT": str(magento_root.path)},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("Acme_Erp::orders_export")


def test_option_wins_over_the_environment_variable(tmp_path: Path, magento_root: FakeRoot) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    spec = write_spec(tmp_path, ["Acme_Erp::orders_export"])
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["new", NAME, str(spec), "-o", str(out), "--magento-root", str(magento_root.path)],
        env={"MAGENTO_ROOT": str(empty)},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert granted(out) == ERP_CHAIN


# module.sequence: the note, and the Composer requirement


def test_note_when_the_owning_module_is_not_in_the_sequence(
    tmp_path: Path, magento_root: FakeRoot, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path, ["Acme_Erp::orders_export"])
    result = run_cli("new", NAME, spec, "-o", tmp_path / "out", "--magento-root", magento_root.path)
    assert result.exit_code == 0, result.stderr
    found = notes(result)
    assert len(found) == 1
    assert found[0].startswith(f"{spec}:{spec_line(spec, 'Acme_Erp::orders_export')}:")
    assert "Acme_Erp::orders_export belongs to Acme_Erp" in found[0]
    assert "not a core module" in found[0]
    assert "acme/module-erp" not in require(tmp_path / "out")


def test_sequence_silences_the_note_and_requires_the_package(
    tmp_path: Path, magento_root: FakeRoot, run_cli: Callable[..., Result]
) -> None:
    if magento_root.layout == "git":
        (magento_root.erp / "composer.json").unlink()  # an app/code module may have none
    spec = write_spec(tmp_path, ["Acme_Erp::orders_export"], sequence=["Acme_Erp"])
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec, "-o", out, "--magento-root", magento_root.path)
    assert result.exit_code == 0, result.stderr
    assert notes(result) == []
    required = require(out)
    if magento_root.layout == "composer":
        assert required["acme/module-erp"] == "2.3.*"
    else:  # app/code/Acme/Erp has no composer.json: no package to require
        assert "acme/module-erp" not in required
    assert required["magento/module-integration"] == "100.4.*"
    sequence = (
        etree.parse(str(out / "etc" / "module.xml")).getroot().iterfind("module/sequence/module")
    )
    assert [module.get("name") for module in sequence] == ["Acme_Erp", "Magento_Integration"]


# magegen acl


def test_acl_search_finds_custom_resources_with_their_path(
    magento_root: FakeRoot, run_cli: Callable[..., Result]
) -> None:
    result = run_cli("acl", "erp", "--magento-root", magento_root.path)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    for label, path in [
        ("Acme_Erp::erp  ERP", "    Magento Admin > ERP"),
        ("Acme_Erp::orders  Orders", "    Magento Admin > ERP > Orders"),
        (
            "Acme_Erp::orders_export  Export Orders",
            "    Magento Admin > ERP > Orders > Export Orders",
        ),
    ]:
        assert label in lines
        assert lines[lines.index(label) + 1] == path


def test_acl_json_names_the_custom_module(
    magento_root: FakeRoot, run_cli: Callable[..., Result]
) -> None:
    result = run_cli("acl", "Acme_Erp", "--format", "json", "--magento-root", magento_root.path)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    by_id = {entry["id"]: entry for entry in document["resources"]}
    assert list(by_id) == ERP_CHAIN
    assert by_id["Acme_Erp::erp"]["module"] == "Acme_Erp"
    assert by_id["Acme_Erp::erp"]["title"] == "ERP"
    assert by_id["Acme_Erp::erp"]["path"] == ["Magento_Backend::admin", "Acme_Erp::erp"]
    assert by_id["Acme_Erp::orders_export"]["path"] == ["Magento_Backend::admin", *ERP_CHAIN]


def test_acl_without_a_root_does_not_know_custom_resources(
    run_cli: Callable[..., Result],
) -> None:
    result = run_cli("acl", "Acme_Erp")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no ACL resource matches 'Acme_Erp'" in result.stderr


def test_acl_tree_places_custom_resources_by_sort_order(
    magento_root: FakeRoot, run_cli: Callable[..., Result]
) -> None:
    result = run_cli("acl", "--magento-root", magento_root.path)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    below_admin = tree_children(lines, 2)
    # The store alone is the truth: its tree holds its own modules' ids, and nothing bundled.
    position = below_admin.index("Acme_Erp::erp")
    assert below_admin[position - 1 : position + 2] == [
        "Magento_Sales::sales",
        "Acme_Erp::erp",
        "Magento_Catalog::catalog",
    ]
    assert "Magento_Cms::media_gallery" not in [line.split()[0] for line in lines]
    erp = next(i for i, line in enumerate(lines) if line.split()[0] == "Acme_Erp::erp")
    assert lines[erp : erp + 3] == [
        "  Acme_Erp::erp  ERP",
        "    Acme_Erp::orders  Orders",
        "      Acme_Erp::orders_export  Export Orders",
    ]


# Load order: module.xml's sequence decides whose acl.xml wins


@pytest.mark.parametrize("follows_erp", [True, False])
def test_sequence_decides_which_acl_xml_wins(
    magento_root: FakeRoot, run_cli: Callable[..., Result], follows_erp: bool
) -> None:
    # Acme_Branding sorts before Acme_Erp by name, so only its sequence makes it load later.
    body = '                <resource id="Acme_Erp::erp" title="Acme ERP"/>'
    sequence = ["Acme_Erp"] if follows_erp else []
    magento_root.add_module("Acme_Branding", "acme/module-branding", body, sequence)
    result = run_cli(
        "acl", "Acme_Erp::erp", "--format", "json", "--magento-root", magento_root.path
    )
    assert result.exit_code == 0, result.stderr
    (resource,) = json.loads(result.stdout)["resources"]
    assert resource["title"] == ("Acme ERP" if follows_erp else "ERP")


def test_app_code_module_without_module_xml_is_read(
    tmp_path: Path, magento_data: Path, run_cli: Callable[..., Result]
) -> None:
    root = build_magento_root(tmp_path / "magento", "git", magento_data)
    (root.erp / "etc" / "module.xml").unlink()
    spec = write_spec(tmp_path, ["Acme_Erp::orders_export"])
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec, "-o", out, "--magento-root", root.path)
    assert result.exit_code == 0, result.stderr
    assert granted(out) == ERP_CHAIN


# Bad roots


@pytest.mark.parametrize("command", ["new", "acl"])
@pytest.mark.parametrize("kind", ["missing", "empty", "file"])
def test_unusable_root_is_a_clean_usage_error(
    tmp_path: Path, run_cli: Callable[..., Result], command: str, kind: str
) -> None:
    root = tmp_path / "magento"
    if kind == "empty":
        root.mkdir()
    elif kind == "file":
        root.write_text("not a folder\n", encoding="utf-8")
    spec = write_spec(tmp_path, ["Magento_Sales::reorder"])
    out = tmp_path / "out"
    args = ["new", NAME, spec, "-o", out] if command == "new" else ["acl"]
    result = run_cli(*args, "--magento-root", root)
    assert_clean_usage_error(result)
    assert result.stdout == ""
    (message,) = result.stderr.splitlines()
    assert message.startswith(f"{root}: error: ")
    if kind == "empty":
        assert "holds no modules" in message and "Magento root" in message
    else:
        assert "--magento-root is not a folder" in message
    assert not out.exists()


@pytest.mark.parametrize("content", ["<config><acl><resources>\n<resource>\n</config>", "not xml"])
def test_malformed_acl_xml_is_skipped_with_a_warning(
    tmp_path: Path, magento_root: FakeRoot, run_cli: Callable[..., Result], content: str
) -> None:
    acl_xml = magento_root.erp / "etc" / "acl.xml"
    acl_xml.write_text(content, encoding="utf-8")
    spec = write_spec(tmp_path, ["Magento_Sales::reorder"])
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec, "-o", out, "--magento-root", magento_root.path)
    assert result.exit_code == 0, result.stderr
    assert granted(out) == REORDER_CHAIN
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{acl_xml}:")
    assert "skipped" in warnings[0]

    result = run_cli("acl", "Magento_Sales::reorder", "--magento-root", magento_root.path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Magento_Sales::reorder  Reorder"
    assert result.stderr.splitlines() == warnings

    result = run_cli("acl", "Acme_Erp", "--magento-root", magento_root.path)
    assert result.exit_code == 1
    assert warnings[0] in result.stderr.splitlines()


def test_skipped_acl_xml_is_reported_when_its_resource_is_unknown(
    tmp_path: Path, magento_root: FakeRoot, run_cli: Callable[..., Result]
) -> None:
    acl_xml = magento_root.erp / "etc" / "acl.xml"
    acl_xml.write_text("not xml", encoding="utf-8")
    spec = write_spec(tmp_path, ["Acme_Erp::orders_export"])
    result = run_cli("new", NAME, spec, "-o", tmp_path / "out", "--magento-root", magento_root.path)
    assert result.exit_code == 2
    assert any(
        line.startswith(f"{acl_xml}:") and "warning" in line for line in result.stderr.splitlines()
    )
    assert "neither Magento's core nor the installation declares it" in result.stderr
    assert "pass --magento-root" not in result.stderr
