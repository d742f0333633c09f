"""What ``new`` finds in its target: earlier patches, huge folders, links in place of files."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.pipeline import write

NAME = "Acme/Erp"
INTEGRATION = """\
integrations:
  - name: ERP Sync
    email: erp@acme.example
    resources: [Magento_Sales::reorder]
"""
STALE = (
    "warning: magegen generated this file before, but this spec no longer does; it is kept, "
    "and the module stays inconsistent until you delete it (magegen validate shows how)"
)


def spec(folder: Path, setup: str) -> Path:
    path = folder / f"{setup.replace(':', '-').replace(' ', '')}.yaml"
    path.write_text("\n".join(setup.split(", ")) + "\n" + INTEGRATION)
    return path


def only_patch(out: Path) -> Path:
    """The one data patch magegen wrote into ``out``."""
    (patch,) = (out / "Setup/Patch/Data").glob("*.php")
    return patch


@pytest.mark.parametrize(
    "later",
    ["setup: data-patch, setup_patch_name: AddErpIntegration", "setup: install-data"],
)
def test_a_patch_written_under_another_name_is_removed_when_provably_magegens(
    tmp_path: Path, run_cli: Callable[..., Result], later: str
) -> None:
    out = tmp_path / "module"
    first = spec(tmp_path, "setup: data-patch, setup_patch_name: CreateErpIntegration")
    assert run_cli("new", NAME, first, "-o", out).exit_code == 0
    old = only_patch(out)
    assert old.name.startswith("CreateErpIntegration")

    result = run_cli("new", NAME, spec(tmp_path, later), "-o", out, "--force", "--dry-run")

    assert result.exit_code == 0, result.stderr
    assert f"remove    {old}" in result.stdout.splitlines()


@pytest.mark.parametrize(
    "later",
    ["setup: data-patch, setup_patch_name: AddErpIntegration", "setup: install-data"],
)
def test_an_edited_patch_written_under_another_name_is_stale(
    tmp_path: Path, run_cli: Callable[..., Result], later: str
) -> None:
    out = tmp_path / "module"
    first = spec(tmp_path, "setup: data-patch, setup_patch_name: CreateErpIntegration")
    assert run_cli("new", NAME, first, "-o", out).exit_code == 0
    old = only_patch(out)
    old.write_text(old.read_text() + "// edited by hand\n")

    result = run_cli("new", NAME, spec(tmp_path, later), "-o", out, "--force", "--dry-run")

    assert result.exit_code == 0, result.stderr
    assert f"stale     {old}" in result.stdout.splitlines()
    assert f"{old}: {STALE}" in result.stderr.splitlines()


def test_the_owners_own_patch_is_kept_without_a_word(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "module"
    first = spec(tmp_path, "setup: data-patch")
    assert run_cli("new", NAME, first, "-o", out).exit_code == 0
    generated = only_patch(out)
    own = out / "Setup/Patch/Data/AddCustomerAttribute.php"
    own.write_text(
        "<?php\nnamespace Acme\\Erp\\Setup\\Patch\\Data;\n"
        "class AddCustomerAttribute implements DataPatchInterface\n{\n}\n"
    )
    other_module = out / "Setup/Patch/Data/Copied.php"
    other_module.write_text(
        generated.read_text()
        .replace("Acme\\Erp", "Other\\Module")
        .replace(generated.stem, "Copied")
    )
    result = run_cli("new", NAME, first, "-o", out, "--force", "--dry-run")
    assert result.exit_code == 0
    assert f"keep      {own}" in result.stdout.splitlines()
    assert f"keep      {other_module}" in result.stdout.splitlines()
    assert "warning" not in result.stderr


def test_a_huge_folder_is_refused_early_with_a_bounded_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    monkeypatch.setattr(write, "MAX_EXISTING", 100)
    out = tmp_path / "big"
    for folder in range(3):
        (out / f"d{folder}").mkdir(parents=True)
        for index in range(50):
            (out / f"d{folder}" / f"f{index:02}").touch()
    result = run_cli("new", NAME, spec(tmp_path, "setup: data-patch"), "-o", out)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"{out}: error: already holds files; use --force to rewrite magegen's files"
    assert len(lines) == 1 + write.MAX_LISTED + 1
    assert all(line.endswith(": error: exists") for line in lines[1:-1])
    assert lines[-1] == f"{out}: note: holds more than {100 - write.MAX_LISTED} more files"


def test_new_into_the_root_folder_stops_at_once(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    started = time.monotonic()
    result = run_cli("new", NAME, spec(tmp_path, "setup: data-patch"), "-o", "/")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) <= 1 + write.MAX_LISTED + 1
    assert time.monotonic() - started < 5


def test_a_small_folder_gives_an_exact_count(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "some"
    out.mkdir()
    for index in range(write.MAX_LISTED + 7):
        (out / f"f{index:03}").touch()
    result = run_cli("new", NAME, spec(tmp_path, "setup: data-patch"), "-o", out)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"{out}: note: holds 7 more files"


def test_force_on_a_huge_folder_is_refused_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    monkeypatch.setattr(write, "MAX_EXISTING", 50)
    out = tmp_path / "big"
    out.mkdir()
    for index in range(60):
        (out / f"f{index:03}").touch()
    for options in (["--force"], ["--dry-run"], ["--check"]):
        result = run_cli("new", NAME, spec(tmp_path, "setup: data-patch"), "-o", out, *options)
        assert (result.exit_code, result.stderr) == (
            2,
            f"{out}: error: holds more than 50 files, far more than a module; check -o "
            "(nothing was read or written)\n",
        ), options
    assert len(list(out.iterdir())) == 60


def test_check_on_a_linked_generated_file_compares_and_never_follows(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "module"
    path = spec(tmp_path, "setup: data-patch")
    assert run_cli("new", NAME, path, "-o", out).exit_code == 0
    real = tmp_path / "elsewhere.xml"
    (out / "etc/module.xml").rename(real)
    (out / "etc/module.xml").symlink_to(real)

    check = run_cli("new", NAME, path, "-o", out, "--check")
    assert check.exit_code == 1
    assert check.stderr == (
        f"{out / 'etc/module.xml'}: error: is a symbolic link where the spec generates a "
        "regular file; it is not read\n"
    )
    diff = run_cli("new", NAME, path, "-o", out, "--diff")
    assert (diff.exit_code, diff.stdout) == (1, "")
    assert diff.stderr == check.stderr


def test_check_under_a_linked_folder_is_drift_not_bad_input(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "module"
    path = spec(tmp_path, "setup: data-patch")
    assert run_cli("new", NAME, path, "-o", out).exit_code == 0
    (out / "etc").rename(tmp_path / "etc")
    (out / "etc").symlink_to(tmp_path / "etc", target_is_directory=True)
    check = run_cli("new", NAME, path, "-o", out, "--check")
    assert check.exit_code == 1
    assert (
        f"{out / 'etc/module.xml'}: error: lies under {out / 'etc'}, a symbolic link, which is "
        "never followed" in check.stderr
    )
