"""Check rendered files before they are written: XML against our XSDs, composer.json, PHP."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from generator.errors import Problem
from generator.magento.composer import autoload
from generator.magento.files import (
    COMPOSER_JSON,
    REGISTRATION_PHP,
    JsonRefused,
    parse_json_as_php,
)
from generator.magento.phpsource import check_php
from generator.magento.xml import parse_untrusted, schema_problems

if TYPE_CHECKING:
    from generator.pipeline.render import RenderedFile


def check_xml(path: str, content: bytes) -> list[Problem]:
    """Well-formedness, then validity against our XSD for ``path`` when we have one."""
    document, refused = parse_untrusted(content, path)
    if document is None:
        return [refused] if refused is not None else []
    return schema_problems(path, path, document)


def check_composer_json(path: str, content: bytes, namespace: str | None = None) -> list[Problem]:
    """composer.json parses as PHP parses it, and has what Magento needs to autoload the module."""
    try:
        manifest = parse_json_as_php(content)
    except JsonRefused as exc:
        return [Problem(path, exc.message, line=exc.line)]
    if not isinstance(manifest, dict):
        return [Problem(path, "must hold a JSON object")]
    problems = []
    for key in ("name", "type", "require", "autoload"):
        if key not in manifest:
            problems.append(Problem(path, f"missing key '{key}'"))
    if manifest.get("type", "magento2-module") != "magento2-module":
        problems.append(Problem(path, "'type' must be 'magento2-module'"))
    found = manifest.get("autoload")
    if isinstance(found, dict):
        if REGISTRATION_PHP not in (found.get("files") or []):
            problems.append(Problem(path, f"autoload.files must list {REGISTRATION_PHP}"))
        psr4 = found.get("psr-4") or {}
        if namespace is not None:
            expected = autoload(namespace)["psr-4"]
            prefix, folder = next(iter(expected.items()))  # type: ignore[union-attr]
            if psr4.get(prefix) != folder:
                problems.append(
                    Problem(path, f'autoload.psr-4 must map "{namespace}\\\\" to "{folder}"')
                )
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
        elif file.path == COMPOSER_JSON:
            problems += check_composer_json(file.path, file.content, namespace)
    return problems
