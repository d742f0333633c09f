"""Spec rules that match the store and the files people really have (issue 10, issue 15)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.magento.rules import check_integration_name, integration_name_key


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Straße", "Strase", True),  # checked on a real 2.4.4: ß weighs as one s
        ("Straße", "Strasse", False),
        ("Élan", "elan", True),
        ("ERP Sync", "erp sync", True),
        ("ERP Sync  ", "ERP Sync", True),  # PAD SPACE: trailing spaces do not count
        (" ERP Sync", "ERP Sync", False),
        ("Ærø", "aero", False),  # Æ has a weight of its own
        ("Ærø", "ærø", True),
        ("façade", "FACADE", True),
        ("e\u0301lan", "élan", False),  # a combining mark is a character of its own
        ("\u017fync", "sync", True),  # long s
        ("Ça\u011fr\u0131", "cagri", True),  # dotless i weighs as I
    ],
)
def test_names_collide_as_utf8mb3_general_ci_compares_them(a: str, b: str, same: bool) -> None:
    assert (integration_name_key(a) == integration_name_key(b)) is same


DUPLICATES = """\
integrations:
  - name: Straße
    email: a@example.com
    resources: [Magento_Sales::sales]
  - name: Strasse
    email: b@example.com
    resources: [Magento_Sales::sales]
  - name: STRASE
    email: c@example.com
    resources: [Magento_Sales::sales]
"""


def test_new_refuses_the_names_the_store_would_refuse(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(DUPLICATES, encoding="utf-8")
    result = run_cli("new", "Acme/Erp", spec, "-o", tmp_path / "module")
    assert result.exit_code == 2
    assert result.stderr == (
        f"{spec}:8:11: error: integrations[2].name: integration 'STRASE' is already listed at "
        "integrations[0] (Magento's integration names ignore case, accents and trailing spaces)\n"
    )


@pytest.mark.parametrize("char", ["\u200b", "\u202e", "\u2066", "\ufeff", "\u00ad"])
def test_invisible_format_characters_are_refused_in_names(char: str) -> None:
    message = check_integration_name(f"F{char}oo")
    assert message is not None
    assert f"U+{ord(char):04X}" in message
    assert "Unicode category Cf" in message
    assert check_integration_name("Foo") is None


@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_spec_says_it_is_utf16(
    bom: bool, encoding: str, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = tmp_path / "spec.yaml"
    mark = "\ufeff" if bom else ""
    spec.write_bytes(f"{mark}module:\n  version: 1.0.0\n".encode(encoding))
    result = run_cli("new", "Acme/Erp", spec, "-o", tmp_path / "module")
    assert result.exit_code == 2
    assert result.stderr == (
        f"{spec}: error: is UTF-16 text (as PowerShell's > and Out-File write it); a spec must "
        "be UTF-8: save it as UTF-8 (in PowerShell: Out-File -Encoding utf8)\n"
    )


def test_an_empty_input_says_the_input_was_empty(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    read, write = os.pipe()
    os.close(write)  # as <(git show HEAD:missing.yaml) gives when git prints nothing
    try:
        result = run_cli("new", "Acme/Erp", f"/dev/fd/{read}", "-o", tmp_path / "module")
    finally:
        os.close(read)
    assert result.exit_code == 2
    assert result.stderr == (
        f"/dev/fd/{read}: error: read nothing: the input was empty (when it comes from a "
        "command, as with <(git show ...), that command printed nothing)\n"
    )


def test_a_tab_says_yaml_indents_with_spaces(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("module:\n\tversion: 1.0.0\n", encoding="utf-8")
    result = run_cli("new", "Acme/Erp", spec, "-o", tmp_path / "module")
    assert result.exit_code == 2
    assert result.stderr == (
        f"{spec}:2:1: error: invalid YAML: a tab character here; YAML indents with spaces "
        "only, so replace the tab with spaces\n"
    )


def test_two_modules_sharing_a_package_name_are_located(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(
            "module:\n  version: 1.0.0\ncomposer:\n  name: acme/shared\n", encoding="utf-8"
        )
    result = run_cli("new", "Acme/One", "a.yaml", "Acme/Two", "b.yaml")
    assert result.exit_code == 2
    assert result.stderr == (
        "b.yaml:4:9: error: composer.name: Acme_Two has the composer package acme/shared, as "
        "Acme_One (a.yaml) has; each module needs its own\n"
    )


def _large_spec(integrations: int) -> str:
    lines = ["integrations:"]
    for index in range(integrations):
        lines += [
            f"  - name: Integration {index}",
            f"    email: i{index}@example.com",
            f"    endpoint_url: https://example.com/{index}",
            "    resources: [Magento_Sales::sales, Magento_Catalog::products]",
        ]
    return "\n".join(lines) + "\n"


def test_a_large_honest_spec_is_accepted(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    """2,500 integrations written out in full: far more nodes than any alias limit, no alias."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(_large_spec(2500), encoding="utf-8")
    began = time.perf_counter()
    result = run_cli("new", "Acme/Many", spec, "-o", tmp_path / "module", "--dry-run")
    seconds = time.perf_counter() - began
    assert result.exit_code == 0, result.stderr[:2000]
    assert seconds < 60, seconds


def test_a_small_alias_expansion_is_still_fine(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "integrations:\n"
        "  - name: One\n    email: a@example.com\n    resources: &sales [Magento_Sales::sales]\n"
        "  - name: Two\n    email: b@example.com\n    resources: *sales\n",
        encoding="utf-8",
    )
    result = run_cli("new", "Acme/Alias", spec, "-o", tmp_path / "module", "--dry-run")
    assert result.exit_code == 0, result.stderr


def test_a_self_referring_alias_is_refused(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("module: &loop\n  description: *loop\n", encoding="utf-8")
    result = run_cli("new", "Acme/Loop", spec, "-o", tmp_path / "module")
    assert result.exit_code == 2
    assert result.stderr == (
        f"{spec}: error: holds a YAML alias inside the node it refers to, which would never end\n"
    )
