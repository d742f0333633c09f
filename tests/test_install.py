"""The wheel, installed into a fresh venv, works on its own: package data, CLI and output.

The wheel is built once from the checkout and installed into a venv made with
--system-site-packages, so click, jinja2, lxml and PyYAML come from the running environment and no
index is needed. The checkout may also be installed editable in that environment; these tests
check that the venv's own copy is the one imported, and run everything from folders outside the
checkout so nothing can be picked up from the current folder.
"""

from __future__ import annotations

import importlib.util
import os
import site
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import __version__
from tests.conftest import EXAMPLE_FILES, EXAMPLE_SPEC, REPO, tree

MODULE = "Beehexa/IntegrationManager"
TIMEOUT = 600


@dataclass(frozen=True)
class Installed:
    """A venv with the magegen wheel installed."""

    wheel: Path
    venv: Path
    python: Path
    magegen: Path


def venv_executable(venv: Path, name: str) -> Path:
    """The path of an executable inside ``venv``."""
    if os.name == "nt":
        return venv / "Scripts" / f"{name}.exe"
    return venv / "bin" / name


def clean_env() -> dict[str, str]:
    """The environment without anything that would point Python or pip elsewhere."""
    dropped = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONSAFEPATH", "VIRTUAL_ENV"}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PYTHONIOENCODING="utf-8")
    return env


def run(
    command: list[str | os.PathLike[str]], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in ``cwd``; fail the test with its output when it exits non-zero."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=clean_env() if env is None else env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, (
        f"{command} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    )
    return result


def build_wheel(out: Path) -> Path:
    """Build the checkout's wheel into ``out``, offline when the build backend is at hand."""
    command: list[str | os.PathLike[str]] = [
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out, REPO,
    ]  # fmt: skip
    if importlib.util.find_spec("hatchling") is not None:
        command[4:4] = ["--no-build-isolation", "--no-index"]
    run(command, cwd=out)
    wheels = sorted(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def share_outer_site_packages(python: Path, cwd: Path) -> None:
    """When the tests run in a venv, let the new venv see that venv's packages too.

    --system-site-packages only reaches the base interpreter's; a .pth file adds the running
    environment's folders after the new venv's own site-packages, which still come first.
    """
    if sys.prefix == sys.base_prefix:
        return
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = Path(run([python, "-c", code], cwd=cwd).stdout.strip())
    folders = "".join(f"{folder}\n" for folder in site.getsitepackages())
    (purelib / "_magegen_tests_outer_env.pth").write_text(folders, encoding="utf-8")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The checkout's wheel, built once for this module."""
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """A fresh venv with the wheel installed, made once for this module."""
    venv = tmp_path_factory.mktemp("env") / "venv"
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    run([sys.executable, "-m", "venv", "--system-site-packages", venv], cwd=elsewhere)
    python = venv_executable(venv, "python")
    share_outer_site_packages(python, elsewhere)
    run(
        [python, "-m", "pip", "install", "--no-deps", "--no-index", "--force-reinstall", wheel],
        cwd=elsewhere,
    )
    magegen = venv_executable(venv, "magegen")
    assert magegen.is_file(), f"the wheel installed no magegen script at {magegen}"
    return Installed(wheel, venv, python, magegen)


def test_wheel_carries_templates_and_schemas(wheel: Path) -> None:
    """Every template and schema is in the wheel under generator/, byte for byte."""
    assert wheel.name == f"magegen-{__version__}-py3-none-any.whl"
    expected = {
        f"generator/{folder}/{path}": content
        for folder in ("templates", "schemas")
        for path, content in tree(REPO / folder).items()
    }
    assert expected, "the checkout has no templates or schemas"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        missing = sorted(expected.keys() - names)
        assert not missing, f"not in the wheel: {missing}"
        changed = sorted(name for name in expected if archive.read(name) != expected[name])
        assert not changed, f"differ from the checkout: {changed}"
        entry_points = archive.read(f"magegen-{__version__}.dist-info/entry_points.txt")
    assert "generator/resources.py" in names
    assert "magegen = generator.cli:main" in entry_points.decode("utf-8")
    top_level = {name.split("/", 1)[0] for name in names}
    assert top_level == {"generator", f"magegen-{__version__}.dist-info"}


def test_installed_package_resolves_inside_venv(installed: Installed, tmp_path: Path) -> None:
    """The venv imports its own generator and finds its data there, not in the checkout."""
    code = (
        "import generator, generator.resources as r\n"
        "print(generator.__file__)\n"
        "print(r.templates_dir())\n"
        "print(r.schemas_dir())\n"
    )
    lines = run([installed.python, "-c", code], cwd=tmp_path).stdout.splitlines()
    assert len(lines) == 3, lines
    venv = installed.venv.resolve()
    repo = REPO.resolve()
    package_file, templates, schemas = (Path(line).resolve() for line in lines)
    for path in (package_file, templates, schemas):
        assert path.is_relative_to(venv), f"{path} is outside the venv {venv}"
        assert not path.is_relative_to(repo), f"{path} comes from the checkout"
    assert package_file.parent.name == "generator"
    assert templates == package_file.parent / "templates"
    assert schemas == package_file.parent / "schemas"
    assert (templates / "Setup" / "InstallData.php.j2").is_file()
    assert (schemas / "module.xsd").is_file()


def test_installed_cli_writes_the_same_module(
    installed: Installed, tmp_path: Path, generate: Callable[..., Path]
) -> None:
    """The installed magegen writes app/code/... identical to the checkout's CLI."""
    workdir = tmp_path / "project"
    workdir.mkdir()
    run([installed.magegen, "new", MODULE, EXAMPLE_SPEC.resolve()], cwd=workdir)
    written = workdir / "app" / "code" / "Beehexa" / "IntegrationManager"
    for path in EXAMPLE_FILES:
        assert (written / path).is_file(), f"{path} was not written"
    assert [path.name for path in workdir.iterdir()] == ["app"]
    assert tree(written) == tree(generate(spec=EXAMPLE_SPEC, name=MODULE))


def test_installed_cli_version(installed: Installed, tmp_path: Path) -> None:
    """``magegen --version`` of the installed script prints the package version."""
    result = run([installed.magegen, "--version"], cwd=tmp_path)
    assert result.stdout.strip() == f"magegen, version {__version__}"
