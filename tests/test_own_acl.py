"""A module's own ACL resources (the spec's ``acl:``): etc/acl.xml, its checks, and grants."""

from __future__ import annotations

import glob
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from lxml import etree

from tests.xsd_harness import SCHEMAS, lxml_errors, magento_lxml

ACL_URN = "urn:magento:framework:Acl/etc/acl.xsd"

BASE = "name: Fleet/Sync\n"
FLEET = """\
acl:
  - id: Fleet_Sync::fleet
    title: Fleet Sync
    children:
      - {id: Fleet_Sync::fleet_read, title: Read Fleet, sortOrder: 10}
      - id: Fleet_Sync::fleet_write
        title: Write Fleet
        sortOrder: 20
        children:
          - {id: Fleet_Sync::fleet_delete, title: Delete Fleet}
  - {id: Fleet_Sync::order_export, title: Export Orders, parent: Magento_Sales::sales_operation}
"""


def integration(*resources: str) -> str:
    listed = ", ".join(resources)
    return (
        f"integrations:\n  - name: Fleet\n    email: fleet@example.com\n    resources: [{listed}]\n"
    )


def write_spec(tmp_path: Path, text: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    spec = tmp_path / "spec.yaml"
    spec.write_text(BASE + text)
    return spec


def generate(tmp_path: Path, run_cli: Callable[..., Result], text: str) -> Path:
    out = tmp_path / "out"
    result = run_cli("new", write_spec(tmp_path, text), "-o", out)
    assert result.exit_code == 0, result.output
    return out


def fails(tmp_path: Path, run_cli: Callable[..., Result], text: str) -> str:
    out = tmp_path / "out"
    result = run_cli("new", write_spec(tmp_path, text), "-o", out)
    assert result.exit_code == 2, result.output
    assert not out.exists()
    return result.output


def test_root_level_nested_and_under_a_core_id(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = generate(tmp_path, run_cli, FLEET)
    assert (out / "etc/acl.xml").read_text() == (
        '<?xml version="1.0"?>\n'
        '<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="urn:magento:framework:Acl/etc/acl.xsd">\n'
        "    <acl>\n"
        "        <resources>\n"
        '            <resource id="Magento_Backend::admin">\n'
        '                <resource id="Fleet_Sync::fleet" title="Fleet Sync" translate="title">\n'
        '                    <resource id="Fleet_Sync::fleet_read" title="Read Fleet" '
        'translate="title" sortOrder="10"/>\n'
        '                    <resource id="Fleet_Sync::fleet_write" title="Write Fleet" '
        'translate="title" sortOrder="20">\n'
        '                        <resource id="Fleet_Sync::fleet_delete" title="Delete Fleet" '
        'translate="title"/>\n'
        "                    </resource>\n"
        "                </resource>\n"
        '                <resource id="Magento_Sales::sales">\n'
        '                    <resource id="Magento_Sales::sales_operation">\n'
        '                        <resource id="Fleet_Sync::order_export" title="Export Orders" '
        'translate="title"/>\n'
        "                    </resource>\n"
        "                </resource>\n"
        "            </resource>\n"
        "        </resources>\n"
        "    </acl>\n"
        "</config>\n"
    )


def test_a_module_with_acl_and_no_integration_is_valid(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = generate(tmp_path, run_cli, FLEET)
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == ["composer.json", "etc/acl.xml", "etc/module.xml", "registration.php"]
    assert "Magento_Integration" not in (out / "etc/module.xml").read_text()


def test_a_parent_declared_earlier_in_acl_nests_the_entry_under_it(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    text = FLEET + "  - {id: Fleet_Sync::late, title: Late One, parent: Fleet_Sync::fleet_write}\n"
    acl = (generate(tmp_path, run_cli, text) / "etc/acl.xml").read_text()
    delete, late = acl.index("Fleet_Sync::fleet_delete"), acl.index("Fleet_Sync::late")
    assert delete < late < acl.index("Magento_Sales::sales")
    assert acl.count('id="Fleet_Sync::fleet_write"') == 1


def test_output_is_deterministic(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    first = (generate(tmp_path / "a", run_cli, FLEET) / "etc/acl.xml").read_bytes()
    second = (generate(tmp_path / "b", run_cli, FLEET) / "etc/acl.xml").read_bytes()
    assert first == second


def test_generated_acl_passes_our_xsd_and_magentos(
    tmp_path: Path, run_cli: Callable[..., Result], magento_data: Path
) -> None:
    text = FLEET + "  - {id: Fleet_Sync::x, title: 'A & <b>', parent: Magento_Sales::sales}\n"
    content = (generate(tmp_path, run_cli, text) / "etc/acl.xml").read_bytes()
    assert lxml_errors(magento_lxml(ACL_URN, magento_data), content) == []
    ours = etree.XMLSchema(etree.parse(str(SCHEMAS / "acl.xsd")))
    assert lxml_errors(ours, content) == []


def test_every_core_acl_xml_passes_our_xsd(magento_data: Path) -> None:
    ours = etree.XMLSchema(etree.parse(str(SCHEMAS / "acl.xsd")))
    files = glob.glob(str(magento_data / "app/code/Magento/*/etc/acl.xml"))
    assert len(files) > 50
    for name in files:
        assert lxml_errors(ours, Path(name).read_bytes()) == [], name


@pytest.mark.parametrize(
    "content",
    [
        b'<resource id="fleet_sync::x" title="Lower"/>',
        b'<resource id="Fleet_Sync::x" title="ab"/>',
        b'<resource id="Fleet_Sync::x" title="Ok title" sortOrder="first"/>',
        b'<resource id="Fleet_Sync::x" title="One"/><resource id="Fleet_Sync::x" title="Two"/>',
    ],
)
def test_our_xsd_refuses_what_magentos_refuses(content: bytes, magento_data: Path) -> None:
    document = (
        b'<config><acl><resources><resource id="Magento_Backend::admin">'
        + content
        + b"</resource></resources></acl></config>"
    )
    ours = etree.XMLSchema(etree.parse(str(SCHEMAS / "acl.xsd")))
    assert lxml_errors(ours, document) != []
    assert lxml_errors(magento_lxml(ACL_URN, magento_data), document) != []


def test_own_ids_are_granted_with_ancestors_in_tree_order(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    text = FLEET + integration("Fleet_Sync::fleet_delete", "Fleet_Sync::order_export")
    api = (generate(tmp_path, run_cli, text) / "etc/integration/api.xml").read_text()
    granted = [line.split('"')[1] for line in api.splitlines() if "<resource name=" in line]
    assert granted == [
        "Fleet_Sync::fleet",
        "Fleet_Sync::fleet_write",
        "Fleet_Sync::fleet_delete",
        "Magento_Sales::sales",
        "Magento_Sales::sales_operation",
        "Fleet_Sync::order_export",
    ]


def test_an_own_subtree_grants_everything_below(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    text = FLEET + integration("Fleet_Sync::fleet/**")
    api = (generate(tmp_path, run_cli, text) / "etc/integration/api.xml").read_text()
    granted = [line.split('"')[1] for line in api.splitlines() if "<resource name=" in line]
    assert granted == [
        "Fleet_Sync::fleet",
        "Fleet_Sync::fleet_read",
        "Fleet_Sync::fleet_write",
        "Fleet_Sync::fleet_delete",
    ]


def test_an_own_id_acl_does_not_declare_is_an_error_with_a_suggestion(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    output = fails(tmp_path, run_cli, FLEET + integration("Fleet_Sync::fleet_reed"))
    assert "spec.yaml:16:" in output
    assert "integrations[0].resources[0]" in output
    assert "did you mean 'Fleet_Sync::fleet_read'?" in output


def test_an_own_id_without_any_acl_is_an_error(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    output = fails(tmp_path, run_cli, integration("Fleet_Sync::sync"))
    assert "unknown ACL resource 'Fleet_Sync::sync'" in output
    assert "declares it nowhere" in output


@pytest.mark.parametrize(
    ("entry", "where", "message"),
    [
        ("{id: 'fleet::x', title: Fine Title}", "acl[0].id", "is not an ACL resource id"),
        ("{id: Fleet_Sync::x}", "acl[0].title", "required key is missing"),
        ("{id: Fleet_Sync::x, title: ab}", "acl[0].title", "3 to 50 characters"),
        ("{id: Fleet_Sync::x, title: Fine, sortOrder: high}", "acl[0].sortOrder", "whole number"),
        ("{id: Fleet_Sync::x, title: Fine, sortOrder: 3000000000}", "acl[0].sortOrder", "xs:int"),
        (
            "{id: Fleet_Sync::x, title: Fine, parent: Magento_Sales::sale}",
            "acl[0].parent",
            "did you mean 'Magento_Sales::sales'?",
        ),
        (
            "{id: Fleet_Sync::x, title: Fine, parent: Fleet_Sync::y}\n"
            "  - {id: Fleet_Sync::y, title: Later}",
            "acl[0].parent",
            "declared earlier in acl: yet",
        ),
        (
            "{id: Fleet_Sync::x, title: Fine}\n  - {id: Fleet_Sync::x, title: Again}",
            "acl[1].id",
            "already declared at acl[0]",
        ),
        (
            "{id: Magento_Sales::sales, title: Fine}",
            "acl[0].id",
            "already declared by Magento_Sales",
        ),
        (
            "{id: Fleet_Sync::x, title: Fine, children: [{id: Fleet_Sync::y, title: Why, "
            "parent: Magento_Sales::sales}]}",
            "acl[0].children[0].parent",
            "only a top-level entry names its parent",
        ),
    ],
)
def test_each_acl_error_names_line_column_and_field(
    tmp_path: Path, run_cli: Callable[..., Result], entry: str, where: str, message: str
) -> None:
    output = fails(tmp_path, run_cli, f"acl:\n  - {entry}\n")
    line = next(line for line in output.splitlines() if where in line)
    assert message in line
    assert line.split(": ")[0].count(":") == 2  # spec.yaml:LINE:COL


def test_a_foreign_prefix_is_a_warning(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    out = tmp_path / "out"
    spec = write_spec(tmp_path, "acl:\n  - {id: Other_Mod::x, title: Borrowed}\n")
    result = run_cli("new", spec, "-o", out)
    assert result.exit_code == 0, result.output
    assert "warning" in result.output and "not the module's own Fleet_Sync" in result.output
    assert 'id="Other_Mod::x"' in (out / "etc/acl.xml").read_text()


def test_a_custom_template_replaces_acl_xml(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    templates = tmp_path / "templates" / "etc"
    templates.mkdir(parents=True)
    (templates / "acl.xml.j2").write_text(
        (SCHEMAS.parent / "templates/etc/acl.xml.j2")
        .read_text()
        .replace("<acl>", "<!-- x -->\n    <acl>")
    )
    out = tmp_path / "out"
    spec = write_spec(tmp_path, FLEET)
    result = run_cli("new", spec, "-o", out, "--templates", tmp_path / "templates")
    assert result.exit_code == 0, result.output
    assert "<!-- x -->" in (out / "etc/acl.xml").read_text()


def test_a_hand_written_acl_xml_is_kept_when_the_spec_has_no_acl(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = generate(tmp_path, run_cli, "module: {version: 1.0.0}\n")
    (out / "etc/acl.xml").write_text("<config/>\n")
    result = run_cli("new", tmp_path / "spec.yaml", "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert (out / "etc/acl.xml").read_text() == "<config/>\n"


def test_spec_from_round_trips_own_acl_byte_for_byte(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    text = FLEET + integration("Fleet_Sync::fleet_read", "Fleet_Sync::order_export")
    first = generate(tmp_path, run_cli, text)
    read = run_cli("spec-from", first)
    assert read.exit_code == 0, read.output
    assert "refuses" not in read.output and "acl:" in read.output
    back = tmp_path / "back.yaml"
    back.write_text(read.output)
    second = tmp_path / "second"
    result = run_cli("new", "Fleet/Sync", back, "-o", second)
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_validate_accepts_a_tree_granting_its_own_ids(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    text = FLEET + integration("Fleet_Sync::fleet/**", "Fleet_Sync::order_export")
    out = generate(tmp_path, run_cli, text)
    result = run_cli("validate", out)
    assert result.exit_code == 0, result.output
    (out / "etc/acl.xml").unlink()
    result = run_cli("validate", out)
    assert result.exit_code == 1 and "Fleet_Sync::fleet_read" in result.output
