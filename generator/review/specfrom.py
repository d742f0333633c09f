"""Read an existing module back into a spec: ``magegen spec-from MODULE_DIR``.

The module's XML files are decoded against magegen's own XSDs (``schemas/``) with xmlschema; a
file they reject, malformed XML and a composer.json that is not JSON stop the run with the file
and line. What is read becomes a spec with only what differs from magegen's defaults: the
composer name when it is not the default one, the composer requirements that the sequence does
not already bring, the setup style, the format, and each integration's resources folded to the
ones no other listed resource lies below (magegen adds the parents back).

The spec is then read by the same loader ``magegen new`` uses and rendered in memory, and the
result is compared with the module: every file it would not reproduce byte for byte (a file the
spec does not describe, custom PHP, XML or composer keys outside the spec format, edits by hand)
and every reason the loader refuses the spec is listed in a comment at the top. A module that
``magegen new`` wrote gives a spec with no such comment, and ``new`` on it writes the same bytes.

xmlschema is imported only here, and only when a module is read, so the other commands never load
it.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from generator.errors import MagegenError, Problem, SpecError, UsageError
from generator.magento import rules
from generator.magento.acl import ALL, AclCatalog, ModuleCatalog, bundled_acl, bundled_modules
from generator.magento.composer import resolve_require
from generator.spec.model import (
    DEFAULT_PATCH_NAME,
    DEFAULT_SETUP_VERSION,
    IntegrationFormat,
    Setup,
)

if TYPE_CHECKING:
    import xmlschema
    from lxml import etree

MODULE_XML = "etc/module.xml"
CONFIG_XML = "etc/integration/config.xml"
API_XML = "etc/integration/api.xml"
CONSOLIDATED_XML = "etc/integration.xml"
COMPOSER_JSON = "composer.json"
INSTALL_DATA = "Setup/InstallData.php"
PATCH_DIR = "Setup/Patch/Data"
INTEGRATION_MODULE = "Magento_Integration"
# The spec's spellings, as plain strings for the YAML this module writes.
FORMAT_CONSOLIDATED = IntegrationFormat.CONSOLIDATED.value
SETUP_DATA_PATCH = Setup.DATA_PATCH.value
SETUP_INSTALL_DATA = Setup.INSTALL_DATA.value

# The schema in schemas/ that each XML file is decoded against.
SCHEMAS = {
    MODULE_XML: "module.xsd",
    CONFIG_XML: "integration/config.xsd",
    API_XML: "integration/api.xsd",
    CONSOLIDATED_XML: "integration/integration.xsd",
}
# composer.json keys the spec holds (or that magegen writes the same way for every module).
COMPOSER_KEYS = ("name", "description", "type", "version", "license", "authors", "require")
AUTHOR_KEYS = ("name", "email", "homepage", "role")
# Folders of version control, never part of what a module holds.
VCS_DIRS = frozenset({".git", ".hg", ".svn"})
PROCESS_CALL = "processIntegrationConfig"
# The files spec-from reads or knows; when the spec cannot be rendered, every other file is listed.
UNDERSTOOD = frozenset(
    {"registration.php", MODULE_XML, CONFIG_XML, API_XML, CONSOLIDATED_XML, COMPOSER_JSON}
)


class ModuleError(MagegenError):
    """The module folder cannot be read back: missing, unreadable or invalid files (exit 2)."""


@dataclass(frozen=True)
class SpecFromResult:
    """The spec read back from a module."""

    module_name: str  # Vendor/Module, as ``magegen new`` takes it
    text: str  # the YAML document, its comment included
    notes: tuple[str, ...]  # what the spec does not reproduce, as listed in the comment


@dataclass
class _Reading:
    """What was read so far, and what the spec cannot hold (by module-relative path)."""

    root: Path
    notes: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    setup_script: str | None = None  # the script found creating the integrations

    def note(self, path: str, message: str) -> None:
        self.notes.setdefault(path, []).append(message)

    def display(self, relative: str) -> str:
        return str(self.root / relative)

    def fail(self, relative: str, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.display(relative), message, line=line))


def spec_from(
    root: Path,
    acl: AclCatalog | None = None,
    modules: ModuleCatalog | None = None,
    from_installation: bool = False,
) -> SpecFromResult:
    """The spec of the module at ``root``, with what it cannot express listed at its top.

    ACL ids are looked up in ``acl`` and sequence modules in ``modules`` (both default to
    Magento's core, bundled). Raises ModuleError when a file of the module is missing, unreadable
    or invalid.
    """
    acl = acl or bundled_acl()
    modules = modules or bundled_modules()
    reading = _Reading(root)
    if not root.is_dir():
        what = "does not exist" if not root.exists() else "is not a folder"
        raise ModuleError([Problem(str(root), f"{what}; give the folder of a Magento module")])
    module_xml = root / MODULE_XML
    if not module_xml.is_file():
        reading.fail(
            MODULE_XML, "not found: the folder is not a Magento module (no etc/module.xml)"
        )
        raise ModuleError(reading.problems)

    declared = _decode(reading, MODULE_XML)
    composer = _read_composer(reading)
    split = {path: _decode(reading, path) for path in (CONFIG_XML, API_XML)}
    consolidated = _decode(reading, CONSOLIDATED_XML)
    if reading.problems:
        raise ModuleError(sorted(reading.problems, key=Problem.sort_key))
    assert declared is not None  # an existing, valid module.xml decodes to data

    own, setup_version, sequence = _module_declaration(reading, declared)
    try:
        vendor, module = _split_name(own)
    except UsageError as exc:
        raise ModuleError(
            Problem(reading.display(MODULE_XML), p.message) for p in exc.problems
        ) from None

    spec: dict[str, Any] = {}
    integration_format, integrations = _integrations(reading, split, consolidated, acl)
    setup, patch_name = _setup_style(reading, bool(integrations), integration_format)
    block = _module_block(reading, composer, setup_version, sequence, setup, bool(integrations))
    if block:
        spec["module"] = block
    composer_block = _composer_block(reading, composer, vendor, module, sequence, modules)
    if composer_block:
        spec["composer"] = composer_block
    if integrations and integration_format != FORMAT_CONSOLIDATED:
        spec["setup"] = setup
    if setup == SETUP_DATA_PATCH and patch_name != DEFAULT_PATCH_NAME:
        spec["setup_patch_name"] = patch_name
    if integration_format == FORMAT_CONSOLIDATED:
        spec["integration_format"] = FORMAT_CONSOLIDATED
    if integrations:
        spec["integrations"] = integrations

    body = dump_spec(spec)
    name = f"{vendor}/{module}"
    notes = _compare(reading, body, name, acl, modules, from_installation)
    return SpecFromResult(name, _header(name, notes) + body, tuple(notes))


# Line breaks other than \n. PyYAML writes them raw inside single quotes, where a reader folds
# NEL (U+0085) into a space: '\x85' would come back as ' '. Double quotes escape them (\N, \L, \P).
_FOLDED_BREAKS = re.compile("[\x85\u2028\u2029]")


class _SpecDumper(yaml.SafeDumper):
    """yaml.safe_dump's dumper, with lists indented under their key as the README writes them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def represent_str(self, data: str) -> yaml.ScalarNode:
        if _FOLDED_BREAKS.search(data):
            return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
        return super().represent_str(data)


_SpecDumper.add_representer(str, _SpecDumper.represent_str)


def dump_spec(spec: dict[str, Any]) -> str:
    """The spec as YAML: keys in the order given, strings quoted where YAML would retype them.

    Everything but ``all_resources`` is a string, which safe_dump quotes whenever plain YAML
    would read it as something else (``'1.10'``, ``'yes'``, ``'null'``, ``'123'``, ``'*'``).
    """
    if not spec:
        return "{}\n"
    return yaml.dump(
        spec,
        Dumper=_SpecDumper,
        sort_keys=False,
        allow_unicode=True,
        width=float("inf"),
        default_flow_style=False,
    )


def _header(name: str, notes: list[str]) -> str:
    lines = [
        f"# magegen new {name} <this file>",
        "# Read back from the module by magegen spec-from.",
    ]
    if notes:
        lines += [
            "#",
            "# Not reproduced by this spec. magegen new never touches a file it does not write;",
            f"# magegen new {name} SPEC -o MODULE_DIR --diff shows how it would change the others.",
        ]
        lines += [f"#   - {_one_line(note)}" for note in notes]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """``text`` safe inside a YAML comment: no line breaks YAML or a reader would act on."""
    return re.sub(r"[\r\n\x85\u2028\u2029]", " ", text)


# -- reading files --------------------------------------------------------------------------------


@cache
def _schema(name: str) -> xmlschema.XMLSchema:
    """One of our XSDs, built by xmlschema once per process."""
    try:
        import xmlschema
    except ImportError:  # pragma: no cover - a test dependency, needed only by this command
        message = "magegen spec-from needs the xmlschema package: pip install xmlschema"
        raise UsageError([Problem("spec-from", message)]) from None
    from generator.resources import schemas_dir

    return xmlschema.XMLSchema(str(schemas_dir() / name), allow="sandbox")


def _parse(reading: _Reading, relative: str) -> etree._Element | None:
    """The root element of an XML file of the module, parsed as untrusted (no DTD, entities)."""
    from generator.magento.moduletree import parse_xml

    document, problems = parse_xml(reading.root / relative, reading.display(relative))
    for problem in problems:
        reading.problems.append(Problem(problem.file, problem.message, line=problem.line))
    return None if document is None else document.getroot()


def _decode(reading: _Reading, relative: str) -> dict[str, Any] | None:
    """The XML file ``relative`` decoded against our schema into data; None when absent."""
    if not (reading.root / relative).is_file():
        return None
    element = _parse(reading, relative)
    if element is None:
        return None
    import xmlschema

    schema_name = SCHEMAS[relative]
    # The tree is parsed already: the resource around it may load nothing more.
    source = xmlschema.XMLResource(element, allow="none")
    data, errors = _schema(schema_name).to_dict(source, validation="lax")
    for error in errors:
        reason = error.reason or error.message
        reading.fail(relative, f"does not match {schema_name}: {reason}", error.sourceline)
    return data if not errors else None


def _read_composer(reading: _Reading) -> dict[str, Any] | None:
    path = reading.root / COMPOSER_JSON
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_bytes())
    except OSError as exc:
        reading.fail(COMPOSER_JSON, f"cannot be read: {exc.strerror or exc}")
        return None
    except UnicodeDecodeError:
        reading.fail(COMPOSER_JSON, "is not UTF-8 text")
        return None
    except json.JSONDecodeError as exc:
        reading.fail(COMPOSER_JSON, f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno)
        return None
    if not isinstance(manifest, dict):
        reading.fail(COMPOSER_JSON, "must hold a JSON object")
        return None
    return manifest


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _split_name(own: str) -> tuple[str, str]:
    from generator.spec.reader import parse_module_name

    return parse_module_name(own)


