"""Helpers for the ``magegen validate`` tests: running it, reading its reports, building modules
and broken files. Its fixtures are registered in conftest.py; the fake Magento root is in
fake_magento.py."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from tests.conftest import CASE_NAMES, EXAMPLE_SPEC, case_command

Runner = Callable[..., Result]

EXAMPLE_NAME = "Beehexa/IntegrationManager"
WARNING_CODES = frozenset(
    {"MG210", "MG214", "MG215", "MG216", "MG300", "MG305", "MG308", "MG103", "MG110"}
)
FORMATS = ("text", "json", "github", "markdown")
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


@pytest.fixture
def example(tmp_path: Path, run_cli: Runner) -> Path:
    """A good module generated from EXAMPLE_SPEC."""
    return new_module(run_cli, tmp_path / "module" / EXAMPLE_NAME)


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


API = "etc/integration/api.xml"


CONFIG = "etc/integration/config.xml"


MODULE_XML = "etc/module.xml"


def drop_sync_patch(module: Path) -> None:
    """Remove the module's sync data patch, so that InstallData is its only setup script."""
    shutil.rmtree(module / "Setup" / "Patch")
