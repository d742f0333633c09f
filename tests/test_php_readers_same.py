"""The PHP and sync-state readers rewritten for speed (issue 24) read exactly what the plain
readers they replace read: each plain reader is kept here, as first written (or, for the
structural check's brackets, one character at a time), and both run over the repository's PHP
and thousands of seeded random sources."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from generator.magento.phpclasses import generated_from, read_classes
from generator.magento.phpcode import _heredoc_end, _read_php, decode_php_string
from generator.magento.phpreferences import FileReferences
from generator.magento.phpsource import check_php
from generator.pipeline.syncstate import canonical_text, read_state, read_state_value, state_lines

REPO = Path(__file__).resolve().parent.parent

# The tokenizer as first written: a search for what opens a string, comment or heredoc, then a
# search for where it ends, a regex substitution per literal, a split per blanked piece.
_OPEN = re.compile(r"<\?php(?=\s)|<\?=")
_INTERESTING = re.compile(r"['\"`]|//|#(?!\[)|/\*|<<<|\?>")
_END = {q: re.compile(rf"(?:[^{q}\\]|\\.)*{q}", re.DOTALL) for q in ("'", '"', "`")}
_INTERPOLATES = re.compile(r"(?<!\\)(?:\\\\)*(?:\$[A-Za-z_\x80-\U0010ffff]|\{\$)")


def _plain_read_php(source: str) -> tuple[str, dict[int, tuple[int, str | None]]]:
    pieces: list[str] = []
    literals: dict[int, tuple[int, str | None]] = {}
    position = 0
    while position < len(source):  # inline HTML up to an open tag, then code up to "?>"
        opened = _OPEN.search(source, position)
        html_end = opened.end() if opened else len(source)
        pieces.append(_plain_blank(source[position:html_end]))
        position = _plain_code(source, html_end, pieces, literals) if opened else html_end
    return "".join(pieces), literals


def _plain_code(
    source: str, position: int, pieces: list[str], literals: dict[int, tuple[int, str | None]]
) -> int:
    """Append the code from ``position`` to its closing tag; return where HTML starts again."""
    while True:
        found = _INTERESTING.search(source, position)
        if found is None:
            pieces.append(source[position:])
            return len(source)
        start, token = found.start(), found.group()
        pieces.append(source[position:start])
        if token == "?>":
            pieces.append("  ")
            return start + 2
        end = _plain_end(source, start, token)
        if token in ("'", '"'):
            literal = source[start:end]
            interpolates = token == '"' and _INTERPOLATES.search(literal[1:-1])
            value = None if interpolates or len(literal) < 2 else decode_php_string(literal)
            literals[start] = (end, value)
            pieces.append(token + _plain_blank(source[start + 1 : end - 1]) + source[end - 1 : end])
        else:
            pieces.append(_plain_blank(source[start:end]))
        position = end


def _plain_blank(text: str) -> str:
    return "\n".join(" " * len(line) for line in text.split("\n"))


def _plain_end(source: str, start: int, token: str) -> int:
    if token in ("'", '"', "`"):
        end = _END[token].match(source, start + 1)
        return end.end() if end else len(source)
    if token in ("//", "#"):
        ends = [i for i in (source.find("\n", start), source.find("?>", start)) if i != -1]
        return min(ends) if ends else len(source)
    if token == "/*":
        end = source.find("*/", start + 2)
        return end + 2 if end != -1 else len(source)
    return _heredoc_end(source, start)  # (heredocs are read as they always were)


PIECES = [
    "<?php ", "<?php\n", "<?=", "?>", "'", '"', "`", "\\", "\\\\", "//", "#", "#[", "/*", "*/",
    "*", "/", "<<<", "<<<EOT\n", "<<<'EOT'\n", "EOT", "EOT;\n", "\n", "\r\n", " ", "\t", "$",
    "$x", "{$", "{", "}", "(", ")", "[", "]", "class", "use", "namespace", "Foo", "Bar\\Baz",
    ";", "=", "é", "\udcc3", "\udca9", "\x00", "\\x41", "\\u{49}", "\\101", "?", ">", "ok",
]


def _sources(count: int, seed: str) -> list[str]:
    rng = random.Random(seed)
    found = [
        path.read_bytes().decode("utf-8", "surrogateescape")
        for path in sorted(REPO.glob("tests/**/*.php"))
    ]
    found += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30))) for _ in range(count)]
    # Bytes that are not UTF-8, read with surrogate escapes, in literals: decoded, a pair of them
    # may be UTF-8 again.
    found += ['<?php $a = "\udcc3\udca9"; $b = \'\udcc3\udca9\'; $c = "é\udcff";\n']
    return found


def test_read_php_reads_what_the_plain_tokenizer_reads() -> None:
    for source in _sources(6000, "read_php"):
        php = _read_php(source)
        assert (php.code, php.literals) == _plain_read_php(source), repr(source[:200])


# Modules of two or three files whose classes name each other (or seem to) in every way PHP
# allows: imports, aliases, group imports, relative and fully qualified names, namespace\,
# factories and proxies, class strings, other case, names in comments and strings.
_DECLARED = ["Foo", "FooBar", "Ünïcode", "Setup\\Helper", "Model\\Foo"]
_MENTIONS = [
    "use V\\M\\{name};", "use V\\M\\{name} as Alias; new Alias();", "use V\\M\\{{{name}}};",
    "new \\V\\M\\{name}();", "new {name}();", "new namespace\\{name}();", "'V\\\\M\\\\{name}'",
    "\\V\\M\\{name}Factory::class", "\\V\\M\\{name}\\Proxy::class", "// {name}", "'{name}'",
    "new \\v\\m\\{upper}();", "$x->{name}();", "{name}::X;", "use V\\M as W; new W\\{name}();",
]


def _module(rng: random.Random) -> dict[str, str]:
    files = {}
    for index in range(rng.randint(2, 3)):
        names = rng.sample(_DECLARED, rng.randint(0, 2))
        classes = " ".join(f"class {n.rpartition(chr(92))[2]} {{}}" for n in names)
        space = "V\\M" + ("\\" + names[0].rpartition("\\")[0] if names and "\\" in names[0] else "")
        mentions = [
            rng.choice(_MENTIONS).format(name=name, upper=name.upper())
            for name in rng.sample(_DECLARED, rng.randint(0, 3))
        ]
        files[f"F{index}.php"] = f"<?php\nnamespace {space};\n{' '.join(mentions)}\n{classes}\n"
    return files


def test_file_references_are_those_read_without_the_text_check() -> None:
    rng = random.Random(24)
    for _ in range(3000):
        files = {relative: read_classes(relative, text) for relative, text in _module(rng).items()}
        owner = {name.casefold(): r for r, found in files.items() for _, name in found.declared}
        expected = {}
        for relative, found in files.items():
            named = {owner.get(generated_from(name)) for name in found.references()}
            expected[relative] = {t for t in named if t is not None and t != relative}
        assert FileReferences(files).names == expected, files


_STATE_PIECES = ["a", "/", " ", "é", '"', "\\", "\u2028", "x" * 40, "-", ".", "\n"]


def _plain_read_state(text: str) -> tuple[str, bool] | None:
    """read_state as first written: the text split into lines, each line tested."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith(" * magegen-sync: ")]
    if len(starts) != 1:
        return None
    first = lines[starts[0]][len(" * magegen-sync: ") :]
    if first != "{":
        return (first, True)
    try:
        end = lines.index(" * }", starts[0])
    except ValueError:
        return None
    body = lines[starts[0] + 1 : end + 1]
    if not all(line.startswith(" * ") for line in body):
        return None
    pretty = "{\n" + "\n".join(line[3:] for line in body)
    literal = r'"(?:[^"\\\n]|\\.)*"'
    run = re.compile(rf"{literal}(?:[ \n]*{literal})*")
    joined = run.sub(
        lambda m: '"' + "".join(x[1:-1] for x in re.findall(literal, m[0])) + '"', pretty
    )
    try:
        return (canonical_text(json.loads(joined)), False)
    except (ValueError, RecursionError):
        return None


