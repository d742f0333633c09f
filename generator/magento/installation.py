"""Read the modules and the ACL tree of a Magento installation (``--magento-root``).

Both layouts are read: a git checkout keeps modules in ``app/code/<Vendor>/<Module>``, a Composer
install in ``vendor/<vendor>/<package>``. A module is a folder with ``etc/module.xml`` (or, in
app/code, at least ``etc/acl.xml``).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from lxml import etree

from generator.errors import Problem, UsageError, shown
from generator.magento.acl import (
    CORE,
    INSTALLATION,
    AclCatalog,
    ModuleCatalog,
    ModulePackage,
    release_constraint,
)
from generator.magento.aclxml import AclTreeBuilder, load_order
from generator.magento.files import COMPOSER_JSON, JsonRefused, parse_json_as_php, read_capped
from generator.magento.rules import MODULE_NAME
from generator.magento.xml import parse_untrusted

SKIPPED = "MG110"  # a file of the installation could not be used


class ModuleDir(NamedTuple):
    """One module folder of an installation."""

    path: Path
    name: str
    sequence: tuple[str, ...]


class Installation(NamedTuple):
    """What magegen knows from a Magento installation: its own ACL tree and modules, nothing
    else (the store's truth is never merged with magegen's bundled releases)."""

    root: Path
    acl: AclCatalog
    modules: ModuleCatalog
    problems: tuple[Problem, ...]
    module_paths: dict[str, Path]


def _module_folders(root: Path) -> list[Path]:
    found = set()
    for pattern in ("app/code/*/*/etc/module.xml", "app/code/*/*/etc/acl.xml"):
        found.update(p.parent.parent for p in root.glob(pattern))
    for pattern in ("vendor/*/*/etc/module.xml", "vendor/*/*/src/etc/module.xml"):
        found.update(p.parent.parent for p in root.glob(pattern))
    return sorted(found)


def read_module_xml(path: str | Path, content: bytes | None = None) -> tuple[str, tuple[str, ...]]:
    """The module name and sequence declared by an etc/module.xml file (``content``: its bytes,
    when the caller read them under the reading rules; else it is read here).

    Raises ValueError when the file cannot be read or holds no module name.
    """
    document = _parse(path, content)
    module = document.getroot().find("module")
    if module is None or not module.get("name"):
        raise ValueError("no <module name=...> element")
    sequence = tuple(m.get("name", "") for m in module.iterfind("sequence/module"))
    return module.get("name"), sequence


def _parse(path: str | Path, content: bytes | None = None) -> etree._ElementTree:
    """An XML file of the installation, read under the module reading rules (unless given)."""
    content = read_capped(path) if content is None else content
    if content is None:
        raise ValueError("cannot be read (not a regular file, or larger than magegen reads)")
    document, problem = parse_untrusted(content, str(path))
    if document is None:
        error = ValueError(problem.message if problem is not None else "cannot be parsed")
        error.lineno = problem.line if problem is not None else None  # type: ignore[attr-defined]
        raise error
    return document


def find_modules(root: Path) -> tuple[list[ModuleDir], list[Problem]]:
    """Every module folder under ``root``, with what its module.xml declares."""
    modules = []
    problems = []
    for folder in _module_folders(root):
        module_xml = folder / "etc" / "module.xml"
        try:
            if module_xml.is_file():
                name, sequence = read_module_xml(module_xml)
            elif folder.parent.parent.name == "code":
                name, sequence = f"{folder.parent.name}_{folder.name}", ()
            else:
                continue
        except ValueError as exc:
            problems.append(_skipped(module_xml, exc))
            continue
        if not MODULE_NAME.fullmatch(name):
            problems.append(
                Problem(
                    str(module_xml),
                    f"skipped: '{shown(name)}' is not a module name",
                    severity="warning",
                    code=SKIPPED,
                )
            )
            continue
        modules.append(ModuleDir(folder, name, sequence))
    return modules, problems


def _skipped(path: Path, exc: Exception) -> Problem:
    line = getattr(exc, "lineno", None)
    reason = getattr(exc, "msg", None) or getattr(exc, "strerror", None) or str(exc)
    return Problem(str(path), f"skipped: {reason}", line=line, severity="warning", code=SKIPPED)


def read_acl(
    modules: list[ModuleDir], base: AclCatalog | None, magento_version: str
) -> tuple[AclCatalog, list[Problem]]:
    """The ACL tree of ``modules``' acl.xml files, merged in load order over ``base``."""
    builder = AclTreeBuilder()
    if base is not None:
        builder.add_catalog(base)
    by_name = {m.name: m for m in modules}
    problems = []
    for name in load_order({m.name: list(m.sequence) for m in modules}):
        acl_xml = by_name[name].path / "etc" / "acl.xml"
        if not acl_xml.is_file():
            continue
        known_conflicts = len(builder.conflicts)
        try:
            builder.add_document(name, _parse(acl_xml))
        except ValueError as exc:
            problems.append(_skipped(acl_xml, exc))
        problems += [
            Problem(str(acl_xml), message, severity="warning", code=SKIPPED)
            for message in builder.conflicts[known_conflicts:]
        ]
    return builder.build(magento_version), problems


