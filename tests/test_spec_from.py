"""magegen spec-from: a module read back into a spec; `magegen new` on it writes the same bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.magento import rules
from generator.magento.acl import bundled_acl
from generator.pipeline.new import build
from generator.review.specfrom import dump_spec, fold_resources, spec_from
from generator.spec.reader import load_spec
from tests.conftest import CASE_NAMES, EXAMPLE_SPEC, REPO, case_command, sync_path_of, tree
from tests.test_properties import dump, specs

RunCli = Callable[..., Result]


def write_module(spec_path: Path, name: str, root: Path) -> dict[str, bytes]:
    """Build the module ``name`` from ``spec_path`` into ``root``; return its files."""
    built = build(name, spec_path)
    for file in built.files:
        (root / file.path).parent.mkdir(parents=True, exist_ok=True)
        (root / file.path).write_bytes(file.content)
    return {file.path: file.content for file in built.files}


def spec_body(text: str) -> dict[str, Any]:
    return yaml.safe_load(text) or {}


def spec_at(folder: Path, data: dict[str, Any] | str) -> Path:
    path = folder / "spec.yaml"
    path.write_text(data if isinstance(data, str) else dump(data), encoding="utf-8")
    return path


def round_trip(run_cli: RunCli, tmp_path: Path, name: str, spec: Path) -> tuple[Path, str]:
    """new -> spec-from -> new; the two trees are byte-identical. Returns the first tree and
    the spec read back."""
    first = tmp_path / "first"
    result = run_cli("new", name, spec, "-o", first)
    assert result.exit_code == 0, result.stderr
    read_back = tmp_path / "read-back.yaml"
    result = run_cli("spec-from", first, "-o", read_back)
    assert result.exit_code == 0, result.stderr
    text = read_back.read_text(encoding="utf-8")
    module_name = text.splitlines()[0].split()[3]
    assert module_name == name.replace("_", "/")
    second = tmp_path / "second"
    result = run_cli("new", module_name, read_back, "-o", second)
    assert result.exit_code == 0, result.stderr
    assert tree(second) == tree(first)
    return first, text


def header(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("#")]


# -- round trips -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASE_NAMES)
def test_every_case_round_trips(case: str, run_cli: RunCli, tmp_path: Path) -> None:
    name, spec = case_command(case)
    first, text = round_trip(run_cli, tmp_path, name, spec)
    vendor, module = name.replace("_", "/").split("/")
    assert header(text) == [
        f"# magegen new {vendor}/{module} <this file>",
        "# Read back from the module by magegen spec-from.",
    ]
    again = run_cli("spec-from", first)
    assert again.exit_code == 0
    assert again.stdout == text, "same tree, same bytes; stdout and -o agree"


def test_example_spec_round_trips_to_a_short_spec(run_cli: RunCli, tmp_path: Path) -> None:
    _, text = round_trip(run_cli, tmp_path, "Beehexa/IntegrationManager", EXAMPLE_SPEC)
    assert spec_body(text) == {
        "name": "Beehexa/IntegrationManager",
        "module": {
            "description": "Creates the HexaSync integration",
            "version": "1.0.1",
            "license": "MIT",
            "authors": [{"name": "Beehexa", "email": "hexasync@beehexa.com"}],
        },
        "setup": "install-data",
        "integrations": [
            {
                "name": "testIntegration2",
                "email": "hexasync@beehexa.com",
                "endpoint_url": "https://hexasync.example.com/endpoint",
                "identity_link_url": "https://hexasync.example.com/identity",
                "resources": ["Magento_Sales::reorder", "Magento_Customer::customer"],
            }
        ],
    }
    # The README's key order, defaults left out (no setup_version: it equals version; no
    # Magento_Integration in the sequence; no composer block).
    assert [line for line in text.splitlines() if not line.startswith((" ", "#"))] == [
        "name: Beehexa/IntegrationManager",
        "module:",
        "setup: install-data",
        "integrations:",
    ]


@st.composite
def varied_specs(draw: st.DrawFn) -> dict[str, Any]:
    """test_properties' valid specs, with every setup style, both formats, full access,
    Magento_Integration given by hand and composer requirements over the defaults."""
    spec = draw(specs())
    module = spec.setdefault("module", {})
    found = spec.get("integrations", [])
    if found:
        style = draw(st.sampled_from(["default", "install-data", "data-patch", "consolidated"]))
        if style == "consolidated":
            spec["integration_format"] = "consolidated"
        elif style != "default":
            spec["setup"] = style
        if style == "data-patch" and draw(st.booleans()):
            patch_name = st.from_regex(r"[A-Z][A-Za-z0-9]{0,15}", fullmatch=True)
            spec["setup_patch_name"] = draw(
                patch_name.filter(lambda n: not rules.check_class_name(n))
            )
        # Full access needs the split format: integration.xml drops Magento_Backend::all.
        if style != "consolidated" and draw(st.booleans()):
            first = found[0]
            first.pop("resources")
            first["all_resources"] = True
    where = draw(st.sampled_from(["none", "start", "end"]))
    sequence = module.get("sequence", [])
    if where == "start":
        module["sequence"] = ["Magento_Integration", *sequence]
    elif where == "end":
        module["sequence"] = [*sequence, "Magento_Integration"]
    if draw(st.booleans()):
        module.setdefault("sequence", []).append("Magento_Sales")
        spec["composer"] = {
            **spec.get("composer", {}),
            "require": {
                "magento/module-sales": draw(st.sampled_from(["103.0.*", "^103.0"])),
                "php": draw(st.sampled_from(["~8.1.0||~8.2.0||~8.3.0", ">=8.2"])),
            },
        }
    if not module:
        del spec["module"]
    return spec


@settings(max_examples=40)
@given(spec=varied_specs())
def test_random_specs_round_trip(spec: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        root = folder / "module"
        first = write_module(spec_at(folder, spec), "Acme/Prop", root)
        result = spec_from(root)
        assert result.notes == (), result.notes
        assert result.module_name == "Acme/Prop"
        read_back = folder / "read-back.yaml"
        read_back.write_text(result.text, encoding="utf-8")
        second = {file.path: file.content for file in build("Acme/Prop", read_back).files}
        assert second == first
        assert spec_from(root).text == result.text, "same tree, same bytes"


# -- what the spec holds ---------------------------------------------------------------------------


def test_ancestors_are_folded_to_the_leaves(tmp_path: Path) -> None:
    spec = spec_at(
        tmp_path,
        "integrations:\n"
        "  - name: Sync\n"
        "    email: s@example.com\n"
        "    resources: [Magento_Sales::sales, Magento_Sales::sales_operation,\n"
        "      Magento_Sales::reorder, Magento_Customer::customer, Magento_Customer::online,\n"
        "      Magento_Cart::cart/**]\n",
    )
    root = tmp_path / "module"
    write_module(spec, "Acme/Fold", root)
    resources = spec_body(spec_from(root).text)["integrations"][0]["resources"]
    assert resources == [
        "Magento_Sales::reorder",
        "Magento_Customer::online",
        "Magento_Cart::manage",
    ]


def test_fold_resources_keeps_the_admin_root() -> None:
    """magegen adds ancestors below the admin root only; Magento_Backend::admin/** grants the root
    itself, so it stays listed."""
    catalog = bundled_acl()
    listed = ["Magento_Backend::admin", "Magento_Sales::sales", "Magento_Sales::sales_operation"]
    assert fold_resources(listed, catalog) == [
        "Magento_Backend::admin",
        "Magento_Sales::sales_operation",
    ]


def test_fold_resources_keeps_unknown_ids_and_drops_repeats() -> None:
    listed = [
        "Magento_Sales::sales",
        "Acme_Erp::sync",
        "Magento_Sales::sales_operation",
        "Magento_Sales::reorder",
        "Magento_Sales::reorder",
        "Magento_Customer::customer",
    ]
    assert fold_resources(listed, bundled_acl()) == [
        "Acme_Erp::sync",
        "Magento_Sales::reorder",
        "Magento_Customer::customer",
    ]


def test_full_access_reads_back_as_all_resources(run_cli: RunCli, tmp_path: Path) -> None:
    spec = spec_at(
        tmp_path,
        "integrations:\n  - name: Full Sync\n    email: ops@example.com\n    all_resources: true\n",
    )
    _, text = round_trip(run_cli, tmp_path, "Acme/Full", spec)
    assert spec_body(text)["integrations"] == [
        {"name": "Full Sync", "email": "ops@example.com", "all_resources": True}
    ]
    assert "all_resources: true" in text


def test_consolidated_file_with_only_full_access(run_cli: RunCli, tmp_path: Path) -> None:
    """integration.xml's converter drops Magento_Backend::all: new refuses to write it, and a
    hand-written one reads back as the spec it is, which new then refuses with the reason."""
    spec = spec_at(
        tmp_path,
        "integration_format: consolidated\n"
        "integrations:\n  - name: Full Sync\n    email: ops@example.com\n    all_resources: true\n",
    )
    result = run_cli("new", "Acme/Full", spec, "-o", tmp_path / "first")
    assert result.exit_code == 2
    assert "all_resources: true needs integration_format: split" in result.stderr
    module = tmp_path / "hand"
    (tmp_path / "h").mkdir()
    write_module(spec_at(tmp_path / "h", {"integration_format": "consolidated", "integrations": [
        {"name": "Full Sync", "email": "ops@example.com", "resources": ["Magento_Cms::page"]}
    ]}), "Acme/Full", module)
    integration_xml = module / "etc" / "integration.xml"
    text = integration_xml.read_text(encoding="utf-8")
    start, end = text.index("<resources>"), text.index("</resources>")
    integration_xml.write_text(
        text[:start] + '<resources><resource name="Magento_Backend::all"/>' + text[end:],
        encoding="utf-8",
    )
    body = spec_body(spec_from(module).text)
    assert body["integration_format"] == "consolidated"
    assert body["integrations"][0]["all_resources"] is True


def test_magento_integration_is_kept_without_integrations(tmp_path: Path) -> None:
    spec = spec_at(tmp_path, {"module": {"sequence": ["Magento_Store", "Magento_Integration"]}})
    root = tmp_path / "module"
    write_module(spec, "Acme/Plain", root)
    body = spec_body(spec_from(root).text)
    assert body["module"]["sequence"] == ["Magento_Store", "Magento_Integration"]


@pytest.mark.parametrize(
    "value", ["1.10", "yes", "no", "null", "~", "123", "0x1F", "1e3", "true", "2024-01-01",
              "*", " padded ", "# not a comment", "- dash", "a: b", "@at", "`tick`", "'q'",
              "line\nbreak", "tab\there", "ünïcode ✓", "\u2028sep", "{a}", "[x]", "&anchor",
              "!tag", "%percent", "0o17", ".inf", "=", "<<", "\x85", "a\x85b", "\ufeffbom"]
)  # fmt: skip
def test_values_survive_yaml(value: str, tmp_path: Path) -> None:
    """Text that plain YAML would retype or misread comes back as the same text."""
    spec = {
        "module": {
            "description": value,
            "license": [value, "MIT"],
            "authors": [{"name": value, "role": value}],
        },
        "composer": {"require": {"ext-json": "*"}},
    }
    spec_path = spec_at(tmp_path, json.dumps(spec))  # JSON is YAML: no help from our dumper
    root = tmp_path / "module"
    first = write_module(spec_path, "Acme/Texts", root)
    text = spec_from(root).text
    read_back = tmp_path / "read-back.yaml"
    read_back.write_text(text, encoding="utf-8")
    loaded = load_spec(read_back, "Acme/Texts").spec
    assert loaded.description == value
    assert loaded.license == (value, "MIT")
    assert loaded.authors[0].name == loaded.authors[0].role == value
    assert {file.path: file.content for file in build("Acme/Texts", read_back).files} == first


def test_dump_spec_quotes_what_yaml_would_retype() -> None:
    text = dump_spec({"module": {"version": "1.10", "description": "yes", "license": "null"}})
    assert text == "module:\n  version: '1.10'\n  description: 'yes'\n  license: 'null'\n"
    assert dump_spec({}) == "{}\n"


# -- what the spec cannot say ----------------------------------------------------------------------


def test_extra_files_are_listed_and_the_spec_still_round_trips(
    run_cli: RunCli, tmp_path: Path
) -> None:
    root = tmp_path / "module"
    generated = write_module(EXAMPLE_SPEC, "Beehexa/IntegrationManager", root)
    (root / "etc" / "di.xml").write_text('<?xml version="1.0"?>\n<config/>\n')
    (root / "Controller").mkdir()
    (root / "Controller" / "Index.php").write_text("<?php\n// custom\n")
    result = run_cli("spec-from", root)
    assert result.exit_code == 0, result.stderr
    assert header(result.stdout)[2:] == [
        "#",
        "# Not reproduced by this spec. magegen new never touches a file it does not write;",
        "# magegen new Beehexa/IntegrationManager SPEC -o MODULE_DIR --diff shows how it would "
        "change the others.",
        "#   - Controller/Index.php: a file the spec does not describe",
        "#   - etc/di.xml: a file the spec does not describe",
    ]
    spec = spec_at(tmp_path, result.stdout)
    assert {f.path: f.content for f in build("Beehexa/IntegrationManager", spec).files} == generated


def test_hand_edits_and_foreign_composer_keys_are_listed(tmp_path: Path) -> None:
    root = tmp_path / "module"
    write_module(EXAMPLE_SPEC, "Beehexa/IntegrationManager", root)
    manifest = json.loads((root / "composer.json").read_text())
    manifest["extra"] = {"map": []}
    del manifest["require"]["magento/framework"]
    (root / "composer.json").write_text(json.dumps(manifest, indent=4))
    install_data = root / "Setup" / "InstallData.php"
    install_data.write_text(
        install_data.read_text().replace("    }\n}", "        // mine\n    }\n}")
    )
    notes = spec_from(root).notes
    assert notes == (
        "Setup/InstallData.php: differs from what the spec generates",
        "composer.json: differs from what the spec generates",
        'composer.json: "extra" is not in the spec format',
        'composer.json: "require" lacks magento/framework, which magegen always requires for '
        "this sequence",
    )


def test_tutorial_api_xml_without_parents_is_a_difference(tmp_path: Path) -> None:
    """The tutorial lists leaves only; magegen writes the parents Magento needs."""
    root = tmp_path / "module"
    write_module(EXAMPLE_SPEC, "Beehexa/IntegrationManager", root)
    api = root / "etc" / "integration" / "api.xml"
    api.write_text(
        '<?xml version="1.0"?>\n<integrations>\n    <integration name="testIntegration2">\n'
        '        <resources>\n            <resource name="Magento_Sales::reorder"/>\n'
        "        </resources>\n    </integration>\n</integrations>\n"
    )
    result = spec_from(root)
    assert spec_body(result.text)["integrations"][0]["resources"] == ["Magento_Sales::reorder"]
    # The resources differ, so the sync data patch's hash (its class name) differs too.
    old = sync_path_of("Beehexa/IntegrationManager", EXAMPLE_SPEC)
    assert result.notes[-1] == "etc/integration/api.xml: differs from what the spec generates"
    assert len(result.notes) == 3
    assert (
        f"{old}: a sync data patch of other integrations; magegen new --force replaces it"
        in result.notes
    )


def test_what_magegen_refuses_is_said(tmp_path: Path) -> None:
    root = tmp_path / "module"
    write_module(EXAMPLE_SPEC, "Beehexa/IntegrationManager", root)
    api = root / "etc" / "integration" / "api.xml"
    # A typo in a module Magento's catalog knows (an unknown module is only a warning).
    api.write_text(api.read_text().replace("Magento_Customer::customer", "Magento_Sales::reoder"))
    result = spec_from(root)
    assert "Magento_Sales::reoder" in spec_body(result.text)["integrations"][0]["resources"]
    assert len(result.notes) == 1, "nothing else to say: the module is magegen's otherwise"
    assert result.notes[0].startswith(
        "magegen new refuses this spec: integrations[0].resources[1]: unknown ACL resource "
        "'Magento_Sales::reoder'"
    ), result.notes
    (root / "etc" / "di.xml").write_text("<config/>\n")
    assert spec_from(root).notes[1:] == ("etc/di.xml: a file the spec does not describe",)


def test_resources_of_an_installation_fold_with_magento_root(
    run_cli: RunCli, tmp_path: Path
) -> None:
    erp = tmp_path / "magento" / "app" / "code" / "Acme" / "Erp" / "etc"
    erp.mkdir(parents=True)
    (erp / "module.xml").write_text('<config><module name="Acme_Erp"/></config>\n')
    (erp / "acl.xml").write_text(
        '<config><acl><resources><resource id="Magento_Backend::admin">'
        '<resource id="Acme_Erp::erp" title="ERP" sortOrder="25">'
        '<resource id="Acme_Erp::orders" title="Orders"/></resource>'
        "</resource></resources></acl></config>\n"
    )
    # The store is the whole truth: it holds the Sales ids the spec grants too.
    sales = tmp_path / "magento" / "app" / "code" / "Magento" / "Sales" / "etc"
    sales.mkdir(parents=True)
    (sales / "module.xml").write_text('<config><module name="Magento_Sales"/></config>\n')
    (sales / "acl.xml").write_text(
        '<config><acl><resources><resource id="Magento_Backend::admin">'
        '<resource id="Magento_Sales::sales" title="Sales" sortOrder="20">'
        '<resource id="Magento_Sales::sales_operation" title="Operations">'
        '<resource id="Magento_Sales::sales_order" title="Orders">'
        '<resource id="Magento_Sales::actions" title="Actions">'
        '<resource id="Magento_Sales::reorder" title="Reorder"/>'
        "</resource></resource></resource></resource></resource></resources></acl></config>\n"
    )
    magento = tmp_path / "magento"
    spec = spec_at(
        tmp_path,
        "module: {sequence: [Acme_Erp]}\nintegrations:\n  - name: Sync\n    email: s@example.com\n"
        "    resources: [Acme_Erp::orders, Magento_Sales::reorder]\n",
    )
    first = tmp_path / "first"
    assert run_cli("new", "Acme/Sync", spec, "-o", first, "--magento-root", magento).exit_code == 0

    without = run_cli("spec-from", first)
    assert without.exit_code == 0
    # Without the root, the ids of a module the catalog does not know stay as listed.
    unfolded = spec_body(without.stdout)["integrations"][0]["resources"]
    assert {"Acme_Erp::erp", "Acme_Erp::orders"} <= set(unfolded)
    read_back = tmp_path / "read-back.yaml"
    result = run_cli("spec-from", first, "--magento-root", magento, "-o", read_back)
    assert result.exit_code == 0, result.stderr
    assert spec_body(read_back.read_text())["integrations"][0]["resources"] == [
        "Magento_Sales::reorder",
        "Acme_Erp::orders",
    ]
    second = tmp_path / "second"
    result = run_cli("new", "Acme/Sync", read_back, "-o", second, "--magento-root", magento)
    assert result.exit_code == 0, result.stderr
    assert tree(second) == tree(first)


# -- the command -----------------------------------------------------------------------------------


def test_output_file_is_never_overwritten(run_cli: RunCli, tmp_path: Path) -> None:
    root = tmp_path / "module"
    write_module(EXAMPLE_SPEC, "Beehexa/IntegrationManager", root)
    existing = tmp_path / "spec.yaml"
    existing.write_text("mine\n")
    result = run_cli("spec-from", root, "-o", existing)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{existing}: error: already exists; spec-from never overwrites a file: "
        "choose another name\n"
    )
    assert result.stdout == ""
    assert existing.read_text() == "mine\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '<?xml version="1.0"?>\n<config>\n    <module name="Acme_Broken">\n</config>\n',
            "etc/module.xml:4: error: malformed XML: ",
        ),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE config [<!ENTITY x "y">]>\n<config/>\n',
            "etc/module.xml:2: error: has a DOCTYPE",
        ),
    ],
)
def test_invalid_module_xml_exits_2(
    content: str, expected: str, run_cli: RunCli, tmp_path: Path
) -> None:
    root = tmp_path / "module"
    write_module(EXAMPLE_SPEC, "Beehexa/IntegrationManager", root)
    (root / "etc" / "module.xml").write_text(content)
    result = run_cli("spec-from", root)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"{root}/{expected}"), result.stderr
    assert "Traceback" not in result.stderr


def test_other_unreadable_files_exit_2(run_cli: RunCli, tmp_path: Path) -> None:
    root = tmp_path / "module"
    write_module(EXAMPLE_SPEC, "Beehexa/IntegrationManager", root)
    (root / "composer.json").write_text('{\n  "name": "a/b",\n  oops\n}\n')
    result = run_cli("spec-from", root)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{root}/composer.json:3: error: invalid JSON: Expecting property name enclosed in "
        "double quotes (column 3)"
    ]


def test_not_a_module_exits_2(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("spec-from", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{tmp_path}/etc/module.xml: error: not found: the folder is not a Magento module "
        "(no etc/module.xml)\n"
    )
    result = run_cli("spec-from", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


# -- xmlschema stays out of the other commands -----------------------------------------------------


def loaded_modules(code: str, cwd: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_xmlschema_is_imported_by_no_command(tmp_path: Path) -> None:
    assert loaded_modules("import generator.cli, sys; print('xmlschema' in sys.modules)", REPO) == (
        "False"
    )
    spec = spec_at(tmp_path, EXAMPLE_SPEC.read_text())
    run = (
        "import sys\n"
        "from generator.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:], standalone_mode=False)\n"
        "finally:\n"
        "    print('xmlschema' in sys.modules)\n"
    )
    new = f"import sys; sys.argv[1:] = ['new', 'Acme/Cli', {str(spec)!r}, '-o', 'out']\n" + run
    assert loaded_modules(new, tmp_path) == "False"
    assert (tmp_path / "out" / "etc" / "module.xml").is_file()
    read_back = "import sys; sys.argv[1:] = ['spec-from', 'out', '-o', 'back.yaml']\n" + run
    assert loaded_modules(read_back, tmp_path) == "False"
    assert (tmp_path / "back.yaml").read_text().startswith("# magegen new Acme/Cli <this file>\n")
