"""The command line and the writer: never overwrite silently, never leave half a module."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator import __version__
from generator.pipeline import new as pipeline
from generator.pipeline.render import RenderedFile
from tests.conftest import EXAMPLE_SPEC, snapshot, sync_path_of

NAME = "Beehexa/IntegrationManager"


def test_version_and_help(run_cli: Callable[..., Result]) -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"magegen, version {__version__}\n"
    result = run_cli("new", "--help")
    assert result.exit_code == 0
    assert (
        "Vendor/Module" in result.stdout
        and "--force" in result.stdout
        and "--output" in result.stdout
    )


def test_default_output_is_app_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("new", NAME, EXAMPLE_SPEC)
    assert result.exit_code == 0, result.stderr
    root = Path("app/code/Beehexa/IntegrationManager")
    assert result.stderr.splitlines() == [
        str(root / "registration.php"),
        str(root / "composer.json"),
        str(root / "etc/module.xml"),
        str(root / "etc/integration/config.xml"),
        str(root / "etc/integration/api.xml"),
        str(root / "Setup/InstallData.php"),
        str(root / sync_path_of(NAME, EXAMPLE_SPEC)),
    ]
    assert sorted(p.name for p in (tmp_path / "app/code/Beehexa").iterdir()) == [
        "IntegrationManager"
    ]


def test_refuses_a_folder_with_files_and_lists_them(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "module"
    (out / "etc").mkdir(parents=True)
    (out / "etc" / "module.xml").write_text("<config/>\n")
    (out / "README.md").write_text("mine\n")
    before = snapshot(out)
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{out}: error: already holds files; use --force to rewrite magegen's files",
        f"{out / 'README.md'}: error: exists",
        f"{out / 'etc/module.xml'}: error: exists",
    ]
    assert snapshot(out) == before


def test_an_empty_folder_is_filled(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    out = tmp_path / "module"
    out.mkdir()
    assert run_cli("new", NAME, EXAMPLE_SPEC, "-o", out).exit_code == 0
    assert (out / "etc" / "integration" / "api.xml").is_file()


def test_force_rewrites_only_generated_files(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "module"
    assert run_cli("new", NAME, EXAMPLE_SPEC, "-o", out).exit_code == 0
    (out / "README.md").write_text("my notes\n")
    (out / "etc" / "di.xml").write_text("<config/>\n")
    (out / "etc" / "module.xml").write_text("<config>edited</config>\n")
    os.chmod(out / "etc" / "module.xml", 0o640)
    before = snapshot(out)

    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--force")

    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [str(out / "etc" / "module.xml")]
    after = snapshot(out)
    for mine in ("README.md", "etc/di.xml"):
        assert after[mine] == before[mine]
    for untouched in ("registration.php", "composer.json", "etc/integration/api.xml"):
        assert after[untouched] == before[untouched], f"{untouched} was rewritten"
    assert b"edited" not in after["etc/module.xml"][0]
    assert (out / "etc" / "module.xml").stat().st_mode & 0o777 == 0o640


def test_force_warns_about_files_the_spec_no_longer_generates(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "module"
    assert run_cli("new", NAME, EXAMPLE_SPEC, "-o", out).exit_code == 0
    plain = tmp_path / "plain.yaml"
    plain.write_text(
        "module: {version: 1.0.1}\nintegrations: [{name: testIntegration2, retired: true}]\n"
    )
    # An InstallData a person edited is not provably magegen's, so it is not removed either.
    install_data = out / "Setup" / "InstallData.php"
    install_data.write_text(install_data.read_text().replace("    }\n}", "    }\n}\n// mine"))
    result = run_cli("new", NAME, plain, "-o", out, "--force")
    assert result.exit_code == 0, result.stderr
    for stale in ("Setup/InstallData.php", "etc/integration/config.xml"):
        assert f"{out / stale}: warning: magegen generated this file before" in result.stderr
        assert (out / stale).is_file(), "a stale file is reported, not deleted"


def test_target_that_is_a_file(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    out = tmp_path / "module"
    out.write_text("not a folder\n")
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out)
    assert result.exit_code == 2
    assert result.stderr == f"{out}: error: exists and is not a folder\n"
    assert out.read_text() == "not a folder\n"


def test_force_never_follows_a_link_in_place_of_a_generated_file(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "module"
    assert run_cli("new", NAME, EXAMPLE_SPEC, "-o", out).exit_code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (out / "composer.json").unlink()
    (out / "composer.json").symlink_to(victim)
    (out / "etc" / "module.xml").write_text("<config>edited</config>\n")
    before = snapshot(out)
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out, "--force")
    assert result.exit_code == 2
    assert "is not a regular file; not replacing it" in result.stderr
    assert victim.read_text() == "precious\n"
    assert snapshot(out) == before, "nothing is written when any file cannot be"


def test_failed_checks_write_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    """If a rendered file fails its checks, every problem is listed and no file is written."""

    def broken_render(spec: object, templates: object = None) -> tuple[RenderedFile, ...]:
        return (
            RenderedFile(
                "registration.php", b"<?php\nComponentRegistrar::register('A_B', __DIR__;\n"
            ),
            RenderedFile(
                "etc/module.xml",
                b'<?xml version="1.0"?>\n<config>\n    <module name="bad"/>\n</config>\n',
            ),
            RenderedFile("etc/integration/api.xml", b"<integrations>\n<integration>\n"),
        )

    monkeypatch.setattr(pipeline, "render", broken_render)
    out = tmp_path / "module"
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "registration.php:2: error: '(' is never closed",
        "etc/module.xml:3: error: does not match module.xsd: Element 'module', attribute 'name': "
        "[facet 'pattern'] The value 'bad' is not accepted by the pattern "
        "'[A-Z]+[A-Za-z0-9]{1,}_[A-Z]+[A-Za-z0-9]{1,}'.",
        "etc/integration/api.xml:3: error: malformed XML: "
        "Premature end of data in tag integration line 2, line 3, column 1",
    ]
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [], "no staging folder is left behind"


def test_no_staging_folder_is_left_after_success(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "nested" / "module"
    assert run_cli("new", NAME, EXAMPLE_SPEC, "-o", out).exit_code == 0
    assert [p.name for p in out.parent.iterdir()] == ["module"]


def test_unexpected_failure_is_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    def explode(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "render", explode)
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", tmp_path / "module")
    assert result.exit_code == 70
    assert "internal error" in result.stderr and "RuntimeError: boom" in result.stderr


def test_output_under_app_code_that_does_not_match_the_name_warns(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "app" / "code" / "Foo" / "Bar"
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out)
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        f"{out}: warning: Magento autoloads app/code/Beehexa/IntegrationManager for the "
        "namespace Beehexa\\IntegrationManager; from this folder its classes will not be found"
    )


def test_output_under_app_code_that_matches_does_not_warn(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "app" / "code" / "Beehexa" / "IntegrationManager"
    result = run_cli("new", NAME, EXAMPLE_SPEC, "-o", out)
    assert result.exit_code == 0
    assert "warning" not in result.stderr


def test_changing_integrations_of_an_installed_module_replaces_the_sync_patch(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "module"
    assert run_cli("new", NAME, EXAMPLE_SPEC, "-o", out).exit_code == 0
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        EXAMPLE_SPEC.read_text().replace(
            "      - Magento_Sales::reorder\n",
            "      - Magento_Sales::reorder\n      - Magento_Sales::cancel\n",
        )
    )
    old = out / sync_path_of(NAME, EXAMPLE_SPEC)
    result = run_cli("new", NAME, changed, "-o", out, "--force")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"{old}: note: magegen's own superseded data patch (it renders to these exact bytes): "
        "removed, so that a fresh store never runs it; stores that applied it keep it recorded "
        "and run the new sync patch once",
        str(out / "etc/integration/api.xml"),
        str(out / sync_path_of(NAME, changed)),
    ]
    assert not old.exists()
