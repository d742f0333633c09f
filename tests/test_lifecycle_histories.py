"""Whole histories of a module, through the store model with the real php.

A history is a series of specs, each regenerated with ``magegen new --force`` into the same
folder. One store installs version 1 and upgrades through every later version; after each, it
must hold what a fresh store that installs that version holds (same integrations, fields and
resources), integrations that stay keep their id, consumer, status and tokens, retired ones are
gone with their consumer and tokens, and no setup script in the tree names an integration
config.xml does not declare.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.store_kit import rows, state, tokens_of, undeclared_in_patches, upgrade

MODULE = "Acme_Erp"
NAMES = ("ERP Sync", "PIM Feed", "Café Sync", 'CRM "Link" & <Co>')
EMAILS = ("ops@acme.example", "it@acme.example")
URLS = (None, "https://a.acme.example/cb", "https://b.acme.example/cb")
RESOURCES = (
    "Magento_Sales::sales",
    "Magento_Sales::reorder",
    "Magento_Customer::customer",
    "Magento_Catalog::products",
    "Magento_Cms::page",
)

Entry = dict[str, Any]


@st.composite
def integration_entry(draw: st.DrawFn, name: str) -> Entry:
    """A current integration with random email, URLs and resources."""
    entry: Entry = {"name": name, "email": draw(st.sampled_from(EMAILS))}
    for key in ("endpoint_url", "identity_link_url"):
        url = draw(st.sampled_from(URLS))
        if url is not None:
            entry[key] = url
    entry["resources"] = draw(
        st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=3, unique=True)
    )
    return entry


@st.composite
def histories(draw: st.DrawFn) -> tuple[str, list[list[Entry]]]:
    """A setup style and 2-4 versions of the integrations list.

    Once a name is in a version, every later version keeps it or retires it (removing it
    silently is an error, tested elsewhere); a retired one may come back.
    """
    style = draw(st.sampled_from(["install-data", "data-patch"]))
    versions: list[list[Entry]] = []
    seen: list[str] = []
    for _ in range(draw(st.integers(2, 4))):
        entries = []
        for name in NAMES:
            if name in seen:
                retire = draw(st.booleans()) and draw(st.booleans())  # a quarter of the time
            elif draw(st.booleans()):
                retire = False
            else:
                continue
            entries.append({"name": name, "retired": True} if retire else None)
            if not retire:
                entries[-1] = draw(integration_entry(name))
        if not entries:
            entries.append(draw(integration_entry(NAMES[0])))
        seen += [entry["name"] for entry in entries if entry["name"] not in seen]
        versions.append(entries)
    return style, versions


def write_spec(path: Path, style: str, entries: list[Entry]) -> None:
    spec = {"module": {"version": "1.0.0"}, "setup": style, "integrations": entries}
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")


def current(entries: list[Entry]) -> dict[str, Entry]:
    return {entry["name"]: entry for entry in entries if not entry.get("retired")}


def check_fields(store: dict[str, Any], entries: list[Entry]) -> None:
    """The store holds exactly the spec's current integrations, with its email and URLs."""
    got = state(store)
    wanted = current(entries)
    assert set(got) == set(wanted)
    for name, entry in wanted.items():
        assert got[name]["email"] == entry["email"]
        assert got[name]["endpoint"] == entry.get("endpoint_url")
        assert got[name]["identity_link_url"] == entry.get("identity_link_url")
        assert set(entry["resources"]) <= set(got[name]["resources"])
        assert got[name]["setup_type"] == 1


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories())
def test_a_store_follows_every_version(
    history: tuple[str, list[list[Entry]]],
    php: str,
    run_cli: Callable[..., Result],
    tmp_path_factory: Any,
) -> None:
    style, versions = history
    work = tmp_path_factory.mktemp("history")
    tree, store = work / "module", work / "store.json"
    before: dict[str, dict[str, Any]] = {}
    tables: dict[str, Any] = {}
    for number, entries in enumerate(versions, 1):
        spec = work / f"v{number}.yaml"
        write_spec(spec, style, entries)
        result = run_cli("new", MODULE, spec, "-o", tree, "--force")
        assert result.exit_code == 0, result.stderr
        assert undeclared_in_patches(tree) == []

        upgraded = upgrade(php, store, tree, MODULE, activate=True)
        assert upgraded.ok, f"v{number}: {upgraded.error}"
        fresh = upgrade(php, work / f"fresh{number}.json", tree, MODULE)
        assert fresh.ok, f"fresh v{number}: {fresh.error}"
        assert state(upgraded.tables) == state(fresh.tables), f"v{number}"
        check_fields(upgraded.tables, entries)

        after = rows(upgraded.tables)
        for name, row in before.items():
            if name in current(entries):
                kept = after[name]
                assert (kept["id"], kept["consumer_id"], kept["status"]) == (
                    row["id"],
                    row["consumer_id"],
                    1,
                ), f"v{number}: {name} was recreated"
                assert tokens_of(upgraded.tables, row["consumer_id"]) == row["tokens"]
            else:
                assert name not in after
                assert str(row["consumer_id"]) not in (upgraded.tables["consumers"] or {})
                assert tokens_of(upgraded.tables, row["consumer_id"]) == []
        tables = upgraded.tables
        before = {
            name: {**row, "tokens": tokens_of(tables, row["consumer_id"])}
            for name, row in after.items()
        }
        assert all(row["tokens"] for row in before.values())
    shutil.rmtree(work)
