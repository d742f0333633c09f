"""Which PHP of a module Magento runs at setup, and which integrations that code creates.

Magento finds a module's setup classes by name, from the module name etc/module.xml declares
(``Vendor_Module`` gives the namespace ``Vendor\\Module``):

- ``Setup\\InstallSchema``, ``UpgradeSchema``, ``InstallData`` and ``UpgradeData`` run only when
  module.xml has a ``setup_version``; ``Recurring`` and ``RecurringData`` on every
  ``setup:upgrade``; ``Uninstall`` only on ``module:uninstall``. A class that does not exist is
  skipped without a word (``Installer::createSchemaDataHandler`` checks ``class_exists``).
- Data and schema patches: each ``*.php`` directly in ``Setup/Patch/Data`` or
  ``Setup/Patch/Schema`` (``PatchReader`` globs that folder, not its subfolders), as the class
  ``Vendor\\Module\\Setup\\Patch\\Data\\<file name>``.

The autoloader finds a class by its file name, so a file that declares another namespace or
class is loaded, but the class Magento asks for never exists. Code that a running setup class
names (a helper of the module, its factory or proxy) runs too, transitively.

Integrations are created, or updated, by ``ConfigBasedIntegrationManager::
processIntegrationConfig([names])`` (config.xml's contact, api.xml's grant),
``processConfigBasedIntegrations([name => [email, ...]])`` and ``IntegrationService::create()``
with ``setup_type`` 1 ("config"): Magento's plugin then grants what api.xml (or integration.xml)
lists for that name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from typing import NamedTuple

from generator.magento.files import DATA_PATCH_DIR, SCHEMA_PATCH_DIR
from generator.magento.integrations import IntegrationFacts
from generator.magento.moduletree import ModuleFacts
from generator.magento.phpclasses import PhpClasses, read_classes
from generator.magento.phpreferences import FileReferences
from generator.magento.phpvalues import UNKNOWN, ModuleValues, PhpArray, Text, text_of

# Setup classes Magento finds by exact file and class name; the versioned ones need a
# setup_version; Uninstall runs only on module:uninstall.
VERSIONED_SCRIPTS = ("InstallData", "UpgradeData", "InstallSchema", "UpgradeSchema")
SETUP_SCRIPTS = (*VERSIONED_SCRIPTS, "Recurring", "RecurringData", "Uninstall")
NOT_AT_SETUP = frozenset({"Uninstall"})
PATCH_DIRS = (DATA_PATCH_DIR, SCHEMA_PATCH_DIR)
PHP_LIMIT = 2 << 20  # bytes read of one PHP file; larger files are not searched

PROCESS = "processIntegrationConfig"
PROCESS_CONSOLIDATED = "processConfigBasedIntegrations"
SERVICE_CREATE = "IntegrationService::create"


def _words(*words: str) -> str:
    """A pattern for any of ``words`` where no name character or ``$`` precedes it. Each word
    asserts that after itself: a pattern that starts with the lookbehind is tried at every offset
    of a file (about 100 us for a 4 KiB patch), one that starts with a word is not."""
    return "(?:" + "|".join(rf"{word}(?<![\w$]{word})" for word in words) + ")"


def call_of(match: re.Match[str]) -> str:
    """The call a match of ``creating_calls`` makes: PROCESS, PROCESS_CONSOLIDATED or
    SERVICE_CREATE."""
    text = match.group()
    if text.startswith(PROCESS):
        return PROCESS
    return PROCESS_CONSOLIDATED if text.startswith(PROCESS_CONSOLIDATED) else SERVICE_CREATE


# A creating call: (?<![\w$])(processIntegrationConfig|processConfigBasedIntegrations)\s*\( or
# ->\s*(create|update)\s*\(, searched as two patterns that each start with a literal ("process",
# "->"): the engine finds a literal fast, but tries a set of first characters at every offset
# (about 6 us a KiB). Neither can match inside what the other matches.
_PROCESS_CALLS = re.compile(rf"{_words(PROCESS, PROCESS_CONSOLIDATED)}\s*\(")
_SERVICE_CALLS = re.compile(r"->\s*(?:create|update)\s*\(")


def creating_calls(code: str, service: bool = True) -> list[re.Match[str]]:
    """The calls in ``code`` that may create integrations, in order (``service``: with the
    IntegrationService's ``create`` and ``update``)."""
    found = list(_PROCESS_CALLS.finditer(code))
    if service:
        found += _SERVICE_CALLS.finditer(code)
        found.sort(key=lambda match: match.start())
    return found


# Code that can create an integration: Magento's integration APIs, named anywhere in a file.
API_WORDS = (
    "ConfigBasedIntegrationManager",
    "IntegrationServiceInterface",
    "IntegrationService",
    "IntegrationFactory",
    PROCESS_CONSOLIDATED,
    PROCESS,
)
# A word every one of API_WORDS holds: code without it names none (one search, not six).
API_PART = "Integration"
INTEGRATION_API = re.compile("(" + _words(*API_WORDS) + r")(?!\w)")
_SERVICE = re.compile(r"IntegrationService(?:Interface)?(?!\w)")
TYPE_CONFIG = 1


class Creation(NamedTuple):
    """An integration that setup code creates (or updates) by name, and where."""

    name: str
    relative: str
    line: int
    column: int
    call: str  # PROCESS, PROCESS_CONSOLIDATED or SERVICE_CREATE
    by_config: bool  # created as a config integration: Magento grants what api.xml lists
    email: str | None = None  # the email the code gives, when it is a constant


class Misloaded(NamedTuple):
    """A setup file that does not declare the class Magento loads from it."""

    relative: str
    expected: str
    declared: tuple[str, ...]


class SetupCode:
    """What a module's setup code does with integrations, as Magento runs it.

    (A plain class: a frozen dataclass costs about 0.5 ms to create at every start.)
    """

    def __init__(
        self,
        runs: frozenset[str],
        creations: tuple[Creation, ...],
        unknown: bool,
        evidence: tuple[str, ...],
        unreached: tuple[str, ...],
        misloaded: tuple[Misloaded, ...],
    ) -> None:
        self.runs = runs  # the module's PHP files that run at setup (entry points and reached)
        self.creations = creations  # by running code, in file order
        self.unknown = unknown  # a running call creates integrations whose names cannot be read
        self.evidence = evidence  # other code of the module that uses the integration APIs
        self.unreached = unreached  # creating calls in code Magento never runs at setup
        self.misloaded = misloaded

    @cached_property
    def processed(self) -> dict[str, Creation]:
        """The names passed to processIntegrationConfig(), each where it is first passed."""
        found: dict[str, Creation] = {}
        for creation in self.creations:
            if creation.call == PROCESS:
                found.setdefault(creation.name, creation)
        return found

    def creation(self, name: str) -> Creation | None:
        """How running setup code creates ``name``, if it does (the first such call)."""
        return next((c for c in self.creations if c.name == name), None)

    def grants_api(self, name: str) -> bool:
        """Whether running setup code creates ``name`` so that api.xml's grant applies (or may:
        some call's names cannot be read)."""
        return self.unknown or any(c.name == name and c.by_config for c in self.creations)


def setup_code(module: ModuleFacts) -> SetupCode:
    """What the setup code of ``module`` does with integrations (see the module docstring)."""
    files = _read_files(module)
    graph = FileReferences(files)
    namespace = _namespace(module)
    entries, misloaded = [], []
    for relative, found in files.items():
        if not relative.startswith("Setup/"):
            continue  # (not a file Magento loads as setup: expected_class is None)
        # Without a module name the class Magento loads is not known: take the file's own.
        expected = expected_class(namespace or "", relative)
        if expected is None or not _runs_at_setup(module, relative):
            continue
        declared = tuple(name for _, name in found.declared)
        if namespace is None or expected.casefold() in (n.casefold() for n in declared):
            entries.append(relative)
        else:
            misloaded.append(Misloaded(relative, expected, declared))
    runs = graph.reached(entries)
    live = graph.reached([*runs, *graph.unreferenced_outside_setup()])
    values = ModuleValues(files)
    creations: list[Creation] = []
    unknown = False
    evidence, unreached = [], []
    for relative, found in files.items():
        if relative in runs:
            found_unknown = _creations(values, found, creations)
            unknown = unknown or found_unknown
            evidence += _uses(found, skip=("ConfigBasedIntegrationManager", PROCESS))
        elif relative in live and not relative.startswith("Setup/"):
            evidence += _uses(found)
        elif API_PART in found.php.code and _unreached(found.php.code):
            unreached.append(relative)
    return SetupCode(
        frozenset(runs),
        tuple(creations),
        unknown,
        tuple(evidence),
        tuple(unreached),
        tuple(misloaded),
    )


def expected_class(namespace: str, relative: str) -> str | None:
    """The class Magento loads from the setup file ``relative`` of the module whose namespace
    is ``namespace``; None for a file Magento does not load as setup."""
    folder, _, file_name = relative.rpartition("/")
    stem = file_name.removesuffix(".php")
    if not file_name.endswith(".php") or not stem:
        return None
    if folder == "Setup" and stem in SETUP_SCRIPTS:
        return f"{namespace}\\Setup\\{stem}"
    if folder in PATCH_DIRS:
        return f"{namespace}\\{folder.replace('/', chr(92))}\\{stem}"
    return None


def _namespace(module: ModuleFacts) -> str | None:
    named = module.name or module.registered
    if named is None or "_" not in named.value:
        return None
    return named.value.replace("_", "\\")


def _runs_at_setup(module: ModuleFacts, relative: str) -> bool:
    stem = relative.rpartition("/")[2].removesuffix(".php")
    if relative.rpartition("/")[0] in PATCH_DIRS:
        return True
    if stem in NOT_AT_SETUP:
        return False
    return module.setup_version is not None or stem not in VERSIONED_SCRIPTS


def _read_files(module: ModuleFacts) -> dict[str, PhpClasses]:
    """Every PHP file of the module that the reading rules allow, read as classes."""
    found: dict[str, PhpClasses] = {}
    files = module.files
    if files is None:
        return found
    for relative in files.files:
        if not relative.endswith(".php"):
            continue
        content = files.read(relative)
        if content is None or len(content) > PHP_LIMIT:
            continue
        found[relative] = read_classes(relative, content.decode("utf-8", "surrogateescape"))
    return found


def _unreached(code: str) -> bool:
    """Whether ``code`` (of a file Magento never runs at setup) makes a creating call and names
    the integration APIs."""
    return _has_call(code) and INTEGRATION_API.search(code) is not None


def _has_call(code: str) -> bool:
    return _PROCESS_CALLS.search(code) is not None or _SERVICE_CALLS.search(code) is not None


def _uses(found: PhpClasses, skip: tuple[str, ...] = ()) -> list[str]:
    code = found.php.code
    if API_PART not in code or not any(word in code for word in API_WORDS if word not in skip):
        return []  # (each match is one of the words: none but those skipped is there)
    for match in INTEGRATION_API.finditer(code):
        if match.group(1) not in skip:
            line = found.php.line_at(match.start())
            return [f"{found.relative}:{line} uses {match.group(1)}"]
    return []


def _creations(values: ModuleValues, found: PhpClasses, into: list[Creation]) -> bool:
    """Append the creations of the running file ``found``; True when some names are unknown."""
    unknown = False
    uses_service = _SERVICE.search(found.php.code) is not None
    for match in creating_calls(found.php.code, uses_service):
        call = call_of(match)
        argument, _ = values.value(found, match.end())
        located = _Locator(found, match.start())
        if call == PROCESS:
            unknown |= _processed(located, argument, into)
        elif call == PROCESS_CONSOLIDATED:
            unknown |= _consolidated(located, argument, into)
        else:
            into += _service_create(located, argument)
    return unknown


def _processed(located: _Locator, argument: object, into: list[Creation]) -> bool:
    if not isinstance(argument, PhpArray):
        return True
    unknown = False
    for _, item in argument.items:
        if isinstance(item, Text):
            into.append(located.creation(item, PROCESS, True, None))
        else:
            unknown = True
    return unknown


def _consolidated(located: _Locator, argument: object, into: list[Creation]) -> bool:
    if not isinstance(argument, PhpArray):
        return True
    unknown = False
    for key, details in argument.items:
        if not isinstance(key, Text):
            unknown = True
            continue
        email = details.get("email") if isinstance(details, PhpArray) else None
        into.append(located.creation(key, PROCESS_CONSOLIDATED, True, text_of(email)))
    return unknown


def _service_create(located: _Locator, argument: object) -> Iterator[Creation]:
    if not isinstance(argument, PhpArray):
        return
    name = argument.get("name")
    setup_type = argument.get("setup_type")
    if not isinstance(name, Text) or (setup_type is None and argument.get("email") is None):
        return
    by_config = setup_type is not UNKNOWN and text_of(setup_type) == str(TYPE_CONFIG)
    email = text_of(argument.get("email"))
    yield located.creation(name, SERVICE_CREATE, by_config, email)


class _Locator(NamedTuple):
    """A call of a running file, to locate what it creates."""

    found: PhpClasses
    call_at: int

    def creation(self, name: Text, call: str, by_config: bool, email: str | None) -> Creation:
        """The creation of ``name``, located at its literal when that is in this file (a
        constant of the file included), else at the call."""
        php = self.found.php
        here = name.file == self.found.relative
        offset = name.offset if here else self.call_at
        line, column = php.line_at(offset), php.column_at(offset) + here  # after the quote
        return Creation(name.value, self.found.relative, line, column, call, by_config, email)


def applied_integrations(
    module: ModuleFacts, setup: SetupCode | None = None
) -> tuple[IntegrationFacts, ...]:
    """The module's integrations whose declared grant Magento may apply: those of config.xml
    and integration.xml, and those only api.xml names that setup code creates by name as config
    integrations (their email taken from that code, where it is a constant)."""
    setup = setup if setup is not None else setup_code(module)
    kept = []
    for facts in module.integrations():
        if facts.name in (module.config or {}) or facts.name in (module.consolidated or {}):
            kept.append(facts)
        elif setup.grants_api(facts.name):
            creation = setup.creation(facts.name)
            email = creation.email if creation is not None else None
            kept.append(facts._replace(email=email))
    return tuple(kept)
