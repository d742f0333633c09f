"""The state a sync patch records: within 120 columns however large, read back exactly, and the
one-line record of patches from earlier magegen versions still read and proven magegen's own.

Trees "as earlier magegen wrote them" are made by rendering the kept legacy templates
(templates/legacy/) over a freshly generated tree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import yaml
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.magento.rules import MAX_LINE_COLUMNS
from generator.pipeline.render import environment, is_own_sync
from generator.pipeline.sync import LEGACY_TEMPLATE, parse_sync_patch, sync_patch
from generator.pipeline.syncstate import LINE_PREFIX, canonical_text, read_state, state_lines
from generator.spec.reader import load_spec
from tests.conftest import (
    CASE_NAMES,
    EXAMPLE_NAME,
    EXAMPLE_SPEC,
    IN_CI,
    REPO,
    case_command,
    sync_path_of,
)
from tests.store_kit import rows, state, tokens_of, upgrade
from tests.test_lifecycle import ERP, MODULE, PIM, PIM_RETIRED

HEAD = "module:\n  setup_version: 1.0.0\n"

# Every character a name or URL can hold in a store, and those that matter to the record.
text = st.lists(
    st.one_of(
        st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs",)),
        st.sampled_from(['"', "\\", "/", "*", "*/", " ", "\u00e9", "\\u00e9", "a" * 40]),
    ),
    max_size=120,
).map("".join)
states = st.fixed_dictionaries(
    {
        "sync": st.just(1),
        "integrations": st.lists(
            st.fixed_dictionaries(
                {
                    "name": text,
                    "email": text,
                    "endpoint_url": st.none() | text,
                    "identity_link_url": st.none() | text,
                    "resources": st.lists(text, max_size=8),
                }
            ),
            max_size=6,
        ),
        "retired": st.lists(text, max_size=4),
    }
)


def _docblock(lines: tuple[str, ...]) -> str:
    return "/**\n" + "".join(f"{LINE_PREFIX}{line}\n" for line in lines) + " */\n"


@settings(deadline=None, derandomize=IN_CI)
@given(states)
def test_any_state_fits_120_columns_and_reads_back_exactly(recorded: dict) -> None:
    canonical = canonical_text(recorded)
    lines = state_lines(canonical)
    assert all(len(LINE_PREFIX + line) <= MAX_LINE_COLUMNS for line in lines)
    assert all(line.isascii() and line.strip() for line in lines)
    assert "*/" not in "".join(lines)
    assert read_state(_docblock(lines)) == (canonical, False)
    assert json.loads(read_state(_docblock(lines)).canonical) == recorded


def test_a_long_string_goes_on_in_literals_below_it() -> None:
    url = "https://erp.acme.example/" + "segment/" * 30
    canonical = canonical_text({"url": url})
    lines = state_lines(canonical)
    assert lines[1].startswith('    "url": "https:\\/\\/erp.acme.example\\/segment')
    assert lines[1].endswith('\\/"') and lines[2].startswith('        "segment\\/')
    assert len(lines) > 3 and all(len(LINE_PREFIX + line) <= MAX_LINE_COLUMNS for line in lines)
    assert read_state(_docblock(lines)) == (canonical, False)  # the literals join again


def test_a_record_that_is_not_one_is_no_state() -> None:
    assert read_state(" * magegen-sync: {\n *     \"a\": 1\n */\n") is None  # never closed
    assert read_state(" * magegen-sync: {\n *   \"a\": [1,\n * }\n") is None  # not JSON
    twice = " * magegen-sync: {}\n * magegen-sync: {}\n"
    assert read_state(twice) is None
    assert read_state(" * magegen-sync: {\n\"a\": 1\n * }\n") is None  # off the docblock


def test_every_golden_patch_reads_back_as_the_spec_s_patch() -> None:
    for case in CASE_NAMES:
        name, spec_path = case_command(case)
        spec = load_spec(spec_path, name).spec
        for path in (spec_path.parent / "expected" / "Setup" / "Patch" / "Data").glob("*.php"):
            claimed = parse_sync_patch(spec.namespace, path.name, path.read_bytes())
            assert claimed == sync_patch(spec), path
            assert is_own_sync(claimed, path.read_bytes(), None)


def _as_earlier_magegen_wrote_it(root: Path, spec_path: Path) -> Path:
    """The tree at ``root`` with its sync patch and InstallData in the earlier layout."""
    spec = load_spec(spec_path, MODULE).spec
    patch = sync_patch(spec)
    legacy = environment(False).get_template(LEGACY_TEMPLATE).render({"sync": patch})
    (root / patch.path).write_text(legacy, encoding="utf-8")
    install_data = root / "Setup" / "InstallData.php"
    if install_data.is_file():
        old = environment(False).get_template("legacy/InstallData-1.php.j2")
        install_data.write_text(old.render({"spec": spec}), encoding="utf-8")
    return root / patch.path


def _spec(path: Path, head: str, *entries: str) -> Path:
    path.write_text(head + "integrations:\n" + "".join(entries), encoding="utf-8")
    return path


def _earlier_tree(
    run_cli: Callable[..., Result], spec_path: Path, out: Path
) -> tuple[Path, dict[Path, bytes]]:
    """The module of ``spec_path`` at ``out`` as earlier magegen wrote it: its sync patch's
    path, and every PHP file as magegen writes it now."""
    assert run_cli("new", MODULE, spec_path, "-o", out).exit_code == 0
    current = {path: path.read_bytes() for path in out.rglob("*.php")}
    return _as_earlier_magegen_wrote_it(out, spec_path), current


def test_an_earlier_one_line_patch_reads_back_and_is_magegens_own(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    v1 = _spec(tmp_path / "v1.yaml", HEAD, ERP, PIM)
    old, _ = _earlier_tree(run_cli, v1, tmp_path / "m")
    content = old.read_bytes()
    assert b" * magegen-sync: {\"integrations\":[{" in content
    claimed = parse_sync_patch("Acme\\Erp", old.name, content)
    current = sync_patch(load_spec(v1, MODULE).spec)
    assert claimed is not None and claimed.one_line
    assert (claimed.class_name, claimed.integrations, claimed.canonical) == (
        current.class_name,
        current.integrations,
        current.canonical,
    )
    assert is_own_sync(claimed, content, None)
    assert not is_own_sync(claimed, content.replace(b"return $this;", b"return $this; "), None)


def test_an_earlier_tree_moves_on_without_recreating(
    tmp_path: Path, run_cli: Callable[..., Result], php: str
) -> None:
    """Installed from the earlier layout, regenerated unchanged (rewritten in place, nothing
    runs again), then changed (the earlier patch removed as superseded, stores follow)."""
    v1 = _spec(tmp_path / "v1.yaml", HEAD, ERP, PIM)
    out, store = tmp_path / "m", tmp_path / "store.json"
    old, fresh = _earlier_tree(run_cli, v1, out)
    installed = upgrade(php, store, out, MODULE, activate=True)
    assert installed.ok, installed.error
    erp = rows(installed.tables)["ERP Sync"]

    same = run_cli("new", MODULE, v1, "-o", out, "--force")
    assert same.exit_code == 0, same.stderr
    assert "superseded" not in same.stderr
    assert {p: p.read_bytes() for p in out.rglob("*.php")} == fresh
    again = upgrade(php, store, out, MODULE)
    assert again.ok and again.tables == installed.tables  # the same class: recorded already

    _as_earlier_magegen_wrote_it(out, v1)
    v2 = _spec(tmp_path / "v2.yaml", HEAD, ERP, PIM_RETIRED)
    moved = run_cli("new", MODULE, v2, "-o", out, "--force")
    assert moved.exit_code == 0, moved.stderr
    assert f"{old}: note: magegen's own superseded data patch" in moved.stderr
    assert not old.exists()
    upgraded = upgrade(php, store, out, MODULE)
    assert upgraded.ok, upgraded.error
    assert set(state(upgraded.tables)) == {"ERP Sync"}
    assert rows(upgraded.tables)["ERP Sync"]["id"] == erp["id"]
    assert tokens_of(upgraded.tables, erp["consumer_id"]) == tokens_of(
        installed.tables, erp["consumer_id"]
    )


def test_an_earlier_install_data_is_removed_when_the_spec_no_longer_makes_it(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "m"
    _earlier_tree(run_cli, _spec(tmp_path / "v1.yaml", HEAD, ERP, PIM), out)
    earlier = (out / "Setup" / "InstallData.php").read_text(encoding="utf-8")
    assert "@var" not in earlier  # the layout before the coding standard
    v2 = _spec(tmp_path / "v2.yaml", HEAD + "setup: data-patch\n", ERP, PIM)
    result = run_cli("new", MODULE, v2, "-o", out, "--force")
    assert result.exit_code == 0, result.stderr
    assert "magegen's own InstallData" in result.stderr
    assert not (out / "Setup" / "InstallData.php").exists()


def test_spec_from_and_acl_diff_read_an_earlier_patch(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "m"
    _earlier_tree(run_cli, _spec(tmp_path / "v1.yaml", HEAD, ERP, PIM_RETIRED), out)
    read = run_cli("spec-from", out)
    assert read.exit_code == 0, read.stderr
    entries = yaml.safe_load(read.stdout)["integrations"]
    assert {"name": "PIM Feed", "retired": True} in entries

    more = ERP.replace("sales]", "sales, Magento_Cms::page]")
    new = tmp_path / "n"
    _earlier_tree(run_cli, _spec(tmp_path / "v2.yaml", HEAD, more, PIM_RETIRED), new)
    diff = run_cli("acl-diff", out, new)
    assert diff.exit_code == 1, diff.stderr
    assert "integration 'ERP Sync' (split format): changed" in diff.stdout
    assert "never applies this change" not in diff.stdout  # the earlier patch is read as sync


def test_the_documentation_shows_the_patch_as_magegen_writes_it() -> None:
    """docs/what-it-writes.md shows the example spec's sync patch byte for byte."""
    page = REPO / "docs" / "what-it-writes.md"
    blocks = re.findall(r"```php\n(<\?php\n.*?)```\n", page.read_text("utf-8"), re.DOTALL)
    expected = REPO / "tests" / "cases" / "integration-manager" / "expected"
    patch = expected / sync_path_of(EXAMPLE_NAME, EXAMPLE_SPEC)
    assert patch.read_text(encoding="utf-8") in blocks
