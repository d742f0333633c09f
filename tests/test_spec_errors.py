"""Bad specs: every problem reported with file, line, column and field; exit 2; nothing written.

Each tests/invalid/<name>.yaml is paired with <name>.err, the exact stderr expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
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


# Specs whose problems are in the YAML text itself (syntax, tags, characters, documents, an
# empty file, a root that is not a mapping): there is no field to name. Each still gives line and
# column, except the empty file, which has none.
WHOLE_FILE_PROBLEMS = {
    "broken-yaml",
    "control-character",
    "empty",
    "not-a-mapping",
    "several-documents",
    "tab-indentation",
    "yaml-tags",
}
MESSAGE = re.compile(
    r"^(?P<file>[\w.-]+):(?P<line>\d+):(?P<column>\d+): error: "
    r"(?P<field>[A-Za-z_][^\s:]*): \S"
)
WHOLE_FILE_MESSAGE = re.compile(r"^(?P<file>[\w.-]+)(?::(?P<line>\d+):(?P<column>\d+))?: error: \S")
FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _spans(node: yaml.Node) -> tuple[tuple[int, int], tuple[int, int]]:
    """The 1-based (line, column) where ``node`` starts and ends."""
    start, end = node.start_mark, node.end_mark
    return (start.line + 1, start.column + 1), (end.line + 1, end.column + 1)


def _holds(node: yaml.Node, position: tuple[int, int]) -> bool:
    start, end = _spans(node)
    return start <= position <= end


def field_points_at(
    document: yaml.Node, field: str, position: tuple[int, int], missing: bool = False
) -> bool:
    """Whether ``field`` (``a.b[0].c``) names a node of ``document`` found at ``position``.

    The position must lie on the key or within the value of the last part; a last key that is
    ``missing`` from the spec must point into the mapping that lacks it.
    """
    parts = [key if key else int(index) for key, index in FIELD_PART.findall(field)]
    assert "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".") == field
    candidates: list[yaml.Node] = [document]
    for number, part in enumerate(parts):
        last = number == len(parts) - 1
        found: list[yaml.Node] = []
        for node in candidates:
            if isinstance(part, int) and isinstance(node, yaml.SequenceNode):
                found += node.value[part : part + 1]
            elif isinstance(part, str) and isinstance(node, yaml.MappingNode):
                pairs = [(k, v) for k, v in node.value if k.value == part]
                if last and any(_holds(k, position) or _holds(v, position) for k, v in pairs):
                    return True
                if last and missing and not pairs and _holds(node, position):
                    return True  # the key is missing from this mapping
                found += [value for _, value in pairs]
        if last:
            return any(_holds(node, position) for node in found)
        candidates = found
    return False


def test_every_message_names_file_line_column_and_field() -> None:
    """Each line of each .err names its spec, a line and column inside it, and the field there."""
    without_field = set()
    for name in INVALID_SPECS:
        spec = INVALID / f"{name}.yaml"
        text = spec.read_text(encoding="utf-8", errors="replace")
        lines = text.splitlines()
        for message in (INVALID / f"{name}.err").read_text().splitlines():
            match = MESSAGE.match(message)
            if match is None:
                without_field.add(name)
                match = WHOLE_FILE_MESSAGE.match(message)
                assert match is not None, message
                assert match["line"] is not None or not text.strip(), message
            assert match["file"] == spec.name, message
            if match["line"] is None:
                continue
            line, column = int(match["line"]), int(match["column"])
            assert 1 <= line <= len(lines), message
            assert 1 <= column <= len(lines[line - 1]) + 1, message
            if name not in WHOLE_FILE_PROBLEMS:
                document = yaml.compose(text, Loader=yaml.SafeLoader)
                missing = message.endswith(": required key is missing")
                assert field_points_at(document, match["field"], (line, column), missing), message
    assert without_field == WHOLE_FILE_PROBLEMS


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
