"""``magegen new --check`` and ``--diff``: compare with the tree on disk, write nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import (
    CASE_NAMES,
    CASES,
    EXAMPLE_FILES,
    EXAMPLE_SPEC,
    case_command,
    snapshot,
    tree,
    unavailable,
)

NAME = "Beehexa/IntegrationManager"
GENERATED = EXAMPLE_FILES
DIFFERS = "error: differs from what the spec generates"
MISSING = "error: is missing"

Cli = Callable[..., Result]


def edit(path: Path, old: bytes, new: bytes) -> None:
    """Replace the one occurrence of ``old`` in the file at ``path``."""
    content = path.read_bytes()
    assert content.count(old) == 1
    path.write_bytes(content.replace(old, new))


def drifted_module(generate: Callable[..., Path]) -> Path:
    """A generated module with a changed file, a missing file and files of its owner's."""
    out = generate()
    edit(out / "etc" / "module.xml", b'setup_version="1.0.1"', b'setup_version="1.0.2"')
    (out / "registration.php").unlink()
    (out / "README.md").write_text("my notes\n")
    (out / "etc" / "di.xml").write_text("<config/>\n")
    return out


def test_check_passes_right_after_new(generate: Callable[..., Path], run_cli: Cli) -> None:
    out = generate()
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == ""


def test_diff_is_empty_right_after_new(generate: Callable[..., Path], run_cli: Cli) -> None:
    out = generate()
    for options in (["--diff"], ["--check", "--diff"]):
        result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, *options)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_one_changed_byte_fails_the_check_naming_the_file(
    generate: Callable[..., Path], run_cli: Cli
) -> None:
    out = generate()
    edit(out / "registration.php", b"__DIR__", b"__DIr__")
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--check")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"{out / 'registration.php'}: {DIFFERS}\n"


def test_changed_integrations_also_get_the_installed_module_warning(
    generate: Callable[..., Path], run_cli: Cli
) -> None:
    """The same warnings as ``--force --dry-run``: applying this drift would not reach a store."""
    out = generate()
    api = out / "etc" / "integration" / "api.xml"
    edit(api, b"Magento_Sales::reorder", b"Magento_Sales::reordeR")
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{out / 'Setup/InstallData.php'}: warning: integrations changed in a module that already "
        "had InstallData: a store where it is installed will not see the change (InstallData "
        "runs once); use a new data patch, a setup_version bump with an upgrade script, or the "
        "admin",
        f"{api}: {DIFFERS}",
    ]


def test_a_deleted_file_is_missing(generate: Callable[..., Path], run_cli: Cli) -> None:
    out = generate()
    (out / "Setup" / "InstallData.php").unlink()
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--check")
    assert result.exit_code == 1
    assert result.stderr == f"{out / 'Setup/InstallData.php'}: {MISSING}\n"


def test_every_drifted_file_is_named_in_plan_order(
    generate: Callable[..., Path], run_cli: Cli
) -> None:
    out = drifted_module(generate)
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{out / 'registration.php'}: {MISSING}",
        f"{out / 'etc/module.xml'}: {DIFFERS}",
    ]


def test_files_the_owner_added_are_not_drift(generate: Callable[..., Path], run_cli: Cli) -> None:
    out = generate()
    (out / "README.md").write_text("my notes\n")
    (out / "etc" / "di.xml").write_text("<config/>\n")
    (out / "Model").mkdir()
    (out / "Model" / "Sync.php").write_text("<?php\n")
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--check", "--diff")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_a_stale_file_is_a_warning_not_drift(
    tmp_path: Path, generate: Callable[..., Path], run_cli: Cli
) -> None:
    plain = tmp_path / "plain.yaml"
    plain.write_text("module: {version: 1.0.1}\n")
    out = generate(spec=plain)
    (out / "Setup").mkdir()
    (out / "Setup" / "InstallData.php").write_text("<?php\n")
    warning = (
        f"{out / 'Setup/InstallData.php'}: warning: magegen generated this file before, but this "
        "spec no longer does; it is kept, and the module stays inconsistent until you delete it "
        "(magegen validate shows how)\n"
    )
    for options in (["--check"], ["--diff"], ["--check", "--diff"]):
        result = run_cli("new", NAME, plain, "-o", out, *options)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", warning), options


def test_other_warnings_are_still_printed(tmp_path: Path, run_cli: Cli) -> None:
    out = tmp_path / "app" / "code" / "Foo" / "Bar"
    assert run_cli("new", NAME, EXAMPLE_SPEC, "-o", out).exit_code == 0
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--check")
    assert result.exit_code == 0
    assert result.stderr == (
        f"{out}: warning: Magento autoloads app/code/Beehexa/IntegrationManager for the "
        "namespace Beehexa\\IntegrationManager; from this folder its classes will not be found\n"
    )


def test_a_target_that_does_not_exist_is_all_missing(tmp_path: Path, run_cli: Cli) -> None:
    out = tmp_path / "nowhere" / "module"
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--check")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"{out / path}: {MISSING}" for path in GENERATED]
    assert list(tmp_path.iterdir()) == []


