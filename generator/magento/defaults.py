"""The default targets, chosen and merged once, when the bundled data is built.

Every ``new`` and ``validate`` without a store or a ``magento:`` key checks against the default
target releases (``lines.json``'s ``default_targets``). Choosing them parses that constraint and
orders every known release; merging their modules reads every targeted release's modules.
``scripts/build_defaults.py`` does both once, with magegen's own code, and writes the result to
``data/releases/defaults.json`` with a checksum of the files it was computed from (the release
index, the modules table and the line facts). A file whose constraint, format or digest does not
match is ignored, and the default targets are computed as before; tests/test_target_unions.py
checks that the bundled file is what magegen computes.

The file holds: the constraint, the chosen releases (oldest first) and the targeted lines without
a known release, and the merged module catalog: its description, magento/framework's joined
constraint, and one row per module, ``[module, package, [sequence], constraint, origin]``.
"""

from __future__ import annotations

import zlib
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from generator.magento.acl import CORE, ModuleCatalog, ModulePackage
from generator.magento.releases import FRAMEWORK

if TYPE_CHECKING:
    from generator.magento.targetset import Targets

FILE = "defaults.json"
# The files the stored choice and merge are computed from, relative to the data folder that
# holds releases/ (lines.json: the default constraint, and the lines without a known release).
SOURCES = ("releases/index.json", "releases/modules.json", "lines.json")
FORMAT = 1


class StoredDefaults(NamedTuple):
    """The default targets as the build stored them."""

    releases: tuple[str, ...]
    unreleased: tuple[str, ...]  # targeted lines without a known release
    modules: ModuleCatalog


def digest(folder: Path) -> str:
    """A CRC-32 of the files the defaults in ``folder`` (a releases/ folder) are computed from,
    to tell a stale file (not a security check: zlib is loaded already, where hashlib would cost
    3 ms at every start); raises OSError when one is missing."""
    checksum = 0
    for name in SOURCES:
        checksum = zlib.crc32((folder.parent / name).read_bytes(), checksum)
    return f"crc32:{checksum:08x}"


def encode_defaults(constraint: str, targets: Targets, modules: ModuleCatalog, source: str) -> str:
    """The text of defaults.json for the ``targets`` that ``constraint`` chose and their merged
    ``modules``, computed from files whose digest is ``source``."""
    head = {
        "format": FORMAT,
        "constraint": constraint,
        "digest": source,
        "releases": list(targets.names),
        "unreleased": [line.name for line in targets.unreleased],
        "magento_version": modules.magento_version,
        "framework": modules.framework.constraint,
    }
    rows = [
        json.dumps(
            [m.module, m.package, list(m.sequence), m.constraint, m.origin],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for m in modules.modules.values()
    ]
    return json.dumps(head, indent=1)[:-2] + ',\n "modules": [\n' + ",\n".join(rows) + "\n]}\n"


@cache
def stored_defaults(folder: Path, constraint: str) -> StoredDefaults | None:
    """The stored default targets in ``folder`` when they were computed for ``constraint`` from
    the files there now; None otherwise (no file, another format, constraint or digest, or a
    file not of the shape ``encode_defaults`` writes: the targets are then computed)."""
    try:
        document = json.loads((folder / FILE).read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            return None
        if (document.get("format"), document.get("constraint")) != (FORMAT, constraint):
            return None
        if document.get("digest") != digest(folder):
            return None
        return _decoded(document)
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return None


def _decoded(document: dict[str, Any]) -> StoredDefaults:
    """The records of a defaults file; raises LookupError or TypeError when it is malformed."""
    framework = ModulePackage("Magento_Framework", FRAMEWORK, document["framework"], CORE)
    modules = {}
    for row in document["modules"]:
        module, package, sequence, constraint, origin = row
        if not all(isinstance(v, str) for v in (module, package, constraint, origin)):
            raise TypeError(f"a malformed module row: {row!r}")
        modules[module] = ModulePackage(module, package, constraint, origin, tuple(sequence), None)
    catalog = ModuleCatalog(document["magento_version"], framework, modules)
    releases, unreleased = document["releases"], document["unreleased"]
    if not all(isinstance(name, str) for name in (*releases, *unreleased)):
        raise TypeError("a release that is not a name")
    return StoredDefaults(tuple(releases), tuple(unreleased), catalog)
