"""`bearer_tokens: true`: etc/config.xml lets integration tokens be Bearer tokens; its warning,
its schemas (ours and Magento's), and validate, spec-from and acl-diff reading it."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from lxml import etree

from tests.conftest import REPO

SPEC = (
    "name: Acme/Erp\n"
    "integrations:\n"
    "  - name: ERP\n"
    "    email: erp@example.com\n"
    "    resources: [Magento_Sales::actions_view]\n"
)
EXPECTED = (
    b'<?xml version="1.0"?>\n'
    b'<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    b'xsi:noNamespaceSchemaLocation="urn:magento:module:Magento_Store:etc/config.xsd">\n'
    b"    <default>\n"
    b"        <oauth>\n"
    b"            <consumer>\n"
    b"                <enable_integration_as_bearer>1</enable_integration_as_bearer>\n"
    b"            </consumer>\n"
    b"        </oauth>\n"
    b"    </default>\n"
    b"</config>\n"
)


def _spec(tmp_path: Path, bearer: bool, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(SPEC + ("bearer_tokens: true\n" if bearer else ""), encoding="utf-8")
    return path


def _generate(tmp_path: Path, run_cli: Callable[..., Result], bearer: bool) -> tuple[Path, Result]:
    target = tmp_path / ("on" if bearer else "off")
    result = run_cli("new", _spec(tmp_path, bearer), "-o", target)
    assert result.exit_code == 0, result.stderr
    return target, result


def test_bearer_tokens_write_config_xml(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    target, result = _generate(tmp_path, run_cli, True)
    assert (target / "etc" / "config.xml").read_bytes() == EXPECTED
    assert (
        ":6:16: warning: bearer_tokens: etc/config.xml lets every integration's access token"
        in (result.stderr)
    )
    assert "a leaked token then works without an OAuth signature" in result.stderr


def test_off_by_default(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    target, result = _generate(tmp_path, run_cli, False)
    assert not (target / "etc" / "config.xml").exists()
    assert "bearer" not in result.stderr.lower()


def test_a_bad_value_is_an_error(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC + "bearer_tokens: 1\n", encoding="utf-8")
    result = run_cli("new", path, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{path}:6:16: error: bearer_tokens: expected true or false" in result.stderr


def test_our_schema_accepts_it_and_refuses_other_roots(tmp_path: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(REPO / "schemas" / "config.xsd")))
    assert schema.validate(etree.fromstring(EXPECTED))
    assert not schema.validate(etree.fromstring(b"<config><oauth/></config>"))
    assert not schema.validate(etree.fromstring(b"<settings><default/></settings>"))


def test_xmllint_with_our_schema(
    tmp_path: Path, run_cli: Callable[..., Result], xmllint: str
) -> None:
    target, _ = _generate(tmp_path, run_cli, True)
    xsd = REPO / "schemas" / "config.xsd"
    done = subprocess.run(
        [xmllint, "--noout", "--schema", str(xsd), str(target / "etc" / "config.xml")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_validate_checks_config_xml_against_the_schema(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    target, _ = _generate(tmp_path, run_cli, True)
    assert run_cli("validate", target).exit_code == 0
    (target / "etc" / "config.xml").write_text("<config><oauth/></config>\n")
    result = run_cli("validate", target, "--format", "json")
    assert result.exit_code == 1
    assert "config.xsd" in result.stdout


def test_spec_from_reads_it_back(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    target, _ = _generate(tmp_path, run_cli, True)
    result = run_cli("spec-from", target)
    assert result.exit_code == 0, result.stderr
    assert "bearer_tokens: true\n" in result.stdout
    assert "etc/config.xml" not in result.stdout  # nothing about it left unreproduced
    back = tmp_path / "back.yaml"
    back.write_text(result.stdout, encoding="utf-8")
    again = tmp_path / "again"
    assert run_cli("new", "Acme/Erp", back, "-o", again).exit_code == 0
    assert (again / "etc" / "config.xml").read_bytes() == EXPECTED


def test_spec_from_without_it(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    target, _ = _generate(tmp_path, run_cli, False)
    assert "bearer_tokens" not in run_cli("spec-from", target).stdout


def test_acl_diff_notes_it_turning_on_and_off(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    off, on = _spec(tmp_path, False, "off.yaml"), _spec(tmp_path, True, "on.yaml")
    result = run_cli("acl-diff", off, on)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "No integration permissions change.",
        "note: bearer_tokens turns on: etc/config.xml lets every integration's access token be "
        "used as a standalone Bearer token, store-wide; a leaked token then works without an "
        "OAuth signature",
    ]
    tree, _ = _generate(tmp_path, run_cli, True)
    result = run_cli("acl-diff", tree, off, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["notes"][0].startswith("bearer_tokens turns off")
    markdown = run_cli("acl-diff", off, tree, "--format", "markdown").stdout
    assert "> **Note:** bearer_tokens turns on" in markdown
    assert run_cli("acl-diff", tree, on).exit_code == 0