def read_packages(
    modules: list[ModuleDir], problems: list[Problem] | None = None
) -> list[ModulePackage]:
    """The Composer package of each module that has a composer.json naming one.

    A composer.json PHP cannot decode is skipped, with a warning added to ``problems``.
    """
    packages = []
    for module in modules:
        content = read_capped(module.path / COMPOSER_JSON)
        try:
            manifest = parse_json_as_php(content) if content is not None else None
        except JsonRefused as exc:
            if problems is not None:
                path = module.path / COMPOSER_JSON
                problems.append(_skipped(path, ValueError(exc.message)))
            continue
        if isinstance(manifest, dict) and isinstance(manifest.get("name"), str):
            version = manifest.get("version")
            constraint = release_constraint(version) if isinstance(version, str) else None
            packages.append(ModulePackage(module.name, manifest["name"], constraint))
    return packages


def _store_modules(
    root: Path, version: str, packages: list[ModulePackage], found: list[ModuleDir]
) -> ModuleCatalog:
    """The installation's modules that have a composer.json package, with their sequences, and
    its framework package."""
    sequences = {m.name: m.sequence for m in found}
    modules = {
        p.module: p._replace(sequence=sequences.get(p.module, ()), origin=_origin(p))
        for p in packages
    }
    from generator.magento.acl import bundled_modules

    # 103.0.* on every 2.4 release, unless the store's own framework says otherwise
    framework = bundled_modules().framework._replace(version=None)
    for manifest in (
        root / "vendor" / "magento" / "framework" / COMPOSER_JSON,
        root / "lib" / "internal" / "Magento" / "Framework" / COMPOSER_JSON,
    ):
        content = read_capped(manifest) if manifest.is_file() else None
        try:
            document = parse_json_as_php(content) if content is not None else None
        except JsonRefused:
            document = None
        if isinstance(document, dict) and isinstance(document.get("version"), str):
            version_text = document["version"]
            framework = framework._replace(
                constraint=release_constraint(version_text), version=version_text
            )
            break
    return ModuleCatalog(version, framework, modules)


def _origin(package: ModulePackage) -> str:
    """CORE for a package of Magento's own modules (``magento/``, versioned 100.x and up),
    INSTALLATION for any other."""
    if package.package.startswith("magento/") and package.constraint:
        major = package.constraint.split(".", 1)[0]
        if major.isdigit() and int(major) >= 100:
            return CORE
    return INSTALLATION


def load_installation(root: Path) -> Installation:
    """The installation at ``root``: its modules' ACL tree and packages, and nothing else."""
    if not root.is_dir():
        raise UsageError([Problem(str(root), "--magento-root is not a folder")])
    found, problems = find_modules(root)
    if not found:
        raise UsageError(
            [
                Problem(
                    str(root),
                    "holds no modules in app/code/*/* or vendor/*/*; is this a Magento root?",
                )
            ]
        )
    from generator.magento.snapshot import magento_version

    version = magento_version(root)[0] or str(root)
    merged_acl, acl_problems = read_acl(found, None, version)
    merged_modules = _store_modules(root, version, read_packages(found, problems), found)
    paths = {m.name: m.path for m in found}
    return Installation(root, merged_acl, merged_modules, tuple(problems + acl_problems), paths)
