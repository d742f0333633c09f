"""Bad specs: every problem reported with file, line, column and field; exit 2; nothing written.

Each tests/invalid/<name>.yaml is paired with <name>.err, the exact stderr expected.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

INVALID = Path(__file__).resolve().parent / "invalid"
INVALID_SPECS = sorted(p.stem for p in INVALID.glob("*.yaml"))


def assert_rejected(result: Result, out: Path) -> None:
    """Exit 2, no traceback, nothing on stdout, nothing on disk."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert not out.exists()


@pytest.mark.parametrize("name", INVALID_SPECS)
def test_invalid_spec_is_reported_exactly(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    monkeypatch.chdir(INVALID)
    out = tmp_path / "module"
    result = run_cli("new", "Acme/Broken", f"{name}.yaml", "-o", out)
    assert_rejected(result, out)
    assert result.stderr == (INVALID / f"{name}.err").read_text()


def test_every_invalid_spec_has_its_expected_message() -> None:
    assert len(INVALID_SPECS) >= 10
    for name in INVALID_SPECS:
        assert (INVALID / f"{name}.err").read_text().strip(), name


def test_every_message_names_file_line_column_and_field() -> None:
    for name in INVALID_SPECS:
        for line in (INVALID / f"{name}.err").read_text().splitlines():
            assert line.startswith(f"{name}.yaml:"), line
            assert ": error: " in line, line


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"module:\n  description: caf\xe9\n", "is not UTF-8 text (byte 0xe9)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file, not a YAML spec"),
        (b"   \n# only a comment\n", "is empty; a spec needs at least a mapping"),
        (b"module: {description: [unclosed\n", "invalid YAML"),
    ],
    ids=["latin-1", "binary", "blank", "unclosed-flow"],
)
def test_unreadable_spec_files(
    content: bytes, message: str, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = write(tmp_path / "spec.yaml", content)
    out = tmp_path / "module"
    result = run_cli("new", "Acme/Broken", spec, "-o", out)
    assert_rejected(result, out)
    assert result.stderr.startswith(f"{spec}")
    assert message in result.stderr


def test_utf8_error_points_at_its_line(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    spec = write(tmp_path / "spec.yaml", b"module:\n  version: 1.0.0\n  description: caf\xe9\n")
    result = run_cli("new", "Acme/Broken", spec, "-o", tmp_path / "module")
    assert result.stderr == f"{spec}:3: error: is not UTF-8 text (byte 0xe9)\n"


def test_missing_spec_file(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    out = tmp_path / "module"
    result = run_cli("new", "Acme/Broken", tmp_path / "nope.yaml", "-o", out)
    assert_rejected(result, out)
    assert result.stderr == f"{tmp_path / 'nope.yaml'}: error: spec file not found\n"


def test_alias_bomb_is_refused_without_expanding(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)
    ]
    spec = write(tmp_path / "spec.yaml", ("\n".join(lines) + "\n").encode())
    out = tmp_path / "module"
    result = run_cli("new", "Acme/Broken", spec, "-o", out)
    assert_rejected(result, out)
    assert "more than 20000 YAML nodes" in result.stderr


@pytest.mark.parametrize(
    "name",
    [
        "acme/Erp",
        "Acme/erp",
        "Acme",
        "Acme/Erp/More",
        "A/Erp",
        "Acme_Erp_More",
        "Acme-Co/Erp",
        "Ac me/Erp",
    ],
)
def test_bad_module_names(name: str, tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    spec = write(tmp_path / "spec.yaml", b"module: {version: 1.0.0}\n")
    out = tmp_path / "module"
    result = run_cli("new", name, spec, "-o", out)
    assert_rejected(result, out)
    assert result.stderr.startswith("NAME: error: ")


@pytest.mark.parametrize("name", ["Acme/Erp", "Acme_Erp", "AB/C9", "Beehexa_IntegrationManager"])
def test_good_module_names(name: str, tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    spec = write(tmp_path / "spec.yaml", b"module: {version: 1.0.0}\n")
    out = tmp_path / "module"
    result = run_cli("new", name, spec, "-o", out)
    assert result.exit_code == 0, result.stderr
    vendor, module = name.replace("/", "_").split("_")
    assert f"'{vendor}_{module}'" in (out / "registration.php").read_text()


def test_split_format_without_setup_is_refused(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """Split format and setup: none would leave the integrations unprocessed."""
    spec = write(
        tmp_path / "spec.yaml",
        b"setup: none\nintegrations:\n"
        b"  - {name: Sync, email: s@example.com, resources: [Magento_Sales::sales]}\n",
    )
    out = tmp_path / "module"
    result = run_cli("new", "Acme/Erp", spec, "-o", out)
    assert_rejected(result, out)
    assert result.stderr == (
        f"{spec}:1:8: error: setup: with the split format, 'none' leaves the integrations "
        "unprocessed: Magento would never create them; use install-data or data-patch, or "
        "integration_format: consolidated\n"
    )


def test_yaml_scalars_keep_their_text(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    """`version: 1.10` is the version 1.10, not the float 1.1."""
    spec = write(
        tmp_path / "spec.yaml",
        b"module: {version: 1.10}\nintegrations:\n"
        b"  - {name: Sync, email: s@example.com, resources: [Magento_Sales::sales]}\n",
    )
    out = tmp_path / "module"
    assert run_cli("new", "Acme/Erp", spec, "-o", out).exit_code == 0
    assert 'setup_version="1.10"' in (out / "etc" / "module.xml").read_text()
    assert '"version": "1.10"' in (out / "composer.json").read_text()


def test_deep_nesting_is_refused(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    spec = write(tmp_path / "spec.yaml", ("a: " + "[" * 5000 + "]" * 5000 + "\n").encode())
    out = tmp_path / "module"
    result = run_cli("new", "Acme/Broken", spec, "-o", out)
    assert_rejected(result, out)
    # libyaml reads such a file; the Python parser, used when libyaml is missing, runs out of
    # stack and says so. Either way one clean line, never a traceback.
    assert result.stderr in (
        f"{spec}: error: is nested too deeply to be a spec\n",
        f"{spec}:1:1: error: a: unknown key\n",
    )


def test_oversized_spec_is_refused(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    spec = write(tmp_path / "spec.yaml", b"# " + b"x" * (1024 * 1024) + b"\n")
    out = tmp_path / "module"
    result = run_cli("new", "Acme/Broken", spec, "-o", out)
    assert_rejected(result, out)
    assert result.stderr == f"{spec}: error: is larger than 1 MiB; a spec is a few kilobytes\n"


def test_deep_nesting_without_libyaml_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    from generator.spec import yamlfile as yamlnodes

    monkeypatch.setattr(yamlnodes, "_FastLoader", None)
    spec = write(tmp_path / "spec.yaml", ("a: " + "[" * 5000 + "]" * 5000 + "\n").encode())
    out = tmp_path / "module"
    result = run_cli("new", "Acme/Broken", spec, "-o", out)
    assert_rejected(result, out)
    assert result.stderr == f"{spec}: error: is nested too deeply to be a spec\n"


def test_libyaml_and_python_parsers_build_the_same_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Result]
) -> None:
    """The fast parser is an optimisation only: the module is the same without it."""
    from generator.spec import yamlfile as yamlnodes
    from tests.conftest import EXAMPLE_SPEC, tree

    fast = tmp_path / "fast"
    assert run_cli("new", "Acme/Erp", EXAMPLE_SPEC, "-o", fast).exit_code == 0
    monkeypatch.setattr(yamlnodes, "_FastLoader", None)
    slow = tmp_path / "slow"
    assert run_cli("new", "Acme/Erp", EXAMPLE_SPEC, "-o", slow).exit_code == 0
    assert tree(fast) == tree(slow)
