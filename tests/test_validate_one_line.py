"""Every message of ``magegen validate`` is one line in every format, whatever a file holds; and a
file that was refused leads to no false findings about what it would have declared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.validate_kit import (
    API,
    CONFIG,
    FORMATS,
    MODULE_XML,
    SUMMARY,
    TEXT_FINDING,
    XXE,
    Runner,
    codes,
    edit,
    edit_regex,
    validate,
    validate_json,
    write,
)

# A newline (as an XML character reference), a forged finding, a forged workflow command and a
# forged Markdown heading, all in one integration name.
FORGED = "x&#10;/etc/passwd:1: error: forged [MG999]&#10;::error::forged&#10;## Approved&#13;"


def _hostile(module: Path) -> None:
    for relative in (CONFIG, API):
        edit(module / relative, 'name="testIntegration2"', f'name="O\'{FORGED}"')
    edit(module / "Setup" / "InstallData.php", "'testIntegration2'", "'other'")
    edit_regex(module / CONFIG, r"<email>(.*?)</email>", "<email>ops@\nexample\n.com</email>")
    huge = "Magento_Sales::" + "a" * 2_000_000
    edit(module / API, '"Magento_Customer::customer"', f'"{huge}"')


def _check_one_line(output_format: str, stdout: str) -> None:
    lines = stdout.splitlines()
    if output_format != "json":  # JSON keeps values exact, as data for programs
        assert all(len(line) < 2000 for line in lines), max(len(line) for line in lines)
    if output_format == "text":
        assert all(TEXT_FINDING.fullmatch(x) or SUMMARY.fullmatch(x) for x in lines), stdout
    elif output_format == "github":
        assert all(x.startswith(("::error file=", "::warning file=")) for x in lines), stdout
    elif output_format == "markdown":
        assert [x for x in lines if x.startswith("## ")] == [lines[0]]
        assert not any(x.startswith("::") or x == "forged [MG999]" for x in lines)
    else:
        report = json.loads(stdout)
        for finding in report["findings"]:
            assert "\n" not in finding["message"] and "\r" not in finding["message"]


@pytest.mark.parametrize("output_format", FORMATS)
def test_every_message_is_one_line(example: Path, run_cli: Runner, output_format: str) -> None:
    _hostile(example)
    result = validate(run_cli, example, "--format", output_format, "--no-php")
    assert result.exit_code == 1
    _check_one_line(output_format, result.stdout)
    assert "\\n" in result.stdout  # the newline is there, shown escaped


def test_long_values_are_shortened(example: Path, run_cli: Runner) -> None:
    _hostile(example)
    _, report = validate_json(run_cli, example, "--no-php")
    unknown = [f for f in report["findings"] if f["code"] == "MG304"]
    assert unknown and all(len(f["message"]) < 600 for f in unknown)
    assert "…" in unknown[0]["message"]


def test_a_refused_api_xml_gives_no_false_findings(example: Path, run_cli: Runner) -> None:
    write(example / API, XXE)
    result, report = validate_json(run_cli, example)
    assert codes(report) == {"MG100"}
    assert result.exit_code == 1
    (integration,) = report["modules"][0]["integrations"]
    assert integration["resources"] is None
    markdown = validate(run_cli, example, "--format", "markdown").stdout
    assert "- nothing" not in markdown
    assert "not known: its api.xml could not be read" in markdown


def test_a_refused_config_xml_gives_no_false_findings(example: Path, run_cli: Runner) -> None:
    write(example / CONFIG, XXE)
    result, report = validate_json(run_cli, example)
    assert codes(report) == {"MG100"}
    assert result.exit_code == 1


def test_a_refused_module_xml_gives_no_false_mg302(example: Path, run_cli: Runner) -> None:
    text = (example / MODULE_XML).read_text(encoding="utf-8")
    doctype = '<?xml version="1.0"?>\n<!DOCTYPE config [<!ENTITY v "1.0.1">]>\n'
    write(example / MODULE_XML, text.replace('<?xml version="1.0"?>\n', doctype))
    result, report = validate_json(run_cli, example)
    assert "MG302" not in codes(report) and "MG303" not in codes(report)
    assert "MG100" in codes(report)
    assert result.exit_code == 1
