"""The per-module checks after reading, made cheaper for validate (issue 24), find exactly what
their plain versions found: each plain version is kept here as it was, and both run over modules
of the benchmark's generator edited at random (sync records, integration files, composer.json,
the Setup folder) and over random composer manifests and targets."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.errors import Problem, Severity, shown
from generator.magento.acl import ADMIN, ALL, reset_suggestion_budget
from generator.magento.catalogs import catalogs
from generator.magento.constraints import ConstraintError
from generator.magento.files import (
    API_XML,
    CONFIG_XML,
    CONSOLIDATED_XML,
    DATA_PATCH_DIR,
    INSTALL_DATA,
)
from generator.magento.lines import excluded_by_php
from generator.magento.moduletree import Located, ModuleFacts, read_module
from generator.magento.releases import (
    Release,
    known_releases,
    release,
    release_packages,
    releases_shipping,
)
from generator.magento.setupcode import SETUP_SCRIPTS, setup_code
from generator.magento.targetset import default_targets, describe
from generator.pipeline import sync, syncstate
from generator.review import (
    findings,
    phptargets,
    readscope,
    requires,
    setupnames,
    setupscripts,
    syncrecord,
)
from generator.review.fullaccess import full_access_message
from generator.review.treecontext import Context, tree_context

REPO = Path(__file__).resolve().parent.parent
SPLIT_MODULES = 10  # generated modules edited at random; each edit is checked both ways


def _outcome(call: Callable[[], object]) -> object:
    """What ``call`` gives: its value, or the exception it raises (type and text)."""
    try:
        value = call()
        return list(value) if isinstance(value, Iterator) else value
    except Exception as exc:  # noqa: BLE001 - the plain version's failures must match too
        return ("raised", type(exc).__name__, str(exc))


# -- The plain versions, as they were before issue 24's work. ---------------------------------


def _plain_module_targets(module: ModuleFacts, store: tuple | None) -> tuple[tuple, str]:
    if store is not None:
        return store, "the store's release"
    manifest = module.composer if isinstance(module.composer, dict) else {}
    name, version = manifest.get("name"), manifest.get("version")
    if isinstance(name, str) and isinstance(version, str):
        shipping = releases_shipping(name, version) if version else ()
    else:
        shipping = tuple(
            r
            for r in known_releases()
            # (a name that is not a string is shipped by no release: asking the table with a
            # list or an object raised TypeError before, and the module got MG190)
            if version and isinstance(name, str) and release_packages(r.name).get(name) == version
        )
    if shipping:
        return shipping, f"Magento {describe(r.name for r in shipping)} ships {name} {version}"
    return default_targets().php_sources(), "the default targets; name the store with --catalog"


def _plain_php_findings(module: ModuleFacts, store: tuple | None) -> Iterator[Problem]:
    require = module.composer.get("require") if isinstance(module.composer, dict) else None
    php = require.get("php") if isinstance(require, dict) else None
    if not isinstance(php, str):
        return
    targets, why = _plain_module_targets(module, store)
    try:
        excluded = excluded_by_php(php, targets)
    except ConstraintError:
        return
    by_php: dict[str, list[str]] = {}
    for target in excluded:
        by_php.setdefault(target.php or "", []).append(target.name)
    for allowed, names in by_php.items():
        where = describe(names)
        yield Problem(
            module.display("composer.json"),
            f"requires php '{shown(php)}', which allows none of Magento {where}'s PHP "
            f"versions ({allowed}): the module cannot be installed on {where} ({why})",
            severity=Severity.WARNING,
            code="MG215",
        )


def _plain_require_findings(module: ModuleFacts, context: Context) -> Iterator[Problem]:
    manifest = module.composer if isinstance(module.composer, dict) else {}
    require = manifest.get("require")
    if not isinstance(require, dict):
        return
    name, version = manifest.get("name"), manifest.get("version")
    named = ModuleFacts(
        Path(),
        composer={
            "name": name if isinstance(name, str) else None,
            "version": version if isinstance(version, str) else None,
        },
    )
    targets, why = _plain_module_targets(named, context.store_lines)
    targets = tuple(t for t in targets if isinstance(t, Release))
    yield from requires._unrequired_sequence(module, context, require, targets)
    for package, constraint in require.items():
        if not isinstance(package, str) or not package.startswith("magento/"):
            continue
        if not isinstance(constraint, str):
            continue
        refused = requires.refusing_releases(package, constraint, targets)
        if refused is None:
            continue
        where = describe(r.name for r in refused)
        yield Problem(
            module.display("composer.json"),
            requires._message(package, constraint, where, why),
            severity=Severity.WARNING,
            code="MG216",
        )


def _plain_sync_records(module: ModuleFacts) -> list[syncrecord.Record]:
    records = []
    for relative in module.files.files if module.files is not None else ():
        folder, _, file_name = relative.rpartition("/")
        if folder != DATA_PATCH_DIR:
            continue
        content = module.files.read(relative)
        found = sync.read_sync_patch("", file_name, content) if content is not None else None
        if found is None:
            continue
        claimed, state = found
        integrations = {str(i["name"]): i for i in state["integrations"]}
        records.append(
            syncrecord.Record(relative, claimed.class_name, integrations, claimed.retired)
        )
    return records


def _plain_differences(facts: object, recorded: dict) -> tuple[list[str], bool]:
    fields = [key for key in syncrecord.FIELDS if getattr(facts, key) != recorded.get(key)]
    listed = recorded.get("resources")
    resources = not isinstance(listed, list) or set(facts.resource_ids) != set(map(str, listed))
    return fields, resources


def _plain_unsynced_problems(module: ModuleFacts) -> list[Problem]:
    if module.config is None or any(r in module.refused for r in (CONFIG_XML, API_XML)):
        return []
    records = _plain_sync_records(module)
    problems = syncrecord.tampered_problems(module, {record.relative for record in records})
    if not records:
        return problems
    integrations = module.integrations()
    synced = set()
    for facts in integrations:
        for record in records:
            recorded = record.integrations.get(facts.name)
            if recorded is not None and _plain_differences(facts, recorded) == ([], False):
                synced.add(facts.name)
    for facts in integrations:
        named = [r for r in records if facts.name in r.integrations]
        if facts.name in synced or facts.name in (module.consolidated or {}):
            continue
        if not named:
            declared = facts.name in (module.config or {})
            if declared and not syncrecord._other_patch_names(module, records, facts):
                problems += syncrecord._unrecorded(module, facts, records[-1])
            continue
        record = named[-1]
        fields, resources = _plain_differences(facts, record.integrations[facts.name])
        problems += syncrecord._problems(module, facts, record, fields, resources)
    return problems


def _plain_is_file(module: ModuleFacts, relative: str) -> bool:
    return (module.root / relative).is_file()


def _plain_folder_names(module: ModuleFacts, relative: str) -> list[str]:
    folder = module.root / relative
    return sorted(os.listdir(folder)) if folder.is_dir() and not folder.is_symlink() else []


def _plain_misspelled_scripts(module: ModuleFacts) -> Iterator[Problem]:
    for relative in module.files.files if module.files is not None else ():
        folder, _, file_name = relative.rpartition("/")
        if not file_name.endswith(".php") or not folder.startswith("Setup"):
            continue
        if folder == "Setup":
            stem = file_name.removesuffix(".php")
            if stem.casefold() in (script.casefold() for script in SETUP_SCRIPTS):
                message = None
            else:
                message = setupnames._misspelled_script(module, relative, stem)
        else:
            message = setupnames._misplaced_patch(module, relative, folder)
        if message is not None:
            yield Problem(module.display(relative), message, code="MG311")


def _plain_setup_problems(module: ModuleFacts, setup: object = None) -> Iterator[Problem]:
    for name in _plain_folder_names(module, "Setup"):
        right = setupscripts._SCRIPT_FILES.get(name.casefold())
        if right is not None and right != name:
            yield setupscripts._problem(
                module,
                f"Setup/{name}",
                f"is not named {right}: Magento looks for {right} and never runs this file on a "
                "case-sensitive file system (Linux)",
                "MG311",
            )
    yield from _plain_misspelled_scripts(module)
    unversioned = module.setup_version is None and not setupscripts._refused(module, "module")
    if _plain_is_file(module, INSTALL_DATA) and unversioned:
        yield setupscripts._problem(
            module, INSTALL_DATA, "never runs: etc/module.xml has no setup_version", "MG302"
        )
    if setupscripts._refused(module, "integration") or setupscripts._refused(module, "module"):
        return
    setup = setup if setup is not None else setup_code(module)
    yield from setupscripts._misloaded(module, setup)
    yield from setupscripts._never_created(module, setup)
    yield from setupscripts._undeclared(module, setup)


def _plain_resources(module: ModuleFacts, context: Context, setup: object) -> Iterator[Problem]:
    acl = context.acl
    for relative, integrations in ((API_XML, module.api), (CONSOLIDATED_XML, module.consolidated)):
        for facts in (integrations or {}).values():
            granted = {r.value for r in facts.resources}
            for resource in facts.resources:
                if resource.value == ALL:
                    message = full_access_message(module, relative, facts, setup)
                    if message is not None:
                        yield findings._problem(
                            module, relative, message, "MG308", resource, Severity.WARNING
                        )
                    continue
                known = acl.get(resource.value)
                if known is None:
                    yield findings._unknown(module, relative, resource, context)
                    continue
                if known.disabled:
                    yield findings._disabled(module, relative, resource)
                parent = known.parent
                if relative == API_XML and parent not in (None, ADMIN) and parent not in granted:
                    yield from findings._parents(module, resource, granted, acl)


def _plain_integration_files(
    module: ModuleFacts, context: Context, setup: object
) -> Iterator[Problem]:
    declared = [*(module.config or {}).values(), *(module.consolidated or {}).values()]
    if (
        (declared or module.api)
        and module.name
        and "Magento_Integration" not in context.loads_after(module)
    ):
        yield findings._problem(
            module,
            "etc/module.xml",
            "declares integrations but does not load after Magento_Integration. Nothing breaks "
            "(every table exists before data scripts run), but the convention is to list the "
            "module whose features it uses in the sequence: add Magento_Integration",
            "MG300",
            module.name,
            Severity.WARNING,
        )
    yield from findings._unmatched(module, setup)
    for relative, integrations in findings._integration_sources(module):
        for facts in integrations.values():
            if "'" in facts.name:
                yield findings._problem(
                    module,
                    relative,
                    f"integration name '{shown(facts.name)}' holds an "
                    "apostrophe: setup:upgrade fails with 'DOMXPath::query(): Invalid "
                    "predicate'",
                    "MG306",
                    Located(facts.name, facts.line),
                )


# -- Random modules. ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Modules of the benchmark's generator (both formats, InstallData and data patches)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from make_trees import make_cases, write_tree
    finally:
        sys.path.remove(str(REPO / "bench"))
    root = tmp_path_factory.mktemp("generated")
    write_tree(make_cases(SPLIT_MODULES, seed=2424), root)
    return sorted(p.parent.parent for p in root.glob("*/*/etc/module.xml"))


_PIECES = ['"', "@", "x", "Magento_Backend::admin", ",", "null", "\\/", " ", "}", "]", "\n * "]


def _edit_text(rng: random.Random, text: str) -> str:
    """One random edit: a piece put in, a line dropped or doubled, or a value changed."""
    lines = text.split("\n")
    choice = rng.randrange(7)
    if choice == 6:
        return text.replace('"Magento_Integration"', '"Magento_Customer"', 1)
    if choice == 0:
        at = rng.randrange(len(text) + 1)
        return text[:at] + rng.choice(_PIECES) + text[at:]
    if choice == 1 and lines:
        lines.pop(rng.randrange(len(lines)))
    elif choice == 2 and lines:
        at = rng.randrange(len(lines))
        lines.insert(at, lines[at])
    elif choice == 3:
        return text.replace("@", "@x", 1)
    elif choice == 4:
        return text.replace("::", "::x", 1)
    else:
        return text.replace("null", '"https:\\/\\/x.example"', 1)
    return "\n".join(lines)


def _edited_module(rng: random.Random, source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    candidates = [
        p
        for p in sorted(target.rglob("*"))
        if p.is_file() and p.suffix in (".xml", ".php", ".json")
    ]
    for _ in range(rng.randrange(4)):
        path = rng.choice(candidates)
        path.write_text(_edit_text(rng, path.read_text(encoding="utf-8")), encoding="utf-8")
    _edit_setup(rng, target)
    return target


def _edit_setup(rng: random.Random, module: Path) -> None:
    """The Setup folder: absent, a file, a link, a folder named like a script, scripts in
    another case or misspelled, or InstallData as a link in or out of the module."""
    setup = module / "Setup"
    choice = rng.randrange(13)
    if choice == 0 and setup.exists():
        shutil.rmtree(setup)
    elif choice == 1 and setup.exists():
        shutil.rmtree(setup)
        setup.write_text("not a folder")
    elif choice == 2 and setup.is_dir():
        setup.rename(module / "SetupReal")
        setup.symlink_to("SetupReal")
    elif choice == 3 and not setup.is_symlink():
        folder = setup / rng.choice(["installdata.php", "InstallData.php", "UpgradeData.PHP"])
        if not folder.exists():
            folder.mkdir(parents=True)
    elif choice == 4 and (setup / "InstallData.php").exists():
        misnamed = rng.choice(["installData.php", "Instaldata.php"])
        (setup / "InstallData.php").rename(setup / misnamed)
    elif choice == 5 and (setup / "InstallData.php").is_file():
        (setup / "InstallData.php").rename(module / "Moved.php")
        (setup / "InstallData.php").symlink_to(rng.choice(["../Moved.php", "/etc/hostname"]))
    elif choice == 6:
        (module / "SetupNotes.php").write_text("<?php\n")
        (module / "Setupx").mkdir(exist_ok=True)
        patch = "<?php\nclass P implements DataPatchInterface {}\n"
        (module / "Setupx" / "Patch.php").write_text(patch)
        (module / "SetupPatch" / "Data").mkdir(parents=True)
        (module / "SetupPatch" / "Data" / "P.php").write_text(patch)
    elif choice == 7:
        module_xml = module / "etc" / "module.xml"
        text = module_xml.read_text(encoding="utf-8")
        module_xml.write_text(text.replace('setup_version="', 'other="'), encoding="utf-8")
    elif choice in (9, 10) and (module / DATA_PATCH_DIR).is_dir():
        _another_sync_patch(rng, module / DATA_PATCH_DIR)
    elif choice == 8 and setup.is_dir():
        (setup / "Patches" / "Data").mkdir(parents=True, exist_ok=True)
        (setup / "Patches" / "Data" / "P.php").write_text(
            "<?php\nclass P implements DataPatchInterface {}\n"
        )


def _another_sync_patch(rng: random.Random, folder: Path) -> None:
    """A second sync patch whose record is the first one's, maybe edited (its hash is right)."""
    for path in sorted(folder.glob("*.php")):
        found = sync.read_sync_patch("", path.name, path.read_bytes())
        if found is None:
            continue
        state = json.loads(json.dumps(found[1]))
        for integration in state["integrations"]:
            if rng.random() < 0.5:
                integration["email"] = rng.choice(["other@x.example", integration["email"]])
            if rng.random() < 0.5 and integration["resources"]:
                integration["resources"].pop()
        if rng.random() < 0.3:
            state["integrations"].append({**state["integrations"][0], "name": "Added"})
        canonical = syncstate.canonical_text(state)
        patch = sync._from_canonical("", rng.choice(["SyncIntegrations", "Aaa", "Zzz"]), canonical)
        lines = [" * " + line for line in syncstate.state_lines(canonical)]
        text = "\n".join(["<?php", "/**", *lines, " */", f"class {patch.class_name} {{}}", ""])
        (folder / f"{patch.class_name}.php").write_text(text)
        return


