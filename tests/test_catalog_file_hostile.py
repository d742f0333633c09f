"""Catalog files are untrusted: a broken or hostile one is refused with exit 2 and one line
naming the file, by every command, before anything is written."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from generator.magento.acl import bundled_acl
from generator.magento.snapshot import to_text
from generator.magento.snapshotcheck import MAX_BYTES
from tests.test_magento_root import write_spec


def valid_document() -> dict[str, Any]:
    """A small valid catalog: the bundled tree's Sales branch and two modules."""
    acl = bundled_acl()
    keep = ["Magento_Backend::admin", *acl.path("Magento_Sales::reorder")[1:]]
    return {
        "format": 1,
        "kind": "magegen-catalog",
        "magento": {"version": "2.4.4", "source": "composer.json"},
        "framework": {"package": "magento/framework", "constraint": "103.0.*"},
        "acl": [
            {
                "id": r.id,
                "title": r.title,
                "parent": r.parent,
                "module": r.module,
                "sort_order": r.sort_order,
                "disabled": r.disabled,
            }
            for r in acl.resources
            if r.id in keep
        ],
        "modules": {
            "Magento_Sales": {
                "package": "magento/module-sales",
                "constraint": "103.0.*",
                "version": "103.0.4",
                "origin": "core",
                "sequence": ["Magento_Backend"],
                "installed": True,
            },
            "Own_Res": {
                "package": None,
                "constraint": None,
                "version": None,
                "origin": "installation",
                "sequence": [],
                "installed": True,
            },
        },
        "routes": [
            {"method": "GET", "url": "/V1/orders", "resources": ["Magento_Sales::actions_view"]}
        ],
    }


def changed(edit: Callable[[dict[str, Any]], object]) -> str:
    document = copy.deepcopy(valid_document())
    edit(document)
    return to_text(document)


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        target: Any = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _delete(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        target: Any = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return edit


def _swap_acl(document: dict[str, Any]) -> None:
    document["acl"][1], document["acl"][2] = document["acl"][2], document["acl"][1]


def _root_after_admin(document: dict[str, Any]) -> None:
    """Magento_Backend::all (sortOrder 10) listed after the admin tree (sortOrder 20)."""
    document["acl"].append(
        {
            "id": "Magento_Backend::all",
            "title": "Allow everything",
            "parent": None,
            "module": "Magento_Backend",
            "sort_order": 10,
            "disabled": False,
        }
    )


def _repeat_id(document: dict[str, Any]) -> None:
    document["acl"].append(dict(document["acl"][-1]))


BROKEN: dict[str, tuple[str | bytes, str]] = {
    "empty": ("", "not JSON"),
    "not json": ("{format: 1}", "not JSON"),
    "a list": ("[]", "expected a JSON object"),
    "not utf-8": (b'{"format": 1, "kind": "\xff"}', "not UTF-8"),
    "format 2": (changed(_set(["format"], 2)), "format: 2 is not 1"),
    "format as text": (changed(_set(["format"], "1")), "format: '1' is not 1"),
    "format as float": (changed(_set(["format"], 1.0)), "format: float is not 1"),
    "format missing": (changed(_delete(["format"])), "missing key 'format'"),
    "unknown key": (changed(_set(["extra"], 1)), "top level: unknown key 'extra'"),
    "unknown resource key": (changed(_set(["acl", 0, "x"], 1)), "acl[0]: unknown key 'x'"),
    "wrong type": (changed(_set(["acl", 1, "title"], 5)), "acl[1].title: expected a string"),
    "bool as number": (changed(_set(["acl", 1, "sort_order"], True)), "acl[1].sort_order"),
    "control character": (
        changed(_set(["acl", 1, "title"], "Sales\n[error] forged")),
        "acl[1].title: expected a non-empty one-line string",
    ),
    "unknown parent": (
        changed(_set(["acl", 1, "parent"], "Magento_Nope::x")),
        "acl[1].parent: not an id listed before it",
    ),
    "repeated id": (changed(_repeat_id), "appears twice"),
    "sort order": (changed(_root_after_admin), "acl: not in tree order"),
    "out of order": (changed(_swap_acl), "acl[1].parent: not an id listed before it"),
    "bad module name": (
        changed(_set(["modules", "Magento_Sales", "sequence"], ["not a module"])),
        "modules.Magento_Sales.sequence[0]: expected a module name",
    ),
    "bad origin": (
        changed(_set(["modules", "Own_Res", "origin"], "elsewhere")),
        "modules.Own_Res.origin: expected one of core",
    ),
    "bad method": (changed(_set(["routes", 0, "method"], "TRACE")), "routes[0].method"),
    "repeated key": ('{"format": 1, "format": 1}', "the key 'format' appears twice"),
    "nan": ('{"format": NaN}', "NaN is not a JSON number"),
    "deep": ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_catalog_is_refused(
    case: str, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    content, message = BROKEN[case]
    path = tmp_path / "catalog.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = run_cli("acl", "--catalog", path)
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{path}: error: not a usable magegen catalog: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_the_valid_document_is_accepted(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(to_text(valid_document()), encoding="utf-8")
    result = run_cli("acl", "--catalog", path)
    assert result.exit_code == 0, result.stderr
    assert "Magento_Sales::reorder" in result.stdout
    assert "Magento_Catalog::catalog" not in result.stdout  # only what the file holds


def test_a_huge_catalog_is_refused_without_reading_it_all(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    path = tmp_path / "catalog.json"
    with path.open("wb") as stream:
        stream.write(b'{"format": 1, "pad": "')
        stream.truncate(MAX_BYTES + 10)
    result = run_cli("acl", "--catalog", path)
    assert result.exit_code == 2
    assert "larger than 16 MB" in result.stderr


def test_a_missing_catalog_or_a_folder_is_refused(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    for path in (tmp_path / "missing.json", tmp_path):
        result = run_cli("acl", "--catalog", path)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"{path}: error: not a usable magegen catalog: ")


@pytest.mark.parametrize("command", ["new", "validate", "acl-diff", "spec-from"])
def test_every_command_refuses_a_broken_catalog_and_writes_nothing(
    command: str, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(changed(_set(["format"], 99)), encoding="utf-8")
    spec = write_spec(tmp_path, ["Magento_Sales::reorder"])
    module = tmp_path / "module"
    assert run_cli("new", "Acme/Sync", spec, "-o", module).exit_code == 0
    arguments = {
        "new": ["new", "Acme/Sync", spec, "-o", tmp_path / "out"],
        "validate": ["validate", module, "--no-php"],
        "acl-diff": ["acl-diff", spec, spec],
        "spec-from": ["spec-from", module, "-o", tmp_path / "out.yaml"],
    }[command]
    result = run_cli(*arguments, "--catalog", path)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"{path}: error: ")
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.yaml").exists()
