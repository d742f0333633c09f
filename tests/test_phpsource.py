"""PHP source understood as PHP understands it: string literals decoded exactly as real ``php``
decodes them, and only real calls counted (never one in a string, heredoc or comment)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.magento.phpcode import decode_php_string, read_php
from tests.validate_kit import (
    CONFIG,
    Runner,
    codes,
    drop_sync_patch,
    edit,
    findings_with,
    validate_json,
    write,
)

LITERALS = [
    r"'plain'",
    r"'a\\b\'c\n\x41'",
    r'"test\u{49}ntegration2"',
    r'"Acme\Name"',
    r'"tab\there\nnew\rret\vvt\eesc\ffeed"',
    r'"\101\0\7\377\400\x4a\x4\xZZ"',
    r'"\$dollar \"quoted\" back\\slash"',
    r'"\u{1F680} \u{e9} \u{0}"',
    r'"\q\w\a\b\c unknown"',
    r'"\u no brace, \x no digits, \8 not octal"',
]


def _php_bytes(php: str, literal: str, tmp_path: Path) -> bytes:
    script = tmp_path / "literal.php"
    script.write_text(f"<?php echo bin2hex({literal});\n", encoding="utf-8")
    result = subprocess.run([php, str(script)], capture_output=True, text=True, check=True)
    return bytes.fromhex(result.stdout)


@pytest.mark.parametrize("literal", LITERALS)
def test_literals_decode_as_php_decodes_them(literal: str, php: str, tmp_path: Path) -> None:
    expected = _php_bytes(php, literal, tmp_path)
    assert decode_php_string(literal).encode("utf-8", "surrogateescape") == expected


def test_code_blanks_strings_comments_and_heredocs() -> None:
    source = (
        "<?php\n// call(1)\n$a = 'call(2)';\n$b = <<<EOT\ncall(3)\nEOT;\n"
        '/* call(4) */ call("five"); # call(6)\n'
    )
    php = read_php(source)
    assert len(php.code) == len(source)
    assert php.code.count("call(") == 1
    assert php.code.count("\n") == source.count("\n")
    (five,) = [v for _, v in php.literals.values() if v == "five"]
    assert five == "five"


def test_an_interpolating_literal_has_no_known_value() -> None:
    php = read_php('<?php f("a$b", "a\\$b", "{$c}");\n')
    assert [value for _, value in sorted(php.literals.values())] == [None, "a$b", None]


@pytest.mark.parametrize(
    "name", ["test\\u{49}ntegration2", "Acme\\Name", "test\\x49ntegration2", "test\\111ntegration2"]
)
def test_escaped_names_in_process_integration_config_never_crash(
    name: str, example: Path, run_cli: Runner
) -> None:
    drop_sync_patch(example)  # InstallData alone names the integration
    edit(example / "Setup" / "InstallData.php", "'testIntegration2',", f'"{name}",')
    result, report = validate_json(run_cli, example)
    if "Acme" in name:  # "Acme\\Name" stays as written: a name config.xml does not declare
        assert {f["code"] for f in report["findings"]} == {"MG303", "MG310"}
        assert "names 'Acme\\Name'" in findings_with(report, "MG310")[0]["message"]
    else:  # decodes to testIntegration2, the integration of config.xml
        assert report["findings"] == []
        assert result.exit_code == 0


def test_a_backslash_name_matches_its_escaped_declaration(example: Path, run_cli: Runner) -> None:
    drop_sync_patch(example)  # InstallData alone names the integration
    for relative in (CONFIG, "etc/integration/api.xml"):
        edit(example / relative, 'name="testIntegration2"', 'name="Acme\\Name"')
    edit(example / "Setup" / "InstallData.php", "'testIntegration2',", '"Acme\\Name",')
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0


HIDDEN_REGISTRATIONS = {
    "string": '<?php\n$code = "ComponentRegistrar::register(ComponentRegistrar::MODULE, '
    "'Beehexa_IntegrationManager', __DIR__);\";\n",
    "single-quoted string": "<?php\n$code = 'x ComponentRegistrar::register("
    'ComponentRegistrar::MODULE, "Beehexa_IntegrationManager", __DIR__)\';\n',
    "heredoc": "<?php\n$code = <<<PHP\nComponentRegistrar::register(ComponentRegistrar::MODULE, "
    "'Beehexa_IntegrationManager', __DIR__);\nPHP;\n",
    "nowdoc": "<?php\n$code = <<<'PHP'\nComponentRegistrar::register(ComponentRegistrar::MODULE, "
    "'Beehexa_IntegrationManager', __DIR__);\nPHP;\n",
    "comment": "<?php\n# ComponentRegistrar::register(ComponentRegistrar::MODULE, "
    "'Beehexa_IntegrationManager', __DIR__);\n",
    "inline HTML": "ComponentRegistrar::register(ComponentRegistrar::MODULE, "
    "'Beehexa_IntegrationManager', __DIR__);\n<?php\n",
}


@pytest.mark.parametrize("where", HIDDEN_REGISTRATIONS)
def test_a_registration_hidden_in_a_string_does_not_count(
    where: str, example: Path, run_cli: Runner
) -> None:
    write(example / "registration.php", HIDDEN_REGISTRATIONS[where])
    result, report = validate_json(run_cli, example, "--no-php")
    assert codes(report) == {"MG202"}
    assert result.exit_code == 1


def test_a_registration_with_an_escaped_name_is_decoded(example: Path, run_cli: Runner) -> None:
    write(
        example / "registration.php",
        "<?php\n\\Magento\\Framework\\Component\\ComponentRegistrar::register(\n"
        '    \\Magento\\Framework\\Component\\ComponentRegistrar::MODULE, "Beehexa_\\x49ntegration'
        'Manager", __DIR__);\n',
    )
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0
