"""``magegen validate``: Untrusted input: XML and files that must not be trusted."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from generator.magento.xml import safe_xml_parser
from tests.fake_magento import FakeRoot, build_magento_root
from tests.validate_kit import (
    BILLION_LAUGHS,
    EXTERNAL_DTD,
    FORMATS,
    XXE,
    Runner,
    codes,
    findings_with,
    validate,
    validate_json,
    write,
    xml_naming,
)


@pytest.mark.parametrize(
    ("relative", "content"),
    [
        ("etc/di.xml", XXE),
        ("etc/module.xml", XXE),
        ("etc/integration/api.xml", XXE),
        ("etc/di.xml", EXTERNAL_DTD),
        ("etc/lol.xml", BILLION_LAUGHS),
        ("etc/integration/config.xml", BILLION_LAUGHS),
    ],
    ids=["xxe-di", "xxe-module", "xxe-api", "external-dtd", "laughs-etc", "laughs-config"],
)
@pytest.mark.parametrize("with_root", [False, True], ids=["bundled", "magento-root"])
def test_entities_are_refused_never_expanded(
    relative: str,
    content: str,
    with_root: bool,
    example: Path,
    tmp_path: Path,
    magento_data: Path,
    run_cli: Runner,
) -> None:
    options: list[str | Path] = []
    if with_root:
        options = ["--magento-root", build_magento_root(tmp_path / "magento", "git", magento_data)]
    write(example / relative, content)
    for output_format in FORMATS:
        result = validate(run_cli, example, *options, "--format", output_format)
        assert result.exit_code == 1
        for stream in (result.stdout, result.stderr):
            assert "root:" not in stream
            assert "lollollol" not in stream
    _, report = validate_json(run_cli, example, *options)
    refused = [f for f in findings_with(report, "MG100") if f["file"] == str(example / relative)]
    assert len(refused) == 1
    assert refused[0]["severity"] == "error"
    assert refused[0]["line"] is not None


@pytest.mark.parametrize(
    "content", [XXE, EXTERNAL_DTD, BILLION_LAUGHS], ids=["xxe", "dtd", "laughs"]
)
def test_the_parser_itself_expands_no_entity(content: str) -> None:
    # Defence in depth: even before the DOCTYPE is refused, parsing expands and loads nothing.
    try:
        document = etree.fromstring(content.encode(), safe_xml_parser())
    except etree.XMLSyntaxError:
        return  # refused outright is fine too
    text = etree.tostring(document, encoding="unicode")
    assert "root:" not in text
    assert "lollol" not in text


def test_a_urn_cannot_leave_the_installation(
    example: Path, magento_root: FakeRoot, run_cli: Runner
) -> None:
    urn = "urn:magento:module:Magento_Integration:../../../../../../../etc/passwd"
    write(example / "etc" / "evil.xml", xml_naming(urn, ""))
    result, report = validate_json(run_cli, example, "--magento-root", magento_root)
    assert codes(report) == {"MG103"}
    assert result.exit_code == 0
    assert "root:" not in result.stdout
