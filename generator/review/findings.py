"""Cross-file checks of one module tree. Each finding has a stable code (see CODES)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from generator.errors import Problem, Severity, shown
from generator.magento.acl import ADMIN, ALL, AclCatalog, module_of
from generator.magento.files import INTEGRATION_MODULE
from generator.magento.moduletree import IntegrationFacts, Located, ModuleFacts
from generator.magento.setupcode import SetupCode, setup_code
from generator.patterns import lazy
from generator.review.fullaccess import full_access_message
from generator.review.phptargets import php_findings
from generator.review.readscope import di_problems, registration_path_problems
from generator.review.requires import require_findings
from generator.review.routeacl import undeclared_route_ids
from generator.review.setupscripts import setup_problems
from generator.review.syncrecord import unsynced_problems
from generator.review.treecontext import Context

CODES = {
    "MG100": "XML is malformed, unreadable or has a DOCTYPE",
    "MG101": "XML does not match magegen's schema for it",
    "MG102": "XML does not match the Magento schema of its kind (--magento-root)",
    "MG103": "the Magento schema an XML file names is not in the installation",
    "MG104": "a file links outside the module or is not a regular file; it is not read",
    "MG105": "a file is larger than magegen reads (8 MiB); it is not read",
    "MG110": "a file of the installation (--magento-root) was skipped",
    "MG190": "magegen failed on this module (an internal error); the other modules were checked",
    "MG200": "registration.php is missing",
    "MG201": "registration.php registers another name than etc/module.xml declares",
    "MG202": "registration.php registers no module that can be read",
    "MG203": "registration.php registers another folder than the module's own",
    "MG210": "composer.json is missing",
    "MG211": "composer.json is not a JSON object",
    "MG212": "composer.json does not map the module's namespace to the folder of its classes",
    "MG213": "composer.json does not autoload registration.php",
    "MG214": "a module in the sequence is not required in composer.json, nor by a package it "
    "requires",
    "MG215": "composer.json's php excludes every PHP version of a Magento line the module targets",
    "MG216": "composer.json requires a Magento package at a version a targeted release does not "
    "ship, or one Magento removed",
    "MG300": "integrations are declared but Magento_Integration is not in the sequence (the "
    "convention; nothing breaks)",
    "MG301": "config.xml, api.xml and integration.xml do not name the same integrations (an "
    "api.xml integration that setup code creates by name counts as declared)",
    "MG302": "Setup/InstallData.php exists but module.xml has no setup_version",
    "MG303": "an integration of config.xml is created by no setup code that Magento runs",
    "MG304": "an ACL resource is unknown",
    "MG305": "api.xml grants a resource without its parents",
    "MG306": "an integration name holds an apostrophe",
    "MG307": "an ACL resource is disabled",
    "MG308": "an integration has full access (Magento_Backend::all), or lists it with other ids "
    "(then it does not)",
    "MG310": "processIntegrationConfig() names an integration config.xml does not declare",
    "MG311": "a setup script's or patch's file name or folder is misspelled or has the wrong "
    "case, so Magento never runs it",
    "MG312": "a setup file declares another class than the one Magento loads from it",
    "MG320": "a di.xml changes the code that reads or applies integration grants",
    "MG321": "an integration name is declared by more than one module; Magento merges them",
    "MG322": "config.xml or api.xml differ from the sync patch's record: stores never get it",
    "MG323": "a REST route of the module needs an ACL id no acl.xml declares",
    "MG400": "a PHP file does not parse",
}

API = "etc/integration/api.xml"
CONFIG = "etc/integration/config.xml"
CONSOLIDATED = "etc/integration.xml"
# What Magento accepts as a module name at runtime (module.xsd is stricter, but not enforced).
_RUNTIME_MODULE_NAME = lazy(r"[A-Za-z0-9]+_[A-Za-z0-9]+")
XML_LIMIT = 4 << 20  # bytes of a file re-read to find a column
SUGGEST_LIMIT = 200  # characters of an unknown id for which near matches are looked up


def check_module(module: ModuleFacts, context: Context) -> list[Problem]:
    """Every cross-file problem of ``module``."""
    setup = setup_code(module)
    return [
        *_registration(module),
        *registration_path_problems(module),
        *di_problems(module),
        *_composer(module, context),
        *php_findings(module, context.store_lines),
        *_integration_files(module, context, setup),
        *setup_problems(module, setup),
        *unsynced_problems(module),
        *_resources(module, context, setup),
        *undeclared_route_ids(module, context),
    ]


def _problem(
    module: ModuleFacts,
    relative: str,
    message: str,
    code: str,
    at: Located | None = None,
    severity: Severity = Severity.ERROR,
) -> Problem:
    line = at.line if at is not None else None
    column = _column(module, relative, at) if at is not None else None
    display = module.display(relative)
    return Problem(display, message, line=line, column=column, severity=severity, code=code)


def _column(module: ModuleFacts, relative: str, at: Located) -> int | None:
    """The column of ``at``'s value on its line: given, or found as a quoted value there."""
    if at.column is not None or at.line is None or not at.value:
        return at.column
    lines = _lines(module.root / relative)
    if at.line > len(lines):
        return None
    text = lines[at.line - 1]
    escaped = at.value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    for needle in (f'"{escaped}"', f"'{escaped}'", f'"{at.value}"', f"'{at.value}'"):
        found = text.find(needle)
        if found != -1:
            return found + 2  # the value's first character, after its quote
    return None


