"""The bundled per-release files: how a line's releases are stored, and read back.

``data/releases/<table>.json`` holds one table (the ACL trees, the REST routes, ...) of every
bundled release. Releases share nearly all their facts, so a table keeps each distinct row once
and describes each release as runs of indices into its rows: ``[[0, 641], 655, [643,
700]]`` is rows 0 to 641, then 655, then 643 to 700. A release's ACL rows are listed in tree
order, so its tree is rebuilt exactly. ``data/releases/index.json`` names every release with its
line, framework version and php, so that choosing the targets and composer.json's php read no
table. ``scripts/build_releases.py`` writes them all from Magento's own files.

Rows, as JSON arrays:
- acl: ``[id, title, parent, module, sort_order, disabled]``
- routes: ``[method, url, [refs], service class, service method, module]``
- packages: ``[name, version]``
- requires: ``[name, [[magento package it requires, constraint], ...]]``
- modules: ``[module, package, [modules it sequences], its package's line constraint]``, so
  that ``new`` needs no package versions
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from generator.magento.acl import AclResource

FIRST_RELEASE = "2.4.4"  # the oldest release bundled (see the README)
# One file each: ``new`` without endpoints reads acl, packages and modules only; requires (each
# package's magento/* requires) and routes are read when asked for.
TABLES = ("acl", "routes", "packages", "requires", "modules")
FORMAT = 1


def line_of(release: str) -> str:
    """The line of a release: ``2.4.7`` of ``2.4.7-p4``."""
    return release.split("-", 1)[0]


def _row(table: str, record: Any) -> list[Any]:
    if table == "routes":
        return [record[0], record[1], list(record[2]), *record[3:]]
    if table == "packages":
        return [record.name, record.version]
    if table == "requires":
        return [record.name, [list(pair) for pair in record.requires]]
    if table == "modules":
        return [record.module, record.package, list(record.sequence), record.constraint]
    return list(record)


def _runs(indices: Sequence[int]) -> list[Any]:
    runs: list[Any] = []
    for index in indices:
        last = runs[-1] if runs else None
        if isinstance(last, list) and last[1] + 1 == index:
            last[1] = index
        elif isinstance(last, int) and last + 1 == index:
            runs[-1] = [last, index]
        else:
            runs.append(index)
    return runs


def expand(runs: Iterable[Any]) -> list[int]:
    """The indices that ``runs`` describe, in order."""
    indices: list[int] = []
    for run in runs:
        if isinstance(run, list):
            indices.extend(range(run[0], run[1] + 1))
        else:
            indices.append(run)
    return indices


def encode_table(table: str, releases: Sequence[tuple[str, Sequence[Any]]]) -> str:
    """The text of ``<table>.json`` for ``releases`` ((name, records), oldest first):
    the distinct rows once, one per text line so that a change shows as a small diff, and each
    release as runs of indices into them."""
    known: dict[str, int] = {}
    runs = {}
    for name, records in releases:
        indices = []
        for record in records:
            row = json.dumps(_row(table, record), ensure_ascii=False, separators=(",", ":"))
            indices.append(known.setdefault(row, len(known)))
        runs[name] = _runs(indices)
    head = {"format": FORMAT, "table": table, "releases": runs}
    text = json.dumps(head, separators=(",", ":"))[:-1]
    return text + ',\n"rows":[\n' + ",\n".join(known) + "\n]}\n"


def decode_table(text: str) -> dict[str, Any]:
    """A table file as JSON, checked for the format this version reads."""
    document = json.loads(text)
    if document.get("format") != FORMAT:
        raise ValueError(f"release data format {document.get('format')!r}, expected {FORMAT}")
    return document


def acl_record(row: list[Any]) -> AclResource:
    """One ``acl`` row as an AclResource."""
    return AclResource(*row)


def requires_record(row: list[Any]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """One ``requires`` row: a package and the magento/* packages it requires."""
    return row[0], tuple((name, constraint) for name, constraint in row[1])
