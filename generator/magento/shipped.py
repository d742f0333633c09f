"""The folders magegen ships beside its package (``schemas/``, ``templates/``), found from a
checkout and from an installed wheel.

Defined here, in the bottom layer, because ``generator.magento.xml`` needs our XSDs and imports
nothing of magegen's above this package; ``generator.resources`` re-exports it for the rest.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

# generator/, the package: a wheel carries the folders inside it.
_PACKAGE_DIR = Path(__file__).resolve().parent.parent


@cache
def data_dir(name: str) -> Path:
    """The folder ``name`` (``templates`` or ``schemas``).

    A wheel carries it inside the package; a checkout keeps it at the repository root.
    """
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"magegen is installed without its {name}/ folder")


def schemas_dir() -> Path:
    """Where our XSDs are."""
    return data_dir("schemas")
