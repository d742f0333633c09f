"""Read what a module tree declares: parsed safely, every XML file once, with line numbers.

The one reader of module trees: ``validate``, ``acl-diff``, ``spec-from`` and ``--magento-root``
all read modules through it. Files are listed under the rules of ``generator.magento.files``
(no link out of the tree, no special file, a size cap), integrations are read as Magento's
converters read them (``generator.magento.integrations``), composer.json as PHP decodes it.
Reading also reports what it finds wrong with single files: malformed XML or a DOCTYPE (MG100),
XML our schemas reject (MG101), a file refused by the reading rules (MG104, MG105).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from lxml import etree

from generator.errors import Problem
from generator.magento.configxml import CONFIG_XML as STORE_CONFIG_XML
from generator.magento.configxml import bearer_scopes
from generator.magento.dixml import grant_overrides, is_di_xml
from generator.magento.files import (
    API_XML,
    COMPOSER_JSON,
    CONFIG_XML,
    CONSOLIDATED_XML,
    MODULE_XML,
    REGISTRATION_PHP,
    TOO_LARGE,
    JsonRefused,
    ModuleTreeFiles,
    inside_tree,
    parse_json_as_php,
    read_capped,
    walk_module,
)
from generator.magento.integrations import (
    IntegrationFacts,
    Located,
    declared_integrations,
    read_api_xml,
    read_config_xml,
    read_consolidated_xml,
)
from generator.magento.phpcode import PhpCode, read_php
from generator.magento.registration import is_own_folder, registered_path
from generator.magento.xml import parse_untrusted, schema_problems
from generator.patterns import lazy

XSI_NO_NAMESPACE = "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation"

# ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Vendor_Module', __DIR__), written with
# or without the namespace; the name is the string literal that starts at ``quote``.
_REGISTER = lazy(
    r"(?<![\w$>:])(?:\\?[\w\\]*\\)?ComponentRegistrar::register\s*\(\s*"
    r"(?:\\?[\w\\]*\\)?ComponentRegistrar::MODULE\s*,\s*(?P<quote>['\"])",
)
# A PHP string literal (kept) or comment (removed); strings first, so "//" inside one survives.
_STRING_OR_COMMENT = lazy(
    r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")|/\*.*?\*/|//[^\n]*|#(?!\[)[^\n]*", re.DOTALL
)


def strip_php_comments(source: str) -> str:
    """``source`` without its comments; line numbers stay where they were."""

    def keep(match: re.Match[str]) -> str:
        return match.group(1) or "\n" * match.group(0).count("\n")

    return _STRING_OR_COMMENT.sub(keep, source)


class ModuleFacts:
    """What one module tree declares, and where.

    (A plain class, not a dataclass: validate reads one per module, and a dataclass costs its
    creation at every start.)
    """

    name: Located | None = None
    setup_version: str | None = None
    config: dict[str, IntegrationFacts] | None = None  # etc/integration/config.xml
    api: dict[str, IntegrationFacts] | None = None  # etc/integration/api.xml
    consolidated: dict[str, IntegrationFacts] | None = None  # etc/integration.xml
    registered: Located | None = None  # the name registration.php registers
    # The folder registration.php registers, as written, when it is not the module's own
    # (``__DIR__``): Magento then reads another folder's etc/ and Setup/.
    registered_elsewhere: Located | None = None
    bearer_scopes: tuple[str, ...] = ()  # etc/config.xml: scopes that turn Bearer tokens on
    has_registration: bool = False
    composer: dict | None = None
    composer_error: str | None = None
    composer_error_line: int | None = None
    files: ModuleTreeFiles | None = None  # every file that may be read

    def __init__(self, root: Path, composer: dict | None = None) -> None:
        self.root = root
        self.composer = composer
        self.sequence: list[Located] = []
        self.di_overrides: dict[str, list[Located]] = {}  # di.xml: changes
        self.xml_files: list[tuple[Path, etree._ElementTree]] = []
        # Files that could not be used, by relative path, and why: refused by the reading rules
        # (a link out of the module, a device, too large), or unparsable XML. Checks that depend
        # on such a file are skipped rather than reported.
        self.refused: dict[str, str] = {}
        self._php_files: list[Path] | None = None
        self._integrations: tuple | None = None  # (config, api, consolidated, merged)
        shown = str(root)  # the text display() puts before each file's relative path
        self._folder = "" if shown == "." else os.path.join(shown, "")

    @property
    def php_files(self) -> list[Path]:
        """The module's PHP files that may be read (made into paths when first asked for)."""
        if self._php_files is None:
            listed = self.files.files if self.files is not None else ()
            self._php_files = [self.root / f for f in listed if f.endswith(".php")]
        return self._php_files

    def display(self, relative: str) -> str:
        """How a file of this module is named in findings."""
        # str(root / relative), without pathlib's cost per finding: os.path.join's text
        if relative.startswith("/") and self._folder:
            return os.path.join(self._folder, relative)
        return self._folder + relative

    def integrations(self) -> tuple[IntegrationFacts, ...]:
        """The module's integrations as Magento reads them, one per name (merged once for the
        files read: each check asks; the readers' dicts are never changed once read)."""
        read = self._integrations
        if (
            read is None
            or read[0] is not self.config
            or read[1] is not self.api
            or read[2] is not self.consolidated
        ):
            merged = declared_integrations(self.config, self.api, self.consolidated)
            read = self._integrations = (self.config, self.api, self.consolidated, merged)
        return read[3]

    def text(self, relative: str) -> str | None:
        """A file of the module as text, read under the reading rules; None if absent/refused."""
        return None if self.files is None else self.files.text(relative)


