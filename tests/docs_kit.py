"""The code blocks of the README and of the manual in docs/, for the tests that run them."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO

DOC_FILES = (REPO / "README.md", *sorted((REPO / "docs").rglob("*.md")))
_BLOCK = re.compile(r"^( *)```(\w*)\n(.*?)^\1```", re.DOTALL | re.MULTILINE)


def code_blocks(language: str, files: tuple[Path, ...] = DOC_FILES) -> list[tuple[str, str]]:
    """(page, block) for every fenced block of ``language`` in ``files``, indentation removed."""
    found = []
    for path in files:
        for indent, lang, body in _BLOCK.findall(path.read_text(encoding="utf-8")):
            if lang == language:
                text = "".join(line[len(indent) :] for line in body.splitlines(keepends=True))
                found.append((path.relative_to(REPO).as_posix(), text))
    return found


def page(relative: str) -> Path:
    """A page of the manual, docs/``relative``."""
    return REPO / "docs" / relative
