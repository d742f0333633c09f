"""The spec key `catalog:`: a catalog file relative to the spec, used when neither the command
line nor the environment names a store; a broken file is refused at the key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.fake_magento import FakeRoot
from tests.test_catalog_file import add_own_module

SUBTREE = "Own_Res::sync/**"


@pytest.fixture
def store(magento_root: FakeRoot, tmp_path: Path, run_cli: Callable[..., Result]) -> Path:
    """A catalog file of a fake root with Own_Res, under project/ci/; the root is gone."""
    add_own_module(magento_root)
    output = tmp_path / "project" / "ci" / "magento-catalog.json"
    output.parent.mkdir(parents=True)
    result = run_cli("catalog", "--magento-root", magento_root.path, "-o", output)
    assert result.exit_code == 0, result.stderr
    import shutil

    shutil.rmtree(magento_root.path)
    return output


def write_spec(folder: Path, catalog: str | None) -> Path:
    lines = ["name: Acme/Sync"]
    if catalog is not None:
        lines.append(f"catalog: {catalog}")
    lines += ["integrations:", "  - name: Sync", "    email: sync@example.com"]
    lines += ["    resources:", f"      - {SUBTREE}"]
    spec = folder / "spec.yaml"
    spec.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return spec


def granted(target: Path) -> list[str]:
    api = (target / "etc" / "integration" / "api.xml").read_text(encoding="utf-8")
    return [line.split('"')[1] for line in api.splitlines() if "<resource " in line]


def test_the_spec_catalog_is_read_relative_to_the_spec(
    store: Path,
    tmp_path: Path,
    run_cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MAGEGEN_CATALOG", raising=False)
    monkeypatch.delenv("MAGENTO_ROOT", raising=False)
    spec = write_spec(store.parent.parent, "ci/magento-catalog.json")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run_cli("new", spec, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert granted(tmp_path / "out") == ["Own_Res::sync", "Own_Res::sync_read"]


def test_without_the_key_the_subtree_of_an_unknown_module_is_refused(
    store: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(store.parent.parent, None)
    result = run_cli("new", spec, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "does not know the module Own_Res" in result.stderr


def broken(folder: Path) -> Path:
    bad = folder / "broken.json"
    bad.write_text('{"format": 1, "acl": [', encoding="utf-8")
    return bad


@pytest.mark.parametrize("how", ["option", "environment"])
def test_the_command_line_and_environment_win_over_the_key(
    store: Path, tmp_path: Path, run_cli: Callable[..., Result], monkeypatch, how: str
) -> None:
    broken(store.parent)
    spec = write_spec(store.parent.parent, "ci/broken.json")
    args: list[object] = ["new", spec, "-o", tmp_path / "out"]
    if how == "option":
        args += ["--catalog", store]
    else:
        monkeypatch.setenv("MAGEGEN_CATALOG", str(store))
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    assert granted(tmp_path / "out") == ["Own_Res::sync", "Own_Res::sync_read"]


@pytest.mark.parametrize("content", ['{"format": 1, "acl": [', '{"format": 99}', None])
def test_a_broken_or_missing_catalog_is_refused_at_the_key(
    tmp_path: Path, run_cli: Callable[..., Result], monkeypatch, content: str | None
) -> None:
    monkeypatch.delenv("MAGEGEN_CATALOG", raising=False)
    monkeypatch.delenv("MAGENTO_ROOT", raising=False)
    if content is not None:
        (tmp_path / "cat.json").write_text(content, encoding="utf-8")
    spec = write_spec(tmp_path, "cat.json")
    target = tmp_path / "out"
    result = run_cli("new", spec, "-o", target)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{spec}:2:10: error: catalog: catalog file {tmp_path / 'cat.json'}")
    assert "not a usable magegen catalog" in line
    assert "Traceback" not in result.stderr
    assert not target.exists()


def test_acl_diff_reads_the_spec_catalog(
    store: Path, run_cli: Callable[..., Result], monkeypatch
) -> None:
    monkeypatch.delenv("MAGEGEN_CATALOG", raising=False)
    old = write_spec(store.parent.parent, "ci/magento-catalog.json")
    new = old.with_name("new.yaml")
    new.write_text(old.read_text().replace(SUBTREE, "Own_Res::sync"), encoding="utf-8")
    result = run_cli("acl-diff", old, new)
    assert result.exit_code == 1, result.stderr
    assert "- Own_Res::sync_read" in result.stdout
