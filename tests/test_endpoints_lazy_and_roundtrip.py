"""The route catalog loads only for a spec with endpoints; a module granted without parents
reads back as `parents: false` and renders the same tree again; validate takes it as it is."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import REPO, tree

SPEC = (
    "name: Acme/Erp\n"
    "integrations:\n"
    "  - name: ERP\n"
    "    email: erp@example.com\n"
    "    parents: false\n"
    "    resources: [Magento_Customer::customer]\n"
    '    endpoints: ["GET /V1/orders", "GET /V1/products/{sku}"]\n'
    "  - name: Full\n"
    "    email: full@example.com\n"
    '    endpoints: ["GET /V1/categories"]\n'
)


def _probe(spec: Path, out: Path) -> list[str]:
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from generator.cli import main\n"
        f"r = CliRunner().invoke(main, ['new', {str(spec)!r}, '-o', {str(out)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "print([m for m in ('generator.magento.routes', 'generator.magento.routematch',"
        " 'generator.magento.routequery') if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    return ast.literal_eval(done.stdout.strip())


def test_new_with_endpoints_loads_the_route_catalog(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    assert _probe(spec, tmp_path / "out") == [
        "generator.magento.routes",
        "generator.magento.routematch",
        "generator.magento.routequery",
    ]


def test_new_with_parents_false_but_no_endpoints_stays_lazy(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "name: Acme/Erp\nintegrations:\n  - name: ERP\n    email: e@example.com\n"
        "    parents: false\n    resources: [Magento_Sales::reorder]\nbearer_tokens: true\n",
        encoding="utf-8",
    )
    assert _probe(spec, tmp_path / "out") == []


def _generate(tmp_path: Path, run_cli: Callable[..., Result]) -> Path:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    target = tmp_path / "module"
    result = run_cli("new", spec, "-o", target)
    assert result.exit_code == 0, result.stderr
    return target


def test_spec_from_reads_parents_false_back(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    target = _generate(tmp_path, run_cli)
    result = run_cli("spec-from", target)
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    # No notes: the comment is followed by the spec's name and its setup.
    assert "# Read back from the module by magegen spec-from.\nname: Acme/Erp\nsetup:" in text
    first, second = text.split("- name: Full")
    assert "parents: false" in first
    assert "parents" not in second
    back = tmp_path / "back.yaml"
    back.write_text(text, encoding="utf-8")
    again = tmp_path / "again"
    assert run_cli("new", "Acme/Erp", back, "-o", again).exit_code == 0
    assert tree(again) == tree(target)


def test_validate_warns_mg305_but_passes(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    target = _generate(tmp_path, run_cli)
    result = run_cli("validate", target, "--format", "json")
    assert result.exit_code == 0, result.stdout
    findings = json.loads(result.stdout)
    codes = {(f["code"], f["severity"]) for f in _findings(findings)}
    assert ("MG305", "warning") in codes
    assert not any(severity == "error" for _, severity in codes)


def _findings(document: object) -> list[dict[str, str]]:
    if isinstance(document, dict):
        for key in ("findings", "problems"):
            if key in document:
                return document[key]
        return [f for value in document.values() for f in _findings(value)]
    if isinstance(document, list):
        return [f for item in document for f in _findings(item) if isinstance(f, dict)] or [
            item for item in document if isinstance(item, dict) and "code" in item
        ]
    return []
