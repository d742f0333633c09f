"""spec-from writes `magento:` when composer.json's php is exactly a target set's, and the spec
it writes makes the same module again, byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("magento", "written"),
    [
        (None, None),
        (">=2.4.7", None),  # the default: nothing to write
        (">=2.4.8", "magento: '>=2.4.8'"),
        ("2.4.8.*", "magento: 2.4.8.*"),
        ("~2.4.6", None),  # its php is the default targets' php: composer.json cannot tell
        ("2.4.4.* || 2.4.5.*", "magento: 2.4.4.*"),  # the first set with that php
        (">=2.4.5 <2.4.7", "magento: '>=2.4.4 <2.4.7'"),
    ],
)
def test_spec_from_names_the_targets_and_round_trips(
    tmp_path: Path, run_cli: Callable[..., Result], magento: str | None, written: str | None
) -> None:
    spec = tmp_path / "spec.yaml"
    head = f'magento: "{magento}"\n' if magento else ""
    spec.write_text(
        head + "integrations:\n  - name: Sync\n    email: s@example.com\n"
        "    resources: [Magento_Sales::sales]\n",
        encoding="utf-8",
    )
    first = tmp_path / "first"
    assert run_cli("new", "Acme/Sync", spec, "-o", first).exit_code == 0
    back = run_cli("spec-from", first)
    assert back.exit_code == 0, back.stderr
    lines = [line for line in back.stdout.splitlines() if line.startswith("magento:")]
    assert lines == ([written] if written else [])
    again = tmp_path / "again.yaml"
    again.write_text(back.stdout, encoding="utf-8")
    second = tmp_path / "second"
    result = run_cli("new", "Acme/Sync", again, "-o", second)
    assert result.exit_code == 0, result.stderr
    assert files(first) == files(second)


def test_a_php_no_target_set_gives_stays_in_composer_require(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text('composer:\n  require:\n    php: "^8.3"\n', encoding="utf-8")
    first = tmp_path / "first"
    assert run_cli("new", "Acme/Sync", spec, "-o", first).exit_code == 0
    back = run_cli("spec-from", first)
    assert "magento:" not in back.stdout
    assert "php: ^8.3" in back.stdout or "php: '^8.3'" in back.stdout


def test_a_php_that_names_other_targets_than_the_grants_is_kept_as_php(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """The php is 2.4.7's, but the module was written for the default targets: its api.xml
    orders Magento_Paypal::paypal as 2.4.8 places it. ``magento: 2.4.7.*`` would reorder it, so
    the spec keeps the php as a requirement (a case test_random_specs_round_trip found)."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "module:\n  sequence: [Magento_Sales]\ncomposer:\n  require:\n"
        "    magento/module-sales: 103.0.*\n    php: ~8.1.0||~8.2.0||~8.3.0\n"
        "integrations:\n  - name: Sync\n    email: ops@example.com\n"
        "    resources: [Magento_Backend::admin/**]\n"
    )
    first = tmp_path / "first"
    assert run_cli("new", "Acme/Prop", spec, "-o", first).exit_code == 0
    read = run_cli("spec-from", first)
    assert read.exit_code == 0, read.stderr
    assert "magento:" not in read.stdout
    assert "php: ~8.1.0||~8.2.0||~8.3.0" in read.stdout
    assert "# Not reproduced" not in read.stdout
    back = tmp_path / "back.yaml"
    back.write_text(read.stdout, encoding="utf-8")
    again = tmp_path / "again"
    assert run_cli("new", back, "-o", again).exit_code == 0
    assert files(again) == files(first)
