"""The bundled per-release data is what scripts/build_releases.py derives from Magento's own files
(../shared/magento-releases.git), and on every release a spec targeting it gets exactly that
release's truth: its enabled ids accepted, the ids it lacks or disables refused, its ancestors in
api.xml, its php and its package versions in composer.json.

The repository is derived once per session; every release is then checked in bulk, in-process.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.magento.acl import ADMIN, ALL
from generator.magento.constraints import admits, parse_constraint, release_key
from generator.magento.defaults import FILE as DEFAULTS
from generator.magento.releasefacts import Facts
from generator.magento.releases import DATA, known_releases, release_acl, release_modules
from generator.spec.reader import load_spec
from tests.conftest import REPO, shared_folder, unavailable

SCRIPT = REPO / "scripts" / "build_releases.py"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_releases", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_releases"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def derived() -> dict[str, list[Facts]]:
    """Every bundled release's facts, derived from the releases repository (once)."""
    repository = shared_folder() / "magento-releases.git"
    extra = shared_folder() / "magento-extra"
    if not (repository / "HEAD").is_file() or not (extra / "SOURCE.md").is_file():
        unavailable(f"the releases repository is not at {repository} (../shared)")
    return _script().derive_all(repository, [extra])


@pytest.fixture(scope="session")
def facts(derived: dict[str, list[Facts]]) -> dict[str, Facts]:
    return {f.release: f for line in derived.values() for f in line}


def test_the_bundled_data_is_what_the_script_derives(derived: dict[str, list[Facts]]) -> None:
    files = _script().documents(derived)
    # defaults.json is computed from these files by magegen itself (tests/test_target_unions.py)
    bundled = {p.name: p.read_text(encoding="utf-8") for p in DATA.iterdir() if p.name != DEFAULTS}
    assert sorted(bundled) == sorted(files)
    for name, text in files.items():
        assert bundled[name] == text, name


def test_the_data_is_compact(derived: dict[str, list[Facts]]) -> None:
    size = sum(path.stat().st_size for path in DATA.iterdir())
    assert size < 600_000  # 49 releases; one copy each would be about 12 MB
    assert [r.name for r in known_releases()] == [f.release for f in sum(derived.values(), [])]


def _write_spec(folder: Path, release: str, resources: list[str], sequence: list[str]) -> Path:
    lines = [f'magento: "{release}"', f"module: {{sequence: [{', '.join(sequence)}]}}"]
    lines += ["integrations:", "  - name: Check", "    email: check@example.com", "    resources:"]
    lines += [f"      - {r}" for r in resources]
    path = folder / f"{release}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ancestors(facts: Facts, resource_id: str) -> list[str]:
    parents = {r.id: r.parent for r in facts.acl}
    chain, current = [], parents[resource_id]
    while current is not None and current != ADMIN:
        chain.append(current)
        current = parents[current]
    return chain


def test_every_release_accepts_its_enabled_ids_with_its_ancestors_php_and_versions(
    facts: dict[str, Facts], tmp_path: Path
) -> None:
    for name, release in facts.items():
        enabled = [r.id for r in release.acl if not r.disabled and r.id not in (ALL, ADMIN)]
        sequence = ["Magento_Catalog", "Magento_InventoryCatalog", "Magento_AdobeIms"]
        loaded = load_spec(_write_spec(tmp_path, name, enabled, sequence), "Acme/Check")
        granted = set(loaded.spec.integrations[0].resources)
        expected = set(enabled) | {a for i in enabled for a in _ancestors(release, i)}
        assert granted == expected, name
        require = dict(loaded.spec.composer_require)
        assert require["php"] == release.php, name
        versions = {p.name: p.version for p in release.packages}
        modules = {m.module: m.package for m in release.modules}
        for module in sequence:
            package = modules[module]
            admitted = parse_constraint(require[package])
            assert admits(admitted, release_key(versions[package])), (name, package)
        framework = parse_constraint(require["magento/framework"])
        assert admits(framework, release_key(release.framework)), name


def test_every_release_refuses_the_ids_of_its_modules_it_lacks_or_disables(
    facts: dict[str, Facts], tmp_path: Path
) -> None:
    every = {r.id for release in facts.values() for r in release.acl}
    checked = 0
    for name, release in facts.items():
        enabled = {r.id for r in release.acl if not r.disabled}
        modules = {m.module for m in release.modules}
        refused = sorted(
            i for i in every - enabled if i.partition("::")[0] in modules or i in release_acl(name)
        )
        if not refused:
            continue
        with pytest.raises(SpecError) as caught:
            load_spec(_write_spec(tmp_path, name, refused, []), "Acme/Check")
        lines = {p.line for p in caught.value.problems if p.severity == "error"}
        assert lines == set(range(7, 7 + len(refused))), (name, refused)
        for problem in caught.value.problems:
            assert "did you mean" not in problem.message
            assert name in problem.message or "to" in problem.message
        checked += len(refused)
    assert checked > 100  # api_actions, Csp, MSI, disabled ids ... across 49 releases


def test_package_versions_move_between_releases(facts: dict[str, Facts]) -> None:
    inventory = "magento/module-inventory-catalog"
    versions = {n: {p.name: p.version for p in f.packages}[inventory] for n, f in facts.items()}
    assert versions["2.4.4"].startswith("1.2.") and versions["2.4.6"].startswith("1.3.")
    catalog = release_modules("2.4.6").modules["Magento_InventoryCatalog"]
    assert catalog.version == versions["2.4.6"] and catalog.constraint == "1.3.*"
