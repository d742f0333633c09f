"""The module reader's parts rewritten for speed (issue 24) answer exactly as the plain code they
replace: the walk of a module tree (links, pipes, large files, version-control folders), the
capped read of a file, PHP's JSON decoding, the name and folder registration.php registers,
and how a module's files are named. Each plain version is kept here as first written, and both
run over the repository's files and seeded random inputs."""

from __future__ import annotations

import json
import os
import random
import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.magento import files as files_module
from generator.magento.files import (
    REGISTRATION_PHP,
    VCS_DIRS,
    JsonRefused,
    ModuleTreeFiles,
    parse_json_as_php,
    read_capped,
    walk_module,
)
from generator.magento.integrations import Located
from generator.magento.moduletree import ModuleFacts, _read_registration
from generator.magento.phpcode import PhpCode, read_php
from generator.review.discovery import module_roots

REPO = Path(__file__).resolve().parent.parent


# The walk as first written: _refusal called for every file.
def _plain_walk(root: Path, listings: dict | None = None) -> tuple[tuple[str, ...], dict]:
    base, files, refused = "", [], {}
    pending = [("", os.fspath(root))]
    while pending:
        prefix, folder = pending.pop()
        entries = listings.pop(folder, None) if listings is not None else None
        if entries is None:
            try:
                with os.scandir(folder) as listing:
                    entries = list(listing)
            except OSError:
                continue
        for entry in entries:
            relative = prefix + entry.name
            if entry.is_symlink():
                base = base or os.path.realpath(root)
                reason = files_module._link_refusal(base, entry)
                if reason is None:
                    files.append(relative)
                elif reason:
                    refused[relative] = reason
                continue
            try:
                folder_like = entry.is_dir()
            except OSError:
                folder_like = False
            if folder_like:
                if entry.name not in VCS_DIRS:
                    pending.append((relative + "/", entry.path))
                continue
            reason = _plain_refusal(entry)
            if reason is None:
                files.append(relative)
            else:
                refused[relative] = reason
    files.sort()
    return tuple(files), dict(sorted(refused.items()))


def _plain_refusal(entry: os.DirEntry[str]) -> str | None:
    try:
        info = entry.stat()
    except OSError:
        return "cannot be read (a broken link?)"
    if stat.S_ISDIR(info.st_mode):
        return files_module.LINKED_FOLDER
    if not stat.S_ISREG(info.st_mode):
        return files_module.NOT_REGULAR
    if info.st_size > files_module.MAX_FILE_BYTES:
        return files_module.TOO_LARGE
    return None


def _random_tree(rng: random.Random, root: Path, outside: Path) -> None:
    """Folders, files of every size around the cap, links in and out (to files, folders,
    nothing), pipes and version-control folders."""
    folders = [root]
    for index in range(rng.randint(1, 25)):
        parent = rng.choice(folders)
        name = rng.choice(["etc", "Setup", "Model", ".git", ".svn", "a b", "é", "x"]) + str(index)
        kind = rng.choice(["folder", "file", "file", "file", "link", "pipe", "vcs"])
        path = parent / name
        if kind == "folder":
            path.mkdir()
            folders.append(path)
        elif kind == "vcs":
            (parent / rng.choice(sorted(VCS_DIRS))).mkdir(exist_ok=True)
        elif kind == "file":
            path.write_bytes(b"x" * rng.choice([0, 1, 99, 100, 101, 300]))
        elif kind == "pipe":
            os.mkfifo(path)
        else:
            target = rng.choice(
                [*folders, outside, outside / "f", root / "missing", *parent.iterdir(), Path("/")]
            )
            path.symlink_to(target)


