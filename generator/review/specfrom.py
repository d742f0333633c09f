"""Read an existing module back into a spec: ``magegen spec-from MODULE_DIR``.

The module is read by the one module reader (``generator.magento.moduletree``), under its rules
and as Magento reads it. Malformed XML, a file the reading rules refuse and a composer.json PHP
cannot decode stop the run with the file and line. A file our XSDs reject does not: Magento
does not validate module.xml, nor the integration files in production, so the module still
works; it is read as Magento reads it, and a note says what the schema found.

What is read becomes a spec with only what differs from magegen's defaults (see
``specblocks``), the setup style the module really uses (see ``setupstyle``) and each
integration's resources folded (see ``foldacl``). The spec is then read by the loader ``magegen
new`` uses and rendered in memory, and every file it would not reproduce byte for byte, and
every reason the loader refuses the spec, is listed in a comment at the top.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import ModuleError, Problem, SpecError, UsageError
from generator.magento.acl import AclCatalog, ModuleCatalog, bundled_acl, bundled_modules
from generator.magento.configxml import CONFIG_XML as BEARER_FILE
from generator.magento.configxml import bearer_in_text
from generator.magento.files import (
    COMPOSER_JSON,
    DATA_PATCH_DIR,
    INTEGRATION_FILES,
    MODULE_XML,
    REGISTRATION_PHP,
)
from generator.magento.moduletree import ModuleFacts, read_module
from generator.patterns import lazy
from generator.pipeline.sync import HASH_LENGTH, INSTALL_DATA_PREFIX
from generator.review.aclback import ACL_XML, own_acl
from generator.review.foldacl import fold_resources
from generator.review.setupstyle import SetupStyle, setup_style
from generator.review.specblocks import (
    Reading,
    composer_block,
    integrations,
    magento_targets,
    module_block,
    retired_entries,
    sync_patches,
)
from generator.review.specyaml import dump_spec, header, write_spec
from generator.spec.model import (
    DEFAULT_PATCH_NAME,
    IntegrationFormat,
    Setup,
)
from generator.spec.targets import target_lines_php

__all__ = ["SpecFromResult", "dump_spec", "fold_resources", "spec_from", "write_spec"]

# The files spec-from reads or knows; when the spec cannot be rendered, every other file is listed.
UNDERSTOOD = frozenset({REGISTRATION_PHP, MODULE_XML, COMPOSER_JSON, ACL_XML, *INTEGRATION_FILES})
# A module name as Magento takes it: two parts; our schema's stricter pattern is only a note.
_LENIENT_NAME = lazy(r"([A-Za-z0-9]+)_([A-Za-z0-9]+)")


@dataclass(frozen=True)
class SpecFromResult:
    """The spec read back from a module."""

    module_name: str  # Vendor/Module, as ``magegen new`` takes it
    text: str  # the YAML document, its comment included
    notes: tuple[str, ...]  # what the spec does not reproduce, as listed in the comment


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
    module, reading = _read(root)
    # magento: decides which ids and ancestors a grant gets, which composer.json's php cannot
    # tell: a module that grants keeps its php in composer.require, and the default targets.
    granting = bool(module.api or module.consolidated)
    magento = None if granting else magento_targets(module.composer)
    if not from_installation:
        from generator.magento.targetset import default_targets
        from generator.spec.targets import subtree_filter

        reading.brings = subtree_filter(default_targets())
    vendor, name = _split_name(reading, module)
    own, merged = own_acl(root, f"{vendor}_{name}", acl)
    integration_format, found = integrations(reading, module, merged)
    setup, retired = _setup_and_retired(reading, module, found, integration_format)
    found += retired
    # The module's name, so that ``magegen new SPEC`` needs no NAME.
    spec: dict[str, Any] = {"name": f"{vendor}/{name}"}
    sequence = [m.value for m in module.sequence]
    block = module_block(
        reading, module.composer, module.setup_version, sequence, setup.style, bool(found)
    )
    if block:
        spec["module"] = block
    php = target_lines_php(magento)
    composer = composer_block(reading, module.composer, vendor, name, sequence, modules, php)
    if composer:
        spec["composer"] = composer
    if found and integration_format != IntegrationFormat.CONSOLIDATED:
        spec["setup"] = setup.style
    if setup.style == Setup.DATA_PATCH and setup.patch_name != DEFAULT_PATCH_NAME:
        spec["setup_patch_name"] = setup.patch_name
    if integration_format == IntegrationFormat.CONSOLIDATED:
        spec["integration_format"] = IntegrationFormat.CONSOLIDATED
    if found:
        spec["integrations"] = found
    if module.files is not None and bearer_in_text(module.files.read(BEARER_FILE)):
        spec["bearer_tokens"] = True
    if own:
        spec["acl"] = own
    if magento is not None:
        spec["magento"] = magento
    body = dump_spec(spec)
    full_name = f"{vendor}/{name}"
    notes = _compare(reading, module, body, full_name, (acl, modules, from_installation))
    return SpecFromResult(full_name, header(full_name, notes) + body, tuple(notes))


def _read(root: Path) -> tuple[ModuleFacts, Reading]:
    """The module's facts; ModuleError when what a spec is made of cannot be read."""
    reading = Reading(root)
    if not root.is_dir():
        what = "does not exist" if not root.exists() else "is not a folder"
        raise ModuleError([Problem(str(root), f"{what}; give the folder of a Magento module")])
    if not (root / MODULE_XML).is_file() and not (root / MODULE_XML).is_symlink():
        reading.fail(
            MODULE_XML, "not found: the folder is not a Magento module (no etc/module.xml)"
        )
        raise ModuleError(reading.problems)
    module, problems = read_module(root)
    fatal = [p for p in problems if p.code in ("MG100", "MG104", "MG105") and _needed(p, root)]
    if module.composer_error is not None:
        fatal.append(
            Problem(
                reading.display(COMPOSER_JSON), module.composer_error, module.composer_error_line
            )
        )
    if fatal:
        raise ModuleError(sorted((_plain(p) for p in fatal), key=Problem.sort_key))
    for problem in problems:
        relative = Path(problem.file).relative_to(root).as_posix()
        if problem.code == "MG101":
            reading.note(relative, f"{_schema_note(relative)}: {problem.message}")
        elif relative not in UNDERSTOOD:
            reading.note(relative, problem.message)
    return module, reading


