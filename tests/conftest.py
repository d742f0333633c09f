"""Shared fixtures and helpers: the repository's paths, real external tools, the shared Magento
data, generating the tests/cases modules, and snapshots of a folder to prove nothing was written."""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from click.testing import CliRunner, Result

from generator.cli import main

pytest_plugins = ["tests.validate_kit", "tests.fake_magento"]

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_SPEC = REPO / "examples" / "integration-manager.yaml"
EXAMPLE_NAME = "Beehexa/IntegrationManager"
# What ``magegen new`` writes for a split-format install-data spec with integrations, before its
# sync data patch, in the order it reports them.
INSTALL_DATA_FILES = (
    "registration.php",
    "composer.json",
    "etc/module.xml",
    "etc/integration/config.xml",
    "etc/integration/api.xml",
    "Setup/InstallData.php",
)


def sync_path_of(name: str, spec_path: Path) -> str:
    """Where magegen puts the sync data patch of the module ``name`` that ``spec_path`` gives."""
    from generator.pipeline.sync import sync_patch
    from generator.spec.reader import load_spec

    return sync_patch(load_spec(spec_path, name).spec).path


def install_data_files(name: str, spec_path: Path) -> tuple[str, ...]:
    """What ``magegen new`` writes for such a spec, in the order it reports them."""
    return (*INSTALL_DATA_FILES, sync_path_of(name, spec_path))


# What ``magegen new`` writes for EXAMPLE_SPEC, in the order it reports them.
EXAMPLE_FILES = install_data_files(EXAMPLE_NAME, EXAMPLE_SPEC)
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


class Entry(NamedTuple):
    """One entry of a snapshot: what it holds, and the metadata a rewrite would change."""

    content: bytes | str | None  # a file's bytes, a link's target, None for a folder
    inode: int
    mtime_ns: int | None  # None for a folder unless asked for
    mode: int


def snapshot(root: Path, *, folder_times: bool = True) -> dict[str, Entry]:
    """Every file, folder and link under ``root`` (hidden ones too), by POSIX path relative to it.

    Links are recorded, never followed. Comparing two snapshots proves nothing was written,
    replaced (new inode), touched (mtime) or re-moded. ``folder_times=False`` leaves out folders'
    mtimes, which a rolled-back write changes by creating and removing its temporary files.
    """
    found: dict[str, Entry] = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        content: bytes | str | None = None
        mtime: int | None = info.st_mtime_ns
        if stat.S_ISLNK(info.st_mode):
            content = os.readlink(path)
        elif stat.S_ISREG(info.st_mode):
            content = path.read_bytes()
        elif not folder_times:
            mtime = None
        found[path.relative_to(root).as_posix()] = Entry(content, info.st_ino, mtime, info.st_mode)
    return found


def shared_folder() -> Path:
    """``../shared`` beside the checkout; for a git worktree elsewhere, beside its main checkout
    (the folder that holds the repository's common .git)."""
    beside = REPO.parent / "shared"
    if beside.is_dir():
        return beside
    found = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--path-format=absolute", "--git-common-dir"],
        capture_output=True,
        text=True,
    )
    common = Path(found.stdout.strip()) if found.returncode == 0 else None
    if common is not None and (common.parent.parent / "shared").is_dir():
        return common.parent.parent / "shared"
    return beside


def _shared_magento() -> Path:
    override = os.environ.get("MAGEGEN_SHARED_MAGENTO")
    return Path(override) if override else shared_folder() / "magento"


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
def phpcs(php: str) -> Path:
    """PHP_CodeSniffer with Magento's coding standard: ../shared/phpcs/phpcs (it needs php)."""
    override = os.environ.get("MAGEGEN_SHARED_PHPCS")
    path = Path(override) if override else _shared_magento().parent / "phpcs" / "phpcs"
    if not path.is_file():
        unavailable(f"PHP_CodeSniffer with the Magento2 standard not found at {path}")
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
            f"'{name}' is not installed "
            "(apt-get install php-cli php-xml php-mbstring composer libxml2-utils)"
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

    def run(spec: Path = EXAMPLE_SPEC, name: str = EXAMPLE_NAME) -> Path:
        target = tmp_path / "out" / name.replace("_", "/")
        result = run_cli("new", name, spec, "-o", target)
        assert result.exit_code == 0, result.stderr
        return target

    return run


@pytest.fixture(autouse=True)
def _no_ambient_magento_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their root themselves; a MAGENTO_ROOT of the caller's shell must not leak in."""
    monkeypatch.delenv("MAGENTO_ROOT", raising=False)
    monkeypatch.delenv("MAGEGEN_CATALOG", raising=False)


@pytest.fixture(autouse=True)
def _a_run_per_test() -> None:
    """Each test is a run of its own: library calls start with a whole suggestion budget, as
    each command of the CLI does."""
    from generator.magento.acl import reset_suggestion_budget

    reset_suggestion_budget()


def module_identity(name: str) -> tuple[str, str]:
    """``Vendor/Module`` or ``Vendor_Module`` as (``Vendor_Module``, ``Vendor\\Module``)."""
    vendor, module = name.split("/" if "/" in name else "_")
    return f"{vendor}_{module}", f"{vendor}\\{module}"


@dataclass(frozen=True)
class GeneratedCase:
    """A module generated from one of tests/cases/, with what its spec says."""

    root: Path
    name: str  # as the case's command gives it: Vendor/Module
    module_name: str  # Vendor_Module
    namespace: str  # Vendor\Module
    spec_path: Path

    @property
    def spec(self) -> dict:
        """The spec as plain Python data."""
        data = yaml.safe_load(self.spec_path.read_text(encoding="utf-8"))
        assert isinstance(data, dict), f"{self.spec_path} does not hold a mapping"
        return data


@pytest.fixture
def generate_case(generate: Callable[..., Path]) -> Callable[[str], GeneratedCase]:
    """Generate tests/cases/<case> as its ``command`` file says, into a fresh folder."""

    def run(case: str) -> GeneratedCase:
        name, spec = case_command(case)
        module_name, namespace = module_identity(name)
        return GeneratedCase(generate(spec=spec, name=name), name, module_name, namespace, spec)

    return run