# -- what each part of the spec gets ---------------------------------------------------------------


def _module_declaration(
    reading: _Reading, declared: dict[str, Any]
) -> tuple[str, str | None, list[str]]:
    """module.xml's module name, setup_version and sequence."""
    entries = declared.get("module") or []
    if len(entries) > 1:
        reading.note(MODULE_XML, "declares several modules; the spec holds the first one")
    first = entries[0]
    sequence = [item["@name"] for item in (first.get("sequence") or {}).get("module") or []]
    return first["@name"], first.get("@setup_version"), sequence


def _module_block(
    reading: _Reading,
    composer: dict[str, Any] | None,
    setup_version: str | None,
    sequence: list[str],
    setup: str,
    has_integrations: bool,
) -> dict[str, Any]:
    """The ``module:`` block: composer.json's texts, the setup_version, the sequence."""
    composer = composer or {}
    block: dict[str, Any] = {}
    for key in ("description", "version"):
        if key in composer:
            value = _text(reading, composer[key], key)
            if value is not None:
                block[key] = value
    if setup_version is not None and setup_version != _default_setup_version(
        block.get("version"), setup
    ):
        block["setup_version"] = setup_version
    if "license" in composer:
        license_ = _license(reading, composer["license"])
        if license_ is not None:
            block["license"] = license_
    if "authors" in composer:
        authors = _authors(reading, composer["authors"])
        if authors:
            block["authors"] = authors
    # magegen appends Magento_Integration when there are integrations; a sequence that already
    # ends with it says nothing more.
    if has_integrations and sequence and sequence[-1] == INTEGRATION_MODULE:
        sequence = sequence[:-1]
    if sequence:
        block["sequence"] = sequence
    return block