def _needed(problem: Problem, root: Path) -> bool:
    """Whether the problem's file is one a spec is read from."""
    return Path(problem.file).relative_to(root).as_posix() in UNDERSTOOD


def _plain(problem: Problem) -> Problem:
    return Problem(problem.file, problem.message, line=problem.line)


def _schema_note(relative: str) -> str:
    if relative == MODULE_XML:
        return "read anyway (Magento does not validate module.xml against its schema)"
    return "read as Magento's converter reads it (production mode does not validate it)"


def _split_name(reading: Reading, module: ModuleFacts) -> tuple[str, str]:
    """Vendor and Module of the name module.xml declares, as Magento takes it."""
    if module.name is None:
        reading.fail(MODULE_XML, "declares no <module name=...>: the folder is not a module")
        raise ModuleError(reading.problems)
    match = _LENIENT_NAME.fullmatch(module.name.value)
    if match is None:
        message = f"'{module.name.value}' is not a module name of the form Vendor_Module"
        reading.fail(MODULE_XML, message, module.name.line)
        raise ModuleError(reading.problems)
    return match[1], match[2]


def _setup_and_retired(
    reading: Reading,
    module: ModuleFacts,
    found: list[dict[str, Any]],
    integration_format: str | None,
) -> tuple[SetupStyle, list[dict[str, Any]]]:
    """The setup style, and an entry for each integration the module's sync patch retires.

    A module whose integrations are all retired has no config.xml and no script that creates
    any: its sync patch alone says the setup style (its class name is the prefix and a hash).
    """
    if integration_format == IntegrationFormat.CONSOLIDATED:
        return _setup(reading, module, bool(found), integration_format), []
    current = [str(item["name"]) for item in found]
    patches = sync_patches(module, current)
    retired = retired_entries(patches, current)
    if found or not retired:
        return _setup(reading, module, bool(found), integration_format), retired
    prefix = patches[0].class_name[:-HASH_LENGTH]
    script = patches[0].path
    if prefix == INSTALL_DATA_PREFIX and module.setup_version is not None:
        return SetupStyle(Setup.INSTALL_DATA, script=script), retired
    return SetupStyle(Setup.DATA_PATCH, prefix, script), retired


