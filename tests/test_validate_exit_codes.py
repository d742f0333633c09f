"""``magegen validate``: Exit codes."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result

from tests.validate_kit import (
    FORMATS,
    Runner,
    assert_no_traceback,
    validate,
    write,
)


def test_exit_codes_clean_errors_warnings_and_strict(example: Path, run_cli: Runner) -> None:
    assert validate(run_cli, example).exit_code == 0
    assert validate(run_cli, example, "--strict").exit_code == 0

    (example / "composer.json").unlink()  # MG210: a warning only
    warned = validate(run_cli, example)
    assert warned.exit_code == 0
    assert warned.stdout.splitlines()[-1] == "magegen: 1 module checked, 0 errors, 1 warning"
    assert validate(run_cli, example, "--strict").exit_code == 1

    (example / "registration.php").unlink()  # MG200: an error
    assert validate(run_cli, example).exit_code == 1
    assert validate(run_cli, example, "--strict").exit_code == 1


def assert_usage_error(result: Result, *words: str) -> None:
    """Exit 2, a message on stderr naming ``words``, nothing on stdout, no traceback."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    for word in words:
        assert word in result.stderr
    assert_no_traceback(result)


def test_a_missing_path_is_bad_usage(tmp_path: Path, run_cli: Runner) -> None:
    missing = tmp_path / "nowhere"
    assert_usage_error(validate(run_cli, missing), str(missing))


def test_a_folder_without_modules_is_bad_usage(tmp_path: Path, run_cli: Runner) -> None:
    empty = tmp_path / "empty"
    (empty / "app" / "code").mkdir(parents=True)
    assert_usage_error(validate(run_cli, empty), str(empty), "no module")


def test_a_file_is_bad_usage(example: Path, run_cli: Runner) -> None:
    assert_usage_error(validate(run_cli, example / "etc" / "module.xml"), "not a folder")


def test_a_missing_magento_root_is_bad_usage(
    example: Path, tmp_path: Path, run_cli: Runner
) -> None:
    missing = tmp_path / "no-magento"
    assert_usage_error(validate(run_cli, example, "--magento-root", missing), str(missing))


def test_no_path_and_an_unknown_format_are_bad_usage(example: Path, run_cli: Runner) -> None:
    assert validate(run_cli).exit_code == 2
    assert validate(run_cli, example, "--format", "xml").exit_code == 2


def test_a_module_that_is_all_garbage_gives_findings_not_a_crash(
    tmp_path: Path, run_cli: Runner
) -> None:
    module = tmp_path / "Garbage"
    write(module / "etc" / "module.xml", "\x00\x01 not xml")
    write(module / "etc" / "integration" / "config.xml", "<integrations><integration/>")
    write(module / "etc" / "integration" / "api.xml", "<integrations/>")
    write(module / "composer.json", '{"autoload": [], "require": "x"}')
    write(module / "registration.php", "<?php register(")
    (module / "Setup").mkdir()
    write(module / "Setup" / "InstallData.php", "not php at all")
    for output_format in FORMATS:
        result = validate(run_cli, module, "--format", output_format)
        assert result.exit_code == 1
