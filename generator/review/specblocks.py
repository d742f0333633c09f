"""The parts of a spec read back from a module: the module and composer blocks, integrations.

Each part holds only what differs from magegen's defaults; what a spec cannot hold becomes a note
on the file it comes from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import Problem
from generator.magento import rules
from generator.magento.acl import ADMIN, ALL, AclCatalog, ModuleCatalog
from generator.magento.composer import autoload, resolve_require
from generator.magento.files import (
    API_XML,
    COMPOSER_JSON,
    CONFIG_XML,
    CONSOLIDATED_XML,
    DATA_PATCH_DIR,
    DEFAULT_SETUP_VERSION,
    INTEGRATION_MODULE,
    default_composer_name,
)
from generator.magento.integrations import IntegrationFacts
from generator.magento.moduletree import ModuleFacts
from generator.magento.setupcode import setup_code
from generator.pipeline.sync import SyncPatch, parse_sync_patch
from generator.review.foldacl import fold_resources
from generator.spec.model import (
    IntegrationFormat,
    Setup,
)
from generator.spec.targets import targets_for_php

# composer.json keys the spec holds (or that magegen writes the same way for every module).
COMPOSER_KEYS = ("name", "description", "type", "version", "license", "authors", "require")
AUTHOR_KEYS = ("name", "email", "homepage", "role")


@dataclass
class Reading:
    """What was read so far, and what the spec cannot hold (by module-relative path)."""

    root: Path
    notes: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    setup_script: str | None = None  # the script found creating the integrations
    # What a subtree Parent/** brings for the spec's targets (None: everything below it).
    brings: Callable[[str, str], bool] | None = None

    def note(self, path: str, message: str) -> None:
        """Record that the spec does not hold something of the file ``path``."""
        self.notes.setdefault(path, []).append(message)

    def display(self, relative: str) -> str:
        """How a file of the module is named in messages."""
        return str(self.root / relative)

    def fail(self, relative: str, message: str, line: int | None = None) -> None:
        """Record why the module cannot be read back."""
        self.problems.append(Problem(self.display(relative), message, line=line))


def module_block(
    reading: Reading,
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
    if setup != Setup.INSTALL_DATA:
        return None
    if version is None:
        return DEFAULT_SETUP_VERSION
    return version if rules.SETUP_VERSION.fullmatch(version) else None


def _text(reading: Reading, value: object, key: str) -> str | None:
    if value == "":  # new refuses an empty value
        reading.note(COMPOSER_JSON, f'"{key}" is empty; the spec leaves it out')
        return None
    if isinstance(value, str):
        return value
    reading.note(COMPOSER_JSON, f'"{key}" is not a string; the spec leaves it out')
    return None


def _license(reading: Reading, value: object) -> str | list[str] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        kept = [item for item in value if item]
        if len(kept) < len(value):
            reading.note(COMPOSER_JSON, '"license" lists an empty name; the spec leaves it out')
        return kept or None
    if isinstance(value, str):
        return _text(reading, value, "license")
    reading.note(COMPOSER_JSON, '"license" is neither a string nor a list of strings')
    return None


def _authors(reading: Reading, value: object) -> list[dict[str, str]]:
    if not isinstance(value, list):
        reading.note(COMPOSER_JSON, '"authors" is not a list')
        return []
    authors = []
    for index, author in enumerate(value):
        if not isinstance(author, dict) or not isinstance(author.get("name"), str):
            reading.note(COMPOSER_JSON, f'"authors"[{index}] has no "name"; the spec leaves it out')
            continue
        if not author["name"]:
            reading.note(COMPOSER_JSON, f'"authors"[{index}] has an empty "name"; left out')
            continue
        entry = {}
        for key, item in author.items():
            if key in AUTHOR_KEYS and item == "":
                reading.note(COMPOSER_JSON, f'"authors"[{index}]: "{key}" is empty; left out')
            elif key in AUTHOR_KEYS and isinstance(item, str):
                entry[key] = item
            else:
                reading.note(
                    COMPOSER_JSON, f'"authors"[{index}]: "{key}" is not in the spec format'
                )
        authors.append({key: entry[key] for key in AUTHOR_KEYS if key in entry})
    return authors


def composer_block(
    reading: Reading,
    composer: dict[str, Any] | None,
    vendor: str,
    module: str,
    sequence: list[str],
    modules: ModuleCatalog,
    php: str | None = None,
) -> dict[str, Any]:
    """The ``composer:`` block: the name when not the default, requirements beyond the defaults
    (``php``: the php the spec's target lines give)."""
    if composer is None:
        return {}
    block: dict[str, Any] = {}
    default_name = default_composer_name(vendor, module)
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
    expected_autoload = autoload(f"{vendor}\\{module}")
    if composer.get("autoload") != expected_autoload:
        reading.note(COMPOSER_JSON, '"autoload" is not the one magegen writes')
    require = composer.get("require", {})
    if not isinstance(require, dict):
        reading.note(COMPOSER_JSON, '"require" is not an object')
        return block
    defaults = dict(resolve_require(sequence, (), modules, php))
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


def magento_targets(composer: dict[str, Any] | None) -> str | None:
    """The spec's ``magento:`` that gives composer.json's php, when one simply does and it is
    not the default."""
    require = composer.get("require") if isinstance(composer, dict) else None
    php = require.get("php") if isinstance(require, dict) else None
    return targets_for_php(php) if isinstance(php, str) else None


def integrations(
    reading: Reading, module: ModuleFacts, acl: AclCatalog
) -> tuple[str | None, list[dict[str, Any]]]:
    """The format and the integrations, each with its resources folded for the spec."""
    if module.config is None and module.api is None:
        if module.consolidated is None:
            return None, []
        found = [
            _integration(reading, item, item, acl, CONSOLIDATED_XML)
            for item in module.consolidated.values()
        ]
        return IntegrationFormat.CONSOLIDATED, [item for item in found if item is not None]
    if module.consolidated is not None:
        reading.note(
            CONSOLIDATED_XML,
            "a spec has either the split format (config.xml + api.xml) or the consolidated one; "
            "this one keeps the split format",
        )
    contacts, grants = module.config or {}, module.api or {}
    contacts = {**contacts, **_created_by_code(reading, module, contacts, grants)}
    found = []
    for name, contact in contacts.items():
        if name not in grants:
            reading.note(CONFIG_XML, f"integration {rules.shown(name)} is not in api.xml; left out")
            continue
        found.append(_integration(reading, contact, grants[name], acl, API_XML))
    return None, [item for item in found if item is not None]


def _created_by_code(
    reading: Reading,
    module: ModuleFacts,
    contacts: dict[str, IntegrationFacts],
    grants: dict[str, IntegrationFacts],
) -> dict[str, IntegrationFacts]:
    """The contacts of integrations only api.xml names that setup code creates by name (their
    email from that code); a note for each api.xml integration left out."""
    missing = [name for name in grants if name not in contacts]
    if not missing:
        return {}
    setup = setup_code(module)
    found = {}
    for name in missing:
        creation = setup.creation(name)
        if not setup.grants_api(name) or creation is None:
            reading.note(API_XML, f"integration {rules.shown(name)} is not in config.xml; left out")
        elif creation.email is None:
            reading.note(
                creation.relative,
                f"creates integration {rules.shown(name)} ({creation.call}), but its email is "
                "not a constant magegen can read; left out: add it to the spec with its email",
            )
        else:
            found[name] = IntegrationFacts(name, None, email=creation.email)
            reading.note(
                creation.relative,
                f"creates integration {rules.shown(name)} ({creation.call}); the spec gives it "
                "config.xml's contact fields instead",
            )
    return found


def _integration(
    reading: Reading,
    contact: IntegrationFacts,
    grant: IntegrationFacts,
    acl: AclCatalog,
    grant_file: str,
) -> dict[str, Any] | None:
    name = contact.name
    listed = list(grant.resource_ids)
    if not listed:
        message = f"integration {rules.shown(name)} grants no resources, which a spec cannot say"
        reading.note(grant_file, f"{message}; left out")
        return None
    if contact.email is None:
        reading.note(grant_file, f"integration {rules.shown(name)} has no email; left out")
        return None
    item: dict[str, Any] = {"name": name, "email": contact.email}
    for key in ("endpoint_url", "identity_link_url"):
        value = getattr(contact, key)
        if value is not None:
            item[key] = value
    if listed == [ALL]:
        item["all_resources"] = True
    elif grant_file != CONSOLIDATED_XML and without_parents(listed, acl):
        # (In the consolidated format Magento adds the parents itself: never parents: false.)
        item["resources"] = list(dict.fromkeys(listed))
        item["parents"] = False
    else:
        item["resources"] = fold_resources(listed, acl, reading.brings)
    return item


def without_parents(listed: list[str], acl: AclCatalog) -> bool:
    """Whether some listed id lacks one of its parents: a grant ``parents: false`` writes."""
    granted = set(listed)
    # Each id's direct parent is enough: if every granted id has its parent, all have all
    # their ancestors (and a deep chain costs its length, not its square).
    parents = (acl.get(r).parent for r in granted if r in acl)  # type: ignore[union-attr]
    return any(p is not None and p != ADMIN and p not in granted for p in parents)


def sync_patches(module: ModuleFacts, current: list[str]) -> list[SyncPatch]:
    """The sync data patches of the module (name and marker read), the current one first.

    The current one is the first whose integrations are, in order, those config.xml declares;
    the others follow in file order.
    """
    found = []
    for relative in sorted(module.files.files if module.files is not None else ()):
        folder, _, file_name = relative.rpartition("/")
        content = module.files.read(relative) if folder == DATA_PATCH_DIR else None
        claimed = parse_sync_patch("", file_name, content) if content is not None else None
        if claimed is not None:
            found.append(claimed)
    current_first = sorted(found, key=lambda patch: [i.name for i in patch.integrations] != current)
    return current_first


def retired_entries(patches: list[SyncPatch], current: list[str]) -> list[dict[str, Any]]:
    """A ``retired: true`` entry for each name the module's sync patches retire.

    The current patch's names come first, in its order, so that the spec renders that patch
    again byte for byte; a name config.xml still declares is not retired.
    """
    seen = {rules.integration_name_key(name) for name in current}
    entries: list[dict[str, Any]] = []
    for patch in patches:
        for name in patch.retired:
            key = rules.integration_name_key(name)
            if key not in seen:
                seen.add(key)
                entries.append({"name": name, "retired": True})
    return entries
