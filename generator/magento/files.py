"""A module's files as Magento knows them, and the rules for reading them from untrusted trees.

Every path and default about a module's files is declared here once. ``walk_module`` lists a
module tree under one set of safety rules: it never follows a link out of the tree, never reads a
special file (a device, a pipe), never descends into a linked folder, and refuses files larger
than ``MAX_FILE_BYTES``. What it refuses is named with a reason, so that checks depending on such
a file can be skipped and the file itself reported.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from generator.patterns import lazy

REGISTRATION_PHP = "registration.php"
MODULE_XML = "etc/module.xml"
ACL_XML = "etc/acl.xml"
COMPOSER_JSON = "composer.json"
CONFIG_XML = "etc/integration/config.xml"
API_XML = "etc/integration/api.xml"
CONSOLIDATED_XML = "etc/integration.xml"
INTEGRATION_FILES = (CONFIG_XML, API_XML, CONSOLIDATED_XML)
SETUP_DIR = "Setup"
INSTALL_DATA = "Setup/InstallData.php"
UPGRADE_DATA = "Setup/UpgradeData.php"
DATA_PATCH_DIR = "Setup/Patch/Data"
SCHEMA_PATCH_DIR = "Setup/Patch/Schema"
INTEGRATION_MODULE = "Magento_Integration"
DEFAULT_SETUP_VERSION = "1.0.0"  # what magegen writes for InstallData when the spec gives none

# The integration formats: config.xml + api.xml, or etc/integration.xml.
SPLIT = "split"
CONSOLIDATED = "consolidated"

# The largest file read from a module. Magento's biggest XML and PHP files are a few hundred
# kilobytes (the largest core di.xml is under 200 KiB); 8 MiB is far above any real one, and low
# enough that a hostile file cannot exhaust memory.
MAX_FILE_BYTES = 8 * 1024 * 1024
# PHP's json_decode (and so Composer) refuses JSON nested deeper than this (default depth 512).
MAX_JSON_DEPTH = 511
TOO_DEEP = f"nests deeper than {MAX_JSON_DEPTH} levels, which PHP's json_decode refuses"
# Folders of version control, never part of what a module holds.
VCS_DIRS = frozenset({".git", ".hg", ".svn"})

LINKS_OUT = "links outside the module; magegen does not follow it"
NOT_REGULAR = "is not a regular file (a device, pipe or socket); magegen does not read it"
TOO_LARGE = f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; magegen does not read it"
LINKED_FOLDER = "is a linked folder; magegen does not descend into it"
UNSTATED = "cannot be read (a broken link?)"


def default_composer_name(vendor: str, module: str) -> str:
    """The composer name Magento's convention gives Vendor_Module: ``vendor/module-kebab``."""
    kebab = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", module).lower()
    return f"{vendor.lower()}/module-{kebab}"


KEPT_READ_BYTES = 64 << 10  # files up to this size are kept once read (PHP setup code is ~4 KiB)


class ModuleTreeFiles:
    """The files of a module tree that may be read, and those refused, by relative POSIX path."""

    __slots__ = ("root", "files", "refused", "_readable", "_read", "_folder")

    def __init__(
        self,
        root: Path,
        files: tuple[str, ...],
        refused: dict[str, str] | None = None,
        read: dict[str, bytes | None] | None = None,
    ) -> None:
        self.root = root
        self.files = files
        self.refused = {} if refused is None else refused
        self._readable = frozenset(files)
        self._read: dict[str, bytes | None] = {} if read is None else read  # (see read())
        self._folder = os.path.join(root, "")  # + relative: os.path.join(root, relative)

    def path(self, relative: str) -> Path:
        """The file ``relative`` of the module."""
        return self.root / relative

    def read(self, relative: str) -> bytes | None:
        """The bytes of a readable file of the module; None when it is absent or refused.

        Each check reads the file again through this; a small file is read from disk once, so
        every check sees the same bytes.
        """
        kept = self._read
        if relative in kept:
            return kept[relative]
        if relative not in self._readable:
            return None
        content = read_capped(self._folder + relative)
        if content is None or len(content) <= KEPT_READ_BYTES:
            kept[relative] = content
        return content

    def text(self, relative: str) -> str | None:
        """A readable file of the module as text (undecodable bytes replaced); None if not there."""
        content = self.read(relative)
        return None if content is None else content.decode("utf-8", errors="replace")


