"""Issue 20, items 11 and 24: the spec key ``catalog:`` is confined like ``templates:``, and a
spec read from a pipe (``<(git show main:spec.yaml)``) reads it from the current folder.

Specs arrive in pull requests: their ``catalog:`` may name only a regular file inside the
spec's own folder; an absolute path, ``..``, a link out, a FIFO or a device is refused at the key
(exit 2, no hang), before anything is written.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.magento.snapshot import to_text
from tests.conftest import REPO
from tests.test_catalog_file_hostile import valid_document
from tests.validate_kit import Runner, assert_no_traceback, write

SPEC = """\
name: Acme/Sync
catalog: {catalog}
integrations:
  - name: Sync
    email: sync@example.com
    resources: [Magento_Sales::reorder]
"""


def _spec(folder: Path, catalog: str) -> Path:
    return write(folder / "spec.yaml", SPEC.format(catalog=catalog))


def _catalog(path: Path) -> Path:
    return write(path, to_text(valid_document()))


@pytest.mark.parametrize("command", ["new", "acl-diff", "routes"])
@pytest.mark.parametrize("shape", ["absolute", "dot-dot", "link out"])
def test_a_catalog_outside_the_spec_folder_is_refused(
    run_cli: Runner, tmp_path: Path, command: str, shape: str
) -> None:
    outside = _catalog(tmp_path / "elsewhere" / "catalog.json")
    project = tmp_path / "project"
    project.mkdir()
    catalog = {"absolute": str(outside), "dot-dot": "../elsewhere/catalog.json",
               "link out": "linked.json"}[shape]
    if shape == "link out":
        (project / "linked.json").symlink_to(outside)
    spec = _spec(project, catalog)
    args = {"new": ("new", spec, "-o", tmp_path / "out"),
            "acl-diff": ("acl-diff", spec, spec),
            "routes": ("routes", "--spec", spec)}[command]
    result = run_cli(*args)
    assert_no_traceback(result)
    assert result.exit_code == 2
    assert f"{spec}:2:10: error: catalog: catalog file" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_a_special_file_is_refused_without_hanging(tmp_path: Path, kind: str) -> None:
    project = tmp_path / "project"
    project.mkdir()
    target = project / "catalog.json"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "device":
        target.symlink_to("/dev/zero")  # inside? no: a link out, refused as well
    else:
        target.mkdir()
    spec = _spec(project, "catalog.json")
    done = subprocess.run(
        [sys.executable, "-m", "generator", "new", str(spec), "-o", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 2, done.stderr
    assert "catalog: catalog file" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_catalog_inside_the_spec_folder_is_read(run_cli: Runner, tmp_path: Path) -> None:
    project = tmp_path / "project"
    _catalog(project / "ci" / "catalog.json")
    result = run_cli("new", _spec(project, "ci/catalog.json"), "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr


def _piped(args: list[str], spec_text: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``magegen ARGS`` where the first {pipe} is a process substitution giving spec_text."""
    read, write_end = os.pipe()
    os.write(write_end, spec_text.encode())
    os.close(write_end)
    try:
        argv = [a.replace("{pipe}", f"/dev/fd/{read}") for a in args]
        return subprocess.run(
            [sys.executable, "-m", "generator", *argv], capture_output=True, text=True,
            timeout=120, cwd=cwd, pass_fds=(read,), env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    finally:
        os.close(read)


def test_a_piped_spec_reads_its_catalog_from_the_current_folder(tmp_path: Path) -> None:
    project = tmp_path / "project"
    _catalog(project / "ci" / "catalog.json")
    spec = _spec(project, "ci/catalog.json")
    done = _piped(["acl-diff", "{pipe}", str(spec)], spec.read_text(encoding="utf-8"), project)
    assert done.returncode == 0, done.stderr
    assert "No integration permissions change" in done.stdout


def test_a_piped_spec_says_what_to_pass(tmp_path: Path) -> None:
    project = tmp_path / "project"
    _catalog(project / "ci" / "catalog.json")
    spec = _spec(project, "ci/catalog.json")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = _piped(["acl-diff", "{pipe}", str(spec)], spec.read_text(encoding="utf-8"), elsewhere)
    assert done.returncode == 2
    assert "came from a pipe" in done.stderr and "--catalog FILE" in done.stderr
    assert "Traceback" not in done.stderr
