"""A module file is read from disk once per walk, and its PHP parsed once: every check of the
module sees the same bytes and the same code."""

from __future__ import annotations

import os
from pathlib import Path

from generator.magento.files import KEPT_READ_BYTES, walk_module
from generator.magento.phpcode import RECENT_COUNT, read_php


def test_a_small_file_is_read_once_and_shared(tmp_path: Path) -> None:
    patch = tmp_path / "Setup" / "Patch" / "Data" / "Sync.php"
    patch.parent.mkdir(parents=True)
    patch.write_bytes(b"<?php // first\n")
    files = walk_module(tmp_path)
    assert files.read("Setup/Patch/Data/Sync.php") == b"<?php // first\n"
    patch.write_bytes(b"<?php // second\n")
    assert files.read("Setup/Patch/Data/Sync.php") == b"<?php // first\n"
    assert walk_module(tmp_path).read("Setup/Patch/Data/Sync.php") == b"<?php // second\n"


def test_a_large_file_is_not_kept(tmp_path: Path) -> None:
    large = tmp_path / "etc" / "di.xml"
    large.parent.mkdir()
    large.write_bytes(b"a" * (KEPT_READ_BYTES + 1))
    files = walk_module(tmp_path)
    assert files.read("etc/di.xml") == b"a" * (KEPT_READ_BYTES + 1)
    large.write_bytes(b"b")
    assert files.read("etc/di.xml") == b"b"


def test_a_refused_or_absent_file_reads_as_none(tmp_path: Path) -> None:
    (tmp_path / "registration.php").write_bytes(b"<?php\n")
    files = walk_module(tmp_path)
    assert files.read("composer.json") is None
    (tmp_path / "composer.json").write_bytes(b"{}")
    assert files.read("composer.json") is None  # not in the walk: never read


def test_php_read_twice_is_parsed_once() -> None:
    source = "<?php\n$a = 'x'; // a comment\n"
    first = read_php(source)
    assert read_php(source) is first
    assert "comment" not in first.code and len(first.code) == len(source)
    assert first.literals == {11: (14, "x")}
    for number in range(RECENT_COUNT):  # older sources make way for newer ones
        read_php(f"<?php echo {number};\n")
    assert read_php(source) is not first and read_php(source) == first


def test_folders_listed_by_the_search_are_walked_under_the_same_rules(tmp_path: Path) -> None:
    from generator.review.discovery import module_roots

    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    module = tmp_path / "tree" / "Acme" / "Mod"
    for folder in ("etc/integration", "Setup/Patch/Data", ".git", "Model"):
        (module / folder).mkdir(parents=True)
    (module / "etc" / "module.xml").write_text("<config/>")
    (module / "etc" / "integration" / "api.xml").write_text("<config/>")
    (module / "Model" / "A.php").write_text("<?php\n")
    (module / "Model" / "inside.php").symlink_to(module / "Model" / "A.php")
    (module / "Model" / "out.php").symlink_to(outside)
    (module / "Linked").symlink_to(module / "Model")
    (module / ".git" / "HEAD").write_text("ref")
    os.mkfifo(module / "Setup" / "pipe")
    listings: dict = {}
    assert module_roots([tmp_path / "tree"], listings) == [module]
    assert str(module / "Setup" / "Patch") in listings
    fresh, listed = walk_module(module), walk_module(module, listings)
    assert (listed.files, listed.refused) == (fresh.files, fresh.refused)
    assert listed.files == (
        "Model/A.php",
        "Model/inside.php",
        "etc/integration/api.xml",
        "etc/module.xml",
    )
    assert set(listed.refused) == {"Linked", "Model/out.php", "Setup/pipe"}
    assert not any(folder.startswith(str(module)) for folder in listings)  # each used once
