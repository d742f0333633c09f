"""``magegen validate PATH...``: module discovery, every finding code, exit codes, untrusted XML,
real Magento XSDs through ``--magento-root``, the four output formats, and the PHP check.

Every check is shown firing on a good generated module with exactly one thing broken, and staying
silent on the good module. Fake Magento roots are built in ``tmp_path`` from the real 2.4.4 files
in ../shared/magento, in the git layout (``app/code`` + ``lib/internal``) and the Composer layout
(``vendor/magento/...``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from lxml import etree

from generator import phplint
from generator.acl import bundled_acl
from generator.checks import safe_xml_parser
from generator.modulechecks import CODES
from generator.urn import UrnResolver
from tests.conftest import CASE_NAMES, EXAMPLE_SPEC, case_command

Runner = Callable[..., Result]

EXAMPLE_NAME = "Beehexa/IntegrationManager"
WARNING_CODES = frozenset({"MG210", "MG214", "MG308", "MG309", "MG103", "MG110"})
FORMATS = ("text", "json", "github", "markdown")
LAYOUTS = ("git", "composer")
INTERNAL_ERROR_EXIT = 70

MODULE_XSD_URN = "urn:magento:framework:Module/etc/module.xsd"
INTEGRATION_XSD_URN = "urn:magento:module:Magento_Integration:etc/integration/integration.xsd"
ERP_XSD_URN = "urn:magento:module:Acme_Erp:etc/erp.xsd"
MISSING_XSD_URN = "urn:magento:framework:ObjectManager/etc/config.xsd"

# The first line of a text finding: path:line[:col]: severity: message [CODE]
TEXT_FINDING = re.compile(
    r"^(?P<file>.+?)(?::(?P<line>\d+))?(?::(?P<col>\d+))?: (?P<severity>error|warning): "
    r"(?P<message>.*) \[(?P<code>MG\d{3})\]$"
)
SUMMARY = re.compile(r"^magegen: \d+ modules? checked, \d+ errors?, \d+ warnings?$")


@pytest.fixture(autouse=True)
def _no_ambient_magento_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """A MAGENTO_ROOT of the caller's shell must not leak into these tests."""
    monkeypatch.delenv("MAGENTO_ROOT", raising=False)


# Helpers: running validate and reading what it says.


def assert_no_traceback(result: Result) -> None:
    """No Python traceback and no internal error, whatever happened."""
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream, stream
        assert "internal error" not in stream, stream
    assert result.exit_code != INTERNAL_ERROR_EXIT


def validate(run_cli: Runner, *args: str | os.PathLike[str]) -> Result:
    """Run ``magegen validate ARGS`` and check it never crashed."""
    result = run_cli("validate", *args)
    assert_no_traceback(result)
    return result


def validate_json(run_cli: Runner, *args: str | os.PathLike[str]) -> tuple[Result, dict]:
    """Run ``magegen validate ARGS --format json``; return the result and the parsed report."""
    result = validate(run_cli, *args, "--format", "json")
    return result, json.loads(result.stdout)


def codes(report: dict) -> set[str]:
    """The distinct codes of a JSON report's findings."""
    return {finding["code"] for finding in report["findings"]}


def findings_with(report: dict, code: str) -> list[dict]:
    """The findings of a JSON report that have ``code``."""
    return [finding for finding in report["findings"] if finding["code"] == code]


def notes(result: Result) -> list[str]:
    """The ``magegen: note:`` lines of stderr."""
    return [line for line in result.stderr.splitlines() if line.startswith("magegen: note: ")]


def expected_exit(found: set[str]) -> int:
    """1 when some finding code is an error, else 0 (without --strict)."""
    return 1 if found - WARNING_CODES else 0


# Helpers: modules and files.


def new_module(run_cli: Runner, target: Path, spec: Path = EXAMPLE_SPEC, name: str = "") -> Path:
    """Generate the module ``name`` from ``spec`` into ``target`` and return ``target``."""
    result = run_cli("new", name or EXAMPLE_NAME, spec, "-o", target)
    assert result.exit_code == 0, result.stderr
    return target


def new_case_module(run_cli: Runner, case: str, target: Path) -> Path:
    """Generate the module of tests/cases/<case> into ``target``."""
    name, spec = case_command(case)
    return new_module(run_cli, target, spec, name)


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the first line of ``path`` that holds ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def edit(path: Path, old: str, new: str) -> None:
    """Replace every ``old`` in the file by ``new``; ``old`` must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_regex(path: Path, pattern: str, new: str) -> None:
    """Substitute ``pattern`` (which must match) in the file by ``new``."""
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, new, text, flags=re.DOTALL)
    assert count, f"{pattern!r} not in {path}"
    path.write_text(changed, encoding="utf-8")


def edit_json(path: Path, change: Callable[[dict], None]) -> None:
    """Load the JSON file, let ``change`` modify it, and write it back."""
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, indent=4) + "\n", encoding="utf-8")


def write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path``, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def grant(module: Path, *resources: str) -> None:
    """Append ``resources`` to the resources of the module's integration in api.xml."""
    lines = "".join(f'            <resource name="{r}"/>\n' for r in resources)
    edit(
        module / "etc" / "integration" / "api.xml",
        "        </resources>",
        lines + "        </resources>",
    )


def xml_naming(urn: str, body: str, root: str = "config") -> str:
    """An XML document whose root names the schema ``urn``."""
    return (
        '<?xml version="1.0"?>\n'
        f'<{root} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:noNamespaceSchemaLocation="{urn}">\n'
        f"{body}"
        f"</{root}>\n"
    )


CONSOLIDATED = xml_naming(
    INTEGRATION_XSD_URN,
    """\
    <integration name="Consolidated sync">
        <email>{email}</email>
        <resources>
            <resource name="Magento_Customer::customer"/>
        </resources>
    </integration>
""",
)

MALFORMED_XML = '<?xml version="1.0"?>\n<config>\n    <type name="Foo">\n</config>\n'

XXE = """\
<?xml version="1.0"?>
<!DOCTYPE config [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<config>&xxe;</config>
"""

EXTERNAL_DTD = """\
<?xml version="1.0"?>
<!DOCTYPE config SYSTEM "file:///etc/passwd">
<config/>
"""

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n  <!ENTITY lol "lol">\n'
    + "".join(
        f'  <!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n<lolz>&lol9;</lolz>\n"
)


# A fake Magento root: Magento_Integration (with its XSDs), the framework's module.xsd, and a
# custom module Acme_Erp with an ACL resource and an XSD of its own.

ERP_ACL = """\
<?xml version="1.0"?>
<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
        xsi:noNamespaceSchemaLocation="urn:magento:framework:Acl/etc/acl.xsd">
    <acl>
        <resources>
            <resource id="Magento_Backend::admin">
                <resource id="Acme_Erp::erp" title="ERP" sortOrder="25"/>
            </resource>
        </resources>
    </acl>
</config>
"""