def test_a_target_that_is_a_file_is_the_usual_error(tmp_path: Path, run_cli: Cli) -> None:
    out = tmp_path / "module"
    out.write_text("not a folder\n")
    for options in (["--check"], ["--diff"]):
        result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, *options)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == f"{out}: error: exists and is not a folder\n"
    assert out.read_text() == "not a folder\n"


def test_a_bad_spec_is_still_exit_2(
    tmp_path: Path, generate: Callable[..., Path], run_cli: Cli
) -> None:
    out = generate()
    bad = tmp_path / "bad.yaml"
    bad.write_text("module:\n  verison: 1.0.1\n")
    result = run_cli("new", NAME, bad, "-o", out, "--check", "--diff")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"{bad}:2:3: error: module.verison: unknown key")


def test_diff_of_a_small_edit_is_exact(generate: Callable[..., Path], run_cli: Cli) -> None:
    out = drifted_module(generate)
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--diff")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout_bytes == (
        b"--- /dev/null\n"
        b"+++ b/registration.php\n"
        b"@@ -0,0 +1,7 @@\n"
        b"+<?php\n"
        b"+\n"
        b"+declare(strict_types=1);\n"
        b"+\n"
        b"+use Magento\\Framework\\Component\\ComponentRegistrar;\n"
        b"+\n"
        b"+ComponentRegistrar::register(ComponentRegistrar::MODULE, "
        b"'Beehexa_IntegrationManager', __DIR__);\n"
        b"--- a/etc/module.xml\n"
        b"+++ b/etc/module.xml\n"
        b"@@ -1,6 +1,6 @@\n"
        b' <?xml version="1.0"?>\n'
        b' <config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xsi:noNamespaceSchemaLocation="urn:magento:framework:Module/etc/module.xsd">\n'
        b'-    <module name="Beehexa_IntegrationManager" setup_version="1.0.2">\n'
        b'+    <module name="Beehexa_IntegrationManager" setup_version="1.0.1">\n'
        b"         <sequence>\n"
        b'             <module name="Magento_Integration"/>\n'
        b"         </sequence>\n"
    )


def test_diff_marks_a_last_line_without_newline(
    generate: Callable[..., Path], run_cli: Cli
) -> None:
    out = generate()
    edit(out / "etc" / "module.xml", b"</config>\n", b"</config>")
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--diff")
    assert result.exit_code == 0
    assert result.stdout == (
        "--- a/etc/module.xml\n"
        "+++ b/etc/module.xml\n"
        "@@ -5,4 +5,4 @@\n"
        '             <module name="Magento_Integration"/>\n'
        "         </sequence>\n"
        "     </module>\n"
        "-</config>\n"
        "\\ No newline at end of file\n"
        "+</config>\n"
    )


def test_diff_splits_lines_at_lf_only(generate: Callable[..., Path], run_cli: Cli) -> None:
    """A CR (or another Unicode line break) on disk is part of a line, not the end of one."""
    out = generate()
    edit(out / "etc" / "module.xml", b"    </module>\n", b"    </module>\r\n")
    edit(out / "etc" / "module.xml", b"<sequence>", b"<sequence>\xe2\x80\xa8")
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--diff")
    assert result.stdout_bytes == (
        b"--- a/etc/module.xml\n"
        b"+++ b/etc/module.xml\n"
        b"@@ -1,8 +1,8 @@\n"
        b' <?xml version="1.0"?>\n'
        b' <config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xsi:noNamespaceSchemaLocation="urn:magento:framework:Module/etc/module.xsd">\n'
        b'     <module name="Beehexa_IntegrationManager" setup_version="1.0.1">\n'
        b"-        <sequence>\xe2\x80\xa8\n"
        b"+        <sequence>\n"
        b'             <module name="Magento_Integration"/>\n'
        b"         </sequence>\n"
        b"-    </module>\r\n"
        b"+    </module>\n"
        b" </config>\n"
    )


def test_diff_exits_0_on_drift_but_check_diff_exits_1(
    generate: Callable[..., Path], run_cli: Cli
) -> None:
    out = drifted_module(generate)
    diff = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--diff")
    both = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--check", "--diff")
    assert diff.exit_code == 0
    assert both.exit_code == 1
    assert diff.stdout.startswith("--- /dev/null\n+++ b/registration.php\n")
    assert both.stdout == diff.stdout, "the diff goes to stdout either way"
    assert diff.stderr == ""
    assert both.stderr.splitlines() == [
        f"{out / 'registration.php'}: {MISSING}",
        f"{out / 'etc/module.xml'}: {DIFFERS}",
    ]


@pytest.mark.parametrize("options", [["--check"], ["--diff"], ["--check", "--diff"]])
def test_nothing_is_written(
    options: list[str], tmp_path: Path, generate: Callable[..., Path], run_cli: Cli
) -> None:
    out = drifted_module(generate)
    (out / "Setup" / "InstallData.php").unlink()
    (out / "Setup").rmdir()
    before = snapshot(tmp_path)
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, *options)
    assert result.exit_code == (1 if "--check" in options else 0)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("tool", ["git", "patch"])
