"""A module's folders and files opened with links refused, for answers a listing gave earlier.

A folder listed a moment ago as a plain folder, or a file as a plain file, may have become a
link since; the reading rules (``generator.magento.files``) never follow one out of a module.
Opened here with ``O_NOFOLLOW``, such an entry is refused instead of followed, and the caller
asks the file system as it would without the listing. Where the system cannot open so
(``SUPPORTED`` is false), callers do not use the listing at all.
"""

from __future__ import annotations

import os
import stat

from generator.magento.files import read_open

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_FOLDER = os.O_RDONLY | _DIRECTORY | _NOFOLLOW
_FILE = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | _NOFOLLOW  # (as read_capped opens)

SUPPORTED = bool(
    _NOFOLLOW and _DIRECTORY and os.open in os.supports_dir_fd and os.listdir in os.supports_fd
)


def list_unlinked(path: str) -> list[str] | None:
    """The sorted names in the folder ``path``; None when it is not a folder that is not a
    link (a link, gone, a file), or cannot be listed."""
    try:
        folder = os.open(path, _FOLDER)
    except OSError:
        return None
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return None
    finally:
        os.close(folder)


def read_unlinked(folder_path: str, name: str) -> bytes | None:
    """``read_capped(folder_path/name)``, refusing the folder or the file when either is a link."""
    try:
        folder = os.open(folder_path, _FOLDER)
    except OSError:
        return None
    try:
        descriptor = os.open(name, _FILE, dir_fd=folder)
    except OSError:
        return None
    finally:
        os.close(folder)
    try:
        info = os.fstat(descriptor)
        return read_open(descriptor, info.st_size) if stat.S_ISREG(info.st_mode) else None
    except OSError:
        return None
    finally:
        os.close(descriptor)