@lru_cache(maxsize=32)
def _lines(path: Path) -> list[str]:
    try:
        with path.open("rb") as file:
            # At most XML_LIMIT, without allocating that much for every small file.
            content = file.read(min(os.fstat(file.fileno()).st_size, XML_LIMIT))
    except OSError:
        return []
    return content.decode("utf-8", "replace").split("\n")


def _refused(module: ModuleFacts, relative: str) -> bool:
    """Whether reading ``relative`` was refused (so nothing it declares is known)."""
    return relative in getattr(module, "refused", ())


def _registration(module: ModuleFacts) -> Iterator[Problem]:
    if not module.has_registration:
        yield _problem(
            module, "registration.php", "is missing: Magento will not see the module", "MG200"
        )
    elif module.registered is None:
        yield _problem(
            module,
            "registration.php",
            "registers no module with "
            "ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Vendor_Module', "
            "__DIR__)",
            "MG202",
        )
    elif module.name is not None and module.registered.value != module.name.value:
        yield _problem(
            module,
            "registration.php",
            f"registers '{shown(module.registered.value)}' but etc/module.xml declares "
            f"'{shown(module.name.value)}': Magento then skips the module's etc/ and Setup/ "
            "silently",
            "MG201",
            module.registered,
        )


def _composer(module: ModuleFacts, context: Context) -> Iterator[Problem]:
    if module.composer_error is not None:
        message = f"is not valid: {shown(module.composer_error)}"
        yield _problem(module, "composer.json", message, "MG211")
        return
    if module.composer is None:
        yield _problem(
            module,
            "composer.json",
            "is missing; a module installed with Composer needs one",
            "MG210",
            severity=Severity.WARNING,
        )
        return
    autoload = module.composer.get("autoload")
    autoload = autoload if isinstance(autoload, dict) else {}
    yield from _psr4(module, autoload)
    files = autoload.get("files")
    if not isinstance(files, list) or "registration.php" not in files:
        yield _problem(
            module, "composer.json", "autoload.files must list registration.php", "MG213"
        )
    yield from require_findings(module, context)


def _psr4(module: ModuleFacts, autoload: dict) -> Iterator[Problem]:
    """The namespace (from module.xml, or from registration.php when module.xml gives no name)
    must map to the module's root, or to a subfolder that holds its classes."""
    named = module.name or module.registered
    if named is None or "_" not in named.value:
        return
    namespace = named.value.replace("_", "\\") + "\\"
    psr4 = autoload.get("psr-4") if isinstance(autoload.get("psr-4"), dict) else {}
    mapped = psr4.get(namespace)
    folders = mapped if isinstance(mapped, list) else [mapped]
    if not any(isinstance(f, str) and _holds_classes(module, f) for f in folders):
        yield _problem(
            module,
            "composer.json",
            f'autoload.psr-4 must map "{shown(namespace)}" to "" (or to the subfolder that holds '
            "the module's classes)",
            "MG212",
        )


def _holds_classes(module: ModuleFacts, folder: str) -> bool:
    """Whether ``folder`` of the module holds PHP classes, as the module reader listed them: a
    folder that links out of the module is never walked."""
    folder = folder.strip("/")
    if folder in ("", "."):
        return True
    if ".." in Path(folder).parts or module.files is None:
        return False
    prefix = folder + "/"
    return any(f.startswith(prefix) and f.endswith(".php") for f in module.files.files)


def _integration_files(
    module: ModuleFacts, context: Context, setup: SetupCode
) -> Iterator[Problem]:
    # (integrations declared in config.xml or integration.xml, or granted in api.xml)
    if (
        (module.config or module.consolidated or module.api)
        and module.name
        and not _loads_after_integration(module, context)
    ):
        yield _problem(
            module,
            "etc/module.xml",
            "declares integrations but does not load after Magento_Integration. Nothing breaks "
            "(every table exists before data scripts run), but the convention is to list the "
            "module whose features it uses in the sequence: add Magento_Integration",
            "MG300",
            module.name,
            Severity.WARNING,
        )
    yield from _unmatched(module, setup)
    for relative, integrations in _integration_sources(module):
        for facts in integrations.values():
            if "'" in facts.name:
                yield _problem(
                    module,
                    relative,
                    f"integration name '{shown(facts.name)}' holds an "
                    "apostrophe: setup:upgrade fails with 'DOMXPath::query(): Invalid "
                    "predicate'",
                    "MG306",
                    Located(facts.name, facts.line),
                )