def test_the_checks_find_what_their_plain_versions_found(
    generated: list[Path], tmp_path: Path
) -> None:
    rng = random.Random("checks after reading")
    known = catalogs(None)
    compared = 0
    codes: Counter[str] = Counter()
    for number in range(150):
        root = _edited_module(rng, rng.choice(generated), tmp_path / str(number) / "Vendor_M")
        context = tree_context([root], known)
        module, _ = read_module(root)
        store = rng.choice([None, default_targets().releases, (release("2.4.4"),)])
        setup = setup_code(module)
        pairs = [
            (syncrecord.unsynced_problems, _plain_unsynced_problems, (module,)),
            (setupscripts.setup_problems, _plain_setup_problems, (module, setup)),
            (phptargets.php_findings, _plain_php_findings, (module, store)),
            (requires.require_findings, _plain_require_findings, (module, context)),
            (findings._resources, _plain_resources, (module, context, setup)),
            (findings._integration_files, _plain_integration_files, (module, context, setup)),
        ]
        for new, plain, arguments in pairs:
            reset_suggestion_budget()  # (each side ranks "did you mean" with a whole budget)
            found = _outcome(lambda: new(*arguments))
            reset_suggestion_budget()
            assert found == _outcome(lambda: plain(*arguments)), root
            compared += 1
            codes.update(p.code for p in found if isinstance(p, Problem))
        shutil.rmtree(tmp_path / str(number))
    assert compared == 900
    # The edits reach every finding these checks make.
    assert {"MG300", "MG302", "MG304", "MG305", "MG311", "MG322"} <= set(codes), codes


