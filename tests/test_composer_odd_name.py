"""A composer.json whose "name" is not a string (a list, an object, a number) never makes the
check of which Magento releases ship the module fail: it said MG190 ("magegen itself failed")
when a version was set. No release ships such a name, so the module is judged against the
default targets, as a module without a name is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.validate_kit import Runner, example, validate_json  # noqa: F401 (a fixture)


def _with(example: Path, **fields: object) -> None:
    path = example / "composer.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest.update(fields)
    manifest = {key: value for key, value in manifest.items() if value is not None}
    path.write_text(json.dumps(manifest, indent=4) + "\n", encoding="utf-8")


@pytest.mark.parametrize("name", [["beehexa/module-integration-manager"], {"a": "b"}, 7])
def test_a_name_that_is_not_a_string_is_judged_as_no_name(
    name: object, example: Path, run_cli: Runner
) -> None:
    _with(example, name=name, version="100.4.4")
    result, report = validate_json(run_cli, example, "--no-php")
    _with(example, name=None)
    unnamed, unnamed_report = validate_json(run_cli, example, "--no-php")
    assert report["findings"] == unnamed_report["findings"] == []
    assert result.exit_code == unnamed.exit_code == 0