def _loads_after_integration(module: ModuleFacts, context: Context) -> bool:
    """Whether ``module`` loads after Magento_Integration: named in its own sequence (the
    convention, and what ``context.loads_after`` holds first), or in one it follows."""
    for dependency in module.sequence:
        if dependency.value == INTEGRATION_MODULE:
            return True
    return INTEGRATION_MODULE in context.loads_after(module)


def _unmatched(module: ModuleFacts, setup: SetupCode) -> Iterator[Problem]:
    """MG301, after merging api.xml with integration.xml as Magento does for resources. An
    api.xml integration that setup code creates by name as a config integration is declared:
    Magento grants it what api.xml lists."""
    if module.config is None and module.api is None:
        return
    if _refused(module, CONSOLIDATED):
        return
    config, api = module.config or {}, module.api or {}
    consolidated = module.consolidated or {}
    if not _refused(module, API):
        for name in config.keys() - api.keys() - consolidated.keys():
            yield _problem(
                module,
                CONFIG,
                f"integration '{shown(name)}' has no entry in api.xml or integration.xml: "
                "Magento fails on it",
                "MG301",
                Located(name, config[name].line),
            )
    if not _refused(module, CONFIG):
        for name in api.keys() - config.keys() - consolidated.keys():
            if setup.grants_api(name):
                continue
            yield _problem(
                module,
                API,
                f"integration '{shown(name)}' is not in config.xml, so Magento ignores it",
                "MG301",
                Located(name, api[name].line),
            )


def _integration_sources(module: ModuleFacts) -> Iterator[tuple[str, dict[str, IntegrationFacts]]]:
    for relative, integrations in (
        (CONFIG, module.config),
        (API, module.api),
        (CONSOLIDATED, module.consolidated),
    ):
        if integrations:
            yield relative, integrations


def _resources(module: ModuleFacts, context: Context, setup: SetupCode) -> Iterator[Problem]:
    # No note on a resource of a module outside the sequence: load order does not matter to
    # grants, since every enabled module's acl.xml is merged before any grant is saved.
    # (Each resource is judged inline: a module grants dozens, and most need no finding.)
    acl = context.acl
    known_as = acl.get
    for relative, integrations in ((API, module.api), (CONSOLIDATED, module.consolidated)):
        for facts in integrations.values() if integrations else ():
            resources = facts.resources
            # (only api.xml's parents are checked against what the integration grants)
            granted = {r.value for r in resources} if relative == API else set()
            for resource in resources:
                value = resource.value
                if value == ALL:
                    message = full_access_message(module, relative, facts, setup)
                    if message is not None:
                        yield _problem(
                            module, relative, message, "MG308", resource, Severity.WARNING
                        )
                    continue
                known = known_as(value)
                if known is None:
                    yield _unknown(module, relative, resource, context)
                    continue
                if known.disabled:
                    yield _disabled(module, relative, resource)
                parent = known.parent
                if parent is not None and parent != ADMIN and parent not in granted:
                    if relative == API:
                        # (when the parent is granted, so are all its ancestors: checked too)
                        yield from _parents(module, resource, granted, acl)


def _parents(
    module: ModuleFacts, resource: Located, granted: set[str], acl: AclCatalog
) -> Iterator[Problem]:
    missing = [a for a in acl.ancestors_below_admin(resource.value) if a not in granted]
    if missing:
        yield _problem(
            module,
            API,
            f"{shown(resource.value)} is granted without its parents {', '.join(missing)}: the "
            "API still allows it, but the admin's integration page and Activate popup show an "
            "empty permission tree for it, so the admin cannot see what the integration gets",
            "MG305",
            resource,
            Severity.WARNING,
        )


def _disabled(module: ModuleFacts, relative: str, resource: Located) -> Problem:
    return _problem(
        module,
        relative,
        f"ACL resource {shown(resource.value)} is disabled; granting it does nothing",
        "MG307",
        resource,
    )


def _unknown(module: ModuleFacts, relative: str, resource: Located, context: Context) -> Problem:
    """MG304: an error for an id of a known module; a warning when its module is unknown."""
    owner = module_of(resource.value) or resource.value
    well_formed = _RUNTIME_MODULE_NAME.fullmatch(owner)
    if context.complete or not well_formed or context.knows_module_of(resource.value):
        # Ids far longer than any real one are no typo; ranking them would take long.
        plausible = len(resource.value) <= SUGGEST_LIMIT
        close = context.acl.suggestions(resource.value, limit=1) if plausible else []
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        message = f"unknown ACL resource '{shown(resource.value)}'{hint}: Magento drops it silently"
        return _problem(module, relative, message, "MG304", resource)
    message = (
        f"ACL resource '{shown(resource.value)}' belongs to {shown(owner)}, a module magegen's "
        f"catalog (Magento Open Source {context.acl.magento_version}) does not know; where "
        f"{shown(owner)} is installed it may be valid: check with --magento-root"
    )
    return _problem(module, relative, message, "MG304", resource, Severity.WARNING)