# -- Random composer manifests against random targets. ----------------------------------------


def _shipped_pairs() -> list[tuple[str, str]]:
    newest = release_packages(known_releases()[-1].name)
    oldest = release_packages(known_releases()[0].name)
    picked = ["magento/framework", "magento/module-integration", "magento/module-catalog"]
    return [(p, v) for p in picked for v in (newest.get(p), oldest.get(p)) if v]


def _manifest(rng: random.Random, shipped: list[tuple[str, str]]) -> dict:
    name, version = rng.choice(shipped)
    name = rng.choice([name, name, "acme/module-x", None, 3, ["a"], {"a": 1}, ""])
    version = rng.choice([version, version, "", None, 1, "1.0.0", "103.0.7-p4", ["v"]])
    packages = [p for p, _ in shipped] + [
        "magento/module-braintree",
        "magento/module-nothing",
        "acme/other",
        "php",
        "magento/product-community-edition",
    ]
    constraints = [
        *("103.0.*", "~101.0", "100.0.*", "*", "^100.4", "dev-main", "||", ">=8.1", 5, None),
        *("~8.1.0||~8.2.0", "~7.4.0", "103.0.2-p1", "<100", "101.0.*||103.0.*"),
    ]
    require = {rng.choice(packages): rng.choice(constraints) for _ in range(rng.randrange(5))}
    manifest: dict = {"require": rng.choice([require, require, require, [], "x"])}
    if name is not None or rng.random() < 0.5:
        manifest["name"] = name
    if version is not None or rng.random() < 0.5:
        manifest["version"] = version
    return manifest