def _setup(
    reading: Reading, module: ModuleFacts, has_integrations: bool, integration_format: str | None
) -> SetupStyle:
    """The setup style; what else creates integrations becomes notes."""
    if not has_integrations or integration_format == IntegrationFormat.CONSOLIDATED:
        return SetupStyle(Setup.NONE)
    found = setup_style(module)
    reading.setup_script = found.script
    for relative, message in found.notes:
        reading.note(relative, message)
    return found


def _compare(
    reading: Reading,
    module: ModuleFacts,
    body: str,
    name: str,
    known: tuple[AclCatalog, ModuleCatalog, bool],
) -> list[str]:
    """What ``magegen new`` on this spec would not reproduce, file by file, and why."""
    refusals, rendered = _render(body, name, known)
    on_disk = set(module.files.files if module.files else ()) | set(module.refused)
    lines: list[str] = []
    for path in sorted(on_disk | set(rendered or {}) | set(reading.notes)):
        if rendered is not None:
            lines += _drift_line(module, path, path in on_disk, rendered.get(path))
        elif _undescribed(module, path, on_disk, reading.setup_script):
            lines.append(f"{path}: a file the spec does not describe")
        lines += [f"{path}: {note}" for note in reading.notes.get(path, [])]
    return refusals + lines


def _render(
    body: str, name: str, known: tuple[AclCatalog, ModuleCatalog, bool]
) -> tuple[list[str], dict[str, bytes] | None]:
    """Why ``magegen new`` refuses the spec, or the files it renders from it."""
    from generator.pipeline.render import render
    from generator.spec.reader import load_spec

    with tempfile.TemporaryDirectory(prefix="magegen-spec-from-") as scratch:
        spec_path = Path(scratch) / "spec.yaml"
        spec_path.write_text(body, encoding="utf-8")
        try:
            loaded = load_spec(spec_path, name, *known)
        except (SpecError, UsageError) as exc:
            refusals = [
                "magegen new refuses this spec: "
                + (f"{p.field}: {p.message}" if p.field else p.message)
                for p in exc.problems
            ]
            return refusals, None
    return [], {file.path: file.content for file in render(loaded.spec)}


def _drift_line(module: ModuleFacts, path: str, on_disk: bool, rendered: bytes | None) -> list[str]:
    """How the module's file ``path`` stands against what the spec renders for it."""
    if not on_disk:
        return (
            [] if rendered is None else [f"{path}: missing from the module; magegen new writes it"]
        )
    if rendered is None and _sync_shaped(module, path):
        return [f"{path}: a sync data patch of other integrations; magegen new --force replaces it"]
    if rendered is None:
        return [f"{path}: a file the spec does not describe"]
    if path in module.refused:
        return [f"{path}: {module.refused[path]}"]
    content = module.files.read(path) if module.files is not None else None
    if content != rendered:
        return [f"{path}: differs from what the spec generates"]
    return []


def _undescribed(module: ModuleFacts, path: str, on_disk: set[str], script: str | None) -> bool:
    """Whether ``path`` is a file of the module that no part of the spec accounts for."""
    known = path in UNDERSTOOD or path == script or _sync_shaped(module, path)
    return path in on_disk and not known


def _sync_shaped(module: ModuleFacts, path: str) -> bool:
    """Whether ``path`` is a data patch shaped like magegen's sync patch (name and marker)."""
    from generator.pipeline.sync import parse_sync_patch

    if path.rsplit("/", 1)[0] != DATA_PATCH_DIR or module.files is None:
        return False
    content = module.files.read(path)
    return content is not None and parse_sync_patch("", path.rsplit("/", 1)[1], content) is not None