ERP_MODULE = """\
<?xml version="1.0"?>
<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
        xsi:noNamespaceSchemaLocation="urn:magento:framework:Module/etc/module.xsd">
    <module name="Acme_Erp"/>
</config>
"""

ERP_XSD = """\
<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
    <xs:element name="config">
        <xs:complexType>
            <xs:sequence>
                <xs:element name="endpoint" type="xs:anyURI" maxOccurs="unbounded"/>
            </xs:sequence>
        </xs:complexType>
    </xs:element>
</xs:schema>
"""


def build_magento_root(path: Path, layout: str, magento_data: Path) -> Path:
    """A small Magento installation in ``layout`` ("git" or "composer") at ``path``."""
    shared_integration = magento_data / "app" / "code" / "Magento" / "Integration"
    shared_module_xsd = magento_data / "lib/internal/Magento/Framework/Module/etc/module.xsd"
    if layout == "git":
        integration = path / "app" / "code" / "Magento" / "Integration"
        framework = path / "lib" / "internal" / "Magento" / "Framework"
        erp = path / "app" / "code" / "Acme" / "Erp"
    else:
        integration = path / "vendor" / "magento" / "module-integration"
        framework = path / "vendor" / "magento" / "framework"
        erp = path / "vendor" / "acme" / "module-erp"
    (integration / "etc" / "integration").mkdir(parents=True)
    for name in ("etc/module.xml", "etc/acl.xml", "composer.json"):
        shutil.copyfile(shared_integration / name, integration / name)
    for xsd in (shared_integration / "etc" / "integration").glob("*.xsd"):
        shutil.copyfile(xsd, integration / "etc" / "integration" / xsd.name)
    (framework / "Module" / "etc").mkdir(parents=True)
    shutil.copyfile(shared_module_xsd, framework / "Module" / "etc" / "module.xsd")
    write(erp / "etc" / "module.xml", ERP_MODULE)
    write(erp / "etc" / "acl.xml", ERP_ACL)
    write(erp / "etc" / "erp.xsd", ERP_XSD)
    manifest = {"name": "acme/module-erp", "type": "magento2-module", "version": "1.0.0"}
    write(erp / "composer.json", json.dumps(manifest))
    return path


@pytest.fixture(params=LAYOUTS)
def magento_root(request: pytest.FixtureRequest, tmp_path: Path, magento_data: Path) -> Path:
    """A fake Magento root, in each layout."""
    return build_magento_root(tmp_path / f"magento-{request.param}", request.param, magento_data)


@pytest.fixture
def example(tmp_path: Path, run_cli: Runner) -> Path:
    """A good module generated from EXAMPLE_SPEC."""
    return new_module(run_cli, tmp_path / "module" / EXAMPLE_NAME)


# 1. Good modules are clean; discovery.


def justified_warnings(spec: Path) -> Counter[str]:
    """The warnings a good module generated from ``spec`` rightly gets, by code.

    Only MG308: a spec may grant an integration full access on purpose (``all_resources: true``
    or ``Magento_Backend::all``), and validate must still point it out to a reviewer.
    """
    document = yaml.safe_load(spec.read_text(encoding="utf-8")) or {}
    full = [
        integration
        for integration in document.get("integrations") or []
        if integration.get("all_resources") is True
        or "Magento_Backend::all" in (integration.get("resources") or [])
    ]
    return Counter({"MG308": len(full)}) if full else Counter()


def all_cases_warnings() -> Counter[str]:
    """The justified warnings of every tests/cases module together."""
    total: Counter[str] = Counter()
    for case in CASE_NAMES:
        total += justified_warnings(case_command(case)[1])
    return total


def beyond_justified(report: dict) -> Counter[str]:
    """The codes of a JSON report's findings, less the justified warnings of tests/cases."""
    return Counter(finding["code"] for finding in report["findings"]) - all_cases_warnings()


def assert_clean_output(
    result: Result, output_format: str, modules: int, warnings: Counter[str] | None = None
) -> None:
    """``result`` is a run over ``modules`` modules in ``output_format`` with no error and
    exactly the justified ``warnings``."""
    warnings = warnings or Counter()
    count = warnings.total()
    assert result.exit_code == 0, (result.stdout, result.stderr)
    plural = "s" if modules != 1 else ""
    summary = (
        f"magegen: {modules} module{plural} checked, 0 errors, "
        f"{count} warning{'s' if count != 1 else ''}"
    )
    if output_format == "text":
        *findings, last = result.stdout.splitlines()
        assert last == summary
        assert Counter(line.rsplit("[", 1)[1].rstrip("]") for line in findings) == warnings
        assert all(": warning: " in line for line in findings)
    elif output_format == "json":
        report = json.loads(result.stdout)
        assert Counter(f["code"] for f in report["findings"]) == warnings
        assert {f["severity"] for f in report["findings"]} <= {"warning"}
        assert (report["errors"], report["warnings"]) == (0, count)
        assert len(report["modules"]) == modules
    elif output_format == "github":
        lines = result.stdout.splitlines()
        assert len(lines) == count
        assert all(line.startswith("::warning ") for line in lines)
    else:
        heading = f"## magegen validate passed: 0 errors, {count} warnings\n"
        assert result.stdout.startswith(heading)
        assert "| error |" not in result.stdout
        assert result.stdout.count("| warning |") == count
        if not count:
            assert result.stdout.count("No findings.") == modules
    if output_format != "text":
        assert summary in result.stderr.splitlines()


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("case", CASE_NAMES)
def test_good_module_is_clean(
    case: str, output_format: str, tmp_path: Path, run_cli: Runner
) -> None:
    module = new_case_module(run_cli, case, tmp_path / "module")
    result = validate(run_cli, module, "--format", output_format)
    warnings = justified_warnings(case_command(case)[1])
    assert_clean_output(result, output_format, modules=1, warnings=warnings)
    strict = validate(run_cli, module, "--strict", "--format", output_format)
    assert strict.exit_code == (1 if warnings else 0)


@pytest.mark.parametrize("output_format", FORMATS)
def test_example_module_is_clean(example: Path, output_format: str, run_cli: Runner) -> None:
    result = validate(run_cli, example, "--format", output_format)
    assert_clean_output(result, output_format, modules=1)


def test_full_access_is_reported_by_module_and_line(tmp_path: Path, run_cli: Runner) -> None:
    spec = write(
        tmp_path / "spec.yaml",
        "integration_format: consolidated\nintegrations:\n  - name: Root\n"
        "    email: root@example.com\n    all_resources: true\n",
    )
    module = new_module(run_cli, tmp_path / "Acme" / "Root", spec, "Acme/Root")
    assert justified_warnings(spec) == Counter({"MG308": 1})
    result, report = validate_json(run_cli, module)
    (finding,) = report["findings"]
    integration_xml = module / "etc" / "integration.xml"
    assert finding["code"] == "MG308"
    assert finding["severity"] == "warning"
    assert finding["file"] == str(integration_xml)
    assert finding["line"] == line_of(integration_xml, "Magento_Backend::all")
    assert result.exit_code == 0


