"""A retired name longer than a line is written as literals joined by ``.``; review reads it
back whole, never as its first piece (which no store has, and which acl-diff then called a
deletion of an integration this module did not create)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

LONG = "A very long integration name that goes on and on" + " and on" * 13
SPEC = f"""\
integrations:
  - name: ERP
    email: ops@example.com
    resources: [Magento_Sales::reorder]
  - name: "{LONG}"
    retired: true
"""


def test_a_long_retired_name_reads_back_whole(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    module = tmp_path / "module"
    assert run_cli("new", "Acme/Long", spec, "-o", module).exit_code == 0
    patch = next((module / "Setup/Patch/Data").glob("*.php")).read_text(encoding="utf-8")
    assert "\n            . '" in patch  # the name is split over lines
    same = run_cli("acl-diff", spec, module)
    assert same.exit_code == 0, same.stderr
    assert same.stdout == "No integration permissions change.\n"
    before = tmp_path / "before.yaml"
    before.write_text(SPEC[: SPEC.index("  - name: \"A very")], encoding="utf-8")
    diff = run_cli("acl-diff", before, module, "--format", "json")
    assert [(c["name"], c["status"]) for c in json.loads(diff.stdout)] == [(LONG, "retired")]
