"""The pre-commit hooks and the GitHub Actions job of the manual (docs/ci.md), run for real on
module trees, as written: with the store's catalog and a pinned magegen."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from tests.conftest import EXAMPLE_SPEC, REPO
from tests.docs_kit import code_blocks

CATALOG = "magento-catalog.json"  # where the recipes keep the store's catalog


def project_with_module(tmp_path: Path, generate: Callable[..., Path]) -> Path:
    """A Magento project folder whose app/code holds one generated module."""
    module = generate(spec=EXAMPLE_SPEC, name="Beehexa/IntegrationManager")
    project = tmp_path / "project"
    shutil.copytree(module, project / "app" / "code" / "Beehexa" / "IntegrationManager")
    return project


@pytest.fixture
def project(
    tmp_path: Path,
    generate: Callable[..., Path],
    run_cli: Callable[..., Result],
    magento_data: Path,
) -> Path:
    """A project with one generated module and the store's catalog the recipes name."""
    folder = project_with_module(tmp_path, generate)
    made = run_cli("catalog", "--magento-root", magento_data, "-o", folder / CATALOG)
    assert made.exit_code == 0, made.stderr
    return folder


def break_registration(project: Path) -> None:
    registration = project / "app/code/Beehexa/IntegrationManager/registration.php"
    registration.write_text(registration.read_text().replace("IntegrationManager'", "Other'"))


def run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    executable = shutil.which(command[0])
    assert executable, f"{command[0]} is not installed"
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [executable, *command[1:]], cwd=cwd, capture_output=True, text=True, env=environment
    )


def precommit_hook() -> dict:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert [hook["id"] for hook in hooks] == ["magegen-validate"]
    return hooks[0]


def test_precommit_hook_is_well_formed() -> None:
    hook = precommit_hook()
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for path in (
        "app/code/Acme/Erp/etc/module.xml",
        "app/code/Acme/Erp/etc/integration/api.xml",
        "app/code/Acme/Erp/registration.php",
        "app/code/Acme/Erp/Setup/Patch/Data/CreateIntegrations.php",
        "composer.json",
    ):
        assert files.search(path), path
    assert not files.search("README.md")


def test_precommit_hook_entry_passes_and_fails(
    tmp_path: Path, generate: Callable[..., Path]
) -> None:
    """What pre-commit runs: the entry followed by the hook's args, in the repository root."""
    hook = precommit_hook()
    command = shlex.split(hook["entry"]) + hook["args"]
    project = project_with_module(tmp_path, generate)
    good = run(command, project)
    assert good.returncode == 0, good.stdout + good.stderr
    break_registration(project)
    bad = run(command, project)
    assert bad.returncode == 1
    assert "registration.php" in bad.stdout and "[MG201]" in bad.stdout


def documented_workflow() -> dict:
    """The one GitHub Actions workflow of the README and the manual."""
    blocks = [block for _, block in code_blocks("yaml")]
    workflows = [yaml.safe_load(b) for b in blocks if "magegen validate" in b and "jobs:" in b]
    assert len(workflows) == 1
    return workflows[0]


def workflow_commands(prefix: str) -> list[list[str]]:
    steps = documented_workflow()["jobs"]["magegen"]["steps"]
    commands = [step["run"] for step in steps if "run" in step]
    return [shlex.split(c) for c in commands if c.startswith(prefix)]


def test_workflow_runs_magegen_with_annotations_against_the_catalog(project: Path) -> None:
    env = documented_workflow()["jobs"]["magegen"]["env"]
    assert env == {"MAGEGEN_CATALOG": CATALOG}
    (command,) = workflow_commands("magegen validate")
    assert "--format" in command and "github" in command
    good = run(command, project, env)
    assert (good.returncode, good.stdout) == (0, "")
    (project / CATALOG).write_text("{}")  # the job really reads the catalog it names
    assert run(command, project, env).returncode == 2