def _docblocks(rng: random.Random) -> list[str]:
    words = ["".join(rng.choice(_STATE_PIECES) for _ in range(rng.randint(0, 9))) for _ in range(4)]
    state = {"sync": 1, "integrations": [{"name": w, "email": None} for w in words], "x": []}
    lines = [" * " + line for line in state_lines(canonical_text(state))]
    edits = [
        lambda: None,
        lambda: lines.insert(rng.randrange(len(lines) + 1), rng.choice([" * }", "", " *", "x"])),
        lambda: lines.pop(rng.randrange(len(lines))),
        lambda: lines.__setitem__(rng.randrange(len(lines)), " * magegen-sync: {\"a\": 1}"),
        lambda: lines.__setitem__(0, lines[0] + "\r"),
    ]
    rng.choice(edits)()
    text = "\n".join(["<?php", "/**", *lines, " */"])
    return [text, text.replace("\n", "\r\n"), "\n".join(lines), "\n".join(lines[:-1])]


def test_read_state_reads_what_the_line_by_line_reader_reads() -> None:
    rng = random.Random("state")
    for _ in range(1500):
        for text in _docblocks(rng):
            assert read_state(text) == _plain_read_state(text), repr(text[:300])
            found = read_state_value(text)
            if found is not None and found[1] is not None:
                assert json.loads(found[0].canonical) == found[1]


