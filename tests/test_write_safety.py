"""Writes never lose work: failures roll back, previews touch nothing, links are not followed."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.errors import TargetError
from generator.pipeline import write
from generator.pipeline.render import RenderedFile
from tests.conftest import EXAMPLE_FILES, EXAMPLE_SPEC, snapshot

NAME = "Beehexa/IntegrationManager"


def _fail_nth(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, call: int, error: OSError
) -> None:
    """Make ``owner.<name>`` raise ``error`` on its ``call``-th use."""
    original = getattr(owner, name)
    calls = {"n": 0}

    def failing(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == call:
            raise error
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, failing)


def fail_on_call(monkeypatch: pytest.MonkeyPatch, name: str, call: int, error: OSError) -> None:
    """Make ``generator.pipeline.write.<name>`` raise ``error`` on its ``call``-th use."""
    _fail_nth(monkeypatch, write, name, call, error)


class _OsSeenByWrite:
    """``os`` as generator.pipeline.write sees it, so that a failure injected there counts only
    the writer's calls, not those of the module reader that looks at the target first."""

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)


def fail_os_call(monkeypatch: pytest.MonkeyPatch, name: str, call: int, error: OSError) -> None:
    """Make ``os.<name>``, as generator.pipeline.write sees it, raise ``error`` on its ``call``-th
    use."""
    seen = _OsSeenByWrite()
    monkeypatch.setattr(write, "os", seen)
    _fail_nth(monkeypatch, seen, name, call, error)


def modified_module(tmp_path: Path, run_cli: Callable[..., Result]) -> Path:
    """A generated module whose user edited two generated files and added one of their own."""
    out = tmp_path / "module"
    assert run_cli("new", NAME, EXAMPLE_SPEC, "-o", out).exit_code == 0
    (out / "etc" / "module.xml").write_text("<config>edited</config>\n")
    (out / "composer.json").write_text("{}\n")
    (out / "Setup" / "InstallData.php").unlink()
    (out / "etc" / "di.xml").write_text("<config/>\n")
    return out


ENOSPC = OSError(errno.ENOSPC, "No space left on device")


def test_enospc_while_building_a_new_module_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    fail_on_call(monkeypatch, "_write_new_file", 3, ENOSPC)
    out = tmp_path / "missing" / "parents" / "module"
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out)
    assert result.exit_code == 2
    assert result.stderr == f"{out}: error: cannot write: No space left on device\n"
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == [], "no module, no staging folder, no new parent folders"


def test_enospc_during_force_leaves_every_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    out = modified_module(tmp_path, run_cli)
    before = snapshot(out, folder_times=False)
    fail_on_call(monkeypatch, "_write_new_file", 3, ENOSPC)
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--force")
    assert result.exit_code == 2, result.output
    assert "cannot write: No space left on device" in result.stderr
    assert snapshot(out, folder_times=False) == before


@pytest.mark.parametrize("failing_call", [1, 2, 3])
def test_a_failed_rename_restores_the_files_already_replaced(
    failing_call: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., Result],
) -> None:
    """Three files change; whichever rename fails, all three are back as they were."""
    out = modified_module(tmp_path, run_cli)
    before = snapshot(out, folder_times=False)
    fail_os_call(monkeypatch, "replace", failing_call, OSError(errno.EIO, "Input/output error"))
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--force")
    assert result.exit_code == 2
    assert "cannot write: Input/output error" in result.stderr
    assert snapshot(out, folder_times=False) == before


def test_read_only_target_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    out = modified_module(tmp_path, run_cli)
    before = snapshot(out)
    # Tests may run as root, which ignores file modes, so the refusal is injected.
    denied = OSError(errno.EACCES, "Permission denied", str(out / "etc" / ".module.xml.tmp"))
    fail_os_call(monkeypatch, "open", 1, denied)
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--force")
    assert result.exit_code == 2
    assert result.stderr == f"{out}/etc/.module.xml.tmp: error: cannot write: Permission denied\n"
    assert snapshot(out) == before