def parse_xml(path: Path, display: str) -> tuple[etree._ElementTree | None, list[Problem]]:
    """Parse an untrusted XML file: no DTD, no entities, no network; report why it fails."""
    content = read_capped(path)
    if content is None:
        return None, [Problem(display, "cannot be read", code="MG100")]
    document, problem = parse_untrusted(content, display, "MG100")
    return document, [] if problem is None else [problem]


def read_module(
    root: Path, keep_xml: bool = False, listings: dict[str, list[os.DirEntry[str]]] | None = None
) -> tuple[ModuleFacts, list[Problem]]:
    """Read the module at ``root``; return its facts and the problems of its single files.

    With ``keep_xml``, every parsed etc/ XML document is kept (for validation against an
    installation's schemas); otherwise only the facts are. ``listings``: see ``walk_module``.
    """
    module = ModuleFacts(root)
    module.files = tree = walk_module(root, listings, _read_at_once)
    module.refused = dict(tree.refused)
    problems = [_refusal(module, relative, reason) for relative, reason in tree.refused.items()]
    for relative in tree.files:
        if relative.startswith("etc/") and relative.endswith(".xml"):
            found = _read_xml(module, tree, relative, keep_xml)
            if found:
                problems += found
    if REGISTRATION_PHP in module.refused:
        module.has_registration = True
    else:
        _read_registration(module)
    _read_composer(module)
    return module, problems


_READ_FILES = frozenset((REGISTRATION_PHP, COMPOSER_JSON))


def _read_at_once(relative: str) -> bool:
    """Whether read_module reads the module file ``relative`` (if it may be read) at once."""
    return (relative.startswith("etc/") and relative.endswith(".xml")) or relative in _READ_FILES


def _refusal(module: ModuleFacts, relative: str, reason: str) -> Problem:
    code = "MG105" if reason == TOO_LARGE else "MG104"
    return Problem(module.display(relative), reason, code=code)


def _read_xml(
    module: ModuleFacts, tree: ModuleTreeFiles, relative: str, keep_xml: bool
) -> list[Problem]:
    display = module._folder + relative  # (module.display(relative): relative is not absolute)
    content = tree.read(relative)
    if content is None:
        module.refused[relative] = "cannot be read"
        return [Problem(display, "cannot be read", code="MG100")]
    document, problem = parse_untrusted(content, display, "MG100")
    if document is None:
        module.refused[relative] = problem.message if problem else "cannot be parsed"
        return [problem] if problem is not None else []
    if keep_xml:
        module.xml_files.append((module.root / relative, document))
    _collect(module, relative, document)
    return schema_problems(relative, display, document, "MG101", columns=True)