_SOUP = ["(", ")", "[", "]", "{", "}", "\n", " ", "'s'", "// c\n", "/* c */", "x"]


def _plain_brackets(source: str) -> list[tuple[int, str]]:
    """Bracket problems of ``<?php`` + a soup of _SOUP, read one character at a time."""
    opened: list[tuple[str, int]] = []
    position = 0
    while position < len(source):
        for skipped in ("'s'", "// c\n", "/* c */"):
            if source.startswith(skipped, position):
                position += len(skipped)
                break
        else:
            char = source[position]
            line = source.count("\n", 0, position) + 1
            if char in "([{":
                opened.append((char, line))
            elif char in ")]}":
                pair = {")": "(", "]": "[", "}": "{"}[char]
                if not opened:
                    return [(line, f"'{char}' closes nothing")]
                opener, at = opened.pop()
                if opener != pair:
                    return [(line, f"'{char}' closes '{opener}' opened on line {at}")]
            position += 1
    return [(line, f"'{opener}' is never closed") for opener, line in opened[-1:]]


def test_brackets_are_reported_where_they_are() -> None:
    rng = random.Random("brackets")
    for _ in range(3000):
        source = "<?php\n" + "".join(rng.choice(_SOUP) for _ in range(rng.randint(1, 40)))
        assert check_php(source) == _plain_brackets(source), repr(source)


def _nested(rng: random.Random, depth: int) -> str:
    """Well-nested brackets with _SOUP's strings and comments between them (or, now and then,
    one bracket dropped, swapped or added)."""
    if depth <= 0:
        return "".join(rng.choice(["'s'", "// c\n", "/* c */", "x", "\n", " "]) for _ in range(2))
    opener, closer = rng.choice(["()", "[]", "{}"])
    siblings = 1 if depth > 10 else rng.randint(1, 2)  # (deep ones as one chain: small files)
    inner = "".join(_nested(rng, depth - rng.randint(1, 2)) for _ in range(siblings))
    return opener + inner + closer


def test_sound_files_are_told_as_the_bracket_reader_tells_them() -> None:
    """check_php pairs a sound file's brackets at once (or, nested deeper than it pairs in its
    passes, one by one): the answer is the one-character reader's, sound or not."""
    rng = random.Random("nested")
    for round_ in range(1500):
        body = _nested(rng, rng.randint(1, 8) if round_ % 50 else 140)
        if round_ % 3 == 0:  # a break: a bracket dropped or made another (strings kept whole)
            at = rng.choice([i for i, char in enumerate(body) if char in "()[]{}"])
            body = body[:at] + rng.choice(["", ")", "(", "]", "{", "}}"]) + body[at + 1 :]
        source = "<?php\n" + body
        assert check_php(source) == _plain_brackets(source), repr(source[:300])


# Where the two readers part: read_php reopens code at "<?=" as PHP does, the scanner only at
# "<?php"; a string, comment or heredoc open at the end.
_WHERE_READERS_PART = [
    "<?php ( ?><?= ) ",
    "<?php { ?> } <?php ",
    "<?php ( // ?> ) \n",
    "<?php $a = <<<EOT\n(\nEOT",
    "<?php ( 'a)",
    '<?php ( "a)',
    "<?php ( `a)",
    "<?php ( /* a)",
    "<?php ( # a)",
]


def test_a_file_read_for_its_code_is_told_as_the_scanner_tells_it() -> None:
    """Given the code read_php read (as validate has it for a module's PHP files), check_php
    pairs that code's brackets instead of scanning again: the answer is the scanner's, for
    random sources of every token the two readers know (closing tags, heredocs, strings and
    comments left open) and for well- and ill-nested brackets."""
    rng = random.Random("read-then-checked")
    sources = _sources(6000, "read-then-checked") + _WHERE_READERS_PART
    sources += ["<?php\n" + _nested(rng, rng.randint(1, 8)) for _ in range(1000)]
    pieces = PIECES + _SOUP
    sources += ["<?php\n" + "".join(rng.choice(pieces) for _ in range(60)) for _ in range(3000)]
    fast = 0
    for source in sources:
        read = _read_php(source)
        assert check_php(source, read) == check_php(source), repr(source[:300])
        fast += read.closed and check_php(source) == []
    assert fast > 500  # (the shortcut is taken, not only the scan)
