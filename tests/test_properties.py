"""Property tests: random valid specs give stable, valid output; random mistakes are refused.

Valid specs are drawn with nasty but legal strings: XML and PHP metacharacters, Jinja syntax,
backslashes, accents, right-to-left marks, emoji in descriptions. Under CI=true the examples are
derandomized, so CI runs the same examples every time.
"""

from __future__ import annotations

import copy
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from generator.cli import main
from generator.magento import rules
from generator.magento.acl import ADMIN, ALL, bundled_acl
from generator.magento.releases import release_acl
from generator.magento.targetset import default_targets
from generator.pipeline.new import build
from generator.spec.targets import subtree_filter
from tests.conftest import IN_CI
from tests.xsd_harness import (
    ENGINES,
    MAGEGEN,
    MAGENTO,
    URN_FOR_FILE,
    validator,
)

PHP_STANDINS = Path(__file__).resolve().parent / "php"

settings.register_profile(
    "magegen",
    deadline=None,
    max_examples=40,
    derandomize=IN_CI,
    database=None if IN_CI else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("magegen")

# -- strategies for valid specs -------------------------------------------------------------------

# Text Magento can store in its utf8mb3 integration table, without apostrophes (they break its
# config merger) or control characters.
stored_char = st.characters(
    max_codepoint=0xFFFF,
    blacklist_categories=("Cc", "Cs"),
    blacklist_characters="'\ufffe\uffff",
)
NASTY = ["<x>&", "]]>", "?>", "{{ 7*7 }}", "{% if %}", "${x}", "a\\b", '"q"', "\u202eRTL", "Café"]


def nasty_text(min_size: int, max_size: int, alphabet: st.SearchStrategy[str] = stored_char):
    """Random text of the alphabet, often with a known-nasty fragment spliced in."""
    random_text = st.text(alphabet, min_size=min_size, max_size=max_size)
    spliced = st.tuples(random_text, st.sampled_from(NASTY), random_text).map("".join)
    return st.one_of(random_text, spliced).filter(lambda s: min_size <= len(s) <= 255)


# Names Magento takes: no invisible format characters (Unicode Cf) either.
names = nasty_text(2, 40).filter(lambda s: rules.check_integration_name(s) is None)
no_space_char = st.characters(
    max_codepoint=0xFFFF,
    blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"),
    blacklist_characters="@\ufffe\uffff\x85",
)
emails = st.builds(
    lambda local, domain, tld: f"{local}@{domain}.{tld}",
    st.text(no_space_char, min_size=1, max_size=20),
    st.text(no_space_char.filter(lambda c: c != "."), min_size=1, max_size=20),
    st.text(no_space_char, min_size=1, max_size=10),
).filter(lambda e: rules.check_email(e) is None)
url_char = no_space_char.filter(lambda c: c not in "%#")
urls = st.builds(
    lambda scheme, host, path, query: f"{scheme}://{host}/{path}{query}",
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z]{2,6}){0,2}", fullmatch=True),
    st.text(url_char, max_size=30),
    st.sampled_from(["", "?a=1&b=2", '?q=<x>&r="y"', "#frag"]),
).filter(lambda u: rules.check_url(u) is None)
TARGETS = default_targets()
BRINGS = subtree_filter(TARGETS)  # what Parent/** grants on every default target
# Ids every default target has, enabled (an id some lack is an error, see test_release_data).
GRANTABLE = [
    r.id
    for r in bundled_acl().resources
    if r.id != ALL
    and all((t := release_acl(n).get(r.id)) is not None and not t.disabled for n in TARGETS.names)
]
resource_ids = st.builds(
    lambda resource_id, subtree: resource_id + ("/**" if subtree else ""),
    st.sampled_from(GRANTABLE),
    st.booleans(),
)
module_names = st.from_regex(rules.MODULE_NAME.pattern, fullmatch=True).filter(
    lambda m: len(m) < 40
)
free_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)


@st.composite
def integrations(draw: st.DrawFn, min_size: int = 0) -> list[dict[str, Any]]:
    chosen = draw(
        st.lists(names, min_size=min_size, max_size=3, unique_by=rules.integration_name_key)
    )
    result = []
    for name in chosen:
        item: dict[str, Any] = {"name": name, "email": draw(emails)}
        if draw(st.booleans()):
            item["endpoint_url"] = draw(urls)
        if draw(st.booleans()):
            item["identity_link_url"] = draw(urls)
        item["resources"] = draw(st.lists(resource_ids, min_size=1, max_size=4, unique=True))
        result.append(item)
    return result