def test_targets_and_composer_findings_are_the_plain_ones_for_any_manifest() -> None:
    rng = random.Random("manifests")
    known = catalogs(None)
    shipped = _shipped_pairs()
    stores = [None, None, default_targets().releases, (release("2.4.4"),), known_releases()[-3:]]
    sequences = [[], [Located("Magento_Integration", 3)], [Located("Magento_Catalog", 4)]]
    codes: Counter[str] = Counter()
    for _ in range(3000):
        module = ModuleFacts(Path("/tree/Vendor/M"), composer=_manifest(rng, shipped))
        module.sequence = rng.choice(sequences)
        store = rng.choice(stores)
        context = Context(known.acl, known.modules, {}, False, store)
        assert _outcome(lambda: phptargets.module_targets(module, store)) == _outcome(
            lambda: _plain_module_targets(module, store)
        )
        assert _outcome(lambda: phptargets.php_findings(module, store)) == _outcome(
            lambda: _plain_php_findings(module, store)
        ), module.composer
        found = _outcome(lambda: requires.require_findings(module, context))
        assert found == _outcome(lambda: _plain_require_findings(module, context)), module.composer
        php_found = _outcome(lambda: phptargets.php_findings(module, store))
        codes.update(p.code for p in [*found, *php_found] if isinstance(p, Problem))
    assert {"MG214", "MG215", "MG216"} <= set(codes), codes