def test_workflow_reports_a_broken_module(project: Path) -> None:
    (command,) = workflow_commands("magegen validate")
    env = documented_workflow()["jobs"]["magegen"]["env"]
    break_registration(project)
    bad = run(command, project, env)
    assert bad.returncode == 1
    assert bad.stdout.startswith(
        "::error file=app/code/Beehexa/IntegrationManager/registration.php,line=7,col=59,"
        "title=MG201::"
    )


def test_workflow_checks_a_spec_against_its_module(project: Path) -> None:
    """The job's `magegen new SPEC --check` step: 0 for the spec's module, 1 once it drifts."""
    env = documented_workflow()["jobs"]["magegen"]["env"]
    (command,) = workflow_commands("magegen new")
    assert command[-1] == "--check"
    spec = project / command[2]
    spec.parent.mkdir(parents=True)
    spec.write_text("name: Beehexa/IntegrationManager\n" + EXAMPLE_SPEC.read_text())
    good = run(command, project, env)
    assert good.returncode == 0, good.stderr
    break_registration(project)
    bad = run(command, project, env)
    assert bad.returncode == 1 and "registration.php: error: differs" in bad.stderr


def test_workflow_pins_magegen() -> None:
    steps = documented_workflow()["jobs"]["magegen"]["steps"]
    checkouts = [s["with"] for s in steps if "magegen" in str(s.get("with", {}).get("repository"))]
    assert len(checkouts) == 1 and checkouts[0]["ref"]


@pytest.mark.parametrize("key", ["on", "jobs"])
def test_documented_workflow_is_a_workflow(key: str) -> None:
    workflow = documented_workflow()
    # YAML 1.1 reads the bare key `on` as True; GitHub reads it as "on".
    assert key in workflow or (key == "on" and True in workflow)


def documented_hooks() -> dict[str, dict]:
    """The hooks of the .pre-commit-config.yaml files shown, by their repo: local or a URL."""
    configs = [yaml.safe_load(b) for _, b in code_blocks("yaml") if "repos:" in b]
    hooks = {}
    for config in configs:
        (repo,) = config["repos"]
        (hook,) = repo["hooks"]
        hooks["local" if repo["repo"] == "local" else "shipped"] = {**hook, "rev": repo.get("rev")}
    assert set(hooks) == {"local", "shipped"}
    return hooks


def check_hook_command(command: list[str], project: Path) -> None:
    assert command[-2:] == ["--catalog", CATALOG]
    good = run(command, project)
    assert good.returncode == 0, good.stdout + good.stderr
    (project / CATALOG).write_text("{}")  # the hook really reads the catalog it names
    assert run(command, project).returncode == 2
    (project / CATALOG).unlink()
    assert run(command, project).returncode == 2


def test_local_hook_runs_as_written(project: Path) -> None:
    """The manual's local .pre-commit-config.yaml: its entry and args, as pre-commit runs them."""
    hook = documented_hooks()["local"]
    assert (hook["language"], hook["pass_filenames"]) == ("system", False)
    assert hook["files"] == precommit_hook()["files"]
    command = shlex.split(hook["entry"]) + hook["args"]
    break_registration(project)
    bad = run(command, project)
    assert bad.returncode == 1 and "[MG201]" in bad.stdout


def test_local_hook_uses_the_catalog(project: Path) -> None:
    hook = documented_hooks()["local"]
    check_hook_command(shlex.split(hook["entry"]) + hook["args"], project)


def test_shipped_hook_runs_with_the_documented_args(project: Path) -> None:
    """The shipped hook, pinned by rev, with the args the manual gives it."""
    hook = documented_hooks()["shipped"]
    assert hook["id"] == precommit_hook()["id"] and hook["rev"]
    check_hook_command(shlex.split(precommit_hook()["entry"]) + hook["args"], project)


def test_workflow_updates_apt_before_installing() -> None:
    steps = documented_workflow()["jobs"]["magegen"]["steps"]
    installs = [s["run"] for s in steps if "apt-get install" in s.get("run", "")]
    assert installs and all("apt-get update" in command for command in installs)
    assert any("pip install ./" in s.get("run", "") for s in steps)