@st.composite
def specs(draw: st.DrawFn, min_integrations: int = 0) -> dict[str, Any]:
    """A valid spec as Python data, ready for yaml.safe_dump."""
    spec: dict[str, Any] = {}
    module: dict[str, Any] = {}
    if draw(st.booleans()):
        module["description"] = draw(free_text)
    version = draw(st.none() | st.from_regex(rules.version_pattern(), fullmatch=True))
    if version is not None:
        module["version"] = version
    found = draw(st.lists(integrations(min_integrations), min_size=1, max_size=1))[0]
    setup_version_needed = (
        found and version is not None and not rules.SETUP_VERSION.fullmatch(version)
    )
    if setup_version_needed or draw(st.booleans()):
        module["setup_version"] = draw(
            st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,2}", fullmatch=True)
        )
    if draw(st.booleans()):
        module["license"] = draw(free_text | st.lists(free_text, min_size=1, max_size=2))
    if draw(st.booleans()):
        module["authors"] = [{"name": draw(free_text)}]
    sequence = draw(st.lists(module_names, max_size=3, unique=True))
    if sequence:
        module["sequence"] = [m for m in sequence if m != "Acme_Prop"] or ["Magento_Store"]
    if module:
        spec["module"] = module
    if draw(st.booleans()):
        spec["composer"] = {
            "name": draw(st.from_regex(rules.COMPOSER_NAME.pattern, fullmatch=True)),
            "require": {"ext-json": "*"},
        }
    if found:
        spec["integrations"] = found
    return spec


def dump(spec: dict[str, Any]) -> str:
    """The spec as YAML text that reads back as exactly ``spec``.

    PyYAML writes some characters (NEL, say) raw where YAML then folds them; such specs are
    written as JSON, which is YAML too, with every non-ASCII character escaped.
    """
    text = yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=float("inf"))
    if yaml.safe_load(text) != spec:
        text = json.dumps(spec)
    return text


# -- valid specs ----------------------------------------------------------------------------------


def run_install_data(php: str, root: Path) -> list[list[str]]:
    harness = PHP_STANDINS / "run_install_data.php"
    command = [php, "-n", str(harness), str(root / "Setup" / "InstallData.php")]
    command.append("Acme\\Prop\\Setup\\InstallData")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output)["calls"]