def inside_tree(root: Path, relative: str) -> bool:
    """Whether the module file ``relative`` is a regular file whose real path lies inside
    ``root``: what the reading rules allow to be read."""
    # Without a link below ``root`` the real path is root's own plus ``relative``: one lstat
    # per part instead of resolving every folder from / (validate asks this of every module).
    folder = os.fspath(root)
    parts = relative.split("/")
    try:
        for depth, part in enumerate(parts, start=1):
            if part in ("", ".", ".."):
                break
            folder = os.path.join(folder, part)
            mode = os.lstat(folder).st_mode
            if stat.S_ISLNK(mode):
                break
            if depth == len(parts):
                return stat.S_ISREG(mode)
            if not stat.S_ISDIR(mode):
                return False
    except OSError:
        return False
    path = root / relative
    try:
        return path.resolve().is_relative_to(root.resolve()) and path.is_file()
    except (OSError, RuntimeError):  # a loop of links, say
        return False


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)


def read_capped(path: str | os.PathLike[str]) -> bytes | None:
    """At most MAX_FILE_BYTES of the regular file ``path``; None when it cannot be read.

    The file is opened without blocking, so a named pipe cannot hang the run before it is seen
    not to be a regular file. (Read with os calls: no file object for each of a tree's files.)
    """
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            return None
        return read_open(descriptor, info.st_size)
    except OSError:
        return None
    finally:
        os.close(descriptor)


def read_open(descriptor: int, size: int) -> bytes | None:
    """read_capped's read of an open regular file whose size was ``size`` (OSError if it fails)."""
    # Asking for MAX_FILE_BYTES at once would allocate that much for every small file.
    # (_read_up_to(descriptor, wanted), its first two reads made here: most files need no more)
    wanted = min(size, MAX_FILE_BYTES) + 1
    content = os.read(descriptor, wanted)
    if content and len(content) < wanted:
        more = os.read(descriptor, wanted - len(content))  # (most often b"": the end)
        if more:
            content += more + _read_up_to(descriptor, wanted - len(content) - len(more))
    if len(content) > size:  # it grew since: read on, up to the cap
        content += _read_up_to(descriptor, MAX_FILE_BYTES + 1 - len(content))
    return None if len(content) > MAX_FILE_BYTES else content


def _read_up_to(descriptor: int, size: int) -> bytes:
    """``size`` bytes of the open file, or fewer at its end."""
    chunks = []
    while size > 0:
        chunk = os.read(descriptor, size)
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def walk_module(
    root: Path,
    listings: dict[str, list[os.DirEntry[str]]] | None = None,
    read_now: Callable[[str], bool] | None = None,
) -> ModuleTreeFiles:
    """Every file of the module at ``root`` that may be read, and every one refused, with why.

    ``listings`` may hold folders already listed (by the search for modules): each is used
    once, then dropped; the reading rules apply to its entries as to a fresh listing's.

    The files ``read_now`` picks (the caller reads them at once) are read as walked: a regular
    one (never a link) is opened as read_capped opens it, its fstat standing for the stat.
    """
    base = ""  # root's real path, found when a link is met (most modules have none)
    files: list[str] = []
    refused: dict[str, str] = {}
    read: dict[str, bytes | None] = {}  # what was read now, as ModuleTreeFiles.read keeps it
    pending = [("", os.fspath(root))]  # (relative prefix, folder); a folder that fails is skipped
    while pending:
        prefix, folder = pending.pop()
        for entry in _listing(folder, listings):
            relative = prefix + entry.name
            if entry.is_symlink():
                base = base or os.path.realpath(root)
                reason = _link_refusal(base, entry)
                if reason is None:
                    files.append(relative)
                elif reason:  # (a linked version-control folder is skipped, as a real one is)
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
            if (
                read_now is not None
                and read_now(relative)
                and entry.is_file()  # (not a link, as is_symlink() told)
                and _read_in_walk(entry, relative, files, refused, read)
            ):
                continue
            # _refusal(entry), without a call for the files it lets through
            try:
                info = entry.stat()
            except OSError:
                refused[relative] = UNSTATED
                continue
            if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_FILE_BYTES:
                files.append(relative)
            else:
                refused[relative] = _refusal(entry)  # (from the same stat: the entry keeps it)
    files.sort()
    return ModuleTreeFiles(root, tuple(files), dict(sorted(refused.items())), read)


def _listing(
    folder: str, listings: dict[str, list[os.DirEntry[str]]] | None
) -> list[os.DirEntry[str]]:
    """The entries of ``folder``: as kept in ``listings`` (then dropped), or listed now."""
    entries = listings.pop(folder, None) if listings is not None else None
    if entries is None:
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            return []
    return entries


