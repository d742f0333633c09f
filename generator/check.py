"""Check rendered files before they are written: XML against our XSDs, composer.json, PHP."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lxml import etree

from generator.errors import Problem
from generator.magento.phpsource import check_php
from generator.magento.xml import safe_xml_parser, schema_problems

if TYPE_CHECKING:
    from generator.render import RenderedFile


def check_xml(path: str, content: bytes) -> list[Problem]:
    """Well-formedness, then validity against our XSD for ``path`` when we have one."""
    try:
        document = etree.fromstring(content, safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        return [Problem(path, f"malformed XML: {exc.msg}", line=line)]
    docinfo = document.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        # Magento's files never carry one; a DOCTYPE only brings entities, which are refused.
        line = content[: max(content.find(b"<!DOCTYPE"), 0)].count(b"\n") + 1
        return [Problem(path, "must not have a DOCTYPE: entities are not expanded", line=line)]
    return schema_problems(path, path, document)


def check_composer_json(path: str, content: bytes, namespace: str | None = None) -> list[Problem]:
    """composer.json parses and has what Magento needs to autoload the module."""
    try:
        manifest = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        return [Problem(path, f"invalid JSON: {exc}")]
    if not isinstance(manifest, dict):
        return [Problem(path, "must hold a JSON object")]
    problems = []
    for key in ("name", "type", "require", "autoload"):
        if key not in manifest:
            problems.append(Problem(path, f"missing key '{key}'"))
    if manifest.get("type", "magento2-module") != "magento2-module":
        problems.append(Problem(path, "'type' must be 'magento2-module'"))
    autoload = manifest.get("autoload")
    if isinstance(autoload, dict):
        if "registration.php" not in (autoload.get("files") or []):
            problems.append(Problem(path, "autoload.files must list registration.php"))
        psr4 = autoload.get("psr-4") or {}
        if namespace is not None and psr4.get(f"{namespace}\\") != "":
            problems.append(Problem(path, f'autoload.psr-4 must map "{namespace}\\\\" to ""'))
    return problems


def check_php_file(path: str, content: bytes) -> list[Problem]:
    """PHP source is UTF-8 and structurally sound (see generator.magento.phpsource)."""
    try:
        source = content.decode("utf-8")
    except UnicodeDecodeError:
        return [Problem(path, "is not UTF-8")]
    return [Problem(path, message, line=line) for line, message in check_php(source)]


def check_files(files: Iterable[RenderedFile], namespace: str | None = None) -> list[Problem]:
    """Every problem in ``files``, in file order."""
    problems: list[Problem] = []
    for file in files:
        if file.path.endswith(".xml"):
            problems += check_xml(file.path, file.content)
        elif file.path.endswith(".php"):
            problems += check_php_file(file.path, file.content)
        elif file.path == "composer.json":
            problems += check_composer_json(file.path, file.content, namespace)
    return problems