def _collect(module: ModuleFacts, relative: str, document: etree._ElementTree) -> None:
    if relative == MODULE_XML:
        # find("module") and iterfind("sequence/module"): lxml's ElementPath makes these the
        # same iterchildren() calls, after a lookup of the path.
        element = next(document.getroot().iterchildren("module"), None)
        name = None if element is None else element.get("name")
        if name:
            module.name = Located(name, element.sourceline)
            module.setup_version = element.get("setup_version")
            module.sequence = [
                Located(m.get("name", ""), m.sourceline)
                for sequence in element.iterchildren("sequence")
                for m in sequence.iterchildren("module")
            ]
    elif relative == CONFIG_XML:
        module.config = read_config_xml(document)
    elif relative == API_XML:
        module.api = read_api_xml(document)
    elif relative == CONSOLIDATED_XML:
        module.consolidated = read_consolidated_xml(document)
    elif relative == STORE_CONFIG_XML:
        module.bearer_scopes = bearer_scopes(document)
    elif is_di_xml(relative):
        overrides = grant_overrides(document)
        if overrides:
            module.di_overrides[relative] = overrides


def _read_registration(module: ModuleFacts) -> None:
    """The name registration.php registers: only a real call counts, never one in a string,
    heredoc or comment."""
    if module.files is None or REGISTRATION_PHP not in module.files.files:
        return
    module.has_registration = True
    content = module.files.read(REGISTRATION_PHP)
    if content is None:
        return
    source = content.decode("utf-8", "surrogateescape")
    php = read_php(source)
    code = php.code
    # A call is found where "ComponentRegistrar::register" is written, its namespace (word
    # characters and backslashes) before it on the same line: the search starts on the line of
    # the first, instead of at every character before it.
    first = code.find("ComponentRegistrar::register")
    if first < 0:
        return
    for call in _REGISTER.finditer(code, code.rfind("\n", 0, first) + 1):
        end, name = php.literals.get(call.start("quote"), (0, None))
        if name is not None:
            start = call.start("quote")
            module.registered = Located(name, php.line_at(start), php.column_at(start) + 1)
            _read_registered_path(module, php, source, end)
            return


def _read_registered_path(
    module: ModuleFacts, php: PhpCode, source: str, after_name: int
) -> None:
    """Note the folder the register call names when it is not the module's own."""
    found = registered_path(php, source, after_name)
    text, offset = found if found is not None else ("(no path)", after_name)
    if found is None or not is_own_folder(php, offset, text):
        where = Located(text, php.line_at(offset), php.column_at(offset))
        module.registered_elsewhere = where


def _read_composer(module: ModuleFacts) -> None:
    if COMPOSER_JSON in module.refused or module.files is None:
        return
    content = module.files.read(COMPOSER_JSON)
    if content is None:
        return
    try:
        manifest = parse_json_as_php(content)
    except JsonRefused as exc:
        module.composer_error = exc.message
        module.composer_error_line = exc.line
        return
    if isinstance(manifest, dict):
        module.composer = manifest
    else:
        module.composer_error = "it does not hold a JSON object"


def declared_integration_names(root: Path) -> list[tuple[str, str]]:
    """(file, name) for each integration that the module at ``root`` declares in config.xml or
    integration.xml, read as Magento's converters read them. A file that is missing, a link,
    refused by the reading rules or malformed declares nothing here (``validate`` reports it)."""
    found = []
    readers = ((CONFIG_XML, read_config_xml), (CONSOLIDATED_XML, read_consolidated_xml))
    for relative, read in readers:
        path = root / relative
        if not path.is_file() or path.is_symlink() or not inside_tree(root, relative):
            continue  # a link, or a file under a linked folder: never read
        content = read_capped(path)
        document = None if content is None else parse_untrusted(content, str(path))[0]
        if document is not None:
            found += [(relative, name) for name in read(document) if name]
    return found