def test_modules_without_a_store_share_one_targets_tuple() -> None:
    # What lets the memos key the targets by identity: the defaults' tuple is made once.
    first = phptargets.module_targets(ModuleFacts(Path("a"), composer={"name": "a/b"}), None)
    second = phptargets.module_targets(ModuleFacts(Path("b"), composer={}), None)
    assert first[0] is second[0]
    assert first[0] == default_targets().php_sources()


# -- The sync record reader's pieces. ---------------------------------------------------------


def _plain_marker_start(text: str) -> int | None:
    marker = syncstate.LINE_PREFIX + syncstate.MARKER
    at_start = text.startswith(marker)
    if at_start + text.count("\n" + marker) != 1:
        return None
    return 0 if at_start else text.index("\n" + marker) + 1


def test_the_state_marker_is_found_where_counting_found_it() -> None:
    rng = random.Random("markers")
    marker = syncstate.LINE_PREFIX + syncstate.MARKER
    pieces = [marker, "\n", "\n" + marker, " * ", "{", "x", "magegen-sync: ", "\n * }"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(8)))
        expected = _plain_marker_start(text)
        found = syncstate.read_state_value(text)
        if expected is None:
            assert found is None, repr(text)
        elif found is not None and found[0].one_line:
            end = text.find("\n", expected)
            line = text[expected : len(text) if end == -1 else end]
            assert found[0].canonical == line[len(marker) :], repr(text)


