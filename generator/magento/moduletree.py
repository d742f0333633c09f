"""Read what a module tree declares: parsed safely, every XML file once, with line numbers.

The facts feed the cross-file checks of ``magegen validate``. Reading also reports what it
finds wrong with single files: malformed XML (MG100) and XML our schemas reject (MG101).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from generator.errors import Problem
from generator.magento.phpsource import read_php
from generator.magento.xml import safe_xml_parser, schema_problems

XSI_NO_NAMESPACE = "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation"

# ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Vendor_Module', __DIR__), written with
# or without the namespace, with either quote.
# Matched on code whose strings and comments are blanked (phpsource.read_php); the name must
# then be a string literal.
_REGISTER = re.compile(
    r"(?<![\w$>:])(?:\\?[\w\\]*\\)?ComponentRegistrar::register\s*\(\s*"
    r"(?:\\?[\w\\]*\\)?ComponentRegistrar::MODULE\s*,\s*(?P<quote>['\"])",
)
_PHP_LIMIT = 1 << 20  # bytes of registration.php read; a real one is a few hundred
# A PHP string literal (kept) or comment (removed); strings first, so "//" inside one survives.
_STRING_OR_COMMENT = re.compile(
    r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")|/\*.*?\*/|//[^\n]*|#(?!\[)[^\n]*", re.DOTALL
)


def strip_php_comments(source: str) -> str:
    """``source`` without its comments; line numbers stay where they were."""

    def keep(match: re.Match[str]) -> str:
        return match.group(1) or "\n" * match.group(0).count("\n")

    return _STRING_OR_COMMENT.sub(keep, source)


@dataclass(frozen=True)
class Located:
    """A value and the line it is on."""

    value: str
    line: int | None
    column: int | None = None


@dataclass
class IntegrationFacts:
    """An integration as one file declares it."""

    name: str
    line: int | None
    email: str | None = None
    endpoint_url: str | None = None
    identity_link_url: str | None = None
    resources: list[Located] = field(default_factory=list)


@dataclass
class ModuleFacts:
    """What one module tree declares, and where."""

    root: Path
    name: Located | None = None
    setup_version: str | None = None
    sequence: list[Located] = field(default_factory=list)
    config: dict[str, IntegrationFacts] | None = None  # etc/integration/config.xml
    api: dict[str, IntegrationFacts] | None = None  # etc/integration/api.xml
    consolidated: dict[str, IntegrationFacts] | None = None  # etc/integration.xml
    registered: Located | None = None  # the name registration.php registers
    has_registration: bool = False
    composer: dict | None = None
    composer_error: str | None = None
    xml_files: list[tuple[Path, etree._ElementTree]] = field(default_factory=list)
    php_files: list[Path] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)  # files (relative) that could not be read

    def display(self, relative: str) -> str:
        """How a file of this module is named in findings."""
        return str(self.root / relative)


def _error(
    module: ModuleFacts,
    relative: str,
    message: str,
    code: str,
    line: int | None = None,
    column: int | None = None,
) -> Problem:
    return Problem(module.display(relative), message, line=line, column=column, code=code)


def parse_xml(path: Path, display: str) -> tuple[etree._ElementTree | None, list[Problem]]:
    """Parse an untrusted XML file: no DTD, no entities, no network; report why it fails."""
    try:
        content = path.read_bytes()
        document = etree.fromstring(content, safe_xml_parser()).getroottree()
    except OSError as exc:
        return None, [Problem(display, f"cannot be read: {exc.strerror}", code="MG100")]
    except etree.XMLSyntaxError as exc:
        return None, [
            Problem(display, f"malformed XML: {exc.msg}", line=exc.lineno or None, code="MG100")
        ]
    if document.docinfo.doctype or document.docinfo.internalDTD is not None:
        line = content[: max(content.find(b"<!DOCTYPE"), 0)].count(b"\n") + 1
        return None, [
            Problem(
                display,
                "has a DOCTYPE; entities are not expanded, the file is refused",
                line=line,
                code="MG100",
            )
        ]
    return document, []


def read_module(root: Path, keep_xml: bool = False) -> tuple[ModuleFacts, list[Problem]]:
    """Read the module at ``root``; return its facts and the problems of its single files.

    With ``keep_xml``, every parsed etc/ XML document is kept (for validation against an
    installation's schemas); otherwise only the facts are.
    """
    module = ModuleFacts(root)
    problems: list[Problem] = []
    xml_files, php_files = _files(root)
    for relative in xml_files:
        path = root / relative
        document, found = parse_xml(path, module.display(relative))
        problems += found
        if document is None:
            module.refused.add(relative)
            continue
        if keep_xml:
            module.xml_files.append((path, document))
        display = module.display(relative)
        problems += schema_problems(relative, display, document, "MG101", columns=True)
        _collect(module, relative, document)
    _read_registration(module)
    _read_composer(module)
    module.php_files = php_files
    return module, problems


def _files(root: Path) -> tuple[list[str], list[Path]]:
    """The XML files under etc/ (as POSIX paths relative to ``root``) and the PHP files anywhere
    in the module, each list sorted.

    One walk of the tree, with strings rather than Path objects: much the fastest way.
    """
    xml_files: list[str] = []
    php_files: list[Path] = []
    base = str(root)
    etc = os.path.join(base, "etc")
    for folder, _, names in os.walk(base):
        in_etc = folder == etc or folder.startswith(etc + os.sep)
        for name in names:
            if name.endswith(".php"):
                php_files.append(Path(folder, name))
            elif in_etc and name.endswith(".xml"):
                relative = os.path.relpath(os.path.join(folder, name), base)
                xml_files.append(relative.replace(os.sep, "/"))
    return sorted(xml_files), sorted(php_files)


def _collect(module: ModuleFacts, relative: str, document: etree._ElementTree) -> None:
    root = document.getroot()
    if relative == "etc/module.xml":
        element = root.find("module")
        if element is not None and element.get("name"):
            module.name = Located(element.get("name"), element.sourceline)
            module.setup_version = element.get("setup_version")
            module.sequence = [
                Located(m.get("name", ""), m.sourceline)
                for m in element.iterfind("sequence/module")
            ]
    elif relative == "etc/integration/config.xml":
        module.config = _integrations(root, with_resources=False)
    elif relative == "etc/integration/api.xml":
        module.api = _integrations(root, with_resources=True)
    elif relative == "etc/integration.xml":
        module.consolidated = _integrations(root, with_resources=True)


def _integrations(root: etree._Element, with_resources: bool) -> dict[str, IntegrationFacts]:
    found: dict[str, IntegrationFacts] = {}
    for element in root.iterfind("integration"):
        name = element.get("name")
        if name is None or name in found:
            continue
        facts = IntegrationFacts(
            name,
            element.sourceline,
            element.findtext("email"),
            element.findtext("endpoint_url"),
            element.findtext("identity_link_url"),
        )
        if with_resources:
            facts.resources = [
                Located(r.get("name", ""), r.sourceline)
                for r in element.iterfind("resources/resource")
            ]
        found[name] = facts
    return found


def _read_registration(module: ModuleFacts) -> None:
    """The name registration.php registers: only a real call counts, never one in a string,
    heredoc or comment."""
    path = module.root / "registration.php"
    if not path.is_file():
        return
    module.has_registration = True
    try:
        with path.open("rb") as file:
            source = file.read(_PHP_LIMIT).decode("utf-8", "surrogateescape")
    except OSError:
        return
    php = read_php(source)
    for call in _REGISTER.finditer(php.code):
        name = php.literals.get(call.start("quote"), (0, None))[1]
        if name is not None:
            start = call.start("quote")
            module.registered = Located(name, php.line_at(start), php.column_at(start) + 1)
            return


def _read_composer(module: ModuleFacts) -> None:
    path = module.root / "composer.json"
    if not path.is_file():
        return
    try:
        manifest = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        module.composer_error = str(exc)
        return
    if isinstance(manifest, dict):
        module.composer = manifest
    else:
        module.composer_error = "it does not hold a JSON object"