def test_walks_list_refuse_and_read_what_the_plain_walk_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files_module, "MAX_FILE_BYTES", 100)  # (files on both sides of it)
    rng = random.Random("walk")
    real_open = os.open
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "f").write_bytes(b"secret")
    for round_ in range(250):
        root = tmp_path / f"tree{round_}" / "Acme" / "Mod"
        (root / "etc").mkdir(parents=True)
        (root / "etc" / "module.xml").write_bytes(b"<config/>")
        _random_tree(rng, root, outside)
        walked = walk_module(root)
        assert (walked.files, walked.refused) == _plain_walk(root), round_
        listings: dict = {}
        module_roots([tmp_path / f"tree{round_}"], listings)
        copy = dict(listings)
        read_now = rng.choice([lambda relative: True, lambda relative: len(relative) % 2 == 0])
        monkeypatch.setattr(files_module, "KEPT_READ_BYTES", rng.choice([1 << 16, 50]))
        opened: list[str] = []
        monkeypatch.setattr(os, "open", lambda path, *a: opened.append(path) or real_open(path, *a))
        listed = walk_module(root, listings, read_now)  # (files read as they are walked)
        monkeypatch.setattr(os, "open", real_open)
        assert (listed.files, listed.refused) == _plain_walk(root, copy), round_
        assert not [path for path in opened if not stat.S_ISREG(os.lstat(path).st_mode)]
        for relative in listed.files:
            assert listed.read(relative) == _plain_read_capped(root / relative), relative


# The capped read as first written.
def _plain_read_up_to(descriptor: int, size: int) -> bytes:
    chunks = []
    while size > 0:
        chunk = os.read(descriptor, size)
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _plain_read_capped(path: str | os.PathLike[str]) -> bytes | None:
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            return None
        content = _plain_read_up_to(descriptor, min(info.st_size, files_module.MAX_FILE_BYTES) + 1)
        if len(content) > info.st_size:
            content += _plain_read_up_to(
                descriptor, files_module.MAX_FILE_BYTES + 1 - len(content)
            )
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return None if len(content) > files_module.MAX_FILE_BYTES else content