def test_the_class_hash_is_hashlibs_sha256() -> None:
    rng = random.Random("sha")
    for size in [*range(200), 4096, 65537]:
        data = rng.randbytes(size)
        assert sync.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()


def test_a_sync_patch_names_its_hash_as_before() -> None:
    state = {"sync": 1, "integrations": [], "retired": ["a/b"]}
    canonical = syncstate.canonical_text(state)
    patch = sync._from_canonical("V\\M", "SyncIntegrations", canonical)
    digest = hashlib.sha256(canonical.encode("ascii")).hexdigest()[: sync.HASH_LENGTH]
    assert patch.class_name == "SyncIntegrations" + digest
    assert json.loads(canonical) == state


def test_install_data_is_found_as_pathlib_finds_it(tmp_path: Path) -> None:
    # Links in and out of the module, a folder named like the script, a Setup that is a file or
    # a link: _holds_install_data answers what (root / "Setup/InstallData.php").is_file() does.
    layouts: list[Callable[[Path], None]] = [
        lambda m: None,
        lambda m: (m / "Setup").mkdir(),
        lambda m: (m / "Setup").write_text("x"),
        lambda m: ((m / "Setup").mkdir(), (m / INSTALL_DATA).write_text("<?php\n")),
        lambda m: ((m / "Setup").mkdir(), (m / INSTALL_DATA).mkdir()),
        lambda m: ((m / "Setup").mkdir(), (m / "Setup/installdata.php").write_text("<?php\n")),
        lambda m: (
            (m / "Real").mkdir(),
            (m / "Real/InstallData.php").write_text("<?php\n"),
            (m / "Setup").symlink_to("Real"),
        ),
        lambda m: (
            (m / "Setup").mkdir(),
            (m / "x.php").write_text("<?php\n"),
            (m / INSTALL_DATA).symlink_to("../x.php"),
        ),
        lambda m: ((m / "Setup").mkdir(), (m / INSTALL_DATA).symlink_to("/etc/hostname")),
        lambda m: ((m / "Setup").mkdir(), (m / INSTALL_DATA).symlink_to("missing.php")),
        lambda m: ((m / "Setup").mkdir(), os.mkfifo(m / INSTALL_DATA)),
    ]
    for number, layout in enumerate(layouts):
        root = tmp_path / str(number)
        (root / "etc").mkdir(parents=True)
        layout(root)
        module, _ = read_module(root)
        names = setupscripts._folder_names(module, "Setup")
        assert (names or []) == _plain_folder_names(module, "Setup"), number
        there = names is not None
        assert there == (os.path.lexists(root / "Setup")), number
        assert setupscripts._holds_install_data(module, there) == _plain_is_file(
            module, INSTALL_DATA
        ), number


def _plain_di_messages(module: ModuleFacts) -> list[tuple[str, Problem]]:
    if readscope.judges_own_grant_code(module):
        return []
    found = []
    for relative, overrides in sorted(module.di_overrides.items()):
        for override in overrides:
            message = readscope.DI_OVERRIDE.format(what=shown(override.value, 240))
            problem = Problem(module.display(relative), message, line=override.line, code="MG320")
            found.append((relative, problem))
    return found


def test_di_changes_are_judged_as_before() -> None:
    rng = random.Random("di")
    names = [None, Located("Magento_Integration", 2), Located("Acme_Erp", 2)]
    changes = [
        {},
        {"etc/di.xml": [Located("preference for ...\\AuthorizationService", 4)]},
        {"etc/di.xml": [], "etc/adminhtml/di.xml": [Located("plugin on ...\\Oauth", 7)]},
    ]
    for _ in range(200):
        module = ModuleFacts(Path("/tree/M"))
        module.name = rng.choice(names)
        module.di_overrides = dict(rng.choice(changes))
        assert readscope.di_messages(module) == _plain_di_messages(module)
