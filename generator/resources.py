"""Find the templates/ and schemas/ folders, from a checkout or from an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The folder ``name`` (``templates`` or ``schemas``).

    A wheel carries it inside the package; a checkout keeps it at the repository root.
    """
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"magegen is installed without its {name}/ folder")


def templates_dir() -> Path:
    """Where the Jinja templates are."""
    return data_dir("templates")


def schemas_dir() -> Path:
    """Where our XSDs are."""
    return data_dir("schemas")