def test_capped_reads_make_the_plain_reads_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same bytes from the same system calls, for files of every size around the cap,
    read whole or a few bytes at a time, and grown since their size was asked."""
    monkeypatch.setattr(files_module, "MAX_FILE_BYTES", 64)
    rng = random.Random("read")
    real_read, real_fstat = os.read, os.fstat
    for round_ in range(400):
        path = tmp_path / f"f{round_}"
        size = rng.choice([0, 1, 63, 64, 65, 200])
        path.write_bytes(bytes(rng.randrange(256) for _ in range(size)))
        most = rng.choice([None, 1, 3, 50])
        shrink = rng.choice([None, 0, 10])
        calls: list[tuple[str, int]] = []

        def read(descriptor: int, size: int, most: int | None = most) -> bytes:
            calls.append(("read", size))
            return real_read(descriptor, size if most is None else min(size, most))

        def fstat(descriptor: int, shrink: int | None = shrink) -> object:
            info = real_fstat(descriptor)
            if shrink is None or not stat.S_ISREG(info.st_mode):
                return info
            return type("Info", (), {"st_mode": info.st_mode, "st_size": shrink})()

        monkeypatch.setattr(os, "read", read)
        monkeypatch.setattr(os, "fstat", fstat)
        found, first_calls = read_capped(path), list(calls)
        calls.clear()
        expected = _plain_read_capped(path)
        monkeypatch.setattr(os, "read", real_read)
        monkeypatch.setattr(os, "fstat", real_fstat)
        assert (found, first_calls) == (expected, calls), (round_, most, shrink)
    assert read_capped(tmp_path) is None and read_capped(tmp_path / "missing") is None


# JSON as first decoded: json.loads with parse_constant, for each call.
def _plain_json(content: bytes) -> object:
    if content.startswith(b"\xef\xbb\xbf"):
        raise JsonRefused(
            "invalid JSON: starts with a UTF-8 byte order mark, which PHP's json_decode refuses", 1
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise JsonRefused("invalid JSON: not UTF-8 text") from None
    files_module._check_depth(text)
    try:
        return json.loads(text, parse_constant=files_module._refuse_constant)
    except json.JSONDecodeError as exc:
        raise JsonRefused(f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except RecursionError:
        raise JsonRefused(f"invalid JSON: {files_module.TOO_DEEP}") from None


_JSON_PIECES = [
    "{", "}", "[", "]", ",", ":", '"a"', '"\\u00e9"', '"\\ud800"', "1", "-0", "1e5", "NaN",
    "-Infinity", "Infinity", "true", "null", " ", "\n", "\t", '"x\\"', "é", "\ufeff", "0x1",
]


def _json_value(rng: random.Random, depth: int) -> object:
    kinds = ["str", "int", "float", "bool", "none"] + (["list", "dict"] * 2 if depth else [])
    kind = rng.choice(kinds)
    if kind == "list":
        return [_json_value(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    if kind == "dict":
        keys = ["a", "é", "", "\\", "n"]
        return {rng.choice(keys): _json_value(rng, depth - 1) for _ in range(3)}
    return {
        "str": rng.choice(["", "x", "é", "\ud800", '"', "\n"]),
        "int": rng.randint(-(10**20), 10**20),
        "float": rng.choice([0.5, -1e300, 1e-7]),
        "bool": rng.random() < 0.5,
        "none": None,
    }[kind]


def _outcome(read: Callable[[bytes], object], content: bytes) -> tuple[str, object]:
    try:
        value = read(content)
    except JsonRefused as exc:
        return ("refused", (exc.message, exc.line))
    return ("value", repr(value))


def test_json_is_decoded_as_it_was() -> None:
    rng = random.Random("json")
    texts = [path.read_bytes() for path in sorted(REPO.glob("tests/**/*.json"))]
    texts += [
        "".join(rng.choice(_JSON_PIECES) for _ in range(rng.randint(1, 12))).encode()
        for _ in range(3000)
    ]
    for _ in range(3000):  # JSON values, some edited
        text = json.dumps(_json_value(rng, 3), ensure_ascii=rng.random() < 0.5)
        if rng.random() < 0.3:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(_JSON_PIECES) + text[at:]
        texts.append(text.encode("utf-8", "surrogatepass"))
    texts += [b'{"a": [1, 2, {"b": NaN}]}', b'{"a": 1} x', b"[" * 600 + b"]" * 600, b"\xff"]
    values = 0
    for content in texts:
        fast = _outcome(parse_json_as_php, content)
        assert fast == _outcome(_plain_json, content), content[:200]
        values += fast[0] == "value"
    assert values > 2000


# registration.php as first read: the register call searched for at every character, the
# path argument scanned one character at a time.
_PLAIN_REGISTER = re.compile(
    r"(?<![\w$>:])(?:\\?[\w\\]*\\)?ComponentRegistrar::register\s*\(\s*"
    r"(?:\\?[\w\\]*\\)?ComponentRegistrar::MODULE\s*,\s*(?P<quote>['\"])",
)
_PLAIN_OWN = re.compile(
    r"\s*(?:\\?__DIR__|\\?dirname\s*\(\s*\\?__FILE__\s*(?:,\s*1\s*)?\))\s*,?\s*", re.IGNORECASE
)


def _plain_path(php: PhpCode, source: str, after_name: int) -> tuple[str, int] | None:
    code = php.code
    comma = re.compile(r"\s*,").match(code, after_name)
    if comma is None:
        return None
    start = comma.end()
    depth, position = 0, start
    while position < len(code):
        character = code[position]
        if character in "([{":
            depth += 1
        elif character in ")]}":
            if depth == 0:
                break
            depth -= 1
        position += 1
    text = source[start:position]
    offset = start + len(text) - len(text.lstrip())
    return text.strip(), offset


def _plain_registration(source: str) -> tuple[Located | None, Located | None]:
    php = read_php(source)
    for call in _PLAIN_REGISTER.finditer(php.code):
        end, name = php.literals.get(call.start("quote"), (0, None))
        if name is not None:
            start = call.start("quote")
            registered = Located(name, php.line_at(start), php.column_at(start) + 1)
            found = _plain_path(php, source, end)
            text, offset = found if found is not None else ("(no path)", end)
            own = found is not None and (
                _PLAIN_OWN.fullmatch(php.code[offset : offset + len(text)]) is not None
                and not any(offset <= s < offset + len(text) for s in php.literals)
            )
            elsewhere = None if own else Located(text, php.line_at(offset), php.column_at(offset))
            return registered, elsewhere
    return None, None


_PHP_PIECES = [
    "<?php\n", "ComponentRegistrar::register(", "\\Magento\\Framework\\Component\\",
    "ComponentRegistrar::MODULE", ", ", ",", "'Acme_Erp'", '"Acme_Erp"', '"A_$b"', "__DIR__",
    "__dir__", "dirname(__FILE__)", "dirname(__FILE__, 1)", " . '/x'", ")", "(", "[", "]", "{",
    "}", ");", "\n", " ", "// ", "/* ", "*/", "# ", "'", '"', "$x->", "x", "\\", ":", "<<<EOT\n",
    "EOT;\n", "$dir", "é",
]


_PATHS = [
    "__DIR__", "\\__DIR__", "__Dir__", "dirname(__FILE__)", "dirname( __FILE__ , 1 )",
    "__DIR__ . '/x'", "$dir", "'/abs'", "__DIR__ /* c */", "(__DIR__)", "[__DIR__]", "",
    "dirname(__FILE__, 2)", "f(__DIR__)", "__DIR__,",
]


def _registration_sources(rng: random.Random) -> list[str]:
    sources = [p.read_text() for p in sorted(REPO.glob("tests/**/registration.php"))]
    call = "ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Acme_Erp', {path});\n"
    for _ in range(6000):
        pieces = [rng.choice(_PHP_PIECES) for _ in range(rng.randint(1, 25))]
        if rng.random() < 0.5:
            path = rng.choice(_PATHS) + rng.choice(["", "", ", x", ")", "(", "[1]", "{"])
            pieces.insert(rng.randrange(len(pieces) + 1), call.format(path=path))
        sources.append("<?php\n" + "".join(pieces))
    for source in list(sources[:50]):  # real files, edited
        for _ in range(20):
            at = rng.randrange(len(source) + 1)
            sources.append(source[:at] + rng.choice(_PHP_PIECES) + source[at:])
    return sources


def test_registration_is_read_as_it_was(tmp_path: Path) -> None:
    rng = random.Random("registration")
    registered = elsewhere = 0
    for source in _registration_sources(rng):
        (tmp_path / REGISTRATION_PHP).write_bytes(source.encode("utf-8", "surrogateescape"))
        module = ModuleFacts(tmp_path)
        module.files = walk_module(tmp_path)
        _read_registration(module)
        found = (module.registered, module.registered_elsewhere)
        assert repr(found) == repr(_plain_registration(source)), source
        registered += module.registered is not None
        elsewhere += module.registered_elsewhere is not None
    assert registered > 1000 and elsewhere > 300


@pytest.mark.parametrize("root", [".", "/", "a", "a/b", "/x/y", "./a", "..", "é b"])
def test_files_are_named_as_paths_name_them(root: str) -> None:
    module = ModuleFacts(Path(root))
    for relative in ["etc/module.xml", "composer.json", "a b/é.php", "", "/abs", "x//y"]:
        expected = relative if str(Path(root)) == "." else os.path.join(str(Path(root)), relative)
        assert module.display(relative) == expected
    files = ModuleTreeFiles(Path(root), ())
    assert files._folder + "etc/x.xml" == os.path.join(Path(root), "etc/x.xml")


def test_a_modules_integrations_are_merged_from_the_files_it_holds() -> None:
    """ModuleFacts.integrations() merges once, and again when a file's facts are replaced."""
    from generator.magento.integrations import IntegrationFacts, declared_integrations

    module = ModuleFacts(Path("m"))
    assert module.integrations() == () == declared_integrations(None, None, None)
    config = {"A": IntegrationFacts("A", 3, email="a@x.y")}
    api = {"A": IntegrationFacts("A", 4, resources=(Located("X::y", 5),))}
    module.config = config
    assert module.integrations() == declared_integrations(config, None, None)
    module.api = api
    assert module.integrations() == declared_integrations(config, api, None)
    assert module.integrations() is module.integrations()
    module.consolidated = {"A": IntegrationFacts("A", 9, "consolidated")}
    assert module.integrations() == declared_integrations(config, api, module.consolidated)
