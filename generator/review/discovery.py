"""Where ``validate`` and ``acl-diff`` find modules: every folder holding etc/module.xml."""

from __future__ import annotations

import os
from pathlib import Path


def module_roots(paths: list[Path]) -> list[Path]:
    """Every module (a folder holding etc/module.xml) under ``paths``, each once, sorted.

    Hidden folders (.git, .cache, ...) are not searched.
    """
    roots: set[Path] = set()
    for path in paths:
        for folder, dirs, names in os.walk(path):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            if os.path.basename(folder) == "etc" and "module.xml" in names:
                roots.add(Path(folder).parent)
    return sorted(roots)
