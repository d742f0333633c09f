"""Which setup style a module uses to create its split-format integrations, as spec-from says it.

A spec can describe two ways: ``Setup/InstallData.php`` or a data patch in ``Setup/Patch/Data``
calling ``processIntegrationConfig()``. A module may create its integrations another way (from
UpgradeData, a schema patch, a wrapper class, ``IntegrationService::create()`` at runtime), or
not at all. A split-format spec must say how its integrations are created (``new`` refuses
``setup: none`` there), so the spec then says ``setup: data-patch``, the way that needs no
setup_version and reaches installed stores too, and a note names what was found and what the
spec's module does instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.magento.files import CONFIG_XML, DATA_PATCH_DIR, INSTALL_DATA
from generator.magento.moduletree import ModuleFacts, strip_php_comments
from generator.spec.model import (
    DEFAULT_PATCH_NAME,
    Setup,
)

PROCESS_CALL = re.compile(r"\bprocessIntegrationConfig\s*\(")
# What else, in PHP, creates or processes integrations.
OTHER_WAYS = re.compile(
    r"\b(?:processIntegrationConfig|processConfigBasedIntegrations|ConfigBasedIntegrationManager"
    r"|IntegrationServiceInterface|IntegrationService)\b"
)


@dataclass(frozen=True)
class SetupStyle:
    """The setup style found, the script magegen would write for it, and what else was seen."""

    style: str
    patch_name: str = DEFAULT_PATCH_NAME
    script: str | None = None  # the module's script that the style reproduces
    notes: tuple[tuple[str, str], ...] = ()  # (module-relative path, message)


def setup_style(module: ModuleFacts) -> SetupStyle:
    """How ``module`` creates its split-format integrations."""
    if _calls(module, INSTALL_DATA):
        return SetupStyle(Setup.INSTALL_DATA, script=INSTALL_DATA)
    patches = [
        relative
        for relative in _php_files(module)
        if relative.rsplit("/", 1)[0] == DATA_PATCH_DIR and _calls(module, relative)
    ]
    if patches:
        return SetupStyle(Setup.DATA_PATCH, _patch_name(module, patches[0]), patches[0])
    seen = ((relative, _other_way(module, relative)) for relative in _php_files(module))
    found = [(relative, what) for relative, what in seen if what is not None]
    if found:
        notes = tuple(
            (
                relative,
                f"refers to {what}: it may create the integrations, in a way a spec cannot "
                f"describe; the spec says setup: {Setup.DATA_PATCH.value}, so the module magegen "
                "new writes creates them with processIntegrationConfig() in a data patch",
            )
            for relative, what in found
        )
        return SetupStyle(Setup.DATA_PATCH, notes=notes)
    message = (
        "no PHP of the module passes these integrations to processIntegrationConfig(), so "
        f"Magento never creates them; the spec says setup: {Setup.DATA_PATCH.value}, so the "
        "module magegen new writes does create them, in a data patch"
    )
    return SetupStyle(Setup.DATA_PATCH, notes=((CONFIG_XML, message),))


def _php_files(module: ModuleFacts) -> list[str]:
    if module.files is None:
        return []
    return [relative for relative in module.files.files if relative.endswith(".php")]


def _code(module: ModuleFacts, relative: str) -> str:
    text = module.text(relative)
    return "" if text is None else strip_php_comments(text)


def _calls(module: ModuleFacts, relative: str) -> bool:
    return PROCESS_CALL.search(_code(module, relative)) is not None


def _other_way(module: ModuleFacts, relative: str) -> str | None:
    names = sorted(set(OTHER_WAYS.findall(_code(module, relative))))
    return ", ".join(names) or None


def _patch_name(module: ModuleFacts, relative: str) -> str:
    """setup_patch_name from a data patch: a sync patch's class without its content hash."""
    from generator.pipeline.sync import HASH_LENGTH, parse_sync_patch

    file_name = relative.rsplit("/", 1)[1]
    stem = file_name.removesuffix(".php")
    content = module.files.read(relative) if module.files is not None else None
    claimed = content is not None and parse_sync_patch("", file_name, content) is not None
    return stem[:-HASH_LENGTH] if claimed else stem