def _default_setup_version(version: str | None, setup: str) -> str | None:
    """The setup_version magegen writes when the spec gives none."""
    if setup != SETUP_INSTALL_DATA:
        return None
    if version is None:
        return DEFAULT_SETUP_VERSION
    return version if rules.SETUP_VERSION.fullmatch(version) else None


def _text(reading: _Reading, value: object, key: str) -> str | None:
    if isinstance(value, str):
        return value
    reading.note(COMPOSER_JSON, f'"{key}" is not a string; the spec leaves it out')
    return None


def _license(reading: _Reading, value: object) -> str | list[str] | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    reading.note(COMPOSER_JSON, '"license" is neither a string nor a list of strings')
    return None


def _authors(reading: _Reading, value: object) -> list[dict[str, str]]:
    if not isinstance(value, list):
        reading.note(COMPOSER_JSON, '"authors" is not a list')
        return []
    authors = []
    for index, author in enumerate(value):
        if not isinstance(author, dict) or not isinstance(author.get("name"), str):
            reading.note(COMPOSER_JSON, f'"authors"[{index}] has no "name"; the spec leaves it out')
            continue
        entry = {}
        for key, item in author.items():
            if key in AUTHOR_KEYS and isinstance(item, str):
                entry[key] = item
            else:
                reading.note(
                    COMPOSER_JSON, f'"authors"[{index}]: "{key}" is not in the spec format'
                )
        authors.append({key: entry[key] for key in AUTHOR_KEYS if key in entry})
    return authors


