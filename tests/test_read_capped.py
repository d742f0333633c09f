"""read_capped, which reads every file of a validated tree: the whole of a regular file up to
the cap, nothing of anything else, and never a hang on a pipe."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.magento import files
from generator.magento.files import read_capped


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "module.xml"
    path.write_bytes(b"<config/>\n" * 1000)
    assert read_capped(path) == b"<config/>\n" * 1000
    assert read_capped(str(path)) == b"<config/>\n" * 1000
    (tmp_path / "empty").write_bytes(b"")
    assert read_capped(tmp_path / "empty") == b""


def test_past_the_cap_nothing_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 100)
    (tmp_path / "at").write_bytes(b"a" * 100)
    (tmp_path / "over").write_bytes(b"a" * 101)
    assert read_capped(tmp_path / "at") == b"a" * 100
    assert read_capped(tmp_path / "over") is None


def test_what_is_no_regular_file_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")  # opened without blocking: no writer never hangs the read
    assert read_capped(tmp_path / "pipe") is None
    assert read_capped(tmp_path) is None
    assert read_capped(tmp_path / "missing") is None


def test_a_file_that_grows_while_read_is_read_on_up_to_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "growing"
    path.write_bytes(b"b" * 150)
    real_fstat = os.fstat

    def smaller(descriptor: int) -> object:  # the size it had when it was opened
        info = real_fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            return info
        return SimpleNamespace(st_mode=info.st_mode, st_size=50)

    monkeypatch.setattr(os, "fstat", smaller)
    assert read_capped(path) == b"b" * 150
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 120)
    assert read_capped(path) is None