@given(spec=specs())
def test_valid_specs_give_stable_valid_modules(
    spec: dict[str, Any], php: str, magento_data: Path
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        spec_path = Path(scratch) / "spec.yaml"
        spec_path.write_text(dump(spec), encoding="utf-8")
        first = build("Acme/Prop", spec_path)
        second = build("Acme/Prop", spec_path)
        assert first.files == second.files, "same spec, same bytes"

        for file in first.files:
            urn = URN_FOR_FILE.get(file.path)
            if urn is None:
                continue
            for source in (MAGENTO, MAGEGEN):
                for engine in ENGINES:
                    errors = validator(engine, source, urn, magento_data)(file.content)
                    assert errors == [], f"{file.path} against {source} with {engine}: {errors}"

        root = Path(scratch) / "module"
        for file in first.files:
            (root / file.path).parent.mkdir(parents=True, exist_ok=True)
            (root / file.path).write_bytes(file.content)
        for file in first.files:
            if file.path.endswith(".php"):
                lint = subprocess.run([php, "-n", "-l", str(root / file.path)], capture_output=True)
                assert lint.returncode == 0, lint.stdout + lint.stderr

        check_resources(spec, root)

        names = [item["name"] for item in spec.get("integrations", [])]
        if names:
            assert run_install_data(php, root) == [names]
        else:
            assert not (root / "Setup").exists()


def check_resources(spec: dict[str, Any], root: Path) -> None:
    """api.xml grants what the spec lists, with every parent below the admin root, in tree order."""
    integrations = spec.get("integrations", [])
    if not integrations:
        return
    catalog = bundled_acl()
    document = etree.parse(str(root / "etc" / "integration" / "api.xml"))
    for item, element in zip(integrations, document.getroot(), strict=True):
        written = [r.get("name") for r in element.iterfind("resources/resource")]
        assert len(written) == len(set(written)), "no resource twice"
        order = [r.id for r in catalog.resources]
        assert written == sorted(written, key=order.index), "tree order"
        for entry in item["resources"]:
            resource_id, subtree = rules.split_subtree(entry)
            assert resource_id in written
            if subtree:
                below = {
                    d
                    for d in catalog.descendants(resource_id)
                    if not catalog.get(d).disabled and BRINGS(resource_id, d)
                }
                assert below <= set(written)
        for resource_id in written:
            parent = catalog.get(resource_id).parent
            assert parent in (*written, ADMIN, None), f"{resource_id} without {parent}"


# -- invalid specs --------------------------------------------------------------------------------


def _first(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["integrations"][0]


MUTATIONS = {
    "unknown top key": lambda s: s.update(integration=[]),
    "unknown integration key": lambda s: _first(s).update(emial="x@example.com"),
    "apostrophe in name": lambda s: _first(s).update(name="O'Brien Sync"),
    "emoji in name": lambda s: _first(s).update(name="Rocket \U0001f680 Sync"),
    "newline in name": lambda s: _first(s).update(name="Two\nLines"),
    "one-letter name": lambda s: _first(s).update(name="x"),
    "name too long": lambda s: _first(s).update(name="n" * 256),
    "email without at": lambda s: _first(s).update(email="nobody.example.com"),
    "ftp url": lambda s: _first(s).update(endpoint_url="ftp://example.com/x"),
    "missing email": lambda s: _first(s).pop("email"),
    "missing resources": lambda s: _first(s).pop("resources"),
    "empty resources": lambda s: _first(s).update(resources=[]),
    "bad resource id": lambda s: _first(s).update(resources=["Magento_Sales"]),
    "unknown resource": lambda s: _first(s).update(resources=["Magento_Sales::reoder"]),
    "disabled resource": lambda s: _first(s).update(resources=["Magento_Config::advanced"]),
    "full access without the flag": lambda s: _first(s).update(resources=[ALL]),
    "list for a name": lambda s: _first(s).update(name=["a", "b"]),
    "duplicate integration": lambda s: s["integrations"].append(copy.deepcopy(_first(s))),
    "bad setup": lambda s: s.update(setup="bogus"),
    "bad sequence module": lambda s: s.setdefault("module", {}).update(sequence=["magento_sales"]),
    "bad version": lambda s: s.setdefault("module", {}).update(version="one.two"),
    "bad setup_version": lambda s: s.setdefault("module", {}).update(setup_version="1.0-beta"),
    "bad composer name": lambda s: s.update(composer={"name": "Not/Valid"}),
    "integrations not a list": lambda s: s.update(integrations={"name": "x"}),
    "null module": lambda s: s.update(module=None),
}


@given(spec=specs(min_integrations=1), mutation=st.sampled_from(sorted(MUTATIONS)))
def test_mutated_specs_are_refused_without_touching_disk(
    spec: dict[str, Any], mutation: str
) -> None:
    MUTATIONS[mutation](spec)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        spec_path = folder / "spec.yaml"
        spec_path.write_text(dump(spec), encoding="utf-8")
        result = CliRunner().invoke(
            main, ["new", "Acme/Prop", str(spec_path), "-o", str(folder / "out")]
        )
        assert result.exit_code == 2, (mutation, result.output)
        assert "Traceback" not in result.output
        assert result.stderr.startswith(f"{spec_path}:"), result.stderr
        assert [p.name for p in folder.iterdir()] == ["spec.yaml"]


def test_every_mutation_is_a_mistake_on_its_own() -> None:
    """Each mutation applied to one known-good spec is refused (so none is a no-op)."""
    base = {
        "integrations": [
            {"name": "Sync", "email": "s@example.com", "resources": ["Magento_Sales::sales"]}
        ]
    }
    assert build_ok(base)
    for name, mutate in MUTATIONS.items():
        spec = copy.deepcopy(base)
        mutate(spec)
        assert not build_ok(spec), name


def build_ok(spec: dict[str, Any]) -> bool:
    with tempfile.TemporaryDirectory() as scratch:
        spec_path = Path(scratch) / "spec.yaml"
        spec_path.write_text(dump(spec), encoding="utf-8")
        result = CliRunner().invoke(
            main, ["new", "Acme/Prop", str(spec_path), "-o", scratch + "/o"]
        )
        return result.exit_code == 0