def _composer_block(
    reading: _Reading,
    composer: dict[str, Any] | None,
    vendor: str,
    module: str,
    sequence: list[str],
    modules: ModuleCatalog,
) -> dict[str, Any]:
    """The ``composer:`` block: the name when not the default, requirements beyond the defaults."""
    if composer is None:
        return {}
    block: dict[str, Any] = {}
    default_name = f"{vendor.lower()}/module-{rules.kebab(module)}"
    name = composer.get("name")
    if name is not None and name != default_name:
        text = _text(reading, name, "name")
        if text is not None:
            block["name"] = text
    for key in composer:
        if key not in (*COMPOSER_KEYS, "autoload"):
            reading.note(COMPOSER_JSON, f'"{key}" is not in the spec format')
    if composer.get("type") != "magento2-module":
        reading.note(COMPOSER_JSON, '"type" is not "magento2-module", which magegen writes')
    expected_autoload = {"files": ["registration.php"], "psr-4": {f"{vendor}\\{module}\\": ""}}
    if composer.get("autoload") != expected_autoload:
        reading.note(COMPOSER_JSON, '"autoload" is not the one magegen writes')
    require = composer.get("require", {})
    if not isinstance(require, dict):
        reading.note(COMPOSER_JSON, '"require" is not an object')
        return block
    defaults = dict(resolve_require(sequence, (), modules))
    extra: dict[str, str] = {}
    for package, constraint in require.items():
        if not isinstance(constraint, str):
            reading.note(COMPOSER_JSON, f'"require" of "{package}" is not a string')
        elif defaults.get(package) != constraint:
            extra[package] = constraint
    for package in defaults:
        if package not in require:
            reading.note(
                COMPOSER_JSON,
                f'"require" lacks {package}, which magegen always requires for this sequence',
            )
    if extra:
        block["require"] = extra
    return block


