"""Issue 20: messages people can trust, and routes from the store that is meant.

Values from files are shortened in every message (libxml2's included) and escaped once; invisible
and bidirectional characters are escaped everywhere, so two names that look the same in a review
are visibly different; ``disabled`` is read as Magento reads it; ``routes`` and ``acl-diff``
use the catalog's own routes, refuse an unreadable api.xml, and count the parents Magento adds
to integration.xml.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.magento.snapshot import to_text
from tests.test_catalog_file_hostile import valid_document
from tests.validate_kit import (
    API,
    CONFIG,
    EXAMPLE_NAME,
    Runner,
    assert_no_traceback,
    drop_sync_patch,
    edit,
    new_module,
    validate_json,
    write,
)

NAME = "testIntegration2"
LINE_LIMIT = 600


def _longest(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


# 17. Values are shortened in every message.


@pytest.mark.parametrize("output", ["text", "github", "markdown"])
def test_a_five_megabyte_email_gives_short_lines(
    run_cli: Runner, tmp_path: Path, output: str
) -> None:
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    edit(module / CONFIG, "hexasync@beehexa.com", "no-at-sign" + "a" * 5_000_000)
    result = run_cli("validate", module, "--no-php", "--format", output)
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert "does not match" in result.stdout  # libxml2's message, quoting the value
    assert _longest(result.stdout) < LINE_LIMIT


@pytest.mark.parametrize("query", ["GET V1 orders \\x", "PATCH\\ /V1/orders"])
def test_not_a_route_is_escaped_once(run_cli: Runner, query: str) -> None:
    result = run_cli("routes", query)
    assert_no_traceback(result)
    assert result.exit_code in (1, 2)
    assert "\\\\" not in result.stderr, result.stderr


def test_a_very_long_route_is_shortened(run_cli: Runner) -> None:
    result = run_cli("routes", "GET /V1/" + "a" * 20_000)
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert _longest(result.stderr) < LINE_LIMIT


# 18. Invisible, format and right-to-left characters are escaped.

LOOKALIKES = ["testIntegration2\u200b", "test\u202eIntegration2", "\ufefftestIntegration2",
              "testIntegration2\U000e0041", "test\u00adIntegration2"]


@pytest.mark.parametrize("name", LOOKALIKES)
@pytest.mark.parametrize("output", ["text", "markdown", "json"])
def test_a_lookalike_name_is_visibly_different_in_acl_diff(
    run_cli: Runner, tmp_path: Path, name: str, output: str
) -> None:
    old = new_module(run_cli, tmp_path / "old" / EXAMPLE_NAME)
    new = new_module(run_cli, tmp_path / "new" / EXAMPLE_NAME)
    drop_sync_patch(new)
    for relative in (API, CONFIG):
        edit(new / relative, f'name="{NAME}"', f'name="{name}"')
    result = run_cli("acl-diff", old, new, "--format", output)
    assert_no_traceback(result)
    assert result.exit_code == 1
    invisible = [c for c in name if c not in NAME]
    assert not any(c in result.stdout for c in invisible)
    if output == "json":
        names = {c["name"] for c in json.loads(result.stdout)}
        assert names == {name, NAME}  # the data stays exact; only its spelling is escaped


def test_validate_escapes_a_lookalike_in_findings(run_cli: Runner, tmp_path: Path) -> None:
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    edit(module / API, f'name="{NAME}"', 'name="test\u202eIntegration2"')
    for output in ("text", "github", "markdown", "json"):
        result = run_cli("validate", module, "--no-php", "--format", output)
        assert "\u202e" not in result.stdout, output


# 21. disabled is read as Magento reads it.

OWN_ACL = """<?xml version="1.0"?>
<config><acl><resources><resource id="Magento_Backend::admin">
<resource id="Beehexa_IntegrationManager::sync" title="Sync" disabled="{value}"/>
</resource></resources></acl></config>
"""


@pytest.mark.parametrize(("value", "disabled"), [("true", True), ("1", False),
                                                 ("TRUE", False), ("false", False)])
def test_only_the_string_true_disables(
    run_cli: Runner, tmp_path: Path, value: str, disabled: bool
) -> None:
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    drop_sync_patch(module)
    write(module / "etc" / "acl.xml", OWN_ACL.format(value=value))
    edit(module / API, "        </resources>",
         '            <resource name="Beehexa_IntegrationManager::sync"/>\n        </resources>')
    _, report = validate_json(run_cli, module, "--no-php")
    assert ("MG307" in {f["code"] for f in report["findings"]}) == disabled


# 14, 15, 22. routes and acl-diff.


def test_routes_refuses_an_api_xml_it_cannot_read(run_cli: Runner, tmp_path: Path) -> None:
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    outside = write(tmp_path / "api.xml", (module / API).read_text(encoding="utf-8"))
    (module / API).unlink()
    (module / API).symlink_to(outside)
    result = run_cli("routes", module)
    assert_no_traceback(result)
    assert result.exit_code == 2
    assert "links outside the module" in result.stderr
    big = new_module(run_cli, tmp_path / "big" / EXAMPLE_NAME)
    with open(big / API, "ab") as handle:
        handle.truncate(9 * 1024 * 1024)
    result = run_cli("routes", big)
    assert result.exit_code == 2
    assert "larger than" in result.stderr


def _catalog_with_route(tmp_path: Path) -> Path:
    document = valid_document()
    document["routes"].append(
        {"method": "POST", "url": "/V1/store/only", "resources": ["Magento_Sales::reorder"]}
    )
    return write(tmp_path / "catalog.json", to_text(document))


def _spec(folder: Path, resource: str, catalog: str = "") -> Path:
    key = f"catalog: {catalog}\n" if catalog else ""
    return write(
        folder / f"{resource.replace(':', '_')}.yaml",
        f"name: Acme/Sync\n{key}integrations:\n  - name: Sync\n    email: a@example.com\n"
        f"    resources: [{resource}]\n",
    )


def test_acl_diff_with_a_catalog_names_its_own_routes(run_cli: Runner, tmp_path: Path) -> None:
    catalog = _catalog_with_route(tmp_path)
    old = _spec(tmp_path, "Magento_Sales::sales")
    new = _spec(tmp_path, "Magento_Sales::reorder")
    result = run_cli("acl-diff", old, new, "--catalog", catalog)
    assert_no_traceback(result)
    assert "can now call POST /V1/store/only" in result.stdout


def test_routes_of_a_spec_use_its_catalog(run_cli: Runner, tmp_path: Path) -> None:
    _catalog_with_route(tmp_path)
    spec = _spec(tmp_path, "Magento_Sales::reorder", catalog="catalog.json")
    result = run_cli("routes", "--spec", spec)
    assert_no_traceback(result)
    assert result.exit_code == 0, result.stderr
    assert "/V1/store/only" in result.stdout
    plain = run_cli("routes", "--spec", _spec(tmp_path / "x", "Magento_Sales::reorder")
                    if (tmp_path / "x").mkdir() is None else None)
    assert "/V1/store/only" not in plain.stdout


CONSOLIDATED = """<?xml version="1.0"?>
<config><integration name="Catalog sync"><email>a@example.com</email><resources>
<resource name="Magento_Catalog::products"/></resources></integration></config>
"""


@pytest.mark.parametrize("output", ["text", "json"])
def test_routes_count_the_parents_magento_adds(
    run_cli: Runner, tmp_path: Path, output: str
) -> None:
    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    write(module / "etc" / "integration.xml", CONSOLIDATED)
    result = run_cli("routes", module, "--format", output)
    assert result.exit_code == 0, result.stderr
    # GET /V1/products/:sku/media needs Magento_Catalog::catalog, a parent Magento adds.
    assert "/V1/products/:sku/media" in result.stdout
