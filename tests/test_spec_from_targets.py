"""spec-from writes `magento:` when composer.json's php is exactly a target set's and the module
grants nothing (with grants, `magento:` also decides the ids and ancestors, which php cannot tell,
so php stays in composer.require), and the spec it writes makes the same module again, byte for
byte."""

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
    spec.write_text(head + "module: {description: Sync}\n", encoding="utf-8")
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


def test_a_granting_module_keeps_its_php_and_round_trips(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        'magento: "2.4.7.*"\nintegrations:\n  - name: Sync\n    email: s@example.com\n'
        "    resources: [Magento_Backend::admin/**]\n",
        encoding="utf-8",
    )
    first = tmp_path / "first"
    assert run_cli("new", "Acme/Sync", spec, "-o", first).exit_code == 0
    back = run_cli("spec-from", first)
    assert back.exit_code == 0, back.stderr
    assert "magento:" not in back.stdout
    assert "~8.1.0||~8.2.0||~8.3.0" in back.stdout  # 2.4.7's php, in composer.require
