"""Several NAME SPEC pairs in one `magegen new`: all checked first, all written or none."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import install_data_files, tree

SPEC = """\
integrations:
  - name: {name}
    email: sync@acme.example
    resources: [Magento_Sales::reorder]
"""
ERP = Path("app/code/Acme/Erp")
PIM = Path("app/code/Acme/Pim")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Magento root to run in, holding erp.yaml and pim.yaml."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "erp.yaml").write_text(SPEC.format(name="ERP Sync"))
    (tmp_path / "pim.yaml").write_text(SPEC.format(name="PIM Sync"))
    return tmp_path


def written_files(root: Path) -> list[str]:
    spec = Path("erp.yaml" if root == ERP else "pim.yaml")
    return [str(root / name) for name in install_data_files(f"Acme/{root.name}", spec)]


def test_two_pairs_write_two_modules(project: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("new", "Acme/Erp", "erp.yaml", "Acme/Pim", "pim.yaml")

    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == written_files(ERP) + written_files(PIM)
    for name, spec, root in (("Acme/Erp", "erp.yaml", ERP), ("Acme/Pim", "pim.yaml", PIM)):
        alone = project / "alone" / root.name
        assert run_cli("new", name, spec, "-o", alone).exit_code == 0
        assert tree(project / root) == tree(alone), f"{name} as if generated alone"


def test_an_invalid_second_spec_writes_neither_module(
    project: Path, run_cli: Callable[..., Result]
) -> None:
    (project / "pim.yaml").write_text(SPEC.format(name="PIM Sync") + "    emial: x@y.z\n")

    result = run_cli("new", "Acme/Erp", "erp.yaml", "Acme/Pim", "pim.yaml")

    assert result.exit_code == 2
    assert result.stderr == (
        "pim.yaml:5:5: error: integrations[0].emial: unknown key (did you mean 'email'?)\n"
    )
    assert not (project / "app").exists()


def test_problems_of_every_module_are_listed_at_once(
    project: Path, run_cli: Callable[..., Result]
) -> None:
    (project / "erp.yaml").write_text("setup: install\n")
    (project / "pim.yaml").write_text("module: {version: x}\n")
    result = run_cli("new", "Acme/Erp", "erp.yaml", "Acme/Pim", "pim.yaml")
    assert result.exit_code == 2
    files = [line.split(":")[0] for line in result.stderr.splitlines()]
    assert "erp.yaml" in files and "pim.yaml" in files
    assert not (project / "app").exists()


def test_a_check_failure_in_one_module_writes_none(
    project: Path, run_cli: Callable[..., Result]
) -> None:
    broken = project / "broken-templates" / "etc" / "module.xml.j2"
    broken.parent.mkdir(parents=True)
    broken.write_text('<?xml version="1.0"?>\n<config/>\n')
    with (project / "pim.yaml").open("a") as spec:
        spec.write("templates: broken-templates\n")

    result = run_cli("new", "Acme/Erp", "erp.yaml", "Acme/Pim", "pim.yaml")

    assert result.exit_code == 1
    assert "etc/module.xml:2: error: does not match module.xsd" in result.stderr
    assert not (project / "app").exists()


def test_a_target_holding_files_stops_every_module(
    project: Path, run_cli: Callable[..., Result]
) -> None:
    (project / PIM).mkdir(parents=True)
    (project / PIM / "mine.txt").write_text("mine\n")

    result = run_cli("new", "Acme/Erp", "erp.yaml", "Acme/Pim", "pim.yaml")

    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{PIM}: error: already holds files; use --force to rewrite magegen's files"
    )
    assert not (project / ERP).exists()
    assert tree(project / PIM) == {"mine.txt": b"mine\n"}


@pytest.mark.parametrize("second", ["Acme/Erp", "Acme_Erp", "Acme/ERP"])
def test_a_module_given_twice_is_an_error(
    second: str, project: Path, run_cli: Callable[..., Result]
) -> None:
    result = run_cli("new", "Acme/Erp", "erp.yaml", second, "pim.yaml")
    assert result.exit_code == 2
    assert result.stderr == (
        f"NAME: error: {second} (pim.yaml) is the same module as Acme/Erp (erp.yaml); "
        "give each module once\n"
    )
    assert not (project / "app").exists()


def test_two_modules_may_not_share_a_composer_package(
    project: Path, run_cli: Callable[..., Result]
) -> None:
    for spec in ("erp.yaml", "pim.yaml"):
        with (project / spec).open("a") as handle:
            handle.write("composer: {name: acme/module-sync}\n")
    result = run_cli("new", "Acme/Erp", "erp.yaml", "Acme/Pim", "pim.yaml")
    assert result.exit_code == 2
    assert result.stderr == (
        "pim.yaml:5:18: error: composer.name: Acme_Pim has the composer package acme/module-sync, "
        "as Acme_Erp (erp.yaml) has; each module needs its own\n"
    )
    assert not (project / "app").exists()


def test_output_goes_with_one_module_only(project: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("new", "Acme/Erp", "erp.yaml", "Acme/Pim", "pim.yaml", "-o", "out")
    assert result.exit_code == 2
    assert result.stderr.startswith("--output: error: names one module's folder")
    assert not (project / "out").exists() and not (project / "app").exists()


def test_a_name_without_its_spec_is_a_usage_error(
    project: Path, run_cli: Callable[..., Result]
) -> None:
    result = run_cli("new", "Acme/Erp", "erp.yaml", "Acme/Pim")
    assert result.exit_code == 2
    assert result.stderr == (
        "NAME SPEC: error: 'Acme/Pim' has no SPEC after it: give [NAME] SPEC, NAME first\n"
    )
    assert not (project / "app").exists()


def test_check_covers_every_module(project: Path, run_cli: Callable[..., Result]) -> None:
    both = ("new", "Acme/Erp", "erp.yaml", "Acme/Pim", "pim.yaml")
    missing = run_cli(*both, "--check")
    assert missing.exit_code == 1
    assert f"{ERP / 'registration.php'}: error: is missing" in missing.stderr
    assert f"{PIM / 'registration.php'}: error: is missing" in missing.stderr

    assert run_cli(*both).exit_code == 0
    clean = run_cli(*both, "--check")
    assert (clean.exit_code, clean.stdout, clean.stderr) == (0, "", "")

    (project / PIM / "etc/module.xml").write_text("<config/>\n")
    drifted = run_cli(*both, "--check")
    assert drifted.exit_code == 1
    assert drifted.stderr.splitlines() == [
        f"{PIM / 'etc/module.xml'}: error: differs from what the spec generates"
    ]


def test_diff_over_several_modules_is_one_patch_from_the_current_folder(
    project: Path, run_cli: Callable[..., Result]
) -> None:
    both = ("new", "Acme/Erp", "erp.yaml", "Acme/Pim", "pim.yaml")
    assert run_cli(*both).exit_code == 0
    expected = tree(project / "app")
    (project / ERP / "etc/module.xml").write_text("<config/>\n")
    (project / PIM / "registration.php").unlink()

    result = run_cli(*both, "--diff")

    assert result.exit_code == 0
    headers = [line for line in result.stdout.splitlines() if line.startswith(("---", "+++"))]
    assert headers == [
        "--- a/app/code/Acme/Erp/etc/module.xml",
        "+++ b/app/code/Acme/Erp/etc/module.xml",
        "--- /dev/null",
        "+++ b/app/code/Acme/Pim/registration.php",
    ]
    patch = shutil.which("patch")
    if patch is not None:
        subprocess.run([patch, "-s", "-p1"], input=result.stdout, text=True, check=True)
        assert tree(project / "app") == expected


def test_dry_run_and_force_apply_to_every_module(
    project: Path, run_cli: Callable[..., Result]
) -> None:
    both = ("new", "Acme/Erp", "erp.yaml", "Acme/Pim", "pim.yaml")
    dry = run_cli(*both, "--dry-run")
    assert dry.exit_code == 0
    assert dry.stdout.splitlines() == [f"create    {path}" for path in written_files(ERP)] + [
        f"create    {path}" for path in written_files(PIM)
    ]
    assert not (project / "app").exists()

    assert run_cli(*both).exit_code == 0
    (project / ERP / "etc/module.xml").write_text("<config/>\n")
    assert run_cli(*both).exit_code == 2, "existing modules need --force"
    forced = run_cli(*both, "--force")
    assert forced.exit_code == 0
    assert forced.stderr.splitlines() == [str(ERP / "etc/module.xml")]


def test_templates_option_applies_to_every_module(
    project: Path, run_cli: Callable[..., Result]
) -> None:
    template = project / "tpl" / "registration.php.j2"
    template.parent.mkdir()
    template.write_text(
        "<?php\n\n// custom\n\\Magento\\Framework\\Component\\ComponentRegistrar::register("
        "\\Magento\\Framework\\Component\\ComponentRegistrar::MODULE, "
        "{{ spec.name | php_string }}, __DIR__);\n"
    )
    result = run_cli("new", "Acme/Erp", "erp.yaml", "Acme/Pim", "pim.yaml", "--templates", "tpl")
    assert result.exit_code == 0, result.stderr
    for root in (ERP, PIM):
        assert "// custom" in (project / root / "registration.php").read_text()
