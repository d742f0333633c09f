"""Templates people can adjust: a folder of templates replaces built-in ones of the same name."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from lxml import etree

from generator.pipeline.render import TEMPLATE_NAMES
from generator.resources import templates_dir
from tests.conftest import EXAMPLE_SPEC, tree

NAME = "Acme/Erp"
SPEC = """\
module:
  description: {description}
integrations:
  - name: {name}
    email: erp@acme.example
    resources: [Magento_Sales::reorder]
"""
COMMENTED_MODULE_XML = (
    '<?xml version="1.0"?>\n<!-- {{ comment }} -->\n'
    + (templates_dir() / "etc/module.xml.j2").read_text().split("\n", 1)[1]
)


def write_spec(
    path: Path,
    name: str = "ERP Sync",
    description: str = "Acme ERP",
    extra: str = "",
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SPEC.format(name=name, description=description) + extra, encoding="utf-8")
    return path


def write_template(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def module_xml_saying(comment: str) -> str:
    """The built-in module.xml template with an XML comment after the declaration."""
    return COMMENTED_MODULE_XML.replace("{{ comment }}", comment)


def test_a_custom_template_replaces_only_its_namesake(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path / "spec.yaml")
    templates = tmp_path / "tpl"
    write_template(templates, "etc/module.xml.j2", module_xml_saying("custom {{ spec.name }}"))
    plain, custom = tmp_path / "plain", tmp_path / "custom"
    assert run_cli("new", NAME, spec, "-o", plain).exit_code == 0

    result = run_cli("new", NAME, spec, "-o", custom, "--templates", templates)

    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr
    expected = tree(plain)
    expected["etc/module.xml"] = expected["etc/module.xml"].replace(
        b"?>\n", b"?>\n<!-- custom Acme_Erp -->\n", 1
    )
    assert tree(custom) == expected


def test_the_spec_key_is_relative_to_the_spec_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    specs = tmp_path / "specs"
    spec = write_spec(specs / "erp.yaml", extra="templates: shared-templates\n")
    write_template(specs / "shared-templates", "etc/module.xml.j2", module_xml_saying("key"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    result = run_cli("new", NAME, spec, "-o", tmp_path / "out")

    assert result.exit_code == 0, result.stderr
    assert "<!-- key -->" in (tmp_path / "out/etc/module.xml").read_text()


def test_the_option_wins_over_the_key(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    spec = write_spec(tmp_path / "spec.yaml", extra="templates: from-key\n")
    write_template(tmp_path / "from-key", "etc/module.xml.j2", module_xml_saying("key"))
    write_template(tmp_path / "from-option", "etc/module.xml.j2", module_xml_saying("option"))
    out = tmp_path / "out"

    result = run_cli("new", NAME, spec, "-o", out, "--templates", tmp_path / "from-option")

    assert result.exit_code == 0, result.stderr
    text = (out / "etc/module.xml").read_text()
    assert "<!-- option -->" in text and "key" not in text


def test_with_the_option_a_missing_key_folder_does_not_matter(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path / "spec.yaml", extra="templates: not-here\n")
    write_template(tmp_path / "tpl", "etc/module.xml.j2", module_xml_saying("option"))
    result = run_cli("new", NAME, spec, "-o", tmp_path / "out", "--templates", tmp_path / "tpl")
    assert result.exit_code == 0, result.stderr


def test_xml_values_are_escaped_in_a_custom_template(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    name = 'R&D "Sync" <one> & more'
    spec = write_spec(tmp_path / "spec.yaml", name="'R&D \"Sync\" <one> & more'")
    templates = tmp_path / "tpl"
    write_template(
        templates,
        "etc/integration/config.xml.j2",
        """\
<?xml version="1.0"?>
<integrations xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:noNamespaceSchemaLocation="urn:magento:module:Magento_Integration:etc/integration/config.xsd">
{% for integration in spec.integrations %}
    <!-- {{ integration.name }} -->
    <integration name="{{ integration.name }}">
        <email>{{ integration.email }}</email>
    </integration>
{% endfor %}
</integrations>
""",
    )
    out = tmp_path / "out"

    result = run_cli("new", NAME, spec, "-o", out, "--templates", templates)

    assert result.exit_code == 0, result.stderr
    content = (out / "etc/integration/config.xml").read_bytes()
    assert b'name="R&amp;D &quot;Sync&quot; &lt;one&gt; &amp; more"' in content
    root = etree.fromstring(content)
    assert root.find("integration").get("name") == name
    assert root.xpath("//comment()")[0].text == " R&amp;D &quot;Sync&quot; &lt;one&gt; &amp; more "


PHP_TEMPLATE = """\
<?php

