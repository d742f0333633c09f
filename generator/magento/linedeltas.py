"""What changed between Magento lines, as data (``data/deltas.json``) with a source per fact.

The bundled catalogs describe 2.4.4. Newer lines differ in a few known ways: 2.4.7 added
``Magento_Sales::api_actions`` ("Order Save API", under ``Magento_Sales::actions``), and
``POST /V1/orders`` needs it instead of ``Magento_Sales::create`` from 2.4.7 on. This module
applies those deltas for a set of target lines and says where target lines disagree, as data
for the caller to word: a module that also targets 2.4.6 cannot rely on an id that 2.4.7 added.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from generator.magento.acl import AclCatalog, AclResource, bundled_acl
from generator.magento.aclxml import AclTreeBuilder
from generator.magento.lines import MagentoLine, line

_DATA = Path(__file__).resolve().parent / "data" / "deltas.json"

RouteKey = tuple[str, str]  # (method, url), as webapi.xml writes them: ("POST", "/V1/orders")


@dataclass(frozen=True)
class AclAdded:
    """An ACL resource that exists from ``line`` on."""

    line: str
    resource: AclResource
    source: str


@dataclass(frozen=True)
class RouteChange:
    """A REST route whose ACL resources are ``resources`` from ``line`` on (``before`` until
    then)."""

    line: str
    method: str
    url: str
    resources: tuple[str, ...]
    before: tuple[str, ...]
    source: str

    @property
    def key(self) -> RouteKey:
        """The route as (method, url)."""
        return self.method, self.url


@dataclass(frozen=True)
class LineDeltas:
    """Every known delta from the bundled line (``base``) on, oldest line first."""

    base: str
    checked: str
    acl_added: tuple[AclAdded, ...]
    route_changes: tuple[RouteChange, ...]


@dataclass(frozen=True)
class LineGap:
    """A fact that holds on some of the target lines only.

    ``kind`` is "acl" (``subject`` is an id) or "route" (``subject`` is "POST /V1/orders").
    The fact holds from ``since`` on: on ``holds_on`` of the targets, not on ``missing_on``.
    """

    kind: str
    subject: str
    since: str
    holds_on: tuple[str, ...]
    missing_on: tuple[str, ...]
    source: str


def _key(name: str) -> tuple[int, int, int]:
    return line(name).key


@cache
def line_deltas() -> LineDeltas:
    """The bundled deltas."""
    document = json.loads(_DATA.read_text(encoding="utf-8"))
    added = tuple(
        AclAdded(
            entry["line"],
            AclResource(
                entry["id"],
                entry["title"],
                entry["parent"],
                entry["module"],
                entry["sort_order"],
            ),
            entry["source"],
        )
        for entry in document["acl_added"]
    )
    changes = tuple(
        RouteChange(
            entry["line"],
            entry["method"],
            entry["url"],
            tuple(entry["resources"]),
            tuple(entry["before"]),
            entry["source"],
        )
        for entry in document["route_resources"]
    )
    return LineDeltas(
        document["base"],
        document["checked"],
        tuple(sorted(added, key=lambda delta: _key(delta.line))),
        tuple(sorted(changes, key=lambda delta: _key(delta.line))),
    )


def _newest(lines: Iterable[MagentoLine]) -> MagentoLine:
    targets = list(lines)
    if not targets:
        raise ValueError("no target lines")
    return max(targets, key=lambda target: target.key)


def acl_for_lines(lines: Iterable[MagentoLine], base: AclCatalog | None = None) -> AclCatalog:
    """The ACL tree for a module targeting ``lines``: ``base`` (the bundled 2.4.4 tree) plus
    every id added up to the newest target. Ids ``base`` already has are kept as they are.

    An id in the result may still be missing on an older target: ask ``line_gaps``.
    """
    base = base if base is not None else bundled_acl()
    newest = _newest(lines)
    added = [
        delta.resource
        for delta in line_deltas().acl_added
        if _key(delta.line) <= newest.key and delta.resource.id not in base
    ]
    if not added:
        return base
    builder = AclTreeBuilder()
    builder.add_catalog(base)
    for resource in added:
        builder.add_file(resource.module, _acl_xml(base, resource))
    return builder.build(f"{base.magento_version} + deltas to {newest.name}")


def _acl_xml(base: AclCatalog, resource: AclResource) -> bytes:
    """An acl.xml that declares ``resource`` under its parent's path in ``base``."""
    config = etree.Element("config")
    element = etree.SubElement(etree.SubElement(config, "acl"), "resources")
    for ancestor in base.path(resource.parent) if resource.parent else []:
        element = etree.SubElement(element, "resource", id=ancestor)
    attributes = {"id": resource.id, "title": resource.title}
    if resource.sort_order is not None:
        attributes["sortOrder"] = str(resource.sort_order)
    etree.SubElement(element, "resource", attributes)
    return etree.tostring(config)


def added_in(resource_id: str) -> AclAdded | None:
    """The delta that added ``resource_id`` after the bundled line, if one did."""
    return next((d for d in line_deltas().acl_added if d.resource.id == resource_id), None)


def _split(since: str, lines: Iterable[MagentoLine]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    targets = sorted(lines, key=lambda target: target.key)
    start = _key(since)
    holds = tuple(t.name for t in targets if t.key >= start)
    missing = tuple(t.name for t in targets if t.key < start)
    return holds, missing


def line_gaps(resource_ids: Iterable[str], lines: Iterable[MagentoLine]) -> tuple[LineGap, ...]:
    """The ids of ``resource_ids`` that exist on some of ``lines`` only, in the order given.

    An id added in 2.4.7 gives a gap for targets 2.4.6 and 2.4.7 (holds on 2.4.7, missing on
    2.4.6), and for 2.4.6 alone (holds on none). Ids no delta names give none.
    """
    targets = list(lines)
    gaps = []
    for resource_id in dict.fromkeys(resource_ids):
        delta = added_in(resource_id)
        if delta is None:
            continue
        holds, missing = _split(delta.line, targets)
        if missing:
            gaps.append(LineGap("acl", resource_id, delta.line, holds, missing, delta.source))
    return tuple(gaps)


def apply_route_deltas(
    routes: Mapping[RouteKey, tuple[str, ...]], target: MagentoLine
) -> dict[RouteKey, tuple[str, ...]]:
    """``routes`` (the bundled line's (method, url) to resources) as they are on ``target``:
    each known change up to that line replaces the route's resources. Routes ``routes`` does
    not hold are left out."""
    result = dict(routes)
    for change in line_deltas().route_changes:
        if change.key in result and _key(change.line) <= target.key:
            result[change.key] = change.resources
    return result


def route_gaps(lines: Iterable[MagentoLine]) -> tuple[LineGap, ...]:
    """The routes whose resources differ between ``lines``: the new resources hold from the
    change's line on; the older targets need ``before``."""
    targets = list(lines)
    gaps = []
    for change in line_deltas().route_changes:
        holds, missing = _split(change.line, targets)
        if holds and missing:
            subject = f"{change.method} {change.url}"
            gaps.append(LineGap("route", subject, change.line, holds, missing, change.source))
    return tuple(gaps)
