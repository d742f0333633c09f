"""``magegen validate``: Good modules are clean, and modules are found where they are."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import CASE_NAMES, case_command
from tests.validate_kit import (
    FORMATS,
    MALFORMED_XML,
    Runner,
    all_cases_warnings,
    app_code,
    justified_warnings,
    line_of,
    new_case_module,
    new_module,
    validate,
    validate_json,
    write,
)


def assert_clean_output(
    result: Result, output_format: str, modules: int, warnings: Counter[str] | None = None
) -> None:
    """``result`` is a run over ``modules`` modules in ``output_format`` with no error and
    exactly the justified ``warnings``."""
    warnings = warnings or Counter()
    count = warnings.total()
    assert result.exit_code == 0, (result.stdout, result.stderr)
    plural = "s" if modules != 1 else ""
    summary = (
        f"magegen: {modules} module{plural} checked, 0 errors, "
        f"{count} warning{'s' if count != 1 else ''}"
    )
    if output_format == "text":
        *findings, last = result.stdout.splitlines()
        assert last == summary
        assert Counter(line.rsplit("[", 1)[1].rstrip("]") for line in findings) == warnings
        assert all(": warning: " in line for line in findings)
    elif output_format == "json":
        report = json.loads(result.stdout)
        assert Counter(f["code"] for f in report["findings"]) == warnings
        assert {f["severity"] for f in report["findings"]} <= {"warning"}
        assert (report["errors"], report["warnings"]) == (0, count)
        assert len(report["modules"]) == modules
    elif output_format == "github":
        lines = result.stdout.splitlines()
        assert len(lines) == count
        assert all(line.startswith("::warning ") for line in lines)
    else:
        heading = f"## magegen validate passed: 0 errors, {count} warnings\n"
        assert result.stdout.startswith(heading)
        assert "| error |" not in result.stdout
        assert result.stdout.count("| warning |") == count
        if not count:
            assert result.stdout.count("No findings.") == modules
    if output_format != "text":
        assert summary in result.stderr.splitlines()


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("case", CASE_NAMES)
def test_good_module_is_clean(
    case: str, output_format: str, tmp_path: Path, run_cli: Runner
) -> None:
    module = new_case_module(run_cli, case, tmp_path / "module")
    result = validate(run_cli, module, "--format", output_format)
    warnings = justified_warnings(case_command(case)[1])
    assert_clean_output(result, output_format, modules=1, warnings=warnings)
    strict = validate(run_cli, module, "--strict", "--format", output_format)
    assert strict.exit_code == (1 if warnings else 0)


@pytest.mark.parametrize("output_format", FORMATS)
def test_example_module_is_clean(example: Path, output_format: str, run_cli: Runner) -> None:
    result = validate(run_cli, example, "--format", output_format)
    assert_clean_output(result, output_format, modules=1)


def test_full_access_is_reported_by_module_and_line(tmp_path: Path, run_cli: Runner) -> None:
    spec = write(
        tmp_path / "spec.yaml",
        "integrations:\n  - name: Root\n    email: root@example.com\n    all_resources: true\n",
    )
    module = new_module(run_cli, tmp_path / "Acme" / "Root", spec, "Acme/Root")
    assert justified_warnings(spec) == Counter({"MG308": 1})
    result, report = validate_json(run_cli, module)
    (finding,) = report["findings"]
    integration_xml = module / "etc" / "integration" / "api.xml"
    assert finding["code"] == "MG308"
    assert finding["severity"] == "warning"
    assert finding["file"] == str(integration_xml)
    assert finding["line"] == line_of(integration_xml, "Magento_Backend::all")
    assert result.exit_code == 0


def test_app_code_finds_every_module_recursively(
    tmp_path: Path, run_cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = app_code(run_cli, tmp_path)
    assert len(modules) >= 3
    monkeypatch.chdir(tmp_path)
    result, report = validate_json(run_cli, "app/code")
    assert result.exit_code == 0
    assert Counter(f["code"] for f in report["findings"]) == all_cases_warnings()
    assert sorted(m["name"] for m in report["modules"]) == sorted(modules)
    assert sorted(m["path"] for m in report["modules"]) == sorted(
        str(path.relative_to(tmp_path)) for path in modules.values()
    )
    text = validate(run_cli, "app/code")
    assert_clean_output(text, "text", modules=len(modules), warnings=all_cases_warnings())


def test_several_paths_and_a_module_named_twice_are_checked_once(
    tmp_path: Path, run_cli: Runner
) -> None:
    modules = app_code(run_cli, tmp_path)
    one = next(iter(modules.values()))
    _, report = validate_json(run_cli, tmp_path / "app" / "code", one)
    assert len(report["modules"]) == len(modules)


def test_hidden_folders_are_skipped(tmp_path: Path, run_cli: Runner) -> None:
    modules = app_code(run_cli, tmp_path)
    code = tmp_path / "app" / "code"
    # Broken modules in hidden folders: a git worktree copy and a tool's cache.
    for hidden in (code / ".git" / "Old" / "Copy", code / "Acme" / ".cache" / "Stale"):
        write(hidden / "etc" / "module.xml", MALFORMED_XML)
        write(hidden / "registration.php", "<?php\n$broken = (;\n")
    result, report = validate_json(run_cli, code)
    assert result.exit_code == 0, result.stdout
    assert len(report["modules"]) == len(modules)
    assert ".git" not in result.stdout and ".cache" not in result.stdout


def test_links_are_not_followed_and_module_xml_must_not_be_a_folder(tmp_path: Path) -> None:
    from generator.review.discovery import module_roots

    for folder in ("A/etc", "B/etc", "C", "D/etc", "E/etc/module.xml", "F", "G", ".h/etc"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "A" / "etc" / "module.xml").write_text("<config/>")
    (tmp_path / ".h" / "etc" / "module.xml").write_text("<config/>")  # hidden: not searched
    (tmp_path / "B" / "etc" / "module.xml").symlink_to(tmp_path / "missing")  # listed, broken
    (tmp_path / "D" / "etc" / "module.xml").symlink_to(tmp_path / "A" / "etc" / "module.xml")
    (tmp_path / "C" / "linked").symlink_to(tmp_path / "A")  # a linked folder: not searched
    (tmp_path / "G" / "etc").symlink_to(tmp_path / "A" / "etc")
    assert module_roots([tmp_path]) == [tmp_path / name for name in ("A", "B", "D")]
    # A path given is searched even when it is a link; several paths, each module once.
    assert module_roots([tmp_path / "G" / "etc", tmp_path / "A", tmp_path]) == [
        tmp_path / name for name in ("A", "B", "D", "G")
    ]
