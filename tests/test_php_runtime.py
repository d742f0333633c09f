"""Generated PHP judged by real PHP: ``php -l``, then run against small Magento stand-ins.

The stand-ins live in tests/php/: a ComponentRegistrar that records register() calls, the setup
interfaces with Magento's signatures, and a ConfigBasedIntegrationManager that records the names
it is asked to process. Expected values always come from the spec files, never from the output.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import CASE_NAMES, GeneratedCase

PHP_STANDINS = Path(__file__).resolve().parent / "php"

# php without any php.ini, so the local configuration cannot change the outcome.
PHP_FLAGS = ("-n", "-d", "display_errors=stderr", "-d", "error_reporting=-1")

# Legal integration names that are awkward in PHP, Jinja, XML or shell (no apostrophes: magegen
# rejects them). Each must reach processIntegrationConfig() exactly as written.
AWKWARD_NAMES = (
    "a\\b",
    "a\\\\b",
    "trailing\\",
    "{{ 7*7 }}",
    "{% raw %}",
    "${x}",
    "$x and {$y}",
    "?>",
    "<?php echo 1; ?>",
    "]]>",
    "<x>&",
    "&amp; &#39;",
    '"double" quotes',
    "*/ /* #",
    "\\n is not a newline",
    "\\x41\\u{42}",
    "%s %d",
    "Ünïcödé",
    "日本語 integration",
)


def read_spec(path: Path) -> dict:
    """The spec as plain Python data."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path} does not hold a mapping"
    return data


def integration_names(spec: dict) -> list[str]:
    """The integration names a spec declares, in order."""
    names = [integration["name"] for integration in spec.get("integrations") or []]
    assert all(isinstance(name, str) for name in names), names
    return names


def setup_style(spec: dict) -> str:
    """The spec's setup style, with the default: InstallData for split-format integrations."""
    split = spec.get("integration_format", "split") == "split"
    default = "install-data" if spec.get("integrations") and split else "none"
    return spec.get("setup", default)


def wants_install_data(spec: dict) -> bool:
    """Whether the spec asks for Setup/InstallData.php."""
    return setup_style(spec) == "install-data"


def patch_class(spec: dict) -> str:
    """The data patch's class name."""
    return spec.get("setup_patch_name", "CreateIntegrations")


def applied_patch(php: str, root: Path, namespace: str, name: str) -> dict:
    """Apply the generated data patch to stand-ins; return what the harness saw."""
    patch = root / "Setup" / "Patch" / "Data" / f"{name}.php"
    class_name = f"{namespace}\\Setup\\Patch\\Data\\{name}"
    report = run_harness(php, "run_data_patch.php", patch, class_name)
    assert isinstance(report, dict)
    assert report["class"] == class_name
    return report


