"""Suggestions for unknown ACL ids are bounded per run (SUGGESTION_BUDGET), so which ids get one
depends on the order they are ranked in. validate on several processes, where timing decides
which process checks which module, ranks them afterwards in module order: its report is byte for
byte the report of one process, run after run."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.magento import acl
from generator.magento.catalogs import catalogs
from generator.review import validate as validating
from tests.validate_kit import drop_sync_patch, grant, new_module

MODULES = 36  # (more than validate's PARALLEL_FROM)
BUDGET = 5


@pytest.fixture
def tree(tmp_path: Path, run_cli: Callable[..., Result]) -> Path:
    """Modules that each grant two unknown ids of a known module (typos of their own)."""
    root = tmp_path / "tree"
    first = new_module(run_cli, root / "Vendor" / "Module0")
    drop_sync_patch(first)
    for number in range(1, MODULES):
        shutil.copytree(first, root / "Vendor" / f"Module{number}")
    for number in range(MODULES):
        module = root / "Vendor" / f"Module{number}"
        grant(module, f"Magento_Sales::reoder{number}x", f"Magento_Sales::shipmnt{number}y")
    return root


def _report(run_cli: Callable[..., Result], tree: Path) -> str:
    # Each run as in a fresh process: ids ranked by an earlier run cost nothing, and get theirs.
    catalogs(None).acl._suggested.clear()
    result = run_cli("validate", tree, "--format", "json", "--no-php")
    assert result.exit_code == 1
    return result.stdout


def test_several_processes_suggest_what_one_process_suggests(
    tree: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(acl, "SUGGESTION_BUDGET", BUDGET)
    monkeypatch.setattr(validating, "_pool_size", lambda modules: 1)
    alone = _report(run_cli, tree)
    findings = [f for f in json.loads(alone)["findings"] if f["code"] == "MG304"]
    suggested = [f["file"] for f in findings if "did you mean" in f["message"]]
    assert len(findings) == 2 * MODULES and 0 < len(suggested) <= BUDGET
    first = sorted(f"Module{number}" for number in range(MODULES))[:3]  # (in module order)
    assert {Path(f).parts[-4] for f in suggested} == set(first)
    for processes in (2, 3, 3):
        monkeypatch.setattr(validating, "_pool_size", lambda modules, n=processes: n)
        assert _report(run_cli, tree) == alone
    assert not acl._rankings["deferred"]  # (left as it was found)
