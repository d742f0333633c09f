"""The targets' modules taken together (``targetset.union_modules``) are what each targeted
release's own module catalog says, merged: the newest declaration of each module (the newest
release's modules first, in its order, then those only older ones ship), with a constraint that
admits the package's release line in every targeted release that ships it.

The union is computed from the distinct rows of the bundled table; here it is rebuilt release by
release from ``release_modules``, for the default targets and for other target sets. The default
targets' choice and union are stored when the data is built (data/releases/defaults.json): the
stored ones are what magegen computes, and a stored file that no longer fits is ignored.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.magento.acl import ModulePackage
from generator.magento.defaults import FILE, SOURCES, stored_defaults
from generator.magento.lines import line_facts
from generator.magento.releases import DATA, known_releases, release_modules
from generator.magento.targetset import (
    default_targets,
    merged_modules,
    select_releases,
    union_modules,
)
from tests.conftest import EXAMPLE_NAME, EXAMPLE_SPEC, REPO

BUILD_DEFAULTS = REPO / "scripts" / "build_defaults.py"


def _release_by_release(names: tuple[str, ...]) -> dict[str, ModulePackage]:
    constraints: dict[str, dict[str, None]] = {}
    for name in names:
        for module, package in release_modules(name).modules.items():
            if package.constraint:
                constraints.setdefault(module, {})[package.constraint] = None
    merged: dict[str, ModulePackage] = {}
    for name in reversed(names):
        for module, package in release_modules(name).modules.items():
            if module not in merged:
                joined = "||".join(constraints.get(module, ())) or package.constraint
                merged[module] = package._replace(version=None, constraint=joined)
    return merged


TARGET_SETS = [">=2.4.7", ">=2.4.4", "2.4.6.*", ">=2.4.5 <2.4.7", "~2.4.8", "2.4.4 || 2.4.8"]


@pytest.mark.parametrize("constraint", TARGET_SETS)
def test_the_union_of_modules_is_each_release_merged(constraint: str) -> None:
    names = select_releases(constraint).names
    union = merged_modules(names).modules
    expected = _release_by_release(names)
    assert list(union) == list(expected)  # the same order, too
    assert union == expected


def test_a_package_that_moved_to_another_line_admits_both() -> None:
    union = union_modules(select_releases(">=2.4.4").names).modules
    assert union["Magento_AdminAdobeIms"].constraint == "100.4.*||100.5.*"
    assert all(p.version is None for p in union.values())
    assert len(default_targets().names) > 1


def test_one_release_is_its_own_catalog() -> None:
    newest = known_releases()[-1].name
    assert union_modules((newest,)) == release_modules(newest)


def _build_defaults():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_defaults", BUILD_DEFAULTS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_stored_defaults_are_what_magegen_computes() -> None:
    """data/releases/defaults.json is scripts/build_defaults.py's output for the bundled tables."""
    assert (DATA / FILE).read_text(encoding="utf-8") == _build_defaults().defaults_text()


def test_the_stored_default_targets_are_the_chosen_ones() -> None:
    constraint = line_facts().default_targets
    assert stored_defaults(DATA, constraint) is not None  # in use, not ignored
    assert default_targets() == select_releases(constraint, notes=False)
    names = default_targets().names
    stored, computed = union_modules(names), merged_modules(names)
    assert stored == computed
    assert list(stored.modules) == list(computed.modules)


@pytest.mark.parametrize("changed", SOURCES)
def test_stored_defaults_of_other_files_or_facts_are_ignored(tmp_path: Path, changed: str) -> None:
    folder = tmp_path / "releases"
    folder.mkdir()
    for name in (f"releases/{FILE}", *SOURCES):
        shutil.copyfile(DATA.parent / name, tmp_path / name)
    constraint = line_facts().default_targets
    read = stored_defaults.__wrapped__  # uncached: the files change below
    assert read(folder, constraint) is not None
    assert read(folder, ">=2.4.8") is None  # lines.json names other defaults now
    source = tmp_path / changed
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert read(folder, constraint) is None  # a table or a line fact changed since
    source.unlink()
    assert read(folder, constraint) is None
    (folder / FILE).unlink()
    assert read(folder, constraint) is None


def _malformed(document: dict) -> list[object]:
    """Files that keep the right header (format, constraint, digest) but not the shape."""
    modules = document["modules"]
    return [
        [],
        "text",
        {key: value for key, value in document.items() if key != "framework"},
        {key: value for key, value in document.items() if key != "modules"},
        {**document, "modules": [modules[0][:3], *modules[1:]]},
        {**document, "modules": [[1, 2, 3, 4, 5], *modules[1:]]},
        {**document, "modules": None},
        {**document, "releases": [["2.4.7"]]},
    ]


def test_a_malformed_stored_file_is_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "releases"
    folder.mkdir()
    for name in (f"releases/{FILE}", *SOURCES):
        shutil.copyfile(DATA.parent / name, tmp_path / name)
    constraint = line_facts().default_targets
    read = stored_defaults.__wrapped__
    document = json.loads((folder / FILE).read_text(encoding="utf-8"))
    for malformed in _malformed(document):
        header = {k: document[k] for k in ("format", "constraint", "digest")}
        text = json.dumps({**malformed, **header} if isinstance(malformed, dict) else malformed)
        (folder / FILE).write_text(text, encoding="utf-8")
        assert read(folder, constraint) is None, text[:80]


def test_new_with_a_malformed_stored_file_writes_what_it_writes_without(tmp_path: Path) -> None:
    """In a copy of magegen whose defaults.json keeps its header but lost its modules, ``new``
    computes the default targets and writes the same module, without a traceback."""
    copy = tmp_path / "copy"
    for part in ("generator", "schemas", "templates"):
        shutil.copytree(REPO / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    stored = copy / "generator" / "magento" / "data" / "releases" / FILE
    document = json.loads(stored.read_text(encoding="utf-8"))
    stored.write_text(json.dumps({**document, "modules": [["Magento_Sales"]]}), encoding="utf-8")
    written = {}
    for name, code in (("copy", copy), ("repo", REPO)):
        target = tmp_path / name / "module"
        result = subprocess.run(
            [sys.executable, "-m", "generator", "new", EXAMPLE_NAME, str(EXAMPLE_SPEC), "-o",
             str(target)],
            env={**os.environ, "PYTHONPATH": str(code)},
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        written[name] = {
            p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()
        }
    assert written["copy"] == written["repo"] and written["repo"]
