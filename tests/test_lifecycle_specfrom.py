"""spec-from reads the integrations a module's sync patch retires back as ``retired: true``.

``new`` → ``spec-from`` → ``new --force`` must give the same tree byte for byte, and must not stop
with "missing from the spec" for an integration the sync patch retires.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import tree

MODULE = "Acme/Erp"
ERP = """  - name: ERP Sync
    email: erp@acme.example
    endpoint_url: https://erp.acme.example/cb
    resources:
      - Magento_Sales::sales
"""
SPECS = {
    "install-data, one retired": "setup: install-data\nintegrations:\n"
    + ERP
    + "  - name: PIM Feed\n    retired: true\n  - name: Old Feed\n    retired: true\n",
    "data-patch, all retired": "setup: data-patch\nsetup_patch_name: Feeds\nintegrations:\n"
    "  - name: PIM Feed\n    retired: true\n  - name: ERP Sync\n    retired: true\n",
    "install-data, all retired": "module:\n  setup_version: 2.0.0\nsetup: install-data\n"
    "integrations:\n  - name: ERP Sync\n    retired: true\n",
}


@pytest.mark.parametrize("case", sorted(SPECS))
def test_retired_entries_round_trip(
    tmp_path: Path, run_cli: Callable[..., Result], case: str
) -> None:
    original = tmp_path / "v.yaml"
    original.write_text(SPECS[case], encoding="utf-8")
    out = tmp_path / "m"
    assert run_cli("new", MODULE, original, "-o", out).exit_code == 0
    first = tree(out)
    back = tmp_path / "back.yaml"
    read = run_cli("spec-from", out, "-o", back)
    assert read.exit_code == 0, read.stderr
    text = back.read_text(encoding="utf-8")
    # Only the two comment lines and the name at the top: nothing the spec fails to reproduce.
    assert text.splitlines()[2:] == [f"name: {MODULE}", *SPECS[case].splitlines()], text
    again = run_cli("new", MODULE, back, "-o", out, "--force")
    assert again.exit_code == 0, again.stderr
    assert "missing from the spec" not in again.stderr
    assert tree(out) == first


def test_the_current_patch_gives_the_order_and_a_kept_name_is_not_retired(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """An older sync patch left in the tree (edited, so magegen keeps it) adds its retired names
    after the current patch's, and never retires a name config.xml declares."""
    out = tmp_path / "m"
    v1 = tmp_path / "v1.yaml"
    v1.write_text(
        "integrations:\n" + ERP + "  - name: Beta\n    retired: true\n"
        "  - name: Gamma\n    retired: true\n",
        encoding="utf-8",
    )
    assert run_cli("new", MODULE, v1, "-o", out).exit_code == 0
    folder = out / "Setup" / "Patch" / "Data"
    (old,) = folder.glob("*.php")
    old.write_text(old.read_text().replace("return $this;", "return $this; // kept"))
    v2 = tmp_path / "v2.yaml"
    v2.write_text(
        "integrations:\n" + ERP + "  - name: Beta\n    email: b@acme.example\n"
        "    resources: [Magento_Cms::page]\n  - name: Alpha\n    retired: true\n",
        encoding="utf-8",
    )
    written = run_cli("new", MODULE, v2, "-o", out, "--force")
    assert written.exit_code == 0, written.stderr
    read = run_cli("spec-from", out)
    assert read.exit_code == 0, read.stderr
    names = [line for line in read.stdout.splitlines() if line.startswith("  - name: ")]
    assert names == [
        "  - name: ERP Sync",
        "  - name: Beta",
        "  - name: Alpha",
        "  - name: Gamma",
    ]