declare(strict_types=1);

namespace {{ spec.namespace }}\\Setup;

/**
 * A custom installer.
 */
class InstallData
{
    public const DESCRIPTION = {{ spec.description | php_string }};

    public const NAMES = [
{% for integration in spec.integrations %}
        {{ integration.name | php_string }},
{% endfor %}
    ];
}
"""
TRICKY_DESCRIPTION = "O'Brien's \\ tool ${x} '); exit(1); //"


def php_spec_and_templates(tmp_path: Path) -> tuple[Path, Path]:
    spec = write_spec(
        tmp_path / "spec.yaml", description='"' + TRICKY_DESCRIPTION.replace("\\", "\\\\") + '"'
    )
    templates = tmp_path / "tpl"
    write_template(templates, "Setup/InstallData.php.j2", PHP_TEMPLATE)
    return spec, templates


def test_php_values_go_through_php_string_in_a_custom_template(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec, templates = php_spec_and_templates(tmp_path)
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec, "-o", out, "--templates", templates)
    assert result.exit_code == 0, result.stderr
    php = (out / "Setup/InstallData.php").read_text()
    assert "DESCRIPTION = 'O\\'Brien\\'s \\\\ tool ${x} \\'); exit(1); //';" in php
    assert "class InstallData" in php


def test_real_php_reads_the_custom_template_values_back(
    tmp_path: Path, run_cli: Callable[..., Result], php: str
) -> None:
    spec, templates = php_spec_and_templates(tmp_path)
    out = tmp_path / "out"
    assert run_cli("new", NAME, spec, "-o", out, "--templates", templates).exit_code == 0
    script = (
        f"require {str(out / 'Setup/InstallData.php')!r}; "
        "echo Acme\\Erp\\Setup\\InstallData::DESCRIPTION;"
    )
    run = subprocess.run([php, "-n", "-r", script], capture_output=True, text=True, check=True)
    assert run.stdout == TRICKY_DESCRIPTION


def test_a_template_producing_invalid_xml_fails_the_checks(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path / "spec.yaml")
    templates = tmp_path / "tpl"
    write_template(
        templates,
        "etc/module.xml.j2",
        '<?xml version="1.0"?>\n<config>\n    <module name="{{ spec.module }}"/>\n</config>\n',
    )
    out = tmp_path / "out"

    result = run_cli("new", NAME, spec, "-o", out, "--templates", templates)

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("etc/module.xml:3: error: does not match module.xsd:")
    assert lines[-1] == (
        f"{templates / 'etc/module.xml.j2'}: note: etc/module.xml comes from this custom template"
    )
    assert not out.exists()


def test_a_template_producing_unbalanced_php_fails_the_checks(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path / "spec.yaml")
    templates = tmp_path / "tpl"
    write_template(
        templates,
        "registration.php.j2",
        "<?php\nComponentRegistrar::register(ComponentRegistrar::MODULE, {{ spec.name }}, "
        "__DIR__;\n",
    )
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec, "-o", out, "--templates", templates)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "registration.php:2: error: '(' is never closed",
        f"{templates / 'registration.php.j2'}: note: registration.php comes from this custom "
        "template",
    ]
    assert not out.exists()


def test_a_syntax_error_names_the_template_and_line(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path / "spec.yaml")
    templates = tmp_path / "tpl"
    write_template(templates, "composer.json.j2", "{{ composer | json_document }}\n{% if %}\n")
    out = tmp_path / "out"

    result = run_cli("new", NAME, spec, "-o", out, "--templates", templates)

    assert result.exit_code == 2
    assert result.stderr == (
        f"{templates / 'composer.json.j2'}:2: error: template syntax error: "
        "Expected an expression, got 'end of statement block'\n"
    )
    assert not out.exists()


def test_an_undefined_value_names_the_template_and_line(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path / "spec.yaml")
    templates = tmp_path / "tpl"
    write_template(templates, "etc/module.xml.j2", module_xml_saying("{{ spec.nmae }}"))
    write_template(templates, "Setup/InstallData.php.j2", "<?php\n\n{{ vendor }}\n")
    out = tmp_path / "out"

    result = run_cli("new", NAME, spec, "-o", out, "--templates", templates)

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{templates / 'etc/module.xml.j2'}:2: error: template error: "
        "'generator.spec.model.ModuleSpec object' has no attribute 'nmae' "
        "(every value a template prints must exist: see README, Templates)",
        f"{templates / 'Setup/InstallData.php.j2'}:3: error: template error: "
        "'vendor' is undefined (every value a template prints must exist: see README, Templates)",
    ]
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_failing_filter_is_a_template_error_not_a_crash(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path / "spec.yaml")
    templates = tmp_path / "tpl"
    write_template(templates, "registration.php.j2", "<?php\n\n{{ spec.sequence | php_string }}\n")
    result = run_cli("new", NAME, spec, "-o", tmp_path / "out", "--templates", templates)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"{templates / 'registration.php.j2'}:3: error: template error: AttributeError: "
    )


def test_unknown_template_files_are_warned_about(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path / "spec.yaml")
    templates = tmp_path / "tpl"
    write_template(templates, "etc/modul.xml.j2", "typo\n")
    write_template(templates, "notes.txt", "mine\n")
    write_template(templates, ".hidden", "ignored\n")
    write_template(templates, ".git/config", "ignored\n")
    write_template(templates, "_header.j2", "<!-- {{ spec.name }} -->\n")
    write_template(
        templates,
        "etc/module.xml.j2",
        module_xml_saying("x").replace("<!-- x -->\n", '{% include "_header.j2" %}'),
    )
    out = tmp_path / "out"

    result = run_cli("new", NAME, spec, "-o", out, "--templates", templates)

    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warnings == [
        f"{templates / 'etc/modul.xml.j2'}: warning: matches no built-in template, so it is not "
        "used (did you mean 'etc/module.xml.j2'?)",
        f"{templates / 'notes.txt'}: warning: matches no built-in template, so it is not used; "
        f"the templates are {', '.join(sorted(TEMPLATE_NAMES))}",
    ]
    assert "<!-- Acme_Erp -->" in (out / "etc/module.xml").read_text()


def test_a_missing_templates_option_is_a_usage_error(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path / "spec.yaml")
    out = tmp_path / "out"
    missing = tmp_path / "nope"
    result = run_cli("new", NAME, spec, "-o", out, "--templates", missing)
    assert (result.exit_code, result.stderr) == (
        2,
        f"--templates: error: no such folder: {missing}\n",
    )
    a_file = write_template(tmp_path, "file.j2", "")
    result = run_cli("new", NAME, spec, "-o", out, "--templates", a_file)
    assert (result.exit_code, result.stderr) == (
        2,
        f"--templates: error: is not a folder: {a_file}\n",
    )
    assert not out.exists()


def test_a_missing_templates_key_folder_points_at_the_key(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path / "spec.yaml", extra="templates: nope\n")
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec, "-o", out)
    assert (result.exit_code, result.stderr) == (
        2,
        f"{spec}:7:12: error: templates: no such folder: {tmp_path / 'nope'}\n",
    )
    assert not out.exists()


def test_check_compares_with_what_the_custom_templates_render(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path / "spec.yaml")
    templates = tmp_path / "tpl"
    write_template(templates, "etc/module.xml.j2", module_xml_saying("custom"))
    out = tmp_path / "out"
    assert run_cli("new", NAME, spec, "-o", out, "--templates", templates).exit_code == 0
    assert run_cli("new", NAME, spec, "-o", out, "--templates", templates, "--check").exit_code == 0
    drifted = run_cli("new", NAME, spec, "-o", out, "--check")
    assert drifted.exit_code == 1
    assert f"{out / 'etc/module.xml'}: error: differs" in drifted.stderr


def test_an_edited_template_is_read_again(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    """One process (an editor integration, a test run) sees a template's new text."""
    spec = write_spec(tmp_path / "spec.yaml")
    templates = tmp_path / "tpl"
    template = write_template(templates, "etc/module.xml.j2", module_xml_saying("first"))
    first, second = tmp_path / "first", tmp_path / "second"
    assert run_cli("new", NAME, spec, "-o", first, "--templates", templates).exit_code == 0
    template.write_text(module_xml_saying("second version"))
    assert run_cli("new", NAME, spec, "-o", second, "--templates", templates).exit_code == 0
    assert "<!-- second version -->" in (second / "etc/module.xml").read_text()


def test_custom_templates_cannot_run_commands(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """A spec may name its templates; they run sandboxed, so a PR cannot run code in CI."""
    proof = tmp_path / "proof"
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "registration.php.j2").write_text(
        "{{ cycler.__init__.__globals__.os.popen('touch " + str(proof) + "').read() }}\n"
    )
    result = run_cli("new", "Acme/Erp", EXAMPLE_SPEC, "--templates", folder, "--check")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "registration.php.j2" in result.stderr
    assert not proof.exists()
