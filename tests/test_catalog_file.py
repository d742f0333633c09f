"""``magegen catalog`` and ``--catalog`` / ``$MAGEGEN_CATALOG``: a store's catalog, built from a
fake installation of each layout, round-tripped, and used by every command that accepts
``--magento-root`` with the installation gone.

Each fake root (tests/fake_magento.py) gets a custom module under app/code, Own_Res, whose
acl.xml declares ``Own_Res::sync`` > ``Own_Res::sync_read``, and a root composer.json that says
which Magento it is.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.magento.catalogs import CatalogFile, catalogs
from generator.magento.snapshot import load_snapshot, read_document, to_text
from tests.fake_magento import ACL_XML, MODULE_XML, FakeRoot
from tests.test_magento_root import granted, write_spec

NAME = "Acme/Sync"
OWN_RESOURCES = """\
                <resource id="Own_Res::sync" title="Own Sync" sortOrder="30">
                    <resource id="Own_Res::sync_read" title="Read Sync"/>
                </resource>"""
OWN_CHAIN = ["Own_Res::sync", "Own_Res::sync_read"]
OWN_WEBAPI = """<?xml version="1.0"?>
<routes xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
        xsi:noNamespaceSchemaLocation="urn:magento:module:Magento_Webapi:etc/webapi.xsd">
    <route url="/V1/own/sync" method="GET">
        <service class="Own\\Res\\Api\\SyncInterface" method="getList"/>
        <resources>
            <resource ref="Own_Res::sync_read"/>
        </resources>
    </route>
