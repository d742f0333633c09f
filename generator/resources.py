"""Find the templates/ and schemas/ folders, from a checkout or from an installed wheel.

The search itself lives in ``generator.magento.shipped``, so that the Magento layer can find our
XSDs without importing anything above it.
"""

from __future__ import annotations

from pathlib import Path

from generator.magento.shipped import data_dir, schemas_dir

__all__ = ["data_dir", "schemas_dir", "templates_dir"]


def templates_dir() -> Path:
    """Where the Jinja templates are."""
    return data_dir("templates")