def _read_in_walk(
    entry: os.DirEntry[str],
    relative: str,
    files: list[str],
    refused: dict[str, str],
    read: dict[str, bytes | None],
) -> bool:
    """Walk the file ``entry`` by opening it as read_capped does (walk_module's ``read_now``):
    listed or refused by the fstat of the open file, its bytes read and kept in ``read`` as
    ModuleTreeFiles.read keeps them. False when it cannot be opened: walk it as any other."""
    try:
        descriptor = os.open(entry.path, _OPEN_FLAGS)
    except OSError:
        return False
    try:
        info = os.fstat(descriptor)
        size = info.st_size
        readable = stat.S_ISREG(info.st_mode) and size <= MAX_FILE_BYTES
        reason = None if readable else _refusal_of(info)  # (no call for the files let through)
        if reason is None and size <= KEPT_READ_BYTES:
            try:
                content = read_open(descriptor, size)
            except OSError:
                content = None
            if content is None or len(content) <= KEPT_READ_BYTES:
                read[relative] = content
    except OSError:
        return False  # (its fstat failed)
    finally:
        os.close(descriptor)
    if reason is None:
        files.append(relative)
    else:
        refused[relative] = reason
    return True


def _link_refusal(base: str, entry: os.DirEntry[str]) -> str | None:
    """Why the link ``entry`` may not be read: "" for a linked version-control folder (left
    out), None for a link to a file inside the module (read as that file)."""
    try:
        folder_like = entry.is_dir()  # a link to a folder counts, as os.walk counts it
    except OSError:
        folder_like = False
    if folder_like:
        if entry.name in VCS_DIRS:
            return ""
        return LINKED_FOLDER if _inside(base, entry.path) else LINKS_OUT
    if not _inside(base, entry.path):
        return LINKS_OUT
    return _refusal(entry)


def _inside(base: str, path: str) -> bool:
    target = os.path.realpath(path)
    return target == base or target.startswith(base + os.sep)


def _refusal(entry: os.DirEntry[str]) -> str | None:
    """Why the file ``entry`` (not a link out of the module) may not be read, or None."""
    try:
        info = entry.stat()
    except OSError:
        return UNSTATED
    return _refusal_of(info)


def _refusal_of(info: os.stat_result) -> str | None:
    """Why a file whose stat is ``info`` may not be read, or None."""
    if stat.S_ISDIR(info.st_mode):
        return LINKED_FOLDER
    if not stat.S_ISREG(info.st_mode):
        return NOT_REGULAR
    if info.st_size > MAX_FILE_BYTES:
        return TOO_LARGE
    return None


class JsonRefused(ValueError):
    """JSON that PHP's json_decode (and so Composer and Magento) would refuse."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def parse_json_as_php(content: bytes) -> object:
    """``content`` decoded as PHP's json_decode decodes it, or JsonRefused saying why not.

    Unlike Python's json module, PHP refuses a UTF-8 byte order mark, NaN and Infinity, unpaired
    surrogate escapes, other encodings, and nesting deeper than MAX_JSON_DEPTH.
    """
    if content.startswith(b"\xef\xbb\xbf"):
        raise JsonRefused(
            "invalid JSON: starts with a UTF-8 byte order mark, which PHP's json_decode refuses", 1
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise JsonRefused("invalid JSON: not UTF-8 text") from None
    _check_depth(text)
    try:
        # json.loads(text, parse_constant=...) makes this decoder for each call; the text never
        # starts with the byte order mark json.loads refuses (refused above).
        return _PHP_DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise JsonRefused(f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except RecursionError:  # pragma: no cover - _check_depth stops far earlier
        raise JsonRefused(f"invalid JSON: {TOO_DEEP}") from None


def _refuse_constant(name: str) -> object:
    raise JsonRefused(f"invalid JSON: {name} is not a JSON value (PHP's json_decode refuses it)")


_PHP_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


# A string runs to its closing quote, or to the end when it has none: a string that may fail to
# close would be scanned again from each later quote, quadratic in the file's size.
_JSON_TOKEN = lazy(r'"(?:[^"\\]|\\.?)*(?:"|\Z)|[\[\]{}]', re.DOTALL)


def _check_depth(text: str) -> None:
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return  # not even every bracket opened in a row goes too deep
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                raise JsonRefused(f"invalid JSON: {TOO_DEEP}", line)
        elif token in "]}":
            depth -= 1