</routes>
"""


def add_own_module(root: FakeRoot) -> None:
    """Own_Res in app/code (whatever the layout), with no composer.json, as custom code is."""
    etc = root.path / "app" / "code" / "Own" / "Res" / "etc"
    etc.mkdir(parents=True)
    (etc / "acl.xml").write_text(ACL_XML.format(body=OWN_RESOURCES), encoding="utf-8")
    sequence = '            <module name="Magento_Backend"/>'
    (etc / "module.xml").write_text(
        MODULE_XML.format(name="Own_Res", sequence=sequence), encoding="utf-8"
    )
    (etc / "webapi.xml").write_text(OWN_WEBAPI, encoding="utf-8")
    if root.layout == "git":
        manifest = {"name": "magento/magento2ce", "version": "2.4.4"}
    else:
        require = {"magento/product-community-edition": "2.4.4"}
        manifest = {"name": "magento/project-community-edition", "require": require}
    (root.path / "composer.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.fixture
def store(magento_root: FakeRoot, tmp_path: Path, run_cli: Callable[..., Result]) -> Path:
    """A catalog file of a fake root with Own_Res; the root itself is deleted."""
    add_own_module(magento_root)
    output = tmp_path / "ci" / "magento-catalog.json"
    output.parent.mkdir()
    result = run_cli("catalog", "--magento-root", magento_root.path, "-o", output)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    shutil.rmtree(magento_root.path)
    return output


def test_the_catalog_holds_the_store(magento_root: FakeRoot, tmp_path: Path) -> None:
    add_own_module(magento_root)
    output = tmp_path / "catalog.json"
    from generator.magento.snapshot import write_catalog

    assert write_catalog(magento_root.path, output) == ()
    document = json.loads(output.read_text(encoding="utf-8"))
    expected_source = {
        "git": "composer.json",
        "composer": "composer.json (require magento/product-community-edition)",
    }[magento_root.layout]
    assert document["magento"] == {"version": "2.4.4", "source": expected_source}
    assert document["format"] == 1
    own = document["modules"]["Own_Res"]
    assert own == {
        "constraint": None,
        "installed": True,
        "origin": "installation",
        "package": None,
        "sequence": ["Magento_Backend"],
        "version": None,
    }
    erp = document["modules"]["Acme_Erp"]
    assert (erp["package"], erp["version"], erp["constraint"]) == (
        "acme/module-erp",
        "2.3.1",
        "2.3.*",
    )
    assert erp["sequence"] == ["Magento_Backend"]
    sales = document["modules"]["Magento_Sales"]
    assert (sales["origin"], sales["installed"], sales["version"]) == ("core", True, "103.0.4")
    assert "Magento_Cms" not in document["modules"]  # the store alone: nothing bundled
    ids = [entry["id"] for entry in document["acl"]]
    assert ids.index("Own_Res::sync") < ids.index("Own_Res::sync_read")
    assert {"method": "GET", "url": "/V1/own/sync", "resources": ["Own_Res::sync_read"]} in (
        document["routes"]
    )


def test_the_file_is_deterministic_and_free_of_machine_paths(
    magento_root: FakeRoot, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    add_own_module(magento_root)
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    for output in (first, second):
        assert run_cli("catalog", "--magento-root", magento_root.path, "-o", output).exit_code == 0
    text = first.read_text(encoding="utf-8")
    assert text == second.read_text(encoding="utf-8")
    assert str(tmp_path) not in text and "magento-" + magento_root.layout not in text
    assert text == to_text(json.loads(text))  # sorted keys, as written
    assert oct(first.stat().st_mode & 0o777) != oct(0o600)  # a normal file, not mkstemp's


def test_round_trip_gives_the_catalogs_of_the_installation(
    magento_root: FakeRoot, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    add_own_module(magento_root)
    output = tmp_path / "catalog.json"
    assert run_cli("catalog", "--magento-root", magento_root.path, "-o", output).exit_code == 0
    direct = catalogs(magento_root.path)
    loaded = catalogs(CatalogFile(output))
    assert loaded.acl.resources == direct.acl.resources
    assert loaded.modules.framework == direct.modules.framework
    assert set(loaded.modules.modules) == set(direct.modules.modules)
    for name, module in direct.modules.modules.items():
        # The catalog adds module.xml's sequence where --magento-root has none.
        assert loaded.modules.modules[name] == module._replace(
            sequence=loaded.modules.modules[name].sequence
        )
    sales = direct.modules.modules["Magento_Sales"]
    assert loaded.modules.modules["Magento_Sales"].sequence == sales.sequence
    assert loaded.snapshot is not None and loaded.from_store
    assert "Own_Res" in loaded.snapshot.installed
    assert to_text(read_document(output)) == output.read_text(encoding="utf-8")
    assert load_snapshot(output).versions["Acme_Erp"] == "2.3.1"


def test_acl_finds_the_custom_id_with_no_installation(
    store: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_cli("acl", "--catalog", store, "Own_Res::sync_read")
    assert result.exit_code == 0, result.stderr
    assert "Own_Res::sync_read" in result.stdout and "Own Sync > Read Sync" in result.stdout
    assert run_cli("acl", "Own_Res::sync_read").exit_code == 1
    monkeypatch.setenv("MAGEGEN_CATALOG", str(store))
    result = run_cli("acl", "--format", "json", "Own_Res::sync")
    assert result.exit_code == 0, result.stderr
    assert "Own_Res::sync" in result.stdout


def test_new_accepts_the_custom_id_with_no_installation(
    store: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = write_spec(tmp_path, ["Own_Res::sync_read"])
    bare = run_cli("new", NAME, spec, "-o", tmp_path / "bare")
    # Without the store's catalog the id's module is unknown: a warning, and no parents added.
    assert bare.exit_code == 0, bare.stderr
    assert "warning" in bare.stderr and "Own_Res" in bare.stderr
    assert granted(tmp_path / "bare") != OWN_CHAIN
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec, "-o", out, "--catalog", store)
    assert result.exit_code == 0, result.stderr
    assert granted(out) == OWN_CHAIN


def test_validate_acl_diff_and_spec_from_accept_the_catalog(
    store: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    old = write_spec(tmp_path / "old", ["Magento_Sales::reorder"], sequence=["Own_Res"])
    grants = ["Magento_Sales::reorder", "Own_Res::sync_read"]
    new = write_spec(tmp_path / "new", grants, sequence=["Own_Res"])
    module = tmp_path / "module"
    assert run_cli("new", NAME, new, "-o", module, "--catalog", store).exit_code == 0

    diff = run_cli("acl-diff", old, new, "--catalog", store)
    assert diff.exit_code == 1, diff.stderr
    assert "Own_Res::sync_read" in diff.stdout and "Read Sync" in diff.stdout
    # Without the store, the id's module is unknown: the grant shows, but with no title.
    bare = run_cli("acl-diff", old, new)
    assert bare.exit_code == 1, bare.stderr
    assert "Own_Res::sync_read" in bare.stdout and "Read Sync" not in bare.stdout

    strict = run_cli("validate", module, "--no-php", "--strict", "--catalog", store)
    assert strict.exit_code == 0, strict.stdout + strict.stderr
    assert run_cli("validate", module, "--no-php", "--strict").exit_code == 1

    spec = run_cli("spec-from", module, "--catalog", store)
    assert spec.exit_code == 0, spec.stderr
    assert "Own_Res::sync_read" in spec.stdout


def test_validate_checks_many_modules_in_parallel_against_the_catalog(
    store: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """From PARALLEL_FROM modules on, workers check: they must use the catalog file too."""
    from generator.review.validate import PARALLEL_FROM

    spec = write_spec(tmp_path, ["Own_Res::sync_read"], sequence=["Own_Res"])
    first = tmp_path / "many" / "m0"
    assert run_cli("new", NAME, spec, "-o", first, "--catalog", store).exit_code == 0
    for index in range(1, PARALLEL_FROM + 1):
        shutil.copytree(first, tmp_path / "many" / f"m{index}")
    result = run_cli("validate", tmp_path / "many", "--no-php", "--strict", "--catalog", store)
    assert result.exit_code == 0, result.stdout[:2000]
    assert f"{PARALLEL_FROM + 1} modules checked, 0 errors, 0 warnings" in result.stdout


def test_magento_root_and_catalog_are_exclusive(
    store: Path, tmp_path: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_cli("acl", "--catalog", store, "--magento-root", tmp_path)
    assert result.exit_code == 2
    assert (
        result.stderr == "--magento-root and --catalog: error: name two stores: give one of them\n"
    )
    # An option on the command line wins over the other's environment variable.
    monkeypatch.setenv("MAGENTO_ROOT", str(tmp_path / "nowhere"))
    assert run_cli("acl", "--catalog", store, "Own_Res::sync").exit_code == 0
    monkeypatch.setenv("MAGEGEN_CATALOG", str(store))
    both = run_cli("acl", "Own_Res::sync")
    assert both.exit_code == 2 and "MAGENTO_ROOT and MAGEGEN_CATALOG" in both.stderr


def test_catalog_needs_a_magento_root(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("catalog", "-o", tmp_path / "x.json")
    assert result.exit_code == 2 and "--magento-root" in result.stderr
    assert not (tmp_path / "x.json").exists()
    missing = run_cli("catalog", "--magento-root", tmp_path / "none", "-o", tmp_path / "x.json")
    assert missing.exit_code == 2 and "not a folder" in missing.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_catalog_records_the_stores_routes(store: Path) -> None:
    routes = read_document(store)["routes"]
    own = [r for r in routes if r["url"] == "/V1/own/sync"]
    assert own == [{"method": "GET", "url": "/V1/own/sync", "resources": ["Own_Res::sync_read"]}]
    assert any(r["url"] == "/V1/orders" and r["method"] == "GET" for r in routes)


def test_new_grants_a_stores_own_route_from_the_catalog(
    store: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "module: {sequence: [Own_Res]}\n"
        "integrations:\n"
        "  - name: Own Sync\n"
        "    email: sync@acme.example\n"
        "    endpoints: ['GET /V1/own/sync']\n",
        encoding="utf-8",
    )
    assert run_cli("new", NAME, spec, "-o", tmp_path / "bare").exit_code == 2  # unknown route
    out = tmp_path / "out"
    result = run_cli("new", NAME, spec, "-o", out, "--catalog", store)
    assert result.exit_code == 0, result.stderr
    assert granted(out) == OWN_CHAIN
