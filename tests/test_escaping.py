"""The single escaping path for each output language, judged by real parsers."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from generator.escape import php_string, xml_text
from generator.magento.phpsource import check_php

NASTY = [
    "O'Brien",
    "a\\b",
    "a\\",
    "\\'",
    "<x>&amp;",
    "]]>",
    "?>",
    "<?php echo 1; ?>",
    "{{ 7*7 }}",
    "${x} $y {$z}",
    'say "hi"',
    "line\nbreak\r\n",
    "tab\tand\0nul",
    "\u202eright-to-left\u200f",
    "Café Ünïcödé",
    "Rocket 🚀",
    "",
]


def test_php_string_round_trips_through_real_php(php: str, tmp_path: Path) -> None:
    source = "<?php\n$values = [\n" + "".join(f"    {php_string(v)},\n" for v in NASTY) + "];\n"
    source += "echo json_encode(array_map('bin2hex', $values));\n"
    script = tmp_path / "values.php"
    script.write_text(source, encoding="utf-8")
    assert check_php(source) == []
    output = subprocess.run([php, str(script)], capture_output=True, check=True).stdout
    assert [bytes.fromhex(h).decode("utf-8") for h in json.loads(output)] == NASTY


@pytest.mark.parametrize("value", [v for v in NASTY if "\0" not in v], ids=repr)
def test_xml_text_round_trips_through_a_real_parser(value: str) -> None:
    """Text and attribute both read back unchanged (XML normalises CR and forbids NUL)."""
    document = f'<a b="{xml_text(value)}">{xml_text(value)}</a>'.encode()
    element = etree.fromstring(document)
    expected_text = value.replace("\r\n", "\n")
    assert element.text == (expected_text or None)
    # Attribute values normalise newlines and tabs to spaces, which is why names reject them.
    assert element.get("b") == expected_text.replace("\n", " ").replace("\t", " ")


def test_xml_text_writes_entities_as_people_do() -> None:
    assert xml_text('PIM "Catalog" <sync> & O\'Brien') == (
        "PIM &quot;Catalog&quot; &lt;sync&gt; &amp; O'Brien"
    )


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("<?php\n$a = 'unclosed;\n", (2, "string literal opened with ' is never closed")),
        ('<?php\n$a = "x\\";\n', (2, 'string literal opened with " is never closed')),
        ("<?php\nf(1;\n", (2, "'(' is never closed")),
        ("<?php\nf(1];\n", (2, "']' closes '(' opened on line 2")),
        ("<?php\n}\n", (2, "'}' closes nothing")),
        ("<?php\n/* never\nends\n", (2, "comment opened with /* is never closed")),
        ("<?php\n$a = <<<EOT\ntext\n", (2, "heredoc EOT is never closed")),
        ("<? echo 1;\n", (1, "a PHP file must start with '<?php'")),
        ("\n<?php\n", (1, "a PHP file must start with '<?php'")),
    ],
    ids=[
        "quote",
        "escaped-quote",
        "paren",
        "mismatch",
        "stray",
        "comment",
        "heredoc",
        "short-tag",
        "leading",
    ],
)
def test_php_check_finds_broken_structure(source: str, problem: tuple[int, str]) -> None:
    assert check_php(source) == [problem]


@pytest.mark.parametrize(
    "source",
    [
        "<?php\n$a = ['}', \"{\", '\\'', \"\\\"\"];\n",
        "<?php\n// a ( comment\n# another {\n/* and [ */\nf();\n",
        "<?php\n#[Attribute]\nclass A {}\n",
        "<?php\n$t = <<<'EOT'\n{ ( [\nEOT;\n",
        "<?php\nif (1) { ?>html ( { <?php }\n",
    ],
    ids=["brackets-in-strings", "comments", "attribute", "nowdoc", "inline-html"],
)
def test_php_check_accepts_sound_php(source: str, php: str, tmp_path: Path) -> None:
    """Every sample it accepts, real `php -l` accepts too."""
    assert check_php(source) == []
    script = tmp_path / "ok.php"
    script.write_text(source)
    subprocess.run([php, "-l", str(script)], capture_output=True, check=True)