def run_php(php: str, *args: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
    """Run php with ``args``; stdout and stderr decoded as UTF-8."""
    return subprocess.run(
        [php, *PHP_FLAGS, *(str(arg) for arg in args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def run_harness(php: str, harness: str, *args: str | os.PathLike[str]) -> object:
    """Run one of the tests/php harnesses and return the JSON it prints."""
    result = run_php(php, PHP_STANDINS / harness, *args)
    assert result.returncode == 0, (
        f"php failed ({result.returncode}):\n{result.stdout}{result.stderr}"
    )
    assert result.stderr == "", result.stderr
    return json.loads(result.stdout)


def installed_names(php: str, root: Path, namespace: str) -> list[str]:
    """Call install() of the generated installer; return the names passed to the manager."""
    installer = root / "Setup" / "InstallData.php"
    report = run_harness(php, "run_install_data.php", installer, f"{namespace}\\Setup\\InstallData")
    assert isinstance(report, dict)
    assert report["class"] == f"{namespace}\\Setup\\InstallData"
    assert report["implements"] is True
    calls = report["calls"]
    assert len(calls) == 1, f"processIntegrationConfig() called {len(calls)} times: {calls}"
    return calls[0]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_php_lint(case: str, php: str, generate_case: Callable[[str], GeneratedCase]) -> None:
    """Every generated .php file passes ``php -l``."""
    generated = generate_case(case)
    php_files = sorted(generated.root.rglob("*.php"))
    assert generated.root / "registration.php" in php_files
    if wants_install_data(generated.spec):
        assert generated.root / "Setup" / "InstallData.php" in php_files
    failures = []
    for path in php_files:
        result = run_php(php, "-l", path)
        if result.returncode != 0 or "No syntax errors detected" not in result.stdout:
            failures.append(f"{path.relative_to(generated.root)}:\n{result.stdout}{result.stderr}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_registration_registers_the_module(
    case: str, php: str, generate_case: Callable[[str], GeneratedCase]
) -> None:
    """registration.php registers Vendor_Module as a module at its own folder."""
    generated = generate_case(case)
    calls = run_harness(php, "run_registration.php", generated.root / "registration.php")
    assert calls == [
        {
            "type": "module",
            "name": generated.module_name,
            "path": os.path.realpath(generated.root),
        }
    ]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_install_data_processes_the_spec_integrations(
    case: str, php: str, generate_case: Callable[[str], GeneratedCase]
) -> None:
    """install() hands exactly the spec's integration names, in order, to the manager."""
    generated = generate_case(case)
    installer = generated.root / "Setup" / "InstallData.php"
    if not wants_install_data(generated.spec):
        assert not installer.exists()
        return
    expected = integration_names(generated.spec)
    assert expected, "install-data without integrations"
    assert installed_names(php, generated.root, generated.namespace) == expected


@pytest.mark.parametrize("case", CASE_NAMES)
def test_data_patch_processes_the_spec_integrations(
    case: str, php: str, generate_case: Callable[[str], GeneratedCase]
) -> None:
    """apply() hands exactly the spec's names to the manager, inside start/endSetup, once."""
    generated = generate_case(case)
    patches = sorted((generated.root / "Setup").rglob("Patch/Data/*.php"))
    if setup_style(generated.spec) != "data-patch":
        assert patches == []
        return
    name = patch_class(generated.spec)
    assert patches == [generated.root / "Setup" / "Patch" / "Data" / f"{name}.php"]
    report = applied_patch(php, generated.root, generated.namespace, name)
    assert report["implements"] is True
    assert report["returns_itself"] is True
    assert report["dependencies"] == [] and report["aliases"] == []
    assert report["calls"] == [integration_names(generated.spec)]
    assert report["setup"] == ["startSetup", "endSetup"]


@pytest.mark.parametrize("setup", ["install-data", "data-patch"])
def test_awkward_integration_names_round_trip(
    setup: str, php: str, generate: Callable[..., Path], tmp_path: Path
) -> None:
    """Names full of PHP, Jinja, XML and shell syntax reach PHP unchanged."""
    lines = ["module:", "  version: 1.0.0", f"setup: {setup}", "integrations:"]
    for index, name in enumerate(AWKWARD_NAMES):
        assert "'" not in name and len(name) >= 2
        # YAML single quotes take everything literally except '' (and names hold no ').
        lines += [
            f"  - name: '{name}'",
            f"    email: sync{index}@example.com",
            "    resources: [Magento_Customer::customer]",
        ]
    spec_path = tmp_path / "awkward.yaml"
    spec_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert integration_names(read_spec(spec_path)) == list(AWKWARD_NAMES)

    root = generate(spec=spec_path, name="Acme/AwkwardNames")

    for path in root.rglob("*.php"):
        lint = run_php(php, "-l", path)
        assert lint.returncode == 0, lint.stdout + lint.stderr
    if setup == "install-data":
        assert installed_names(php, root, "Acme\\AwkwardNames") == list(AWKWARD_NAMES)
    else:
        report = applied_patch(php, root, "Acme\\AwkwardNames", "CreateIntegrations")
        assert report["calls"] == [list(AWKWARD_NAMES)]