def _integrations(
    reading: _Reading,
    split: dict[str, dict[str, Any] | None],
    consolidated: dict[str, Any] | None,
    acl: AclCatalog,
) -> tuple[str | None, list[dict[str, Any]]]:
    """The format and the integrations, each with its resources folded for the spec."""
    config, api = split[CONFIG_XML], split[API_XML]
    if config is None and api is None:
        if consolidated is None:
            return None, []
        found = [
            _integration(reading, item, item, acl, CONSOLIDATED_XML)
            for item in consolidated.get("integration") or []
        ]
        return FORMAT_CONSOLIDATED, [item for item in found if item is not None]
    if consolidated is not None:
        reading.note(
            CONSOLIDATED_XML,
            "a spec has either the split format (config.xml + api.xml) or the consolidated one; "
            "this one keeps the split format",
        )
    contacts = {item["@name"]: item for item in (config or {}).get("integration") or []}
    grants = {item["@name"]: item for item in (api or {}).get("integration") or []}
    for name in grants:
        if name not in contacts:
            reading.note(API_XML, f"integration {rules.shown(name)} is not in config.xml; left out")
    found = []
    for name, contact in contacts.items():
        if name not in grants:
            reading.note(CONFIG_XML, f"integration {rules.shown(name)} is not in api.xml; left out")
            continue
        found.append(_integration(reading, contact, grants[name], acl, API_XML))
    return None, [item for item in found if item is not None]


def _integration(
    reading: _Reading,
    contact: dict[str, Any],
    grant: dict[str, Any],
    acl: AclCatalog,
    grant_file: str,
) -> dict[str, Any] | None:
    name = contact["@name"]
    listed = [item["@name"] for item in (grant.get("resources") or {}).get("resource") or []]
    if not listed:
        message = f"integration {rules.shown(name)} grants no resources, which a spec cannot say"
        reading.note(grant_file, f"{message}; left out")
        return None
    if "email" not in contact:
        reading.note(grant_file, f"integration {rules.shown(name)} has no email; left out")
        return None
    item: dict[str, Any] = {"name": name, "email": contact["email"]}
    for key in ("endpoint_url", "identity_link_url"):
        if key in contact:
            item[key] = contact[key]
    if listed == [ALL]:
        item["all_resources"] = True
    else:
        item["resources"] = fold_resources(listed, acl)
    return item


def fold_resources(listed: Iterable[str], acl: AclCatalog) -> list[str]:
    """``listed`` without repeats and without the ids that lie above another listed id.

    magegen adds back every ancestor of a granted id below the admin root, so the ids left are
    enough. The admin root itself (``Magento_Backend::admin/**`` grants it) is not added back, so
    it stays; so do ids the ACL tree does not know.
    """
    unique = list(dict.fromkeys(listed))
    above: set[str] = set()
    for resource_id in unique:
        if resource_id in acl:
            above.update(acl.ancestors_below_admin(resource_id))
    return [resource_id for resource_id in unique if resource_id not in above]