def app_code(run_cli: Runner, project: Path) -> dict[str, Path]:
    """Generate every tests/cases module under project/app/code/<Vendor>/<Module>."""
    modules = {}
    for case in CASE_NAMES:
        name, spec = case_command(case)
        vendor, module = re.split(r"[/_]", name)
        modules[f"{vendor}_{module}"] = new_module(
            run_cli, project / "app" / "code" / vendor / module, spec, name
        )
    return modules


def test_app_code_finds_every_module_recursively(
    tmp_path: Path, run_cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = app_code(run_cli, tmp_path)
    assert len(modules) >= 3
    monkeypatch.chdir(tmp_path)
    result, report = validate_json(run_cli, "app/code")
    assert result.exit_code == 0
    assert Counter(f["code"] for f in report["findings"]) == all_cases_warnings()
    assert sorted(m["name"] for m in report["modules"]) == sorted(modules)
    assert sorted(m["path"] for m in report["modules"]) == sorted(
        str(path.relative_to(tmp_path)) for path in modules.values()
    )
    text = validate(run_cli, "app/code")
    assert_clean_output(text, "text", modules=len(modules), warnings=all_cases_warnings())


def test_several_paths_and_a_module_named_twice_are_checked_once(
    tmp_path: Path, run_cli: Runner
) -> None:
    modules = app_code(run_cli, tmp_path)
    one = next(iter(modules.values()))
    _, report = validate_json(run_cli, tmp_path / "app" / "code", one)
    assert len(report["modules"]) == len(modules)


def test_hidden_folders_are_skipped(tmp_path: Path, run_cli: Runner) -> None:
    modules = app_code(run_cli, tmp_path)
    code = tmp_path / "app" / "code"
    # Broken modules in hidden folders: a git worktree copy and a tool's cache.
    for hidden in (code / ".git" / "Old" / "Copy", code / "Acme" / ".cache" / "Stale"):
        write(hidden / "etc" / "module.xml", MALFORMED_XML)
        write(hidden / "registration.php", "<?php\n$broken = (;\n")
    result, report = validate_json(run_cli, code)
    assert result.exit_code == 0, result.stdout
    assert len(report["modules"]) == len(modules)
    assert ".git" not in result.stdout and ".cache" not in result.stdout


# 2. Each finding code: break one thing in a good module.


@dataclass(frozen=True)
class Breakage:
    """One thing broken in the good example module, and the finding it must give."""

    code: str
    apply: Callable[[Path], None]  # breaks the module at the given root
    file: str  # the finding's file, relative to the module root
    anchor: str | None  # text on the finding's line; None: the finding has no line
    also: frozenset[str] = frozenset()  # other codes the same change rightly causes
    needs_root: bool = False  # the check needs --magento-root
    check_line: bool = True


def _remove(relative: str) -> Callable[[Path], None]:
    return lambda module: (module / relative).unlink()


def _add_file(relative: str, text: str) -> Callable[[Path], None]:
    def apply(module: Path) -> None:
        write(module / relative, text)

    return apply


def _edit(relative: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda module: edit(module / relative, old, new)


def _edit_regex(relative: str, pattern: str, new: str) -> Callable[[Path], None]:
    return lambda module: edit_regex(module / relative, pattern, new)


def _composer(change: Callable[[dict], None]) -> Callable[[Path], None]:
    return lambda module: edit_json(module / "composer.json", change)


def _grant(*resources: str) -> Callable[[Path], None]:
    return lambda module: grant(module, *resources)


def _apostrophe(module: Path) -> None:
    for relative in ("etc/integration/config.xml", "etc/integration/api.xml"):
        edit(module / relative, 'name="testIntegration2"', 'name="O\'Brien sync"')
    edit(module / "Setup" / "InstallData.php", "'testIntegration2'", "'O\\'Brien sync'")


def _disabled(module: Path) -> None:
    resource = "Magento_Config::advanced"
    grant(module, *bundled_acl().ancestors_below_admin(resource), resource)


API = "etc/integration/api.xml"
CONFIG = "etc/integration/config.xml"
MODULE_XML = "etc/module.xml"
EXTRA_INTEGRATION = """\
    <integration name="Extra sync">
        <resources>
            <resource name="Magento_Customer::customer"/>
        </resources>
    </integration>
</integrations>"""

BREAKAGES = [
    Breakage("MG100", _add_file("etc/di.xml", MALFORMED_XML), "etc/di.xml", "</config>"),
    Breakage(
        "MG101",
        _edit_regex(CONFIG, r"<email>(.*?)</email>", r"<mail>\1</mail>"),
        CONFIG,
        "<mail>",
    ),
    Breakage(
        "MG102",
        _edit(MODULE_XML, "<sequence>", "<routes/>\n        <sequence>"),
        MODULE_XML,
        "<routes/>",
        also=frozenset({"MG101"}),  # magegen's module.xsd rejects it too
        needs_root=True,
    ),
    Breakage(
        "MG103",
        _add_file("etc/di.xml", xml_naming(MISSING_XSD_URN, "")),
        "etc/di.xml",
        "noNamespaceSchemaLocation",
        needs_root=True,
        check_line=False,  # reported on line 1, not on the root element's line: see the report
    ),
    Breakage("MG200", _remove("registration.php"), "registration.php", None),
    Breakage(
        "MG201",
        _edit("registration.php", "'Beehexa_IntegrationManager'", "'Beehexa_Other'"),
        "registration.php",
        "'Beehexa_Other'",
    ),
    Breakage(
        "MG202",  # the call is there, but commented out
        _edit(
            "registration.php", "ComponentRegistrar::register(", "// ComponentRegistrar::register("
        ),
        "registration.php",
        None,
    ),
    Breakage("MG210", _remove("composer.json"), "composer.json", None),
    Breakage(
        "MG211",
        _add_file("composer.json", '{"name": "beehexa/module-integration-manager",\n'),
        "composer.json",
        None,
    ),
    Breakage(
        "MG212",
        _composer(
            lambda c: c["autoload"]["psr-4"].update({"Beehexa\\IntegrationManager\\": "src/"})
        ),
        "composer.json",
        None,
    ),
    Breakage(
        "MG213",
        _composer(lambda c: c["autoload"].update({"files": []})),
        "composer.json",
        None,
    ),
    Breakage(
        "MG214",
        _composer(lambda c: c["require"].pop("magento/module-integration")),
        "composer.json",
        None,
    ),
    Breakage(
        "MG300",
        _edit_regex(MODULE_XML, r"\s*<sequence>.*</sequence>", ""),
        MODULE_XML,
        '<module name="Beehexa_IntegrationManager"',
    ),
    Breakage(
        "MG301",
        _edit(API, "</integrations>", EXTRA_INTEGRATION),
        API,
        '<integration name="Extra sync">',
    ),
    Breakage(
        "MG302",
        _edit_regex(MODULE_XML, r' setup_version="[^"]*"', ""),
        "Setup/InstallData.php",
        None,
        also=frozenset({"MG303"}),  # InstallData never runs, so nothing creates the integration
    ),
    Breakage(
        "MG303",
        _edit("Setup/InstallData.php", "'testIntegration2'", "'anotherIntegration'"),
        CONFIG,
        '<integration name="testIntegration2">',
    ),
    Breakage(
        "MG304",
        _edit(API, '"Magento_Customer::customer"', '"Magento_Customer::customers"'),
        API,
        "Magento_Customer::customers",
    ),
    Breakage(
        "MG305",
        _edit_regex(API, r'\s*<resource name="Magento_Sales::actions"/>', ""),
        API,
        "Magento_Sales::reorder",
    ),
    Breakage("MG306", _apostrophe, CONFIG, "O'Brien sync"),
    Breakage("MG307", _disabled, API, "Magento_Config::advanced"),
    Breakage("MG308", _grant("Magento_Backend::all"), API, "Magento_Backend::all"),
    Breakage("MG309", _grant("Acme_Erp::erp"), API, "Acme_Erp::erp", needs_root=True),
    Breakage(
        "MG400",
        _add_file("Model/Broken.php", "<?php\n\n$x = (1;\n"),
        "Model/Broken.php",
        "$x = (1;",
    ),
]


# Codes whose finding is not in the module, so they are tested on their own.
TESTED_ON_THEIR_OWN = {"MG110": "test_a_skipped_installation_file_is_mg110"}


def test_every_code_has_a_breakage() -> None:
    covered = [breakage.code for breakage in BREAKAGES]
    assert len(covered) == len(set(covered)), "a code is broken twice"
    assert set(covered) | set(TESTED_ON_THEIR_OWN) == set(CODES), "add a Breakage for each code"
    assert all(name in globals() for name in TESTED_ON_THEIR_OWN.values())


def test_warning_codes_are_codes() -> None:
    assert set(CODES) >= WARNING_CODES


@pytest.mark.parametrize("breakage", BREAKAGES, ids=[b.code for b in BREAKAGES])
def test_each_code_fires_on_one_broken_thing(
    breakage: Breakage, tmp_path: Path, magento_data: Path, run_cli: Runner
) -> None:
    module = new_module(run_cli, tmp_path / "module" / EXAMPLE_NAME)
    options: list[str | Path] = []
    if breakage.needs_root:
        options = ["--magento-root", build_magento_root(tmp_path / "magento", "git", magento_data)]

    good, report = validate_json(run_cli, module, *options)
    assert report["findings"] == [], "the good module already has findings"
    assert good.exit_code == 0

    breakage.apply(module)
    result, report = validate_json(run_cli, module, *options)
    found = codes(report)
    assert found == {breakage.code, *breakage.also}, report["findings"]
    assert result.exit_code == expected_exit(found)

    fired = findings_with(report, breakage.code)
    expected_file = str(module / breakage.file)
    matching = [f for f in fired if f["file"] == expected_file]
    assert matching, f"no {breakage.code} on {expected_file}: {fired}"
    finding = matching[0]
    severity = "warning" if breakage.code in WARNING_CODES else "error"
    assert {f["severity"] for f in fired} == {severity}
    if breakage.anchor is None:
        assert finding["line"] is None
    elif breakage.check_line:
        assert finding["line"] == line_of(module / breakage.file, breakage.anchor)
    assert finding["message"]

    # The text format says the same: path[:line[:col]]: severity: message [CODE]
    text = validate(run_cli, module, *options)
    where = re.escape(expected_file)
    if finding["line"] is not None:
        where += rf":{finding['line']}(?::\d+)?"
    pattern = re.compile(rf"{where}: {severity}: .+ \[{breakage.code}\]")
    assert any(pattern.fullmatch(line) for line in text.stdout.splitlines()), text.stdout


def test_mg211_also_fires_on_json_that_is_not_an_object(example: Path, run_cli: Runner) -> None:
    write(example / "composer.json", "[]\n")
    result, report = validate_json(run_cli, example)
    assert result.exit_code == 1
    assert codes(report) == {"MG211"}
    assert "JSON object" in findings_with(report, "MG211")[0]["message"]


def test_mg304_suggests_the_resource_meant(example: Path, run_cli: Runner) -> None:
    edit(example / API, '"Magento_Customer::customer"', '"Magento_customer::Customer"')
    _, report = validate_json(run_cli, example)
    (finding,) = findings_with(report, "MG304")
    assert "did you mean 'Magento_Customer::customer'" in finding["message"]


def test_mg301_fires_on_config_xml_without_api_xml(example: Path, run_cli: Runner) -> None:
    (example / API).unlink()
    result, report = validate_json(run_cli, example)
    assert result.exit_code == 1
    (finding,) = findings_with(report, "MG301")
    assert finding["file"] == str(example / CONFIG)
    assert finding["line"] == line_of(example / CONFIG, '<integration name="testIntegration2">')


def test_registration_is_read_with_double_quotes_and_a_full_namespace(
    example: Path, run_cli: Runner
) -> None:
    write(
        example / "registration.php",
        "<?php\n/* ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Wrong_Name', "
        "__DIR__); */\n\\Magento\\Framework\\Component\\ComponentRegistrar::register(\n"
        "    \\Magento\\Framework\\Component\\ComponentRegistrar::MODULE,\n"
        '    "Beehexa_IntegrationManager",\n    __DIR__\n);\n',
    )
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0


def test_a_data_patch_may_create_the_integration(example: Path, run_cli: Runner) -> None:
    edit_regex(example / MODULE_XML, r' setup_version="[^"]*"', "")
    (example / "Setup" / "InstallData.php").unlink()
    write(
        example / "Setup" / "Patch" / "Data" / "CreateIntegration.php",
        "<?php\nnamespace Beehexa\\IntegrationManager\\Setup\\Patch\\Data;\n\n"
        "class CreateIntegration\n{\n    public function apply()\n    {\n"
        "        $this->manager->processIntegrationConfig(['testIntegration2']);\n    }\n}\n",
    )
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0


def test_a_commented_out_call_creates_no_integration(example: Path, run_cli: Runner) -> None:
    edit(
        example / "Setup" / "InstallData.php",
        "$this->integrationManager->processIntegrationConfig([",
        "// $this->integrationManager->processIntegrationConfig(['testIntegration2']);\n"
        "        $unused = ([",
    )
    _, report = validate_json(run_cli, example)
    assert codes(report) == {"MG303"}


# 3. Exit codes.


def test_exit_codes_clean_errors_warnings_and_strict(example: Path, run_cli: Runner) -> None:
    assert validate(run_cli, example).exit_code == 0
    assert validate(run_cli, example, "--strict").exit_code == 0

    (example / "composer.json").unlink()  # MG210: a warning only
    warned = validate(run_cli, example)
    assert warned.exit_code == 0
    assert warned.stdout.splitlines()[-1] == "magegen: 1 module checked, 0 errors, 1 warning"
    assert validate(run_cli, example, "--strict").exit_code == 1

    (example / "registration.php").unlink()  # MG200: an error
    assert validate(run_cli, example).exit_code == 1
    assert validate(run_cli, example, "--strict").exit_code == 1


def assert_usage_error(result: Result, *words: str) -> None:
    """Exit 2, a message on stderr naming ``words``, nothing on stdout, no traceback."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    for word in words:
        assert word in result.stderr
    assert_no_traceback(result)


def test_a_missing_path_is_bad_usage(tmp_path: Path, run_cli: Runner) -> None:
    missing = tmp_path / "nowhere"
    assert_usage_error(validate(run_cli, missing), str(missing))


def test_a_folder_without_modules_is_bad_usage(tmp_path: Path, run_cli: Runner) -> None:
    empty = tmp_path / "empty"
    (empty / "app" / "code").mkdir(parents=True)
    assert_usage_error(validate(run_cli, empty), str(empty), "no module")


def test_a_file_is_bad_usage(example: Path, run_cli: Runner) -> None:
    assert_usage_error(validate(run_cli, example / "etc" / "module.xml"), "not a folder")


def test_a_missing_magento_root_is_bad_usage(
    example: Path, tmp_path: Path, run_cli: Runner
) -> None:
    missing = tmp_path / "no-magento"
    assert_usage_error(validate(run_cli, example, "--magento-root", missing), str(missing))


def test_no_path_and_an_unknown_format_are_bad_usage(example: Path, run_cli: Runner) -> None:
    assert validate(run_cli).exit_code == 2
    assert validate(run_cli, example, "--format", "xml").exit_code == 2


def test_a_module_that_is_all_garbage_gives_findings_not_a_crash(
    tmp_path: Path, run_cli: Runner
) -> None:
    module = tmp_path / "Garbage"
    write(module / "etc" / "module.xml", "\x00\x01 not xml")
    write(module / "etc" / "integration" / "config.xml", "<integrations><integration/>")
    write(module / "etc" / "integration" / "api.xml", "<integrations/>")
    write(module / "composer.json", '{"autoload": [], "require": "x"}')
    write(module / "registration.php", "<?php register(")
    (module / "Setup").mkdir()
    write(module / "Setup" / "InstallData.php", "not php at all")
    for output_format in FORMATS:
        result = validate(run_cli, module, "--format", output_format)
        assert result.exit_code == 1


# 4. Untrusted input.


@pytest.mark.parametrize(
    ("relative", "content"),
    [
        ("etc/di.xml", XXE),
        ("etc/module.xml", XXE),
        ("etc/integration/api.xml", XXE),
        ("etc/di.xml", EXTERNAL_DTD),
        ("etc/lol.xml", BILLION_LAUGHS),
        ("etc/integration/config.xml", BILLION_LAUGHS),
    ],
    ids=["xxe-di", "xxe-module", "xxe-api", "external-dtd", "laughs-etc", "laughs-config"],
)
@pytest.mark.parametrize("with_root", [False, True], ids=["bundled", "magento-root"])
def test_entities_are_refused_never_expanded(
    relative: str,
    content: str,
    with_root: bool,
    example: Path,
    tmp_path: Path,
    magento_data: Path,
    run_cli: Runner,
) -> None:
    options: list[str | Path] = []
    if with_root:
        options = ["--magento-root", build_magento_root(tmp_path / "magento", "git", magento_data)]
    write(example / relative, content)
    for output_format in FORMATS:
        result = validate(run_cli, example, *options, "--format", output_format)
        assert result.exit_code == 1
        for stream in (result.stdout, result.stderr):
            assert "root:" not in stream
            assert "lollollol" not in stream
    _, report = validate_json(run_cli, example, *options)
    refused = [f for f in findings_with(report, "MG100") if f["file"] == str(example / relative)]
    assert len(refused) == 1
    assert refused[0]["severity"] == "error"
    assert refused[0]["line"] is not None


@pytest.mark.parametrize(
    "content", [XXE, EXTERNAL_DTD, BILLION_LAUGHS], ids=["xxe", "dtd", "laughs"]
)
def test_the_parser_itself_expands_no_entity(content: str) -> None:
    # Defence in depth: even before the DOCTYPE is refused, parsing expands and loads nothing.
    try:
        document = etree.fromstring(content.encode(), safe_xml_parser())
    except etree.XMLSyntaxError:
        return  # refused outright is fine too
    text = etree.tostring(document, encoding="unicode")
    assert "root:" not in text
    assert "lollol" not in text


def test_a_urn_cannot_leave_the_installation(
    example: Path, magento_root: Path, run_cli: Runner
) -> None:
    urn = "urn:magento:module:Magento_Integration:../../../../../../../etc/passwd"
    write(example / "etc" / "evil.xml", xml_naming(urn, ""))
    result, report = validate_json(run_cli, example, "--magento-root", magento_root)
    assert codes(report) == {"MG103"}
    assert result.exit_code == 0
    assert "root:" not in result.stdout


# 5. --magento-root: Magento's real XSDs, in both layouts.


def test_good_modules_are_clean_against_the_real_xsds(
    tmp_path: Path, magento_root: Path, run_cli: Runner
) -> None:
    modules = app_code(run_cli, tmp_path / "project")
    result, report = validate_json(run_cli, tmp_path / "project", "--magento-root", magento_root)
    assert Counter(f["code"] for f in report["findings"]) == all_cases_warnings()
    assert len(report["modules"]) == len(modules)
    assert result.exit_code == 0


def test_module_xml_against_the_real_module_xsd(
    example: Path, magento_root: Path, run_cli: Runner
) -> None:
    edit(example / MODULE_XML, "<sequence>", "<sequence>\n            <Module name='X'/>")
    result, report = validate_json(run_cli, example, "--magento-root", magento_root)
    assert result.exit_code == 1
    (finding,) = findings_with(report, "MG102")
    assert finding["file"] == str(example / MODULE_XML)
    assert finding["line"] == line_of(example / MODULE_XML, "<Module name='X'/>")
    assert MODULE_XSD_URN in finding["message"]
    assert finding["severity"] == "error"


def test_any_etc_xml_is_checked_against_the_schema_it_names(
    example: Path, magento_root: Path, run_cli: Runner
) -> None:
    erp = example / "etc" / "adminhtml" / "erp.xml"
    write(erp, xml_naming(ERP_XSD_URN, "    <endpoint>https://erp.example/api</endpoint>\n"))
    result, report = validate_json(run_cli, example, "--magento-root", magento_root)
    assert report["findings"] == []
    assert result.exit_code == 0

    edit(erp, "<endpoint>https://erp.example/api</endpoint>", "<endpont>x</endpont>")
    result, report = validate_json(run_cli, example, "--magento-root", magento_root)
    assert codes(report) == {"MG102"}  # magegen has no schema of its own for it
    (finding,) = report["findings"]
    assert (finding["file"], finding["line"]) == (str(erp), line_of(erp, "<endpont>"))
    assert result.exit_code == 1
    # Without a root it is only checked for well-formedness.
    assert validate(run_cli, example).exit_code == 0


def test_consolidated_integration_xml_resolves_the_included_xsd(
    example: Path, magento_root: Path, run_cli: Runner
) -> None:
    # integration.xsd includes integration_base.xsd by URN, where emailType is defined: a good
    # file validates only if the include is resolved, and a bad email fails on the included type.
    consolidated = example / "etc" / "integration.xml"
    write(consolidated, CONSOLIDATED.format(email="ops@example.com"))
    result, report = validate_json(run_cli, example, "--magento-root", magento_root)
    assert report["findings"] == []
    assert result.exit_code == 0
    (summary,) = [i for i in report["modules"][0]["integrations"] if i["format"] == "consolidated"]
    assert summary["name"] == "Consolidated sync"
    assert summary["resources"] == [{"id": "Magento_Customer::customer", "title": "Customers"}]

    edit(consolidated, "ops@example.com", "not-an-email")
    result, report = validate_json(run_cli, example, "--magento-root", magento_root)
    assert result.exit_code == 1
    (finding,) = findings_with(report, "MG102")
    assert finding["file"] == str(consolidated)
    assert finding["line"] == line_of(consolidated, "not-an-email")
    assert INTEGRATION_XSD_URN in finding["message"]
    assert codes(report) == {"MG101", "MG102"}


def test_a_schema_missing_from_the_installation_is_a_warning(
    example: Path, magento_root: Path, run_cli: Runner
) -> None:
    di = write(example / "etc" / "di.xml", xml_naming(MISSING_XSD_URN, ""))
    result, report = validate_json(run_cli, example, "--magento-root", magento_root)
    (finding,) = report["findings"]
    assert (finding["code"], finding["severity"], finding["file"]) == ("MG103", "warning", str(di))
    assert MISSING_XSD_URN in finding["message"]
    assert result.exit_code == 0
    assert validate(run_cli, example, "--magento-root", magento_root, "--strict").exit_code == 1


def test_magento_root_from_the_environment(
    example: Path, magento_root: Path, run_cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(example / "etc" / "di.xml", xml_naming(MISSING_XSD_URN, ""))
    assert codes(validate_json(run_cli, example)[1]) == set()
    monkeypatch.setenv("MAGENTO_ROOT", str(magento_root))
    assert codes(validate_json(run_cli, example)[1]) == {"MG103"}
    _, report = validate_json(run_cli, example, "--format", "json")
    (module,) = report["modules"]
    assert module["name"] == "Beehexa_IntegrationManager"


def test_custom_resources_are_known_with_a_root(
    example: Path, magento_root: Path, run_cli: Runner
) -> None:
    edit(
        example / MODULE_XML,
        '<module name="Magento_Integration"/>',
        '<module name="Magento_Integration"/>\n            <module name="Acme_Erp"/>',
    )
    grant(example, "Acme_Erp::erp")
    assert codes(validate_json(run_cli, example)[1]) == {"MG304"}
    # The root tells Acme_Erp's package: the sequence needs it in composer.json's require.
    _, report = validate_json(run_cli, example, "--magento-root", magento_root)
    (finding,) = report["findings"]
    assert (finding["code"], finding["file"]) == ("MG214", str(example / "composer.json"))
    assert "acme/module-erp" in finding["message"]
    edit_json(example / "composer.json", lambda c: c["require"].update({"acme/module-erp": "*"}))
    _, report = validate_json(run_cli, example, "--magento-root", magento_root)
    assert report["findings"] == []  # in the sequence: no MG309
    resources = report["modules"][0]["integrations"][0]["resources"]
    assert {"id": "Acme_Erp::erp", "title": "ERP"} in resources


def test_each_schema_is_compiled_once_per_run(
    tmp_path: Path, magento_root: Path, run_cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = app_code(run_cli, tmp_path / "project")
    with_integrations = [
        module
        for module in modules.values()
        if "Magento_Integration" in (module / MODULE_XML).read_text(encoding="utf-8")
    ]
    assert len(with_integrations) >= 2
    for module in with_integrations:
        write(module / "etc" / "integration.xml", CONSOLIDATED.format(email="ops@example.com"))
    compiled: Counter[str] = Counter()
    original = UrnResolver._compile

    def counting(self: UrnResolver, urn: str) -> object:
        compiled[urn] += 1
        return original(self, urn)

    monkeypatch.setattr(UrnResolver, "_compile", counting)
    _, report = validate_json(run_cli, tmp_path / "project", "--magento-root", magento_root)
    assert beyond_justified(report) == Counter()
    assert compiled[MODULE_XSD_URN] == 1
    assert compiled[INTEGRATION_XSD_URN] == 1
    assert set(compiled.values()) == {1}


# 6. Output formats.


def broken_example(module: Path) -> None:
    """Break the example twice: MG201 (error, registration.php) and MG308 (warning, api.xml)."""
    edit(module / "registration.php", "'Beehexa_IntegrationManager'", "'Beehexa_Other'")
    grant(module, "Magento_Backend::all")


def test_json_lists_modules_integrations_titles_and_findings(
    example: Path, run_cli: Runner
) -> None:
    broken_example(example)
    result, report = validate_json(run_cli, example)
    assert result.exit_code == 1
    (module,) = report["modules"]
    assert module == {
        "path": str(example),
        "name": "Beehexa_IntegrationManager",
        "integrations": [
            {
                "name": "testIntegration2",
                "format": "split",
                "email": "hexasync@beehexa.com",
                "resources": [
                    {"id": "Magento_Sales::sales", "title": "Sales"},
                    {"id": "Magento_Sales::sales_operation", "title": "Operations"},
                    {"id": "Magento_Sales::sales_order", "title": "Orders"},
                    {"id": "Magento_Sales::actions", "title": "Actions"},
                    {"id": "Magento_Sales::reorder", "title": "Reorder"},
                    {"id": "Magento_Customer::customer", "title": "Customers"},
                    {"id": "Magento_Backend::all", "title": "Allow everything"},
                ],
            }
        ],
    }
    found = {(f["code"], f["severity"], f["file"], f["line"]) for f in report["findings"]}
    assert found == {
        ("MG201", "error", str(example / "registration.php"), 7),
        ("MG308", "warning", str(example / API), line_of(example / API, "Magento_Backend::all")),
    }
    assert (report["errors"], report["warnings"]) == (1, 1)
    assert set(report["findings"][0]) == {"file", "line", "column", "severity", "code", "message"}
    assert result.stderr.splitlines()[-1] == "magegen: 1 module checked, 1 error, 1 warning"


def test_github_annotations(example: Path, run_cli: Runner) -> None:
    broken_example(example)
    result = validate(run_cli, example, "--format", "github")
    assert result.exit_code == 1
    api_line = line_of(example / API, "Magento_Backend::all")
    assert result.stdout.splitlines() == [  # sorted by file: etc/ before registration.php
        f"::warning file={example}/{API},line={api_line},title=MG308::integration "
        "'testIntegration2' has full access (Magento_Backend::all)",
        f"::error file={example}/registration.php,line=7,title=MG201::registers 'Beehexa_Other' "
        "but etc/module.xml declares 'Beehexa_IntegrationManager': Magento then skips the "
        "module's etc/ and Setup/ silently",
    ]


def test_github_annotations_escape_paths_and_messages(tmp_path: Path, run_cli: Runner) -> None:
    module = new_module(run_cli, tmp_path / "a,b:c" / "Module")
    for relative in (CONFIG, API):
        edit(module / relative, 'name="testIntegration2"', 'name="O\'Brien&#10;100%"')
    edit(module / "Setup" / "InstallData.php", "'testIntegration2'", "'O\\'Brien\n100%'")
    (module / "composer.json").unlink()
    result = validate(run_cli, module, "--format", "github")
    lines = result.stdout.splitlines()
    escaped = str(module).replace(",", "%2C").replace(":", "%3A")
    assert "a%2Cb%3Ac" in escaped
    assert f"::warning file={escaped}/composer.json,title=MG210::" in "\n".join(lines)
    apostrophes = [line for line in lines if "title=MG306::" in line]
    assert len(apostrophes) == 2
    for line in apostrophes:
        assert line.startswith(f"::error file={escaped}/etc/integration/")
        assert "O'Brien%0A100%25" in line
    # Every annotation is one line, with only escaped separators in its properties.
    assert len(lines) == len(re.findall(r"^::(?:error|warning) ", result.stdout, re.MULTILINE))
    for line in lines:
        properties = line.split("::")[1]
        assert re.fullmatch(
            r"(error|warning) file=[^,:]+(,line=\d+)?(,col=\d+)?,title=MG\d{3}", properties
        )


def test_markdown_is_a_pr_comment(example: Path, run_cli: Runner) -> None:
    broken_example(example)
    write(example / "etc" / "integration.xml", CONSOLIDATED.format(email="ops@example.com"))
    result = validate(run_cli, example, "--format", "markdown")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "## magegen validate failed: 1 error, 1 warning"
    assert f"### Beehexa_IntegrationManager (`{example}`)" in lines
    assert "**testIntegration2** (split format, hexasync@beehexa.com) grants:" in lines
    assert "**Consolidated sync** (consolidated format, ops@example.com) grants:" in lines
    for resource in (
        "- `Magento_Sales::reorder` Reorder",
        "- `Magento_Customer::customer` Customers",
        "- `Magento_Backend::all` Allow everything",
    ):
        assert resource in lines
    assert "| | File | Line | Code | Finding |" in lines
    assert (
        "| error | `registration.php` | 7 | MG201 | registers 'Beehexa_Other' but etc/module.xml "
        "declares 'Beehexa_IntegrationManager': Magento then skips the module's etc/ and Setup/ "
        "silently |" in lines
    )
    api_line = line_of(example / API, "Magento_Backend::all")
    assert any(line.startswith(f"| warning | `{API}` | {api_line} | MG308 |") for line in lines)


def test_markdown_escapes_table_cells(example: Path, run_cli: Runner) -> None:
    for relative in (CONFIG, API):
        edit(example / relative, 'name="testIntegration2"', 'name="A|B\'s &lt;x&gt;"')
    edit(example / "Setup" / "InstallData.php", "'testIntegration2'", "'A|B\\'s <x>'")
    result = validate(run_cli, example, "--format", "markdown")
    rows = [line for line in result.stdout.splitlines() if line.startswith("| error |")]
    assert len(rows) == 2
    for row in rows:
        assert "A\\|B's &lt;x&gt;" in row
        assert row.count(" | ") == 4  # five cells: the name's | does not add one


def test_markdown_of_several_modules_gives_each_its_findings(
    tmp_path: Path, run_cli: Runner
) -> None:
    modules = app_code(run_cli, tmp_path)
    broken = modules["Acme_StoreTools"]
    (broken / "registration.php").unlink()
    result = validate(run_cli, tmp_path / "app" / "code", "--format", "markdown")
    sections = re.split(r"^### ", result.stdout, flags=re.MULTILINE)[1:]
    assert len(sections) == len(modules)
    for section in sections:
        if section.startswith("Acme_StoreTools "):
            assert "| error | `registration.php` |  | MG200 |" in section
        else:
            assert "| error |" not in section


def test_a_skipped_installation_file_is_mg110(
    example: Path, tmp_path: Path, magento_data: Path, run_cli: Runner
) -> None:
    root = build_magento_root(tmp_path / "magento", "git", magento_data)
    broken = write(root / "app" / "code" / "Acme" / "Erp" / "etc" / "acl.xml", "<config>\n<acl>\n")
    result, report = validate_json(run_cli, example, "--magento-root", root)
    assert result.exit_code == 0
    assert [(f["code"], f["severity"], f["file"]) for f in report["findings"]] == [
        ("MG110", "warning", str(broken))
    ]
    assert report["findings"][0]["message"].startswith("skipped: ")


def test_markdown_shows_every_finding_it_counts(
    example: Path, tmp_path: Path, magento_data: Path, run_cli: Runner
) -> None:
    root = build_magento_root(tmp_path / "magento", "git", magento_data)
    write(root / "app" / "code" / "Acme" / "Erp" / "etc" / "acl.xml", "<config>\n<acl>\n")
    _, report = validate_json(run_cli, example, "--magento-root", root)
    assert report["warnings"] == 1
    result = validate(run_cli, example, "--magento-root", root, "--format", "markdown")
    assert result.stdout.startswith("## magegen validate passed: 0 errors, 1 warning")
    assert "acl.xml" in result.stdout


def test_text_is_sorted_and_ends_with_the_summary(tmp_path: Path, run_cli: Runner) -> None:
    modules = app_code(run_cli, tmp_path)
    for module in modules.values():
        (module / "composer.json").unlink()
        write(module / "etc" / "di.xml", MALFORMED_XML)
        edit(
            module / "registration.php",
            "ComponentRegistrar::MODULE, '",
            "ComponentRegistrar::MODULE, 'X",
        )
    result = validate(run_cli, tmp_path / "app")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    count, justified = len(modules), all_cases_warnings()
    warnings = count + justified.total()
    assert lines[-1] == (
        f"magegen: {count} modules checked, {2 * count} errors, {warnings} warnings"
    )
    parsed = [TEXT_FINDING.fullmatch(line) for line in lines[:-1]]
    assert all(parsed), lines
    keys = [(m["file"], int(m["line"] or 0), int(m["col"] or 0)) for m in parsed if m]
    assert keys == sorted(keys)
    assert len(keys) == 3 * count + justified.total()
    assert Counter(m["code"] for m in parsed if m) == justified + Counter(
        {"MG100": count, "MG201": count, "MG210": count}
    )
    assert SUMMARY.fullmatch(lines[-1])
    assert result.stderr == ""


# 7. PHP.


def test_php_syntax_error_with_real_php(example: Path, php: str, run_cli: Runner) -> None:
    broken = write(
        example / "Model" / "Broken.php", "<?php\n\nclass Broken\n{\n    public function f(\n}\n"
    )
    result, report = validate_json(run_cli, example)
    assert result.exit_code == 1
    (finding,) = report["findings"]
    assert (finding["code"], finding["file"], finding["line"]) == ("MG400", str(broken), 6)
    # php's own words, not the structural check's ("'(' is never closed")
    assert finding["message"] == "PHP does not parse: Unclosed '(' on line 5 does not match '}'"
    assert notes(result) == []


def test_without_php_the_structural_check_still_runs(
    example: Path, tmp_path: Path, run_cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = write(example / "Model" / "Broken.php", "<?php\n\n$x = [1, 2;\n\n$y = 3;\n")
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result, report = validate_json(run_cli, example)
    assert result.exit_code == 1
    (finding,) = report["findings"]
    assert (finding["code"], finding["file"], finding["line"]) == ("MG400", str(broken), 3)
    assert any("php is not on PATH" in note for note in notes(result))
    assert any("php is not on PATH" in note for note in report["notes"])


def test_without_php_a_good_module_is_clean_but_says_so(
    example: Path, run_cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(phplint.shutil, "which", lambda name, *args, **kwargs: None)
    result = validate(run_cli, example)
    assert result.exit_code == 0
    assert result.stdout == "magegen: 1 module checked, 0 errors, 0 warnings\n"
    assert any("php is not on PATH" in note for note in notes(result))


def test_no_php_skips_php_and_says_so(
    example: Path, run_cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(example / "Model" / "Broken.php", "<?php\n$x = (;\n")
    calls: list[object] = []
    monkeypatch.setattr(phplint.subprocess, "run", lambda *a, **k: calls.append(a))
    result, report = validate_json(run_cli, example, "--no-php")
    assert result.exit_code == 0
    assert report["findings"] == []
    assert calls == []
    assert notes(result) == ["magegen: note: PHP syntax was not checked (--no-php)"]
    assert report["notes"] == ["PHP syntax was not checked (--no-php)"]


def test_php_runs_once_for_many_files(
    tmp_path: Path, php: str, run_cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = app_code(run_cli, tmp_path)
    broken = []
    for module in modules.values():
        for number in range(5):
            write(module / "Model" / f"Good{number}.php", f"<?php\n\nclass Good{number}\n{{\n}}\n")
            broken.append(write(module / "Model" / f"Bad{number}.php", "<?php\n\n$x = (;\n"))
    calls: list[list[str]] = []
    original = subprocess.run

    def counting(command: list[str], *args: object, **kwargs: object) -> object:
        calls.append(command)
        return original(command, *args, **kwargs)

    monkeypatch.setattr(phplint.subprocess, "run", counting)
    result, report = validate_json(run_cli, tmp_path / "app" / "code")
    assert len(calls) == 1, calls
    assert Path(calls[0][0]).name.startswith("php")
    assert result.exit_code == 1
    found = sorted((f["file"], f["line"]) for f in findings_with(report, "MG400"))
    assert found == sorted((str(path), 3) for path in broken)
    assert beyond_justified(report) == Counter({"MG400": len(broken)})


@pytest.mark.xfail(
    strict=True,
    reason="known limitation, documented in generator/phplint.py and the README: one PHP process "
    "parses every file with token_get_all(TOKEN_PARSE), which misses compile-time errors that "
    "`php -l` reports (e.g. `break 0;`, a function declared twice)",
)
def test_php_compile_errors_that_php_l_reports(example: Path, php: str, run_cli: Runner) -> None:
    broken = write(example / "Model" / "Twice.php", "<?php\nfunction f() {}\nfunction f() {}\n")
    lint = subprocess.run([php, "-l", str(broken)], capture_output=True, check=False)
    assert lint.returncode != 0  # php -l rejects it
    _, report = validate_json(run_cli, example)
    assert [(f["code"], f["file"]) for f in report["findings"]] == [("MG400", str(broken))]


def test_one_latin1_file_does_not_spoil_the_php_check_of_others(
    example: Path, php: str, run_cli: Runner
) -> None:
    (example / "Model").mkdir()
    (example / "Model" / "Latin1.php").write_bytes(b"<?php\n$x = 1\n\xe9t\xe9;\n")
    other = write(example / "Model" / "Other.php", "<?php\n$y = (;\n")
    result, report = validate_json(run_cli, example)
    assert notes(result) == []
    (finding,) = [f for f in report["findings"] if f["file"] == str(other)]
    assert "syntax error" in finding["message"]


def test_a_file_name_that_is_not_utf8_is_no_crash(example: Path, php: str, run_cli: Runner) -> None:
    (example / os.fsdecode(b"Caf\xe9.php")).write_text("<?php\n$x = 1;\n", encoding="utf-8")
    result = run_cli("validate", example)
    assert_no_traceback(result)
    assert result.exit_code == 0


def nested_module(example: Path) -> Path:
    """A copy of the example inside it (as a test fixture would be), with a PHP syntax error."""
    inner = example / "Test" / "Fixture" / "Inner"
    shutil.copytree(example, inner, ignore=shutil.ignore_patterns("Test"))
    write(inner / "Model" / "Broken.php", "<?php\n$x = (;\n")
    return inner


def test_a_nested_module_is_not_checked_twice(example: Path, run_cli: Runner) -> None:
    inner = nested_module(example)
    result, report = validate_json(run_cli, example)
    assert len(report["modules"]) == 2
    (finding,) = report["findings"]
    assert (finding["code"], finding["file"]) == ("MG400", str(inner / "Model" / "Broken.php"))
    assert report["errors"] == 1
    assert result.exit_code == 1


def test_markdown_lists_a_nested_modules_finding_once(example: Path, run_cli: Runner) -> None:
    nested_module(example)
    result = validate(run_cli, example, "--format", "markdown")
    assert result.stdout.startswith("## magegen validate failed: 1 error, 0 warnings")
    rows = [line for line in result.stdout.splitlines() if line.startswith("| error |")]
    assert rows == [
        "| error | `Model/Broken.php` | 2 | MG400 | PHP does not parse: syntax error, "
        'unexpected token ";" |'
    ]