def test_dry_run_of_a_new_module_writes_nothing(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "module"
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [f"create    {out / path}" for path in EXAMPLE_FILES]
    assert not out.exists()


def test_dry_run_with_force_lists_every_action(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = modified_module(tmp_path, run_cli)
    for patch in (out / "Setup" / "Patch" / "Data").glob("*.php"):
        patch.unlink()  # the folder stays: not a file, so not listed
    plain = tmp_path / "plain.yaml"
    plain.write_text("module: {version: 1.0.1}\n")
    (out / "etc" / "integration" / "config.xml").write_text("<integrations/>\n")
    before = snapshot(out)
    result = run_cli("new", NAME, plain, "-o", out, "--force", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"unchanged {out / 'registration.php'}",
        f"change    {out / 'composer.json'}",
        f"change    {out / 'etc/module.xml'}",
        f"keep      {out / 'etc/di.xml'}",
        f"stale     {out / 'etc/integration/api.xml'}",
        f"stale     {out / 'etc/integration/config.xml'}",
    ]
    assert "etc/integration/api.xml: warning: magegen generated this file before" in result.stderr
    assert snapshot(out) == before


def test_dry_run_lists_unchanged_files(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    out = tmp_path / "module"
    assert run_cli("new", NAME, EXAMPLE_SPEC, "-o", out).exit_code == 0
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--force", "--dry-run")
    assert result.exit_code == 0
    assert {line.split()[0] for line in result.stdout.splitlines()} == {"unchanged"}


def test_dry_run_of_a_folder_with_files_says_new_would_refuse_it(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = modified_module(tmp_path, run_cli)
    before = snapshot(out)
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--dry-run")
    assert result.exit_code == 0
    assert result.stderr == (
        f"{out}: note: already holds files: new would refuse it and write nothing; the list "
        "shows what new --force would do\n"
    )
    forced = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--dry-run", "--force")
    assert result.stdout == forced.stdout
    assert "change    " in result.stdout
    assert snapshot(out) == before


def test_refuses_to_write_through_a_link_to_outside(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "module.xml").write_text("not yours\n")
    out = tmp_path / "module"
    out.mkdir()
    (out / "etc").symlink_to(outside, target_is_directory=True)
    (out / "registration.php").write_text("<?php\n")
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--force")
    assert result.exit_code == 2
    assert (
        result.stderr == f"{out / 'etc'}: error: is a symbolic link; refusing to write through it\n"
    )
    assert (outside / "module.xml").read_text() == "not yours\n"
    assert sorted(p.name for p in outside.iterdir()) == ["module.xml"]
    assert (out / "registration.php").read_text() == "<?php\n"


@pytest.mark.parametrize(
    "path", ["../evil.php", "etc/../../evil.php", "/etc/passwd", "etc//x.xml", "./x"]
)
def test_paths_that_could_leave_the_module_are_refused(path: str, tmp_path: Path) -> None:
    with pytest.raises(TargetError) as caught:
        write.plan_write(tmp_path / "module", [RenderedFile(path, b"x")], force=False)
    assert "could leave the module folder" in str(caught.value)
    assert not (tmp_path / "module").exists()


def test_a_failed_write_leaves_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    out = modified_module(tmp_path, run_cli)
    fail_os_call(monkeypatch, "replace", 2, ENOSPC)
    assert run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--force").exit_code == 2
    leftovers = [p for p in tmp_path.rglob("*") if ".magegen-" in p.name]
    assert leftovers == []


def test_an_existing_empty_folder_is_filled_in_place(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """The folder keeps its inode, mode and setgid bit; nothing replaces it."""
    out = tmp_path / "module"
    out.mkdir()
    out.chmod(0o2770)
    before = out.stat()
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out)
    assert result.exit_code == 0, result.stderr
    after = out.stat()
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert (out / "etc" / "integration" / "api.xml").is_file()


def test_dot_as_output_in_an_empty_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", ".")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == "registration.php"
    assert (tmp_path / "Setup" / "InstallData.php").is_file()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_folder_holding_only_empty_folders_is_filled(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "module"
    (out / "etc" / "integration").mkdir(parents=True)
    (out / "Controller").mkdir()
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert (out / "etc" / "integration" / "config.xml").is_file()
    assert (out / "Controller").is_dir()


def test_a_link_to_an_empty_folder_is_filled_through(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", link)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert (real / "registration.php").is_file()


def test_a_dangling_link_as_output_is_refused(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    link = tmp_path / "module"
    link.symlink_to(tmp_path / "nowhere")
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", link)
    assert result.exit_code == 2
    assert result.stderr == f"{link}: error: is a symbolic link to nothing\n"
    assert not (tmp_path / "nowhere").exists()


def test_enospc_in_an_existing_empty_folder_leaves_it_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "module"
    out.mkdir()
    fail_on_call(monkeypatch, "_write_new_file", 4, ENOSPC)
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out)
    assert result.exit_code == 2
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("output", ["a/../c", "q/r/..", "x/./../y"])
def test_dot_dot_after_a_folder_name_is_refused(
    output: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", output)
    assert result.exit_code == 2
    assert "goes through '..' after a folder name" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_leading_dot_dot_is_a_plain_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", "../module")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "module" / "registration.php").is_file()


def test_a_failure_names_the_target_not_a_staging_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "module"
    fail_on_call(
        monkeypatch,
        "_write_new_file",
        1,
        OSError(errno.EIO, "Input/output error", str(tmp_path / ".module.magegen-new-x")),
    )
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out)
    assert result.stderr == f"{out}: error: cannot write: Input/output error\n"
