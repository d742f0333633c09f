"""XML as magegen reads it: untrusted files parsed safely, and our own XSDs, compiled once."""

from __future__ import annotations

from functools import cache

from lxml import etree

from generator.errors import Problem, shown
from generator.magento.shipped import schemas_dir

# Which of our schemas judges which module file.
SCHEMA_FOR_PATH = {
    "etc/module.xml": "module.xsd",
    "etc/acl.xml": "acl.xsd",
    "etc/integration/config.xml": "integration/config.xsd",
    "etc/integration/api.xml": "integration/api.xsd",
    "etc/integration.xml": "integration/integration.xsd",
    "etc/config.xml": "config.xsd",
}


def safe_xml_parser() -> etree.XMLParser:
    """A parser for untrusted XML: no DTDs, no entity expansion, no network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@cache
def _shared_parser() -> etree.XMLParser:
    """One safe parser for every untrusted file (a parser resets itself for each document; this
    process parses one document at a time)."""
    return safe_xml_parser()


# Characters of a libxml2 message shown: it quotes the offending value, which a file may make
# megabytes long.
MESSAGE_LIMIT = 400
DOCTYPE_REFUSED = "has a DOCTYPE; entities are not expanded, the file is refused"


def parse_untrusted(
    content: bytes, display: str, code: str | None = None
) -> tuple[etree._ElementTree | None, Problem | None]:
    """``content`` parsed as untrusted XML (no DTD, no entities, no network), or why it is not.

    A document with a DOCTYPE is refused: Magento's files never carry one, and all it could bring
    is entities. Problems name ``display`` and carry ``code``.
    """
    try:
        document = etree.fromstring(content, _shared_parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        message = f"malformed XML: {shown(exc.msg or 'unknown error')}"
        return None, Problem(display, message, line=exc.lineno or None, code=code)
    info = document.docinfo
    if info.doctype or info.internalDTD is not None:
        line = content[: max(content.find(b"<!DOCTYPE"), 0)].count(b"\n") + 1
        return None, Problem(display, DOCTYPE_REFUSED, line=line, code=code)
    return document, None


def is_libxml2_noise(message: str) -> bool:
    """True for the "No precomputed value" error libxml2 adds after a value already reported
    invalid meets an xs:unique: it repeats a finding, so it is left out."""
    return "No precomputed value available" in message


@cache
def schema(name: str) -> etree.XMLSchema:
    """One of our XSDs in ``schemas/``, compiled once per process."""
    document = etree.parse(str(schemas_dir() / name), safe_xml_parser())
    return etree.XMLSchema(document)


def schema_problems(
    relative: str,
    display: str,
    document: etree._Element | etree._ElementTree,
    code: str | None = None,
    columns: bool = False,
) -> list[Problem]:
    """What our XSD for the module file ``relative`` finds wrong with ``document``.

    Findings name ``display``, carry ``code``, and give columns when ``columns`` is set.
    """
    schema_name = SCHEMA_FOR_PATH.get(relative)
    if schema_name is None:
        return []
    validator = schema(schema_name)
    if validator.validate(document):
        return []
    return [
        Problem(
            display,
            f"does not match {schema_name}: {shown(error.message, MESSAGE_LIMIT)}",
            line=error.line,
            column=(error.column or None) if columns else None,
            code=code,
        )
        for error in validator.error_log
        if not is_libxml2_noise(error.message)
    ]
