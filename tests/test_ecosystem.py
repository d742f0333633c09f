"""The pre-commit hook and the README's GitHub Actions job, run for real on module trees."""

from __future__ import annotations

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


def project_with_module(tmp_path: Path, generate: Callable[..., Path]) -> Path:
    """A Magento project folder whose app/code holds one generated module."""
    module = generate(spec=EXAMPLE_SPEC, name="Beehexa/IntegrationManager")
    project = tmp_path / "project"
    shutil.copytree(module, project / "app" / "code" / "Beehexa" / "IntegrationManager")
    return project


def break_registration(project: Path) -> None:
    registration = project / "app/code/Beehexa/IntegrationManager/registration.php"
    registration.write_text(registration.read_text().replace("IntegrationManager'", "Other'"))


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    executable = shutil.which(command[0])
    assert executable, f"{command[0]} is not installed"
    return subprocess.run([executable, *command[1:]], cwd=cwd, capture_output=True, text=True)


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


def readme_workflow() -> dict:
    blocks = re.findall(r"```yaml\n(.*?)```", (REPO / "README.md").read_text(), re.DOTALL)
    workflows = [yaml.safe_load(b) for b in blocks if "magegen validate" in b and "jobs:" in b]
    assert len(workflows) == 1
    return workflows[0]


def test_readme_workflow_runs_magegen_with_annotations(
    tmp_path: Path, generate: Callable[..., Path]
) -> None:
    steps = readme_workflow()["jobs"]["magegen"]["steps"]
    commands = [step["run"] for step in steps if "run" in step]
    validate = [c for c in commands if c.startswith("magegen validate")]
    assert len(validate) == 1
    command = shlex.split(validate[0])
    assert "--format" in command and "github" in command
    project = project_with_module(tmp_path, generate)
    good = run(command, project)
    assert (good.returncode, good.stdout) == (0, "")
    break_registration(project)
    bad = run(command, project)
    assert bad.returncode == 1
    assert bad.stdout.startswith(
        "::error file=app/code/Beehexa/IntegrationManager/registration.php,line=7,col=59,"
        "title=MG201::"
    )


@pytest.mark.parametrize("key", ["on", "jobs"])
def test_readme_workflow_is_a_workflow(key: str) -> None:
    workflow = readme_workflow()
    # YAML 1.1 reads the bare key `on` as True; GitHub reads it as "on".
    assert key in workflow or (key == "on" and True in workflow)


def readme_local_hook() -> dict:
    blocks = re.findall(r"```yaml\n(.*?)```", (REPO / "README.md").read_text(), re.DOTALL)
    configs = [yaml.safe_load(b) for b in blocks if "repo: local" in b]
    assert len(configs) == 1
    (repo,) = configs[0]["repos"]
    (hook,) = repo["hooks"]
    return hook


def test_readme_local_hook_runs_as_written(tmp_path: Path, generate: Callable[..., Path]) -> None:
    """The README's .pre-commit-config.yaml: its entry and args, as pre-commit runs them."""
    hook = readme_local_hook()
    assert (hook["language"], hook["pass_filenames"]) == ("system", False)
    assert hook["files"] == precommit_hook()["files"]
    command = shlex.split(hook["entry"]) + hook["args"]
    project = project_with_module(tmp_path, generate)
    assert run(command, project).returncode == 0
    break_registration(project)
    bad = run(command, project)
    assert bad.returncode == 1 and "[MG201]" in bad.stdout


def test_readme_workflow_updates_apt_before_installing() -> None:
    steps = readme_workflow()["jobs"]["magegen"]["steps"]
    installs = [s["run"] for s in steps if "apt-get install" in s.get("run", "")]
    assert installs and all("apt-get update" in command for command in installs)
    assert any("pip install ./" in s.get("run", "") for s in steps)


def test_readme_spec_block_generates_as_written(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """The README's annotated spec is a real spec: `magegen new SPEC` accepts it, no NAME."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## The spec (format version 1)") :]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    spec = tmp_path / "spec.yaml"
    spec.write_text(block.group(1), encoding="utf-8")
    out = tmp_path / "module"
    result = run_cli("new", spec, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "Beehexa_IntegrationManager" in (out / "etc" / "module.xml").read_text()