def _setup_style(
    reading: _Reading, has_integrations: bool, integration_format: str | None
) -> tuple[str, str]:
    """The setup style and the data patch's name, from the script that creates the integrations."""
    if not has_integrations or integration_format == FORMAT_CONSOLIDATED:
        return "none", DEFAULT_PATCH_NAME
    install_data = reading.root / INSTALL_DATA
    if install_data.is_file() and PROCESS_CALL in _read_text(install_data):
        reading.setup_script = INSTALL_DATA
        return SETUP_INSTALL_DATA, DEFAULT_PATCH_NAME
    patch_dir = reading.root / PATCH_DIR
    patches = sorted(patch_dir.glob("*.php")) if patch_dir.is_dir() else []
    for patch in patches:
        if patch.is_file() and PROCESS_CALL in _read_text(patch):
            reading.setup_script = f"{PATCH_DIR}/{patch.name}"
            return SETUP_DATA_PATCH, patch.stem
    # No script creates the integrations: InstallData is the tutorial's way, and magegen's default.
    return SETUP_INSTALL_DATA, DEFAULT_PATCH_NAME


# -- checking the spec against the module ----------------------------------------------------------


def _compare(
    reading: _Reading,
    body: str,
    name: str,
    acl: AclCatalog,
    modules: ModuleCatalog,
    from_installation: bool,
) -> list[str]:
    """What ``magegen new`` on this spec would not reproduce, file by file, and why."""
    from generator.render import render
    from generator.spec.reader import load_spec

    on_disk = _module_files(reading.root)
    refusals: list[str] = []
    with tempfile.TemporaryDirectory(prefix="magegen-spec-from-") as scratch:
        spec_path = Path(scratch) / "spec.yaml"
        spec_path.write_text(body, encoding="utf-8")
        try:
            loaded = load_spec(spec_path, name, acl, modules, from_installation)
        except SpecError as exc:
            refusals = [
                "magegen new refuses this spec: "
                + (f"{p.field}: {p.message}" if p.field else p.message)
                for p in exc.problems
            ]
            rendered: dict[str, bytes] | None = None
        else:
            rendered = {file.path: file.content for file in render(loaded.spec)}

    lines: list[str] = []
    for path in sorted(set(on_disk) | set(rendered or {}) | set(reading.notes)):
        if rendered is not None:
            lines += _drift_line(reading, path, path in on_disk, rendered.get(path))
        elif path in on_disk and path not in {*UNDERSTOOD, reading.setup_script}:
            lines.append(f"{path}: a file the spec does not describe")
        lines += [f"{path}: {note}" for note in reading.notes.get(path, [])]
    if reading.problems:
        raise ModuleError(reading.problems)
    return refusals + lines


def _drift_line(reading: _Reading, path: str, on_disk: bool, rendered: bytes | None) -> list[str]:
    """How the module's file ``path`` stands against what the spec renders for it."""
    if not on_disk:
        return (
            [] if rendered is None else [f"{path}: missing from the module; magegen new writes it"]
        )
    if rendered is None:
        return [f"{path}: a file the spec does not describe"]
    if _read_bytes(reading, path) != rendered:
        return [f"{path}: differs from what the spec generates"]
    return []


def _module_files(root: Path) -> set[str]:
    """Every file of the module, by POSIX path relative to it; version-control folders left out."""
    found = set()
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if VCS_DIRS.intersection(relative.parts) or not path.is_file():
            continue
        found.add(relative.as_posix())
    return found


def _read_bytes(reading: _Reading, relative: str) -> bytes | None:
    try:
        return (reading.root / relative).read_bytes()
    except OSError as exc:
        reading.fail(relative, f"cannot be read: {exc.strerror or exc}")
        return None


def write_spec(path: Path, text: str) -> None:
    """Write the spec to ``path``, which must not exist yet."""
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        message = "already exists; spec-from never overwrites a file: choose another name"
        raise UsageError([Problem(str(path), message)]) from None
    except OSError as exc:
        raise UsageError([Problem(str(path), f"cannot write: {exc.strerror or exc}")]) from None
