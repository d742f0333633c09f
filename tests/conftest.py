"""Shared fixtures: the repository's paths, real external tools, and the shared Magento data."""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main

pytest_plugins = ["tests.validate_kit"]

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_SPEC = REPO / "examples" / "integration-manager.yaml"
CASES = REPO / "tests" / "cases"
CASE_NAMES = sorted(path.name for path in CASES.iterdir() if (path / "command").is_file())
IN_CI = os.environ.get("CI", "").lower() == "true"


def case_command(case: str) -> tuple[str, Path]:
    """The module name and resolved spec path that tests/cases/<case>/command gives.

    The file holds ``Vendor/Module relative/spec/path.yaml``, the spec relative to the case.
    """
    folder = CASES / case
    name, spec = shlex.split((folder / "command").read_text(encoding="utf-8"))
    return name, (folder / spec).resolve()


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root``, by POSIX path relative to it."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _shared_magento() -> Path:
    override = os.environ.get("MAGEGEN_SHARED_MAGENTO")
    return Path(override) if override else REPO.parent / "shared" / "magento"


def unavailable(reason: str) -> None:
    """Skip the test, except under CI=true, where a missing prerequisite is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def magento_data() -> Path:
    """Real Magento 2.4.4 data (XSDs, acl.xml, module.xml, composer.json) beside the checkout."""
    path = _shared_magento()
    if not (path / "SOURCE.md").is_file():
        unavailable(f"Magento reference data not found at {path} (../shared/magento)")
    return path


@pytest.fixture(scope="session")
def magento_extra() -> Path:
    """The default 2.4.4 install's other packages (MSI, PageBuilder, ...), in Composer's layout."""
    override = os.environ.get("MAGEGEN_SHARED_MAGENTO_EXTRA")
    path = Path(override) if override else _shared_magento().parent / "magento-extra"
    if not (path / "SOURCE.md").is_file():
        unavailable(f"Magento reference data not found at {path} (../shared/magento-extra)")
    return path


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        unavailable(
            f"'{name}' is not installed (apt-get install php-cli php-xml composer libxml2-utils)"
        )
    return found


@pytest.fixture(scope="session")
def php() -> str:
    """The real php binary."""
    return _tool("php")


@pytest.fixture(scope="session")
def composer() -> str:
    """The real composer binary."""
    return _tool("composer")


@pytest.fixture(scope="session")
def xmllint() -> str:
    """The real xmllint binary."""
    return _tool("xmllint")


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    """Run the magegen CLI in-process; stdout and stderr are kept apart."""

    def run(*args: str | os.PathLike[str]) -> Result:
        return CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)

    return run


@pytest.fixture
def generate(tmp_path: Path, run_cli: Callable[..., Result]) -> Callable[..., Path]:
    """Generate a module from a spec into a fresh folder and return the module root."""

    def run(spec: Path = EXAMPLE_SPEC, name: str = "Beehexa/IntegrationManager") -> Path:
        target = tmp_path / "out" / name.replace("_", "/")
        result = run_cli("new", name, spec, "-o", target)
        assert result.exit_code == 0, result.stderr
        return target

    return run
