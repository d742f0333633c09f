"""Cross-file checks of one module tree. Each finding has a stable code (see CODES)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from generator.errors import Problem
from generator.magento.acl import ALL, AclCatalog, ModuleCatalog, bundled_modules
from generator.magento.moduletree import IntegrationFacts, Located, ModuleFacts, strip_php_comments

CODES = {
    "MG100": "XML is malformed, unreadable or has a DOCTYPE",
    "MG101": "XML does not match magegen's schema for it",
    "MG102": "XML does not match the Magento schema it names (--magento-root)",
    "MG103": "the Magento schema an XML file names is not in the installation",
    "MG104": "a file links outside the module or is not a regular file; it is not read",
    "MG105": "a file is larger than magegen reads (8 MiB); it is not read",
    "MG110": "a file of the installation (--magento-root) was skipped",
    "MG200": "registration.php is missing",
    "MG201": "registration.php registers another name than etc/module.xml declares",
    "MG202": "registration.php registers no module that can be read",
    "MG210": "composer.json is missing",
    "MG211": "composer.json is not a JSON object",
    "MG212": "composer.json does not map the module's namespace to its root",
    "MG213": "composer.json does not autoload registration.php",
    "MG214": "a module in the sequence is not required in composer.json",
    "MG300": "integrations are declared but Magento_Integration is not in the sequence",
    "MG301": "config.xml and api.xml do not name the same integrations",
    "MG302": "Setup/InstallData.php exists but module.xml has no setup_version",
    "MG303": "an integration of config.xml is processed by no setup script",
    "MG304": "an ACL resource is unknown",
    "MG305": "api.xml grants a resource without its parents",
    "MG306": "an integration name holds an apostrophe",
    "MG307": "an ACL resource is disabled",
    "MG308": "an integration has full access (Magento_Backend::all)",
    "MG309": "a granted resource's module is neither core nor in the sequence",
    "MG400": "a PHP file does not parse",
}

_CALL = re.compile(r"processIntegrationConfig\s*\(")
_LITERAL = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", re.DOTALL)


def check_module(module: ModuleFacts, acl: AclCatalog, modules: ModuleCatalog) -> list[Problem]:
    """Every cross-file problem of ``module``."""
    return [
        *_registration(module),
        *_composer(module, modules),
        *_integration_files(module),
        *_setup(module),
        *_resources(module, acl),
    ]


def _problem(
    module: ModuleFacts,
    relative: str,
    message: str,
    code: str,
    line: int | None = None,
    severity: str = "error",
) -> Problem:
    return Problem(module.display(relative), message, line=line, severity=severity, code=code)


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
            f"registers '{module.registered.value}' but etc/module.xml declares "
            f"'{module.name.value}': Magento then skips the module's etc/ and Setup/ silently",
            "MG201",
            module.registered.line,
        )


def _composer(module: ModuleFacts, modules: ModuleCatalog) -> Iterator[Problem]:
    if module.composer_error is not None:
        yield _problem(module, "composer.json", f"is not valid: {module.composer_error}", "MG211")
        return
    if module.composer is None:
        yield _problem(
            module,
            "composer.json",
            "is missing; a module installed with Composer needs one",
            "MG210",
            severity="warning",
        )
        return
    autoload = module.composer.get("autoload")
    autoload = autoload if isinstance(autoload, dict) else {}
    if module.name is not None:
        namespace = module.name.value.replace("_", "\\") + "\\"
        psr4 = autoload.get("psr-4") if isinstance(autoload.get("psr-4"), dict) else {}
        if psr4.get(namespace) != "":
            yield _problem(
                module, "composer.json", f'autoload.psr-4 must map "{namespace}" to ""', "MG212"
            )
    files = autoload.get("files")
    if not isinstance(files, list) or "registration.php" not in files:
        yield _problem(
            module, "composer.json", "autoload.files must list registration.php", "MG213"
        )
    require = module.composer.get("require")
    require = require if isinstance(require, dict) else {}
    for dependency in module.sequence:
        package = modules.modules.get(dependency.value)
        if package is not None and package.package not in require:
            yield _problem(
                module,
                "composer.json",
                f"requires no {package.package}, though {dependency.value} is in the sequence",
                "MG214",
                severity="warning",
            )


def _integration_files(module: ModuleFacts) -> Iterator[Problem]:
    declared = [*(module.config or {}).values(), *(module.consolidated or {}).values()]
    sequence = {m.value for m in module.sequence}
    if (declared or module.api) and "Magento_Integration" not in sequence and module.name:
        yield _problem(
            module,
            "etc/module.xml",
            "declares integrations but does not load after "
            "Magento_Integration: add it to the sequence",
            "MG300",
            module.name.line,
        )
    if module.config is not None or module.api is not None:
        config, api = module.config or {}, module.api or {}
        for name in config.keys() - api.keys():
            yield _problem(
                module,
                "etc/integration/config.xml",
                f"integration '{name}' has no entry in api.xml: Magento fails on it",
                "MG301",
                config[name].line,
            )
        for name in api.keys() - config.keys():
            yield _problem(
                module,
                "etc/integration/api.xml",
                f"integration '{name}' is not in config.xml, so Magento ignores it",
                "MG301",
                api[name].line,
            )
    for relative, integrations in _integration_sources(module):
        for facts in integrations.values():
            if "'" in facts.name:
                yield _problem(
                    module,
                    relative,
                    f"integration name '{facts.name}' holds an "
                    "apostrophe: setup:upgrade fails with 'DOMXPath::query(): Invalid "
                    "predicate'",
                    "MG306",
                    facts.line,
                )


def _integration_sources(module: ModuleFacts) -> Iterator[tuple[str, dict[str, IntegrationFacts]]]:
    for relative, integrations in (
        ("etc/integration/config.xml", module.config),
        ("etc/integration/api.xml", module.api),
        ("etc/integration.xml", module.consolidated),
    ):
        if integrations:
            yield relative, integrations


def _setup(module: ModuleFacts) -> Iterator[Problem]:
    install_data = module.root / "Setup" / "InstallData.php"
    if install_data.is_file() and module.setup_version is None:
        yield _problem(
            module,
            "Setup/InstallData.php",
            "never runs: etc/module.xml has no setup_version",
            "MG302",
        )
    if not module.config:
        return
    processed, anything = _processed_names(module)
    for name, facts in module.config.items():
        if not anything and name not in processed:
            yield _problem(
                module,
                "etc/integration/config.xml",
                f"integration '{name}' is never created: no setup script that runs passes it to "
                "processIntegrationConfig()",
                "MG303",
                facts.line,
            )


def _processed_names(module: ModuleFacts) -> tuple[set[str], bool]:
    """Names passed as literals to processIntegrationConfig() by setup scripts that run.

    The flag is True when some call passes something other than literals: then any name may be
    processed, and none is reported.
    """
    names: set[str] = set()
    scripts = module.files.files if module.files is not None else ()
    for relative in (r for r in scripts if r.startswith("Setup/") and r.endswith(".php")):
        name = relative.rsplit("/", 1)[-1]
        if name in ("InstallData.php", "UpgradeData.php") and module.setup_version is None:
            continue  # Magento runs these only with a setup_version
        text = module.text(relative)
        if text is None:
            continue
        source = strip_php_comments(text)
        for call in _CALL.finditer(source):
            arguments = _call_arguments(source, call.end())
            literals = [_unquote(m) for m in _LITERAL.finditer(arguments)]
            if not literals and arguments.strip():
                return names, True
            names.update(literals)
    return names, False


def _call_arguments(source: str, start: int) -> str:
    depth, position = 1, start
    while position < len(source) and depth:
        depth += {"(": 1, ")": -1}.get(source[position], 0)
        position += 1
    return source[start : position - 1]


def _unquote(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return match.group(1).replace("\\\\", "\\").replace("\\'", "'")
    return match.group(2).encode("latin-1", "backslashreplace").decode("unicode_escape")


def _resources(module: ModuleFacts, acl: AclCatalog) -> Iterator[Problem]:
    # Modules whose resources need no note: core, in the sequence, or the module itself.
    expected = {*bundled_modules().core(), *(m.value for m in module.sequence)}
    if module.name:
        expected.add(module.name.value)
    for relative, integrations in (
        ("etc/integration/api.xml", module.api),
        ("etc/integration.xml", module.consolidated),
    ):
        for facts in (integrations or {}).values():
            granted = {r.value for r in facts.resources}
            for resource in facts.resources:
                yield from _resource(module, relative, facts, resource, acl)
                known = acl.get(resource.value)
                if known is None:
                    continue
                if known.module not in expected:
                    yield _problem(
                        module,
                        relative,
                        f"{resource.value} belongs to {known.module}, "
                        "which is not a core module and not in the sequence",
                        "MG309",
                        resource.line,
                        "warning",
                    )
                if relative.endswith("api.xml"):
                    missing = [
                        a for a in acl.ancestors_below_admin(resource.value) if a not in granted
                    ]
                    if missing:
                        yield _problem(
                            module,
                            relative,
                            f"{resource.value} is granted without "
                            f"its parents {', '.join(missing)}: Magento adds none",
                            "MG305",
                            resource.line,
                        )


def _resource(
    module: ModuleFacts, relative: str, facts: IntegrationFacts, resource: Located, acl: AclCatalog
) -> Iterator[Problem]:
    known = acl.get(resource.value)
    if known is None:
        close = acl.suggestions(resource.value, limit=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        yield _problem(
            module,
            relative,
            f"unknown ACL resource '{resource.value}'{hint}: Magento drops it silently",
            "MG304",
            resource.line,
        )
    elif known.disabled:
        yield _problem(
            module,
            relative,
            f"ACL resource {resource.value} is disabled; granting it does nothing",
            "MG307",
            resource.line,
        )
    elif resource.value == ALL:
        yield _problem(
            module,
            relative,
            f"integration '{facts.name}' has full access ({ALL})",
            "MG308",
            resource.line,
            "warning",
        )


def module_roots(paths: list[Path]) -> list[Path]:
    """Every module (a folder holding etc/module.xml) under ``paths``, each once, sorted.

    Hidden folders (.git, .cache, ...) are not searched.
    """
    roots: set[Path] = set()
    for path in paths:
        for folder, dirs, names in os.walk(path):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            if os.path.basename(folder) == "etc" and "module.xml" in names:
                roots.add(Path(folder).parent)
    return sorted(roots)