def test_applying_the_diff_restores_the_generated_state(
    tool: str, tmp_path: Path, generate: Callable[..., Path], run_cli: Cli
) -> None:
    """``magegen new ... --diff > change.patch``, then ``git apply``/``patch -p1`` in the module."""
    binary = shutil.which(tool)
    if binary is None:
        unavailable(f"'{tool}' is not installed")
    out = drifted_module(generate)
    fresh = tmp_path / "fresh"
    assert run_cli("new", NAME, EXAMPLE_SPEC, "-o", fresh).exit_code == 0
    expected = tree(fresh) | {"README.md": b"my notes\n", "etc/di.xml": b"<config/>\n"}
    edit(out / "composer.json", b"}\n}\n", b'},\n    "extra": {}\n}')  # no final newline
    shutil.rmtree(out / "Setup")
    edit(
        out / "etc" / "integration" / "api.xml",
        b'<?xml version="1.0"?>\n',
        b'<?xml version="1.0"?>\r\n',
    )

    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--diff")
    assert result.exit_code == 0
    change = tmp_path / "change.patch"
    change.write_bytes(result.stdout_bytes)
    command = (
        [binary, "apply", str(change)] if tool == "git" else [binary, "-p1", "-i", str(change)]
    )
    # Keep git from finding a repository above the module folder.
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(out.parent)}
    applied = subprocess.run(command, cwd=out, env=env, capture_output=True, text=True, check=False)
    assert applied.returncode == 0, applied.stdout + applied.stderr

    assert tree(out) == expected
    check = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--check")
    assert (check.exit_code, check.stderr) == (0, "")


@pytest.mark.parametrize(
    ("options", "errors"),
    [
        (
            ["--check", "--force"],
            [
                "--force: error: cannot be combined with --check: comparing never writes, "
                "so there is nothing to force"
            ],
        ),
        (
            ["--diff", "--force"],
            [
                "--force: error: cannot be combined with --diff: comparing never writes, "
                "so there is nothing to force"
            ],
        ),
        (
            ["--check", "--dry-run"],
            ["--dry-run: error: cannot be combined with --check: comparing already writes nothing"],
        ),
        (
            ["--diff", "--dry-run"],
            ["--dry-run: error: cannot be combined with --diff: comparing already writes nothing"],
        ),
        (
            ["--dry-run", "--force", "--diff", "--check"],
            [
                "--force: error: cannot be combined with --check and --diff: comparing never "
                "writes, so there is nothing to force",
                "--dry-run: error: cannot be combined with --check and --diff: comparing "
                "already writes nothing",
            ],
        ),
    ],
)
def test_options_that_do_not_go_together_are_a_usage_error(
    options: list[str], errors: list[str], tmp_path: Path, run_cli: Cli
) -> None:
    out = tmp_path / "module"
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, *options)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == errors
    assert not out.exists()


def test_the_usage_error_comes_before_the_spec_is_read(tmp_path: Path, run_cli: Cli) -> None:
    result = run_cli("new", NAME, tmp_path / "absent.yaml", "--check", "--force")
    assert result.exit_code == 2
    assert result.stderr.startswith("--force: error: cannot be combined with --check")
    assert "absent.yaml" not in result.stderr


def test_a_file_that_is_not_utf8_on_disk(generate: Callable[..., Path], run_cli: Cli) -> None:
    out = generate()
    (out / "etc" / "module.xml").write_bytes(b'<?xml version="1.0"?>\n<config>\xff\xfe</config>\n')
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--check", "--diff")
    assert result.exit_code == 1
    assert result.stdout == "Binary files a/etc/module.xml and b/etc/module.xml differ\n"
    assert result.stderr == f"{out / 'etc/module.xml'}: {DIFFERS}\n"


def test_help_lists_check_and_diff(run_cli: Cli) -> None:
    result = run_cli("new", "--help")
    assert result.exit_code == 0
    assert "--check" in result.stdout and "--diff" in result.stdout


@pytest.mark.parametrize("case", CASE_NAMES)
def test_check_is_clean_right_after_new_for_every_case(
    case: str, tmp_path: Path, run_cli: Cli
) -> None:
    name, spec = case_command(case)
    out = tmp_path / "module"
    assert run_cli("new", name, spec, "-o", out).exit_code == 0
    result = run_cli("new", name, spec, "-o", out, "--check", "--diff")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize("case", CASE_NAMES)
def test_check_accepts_every_golden_tree(case: str, run_cli: Cli) -> None:
    """The golden trees are what the specs generate, and checking them writes nothing."""
    name, spec = case_command(case)
    expected = CASES / case / "expected"
    before = snapshot(expected)
    result = run_cli("new", name, spec, "-o", expected, "--check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert snapshot(expected) == before
