"""Where ``validate`` and ``acl-diff`` find modules: every folder holding etc/module.xml."""

from __future__ import annotations

import os
from pathlib import Path


# Entries of listed folders kept for the module reader at most (about 250 bytes each).
LISTINGS_MAX_ENTRIES = 20_000  # (about 2,000 modules of a few files each)


def module_roots(
    paths: list[Path], listings: dict[str, list[os.DirEntry[str]]] | None = None
) -> list[Path]:
    """Every module (a folder holding etc/module.xml) under ``paths``, each once, sorted.

    Given ``listings``, each folder listed is kept there (until LISTINGS_MAX_ENTRIES), so that
    reading the modules need not list their folders again (``walk_module``).

    Hidden folders (.git, .cache, ...) are not searched, nor linked ones; a folder that cannot
    be listed is skipped (as ``os.walk`` walks). etc/module.xml counts when it is not a folder
    (a file, a link to one, a broken link).
    """
    roots: set[Path] = set()
    kept = 0
    pending = [os.fspath(path) for path in paths]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue
        if listings is not None and kept + len(entries) <= LISTINGS_MAX_ENTRIES:
            listings[folder] = entries
            kept += len(entries)
        if os.path.basename(folder) == "etc" and any(
            e.name == "module.xml" and not _is_dir(e) for e in entries
        ):
            roots.add(Path(folder).parent)
        for entry in entries:  # (one lstat-free test per entry: scandir knows links)
            if not entry.name.startswith(".") and not entry.is_symlink() and _is_dir(entry):
                pending.append(entry.path)
    return sorted(roots)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False
