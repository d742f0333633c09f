"""Merge webapi.xml files into a RouteCatalog, as Magento merges them.

Magento reads every module's ``etc/webapi.xml`` in module load order (each module after the
modules its module.xml sequences; see ``aclxml.load_order``) and merges them into one document.
Routes are matched by url and method, and a route's resources by ref
(``Magento\\Webapi\\Model\\Config\\Reader``'s id attributes). So when two modules declare the same
url and method, the later declaration's service class and method replace the earlier ones, and
its resources are added to the earlier ones: the route then needs all of them. A url is compared
as written (``:id`` and ``:orderId`` are two urls).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from generator.errors import Problem
from generator.magento.files import read_capped
from generator.magento.routes import Route, RouteCatalog
from generator.magento.xml import safe_xml_parser

SKIPPED = "MG110"  # a file of the installation could not be used (as installation.SKIPPED)
UNREAD = "cannot be read (not a regular file, or larger than magegen reads)"


@dataclass
class _Entry:
    method: str
    url: str
    service_class: str
    service_method: str
    module: str
    resources: list[str] = field(default_factory=list)


class RouteMerger:
    """Collects webapi.xml files (and catalogs) in module load order, then builds a catalog."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], _Entry] = {}
        # One line for each declaration that replaced another module's service.
        self.replaced: list[str] = []

    def add_catalog(self, catalog: RouteCatalog) -> None:
        """Seed the merge with a catalog, as if its files had been read first."""
        for route in catalog.routes:
            self._entries[(route.method, route.url)] = _Entry(
                route.method,
                route.url,
                route.service_class,
                route.service_method,
                route.module,
                list(route.resources),
            )

    def add_file(self, module: str, content: bytes) -> list[str]:
        """Merge one module's webapi.xml; return what was skipped in it, one line each.

        Raises etree.XMLSyntaxError for malformed XML.
        """
        root = etree.fromstring(content, safe_xml_parser())
        skipped = []
        for element in root.iterfind("route"):
            url, method = element.get("url"), element.get("method")
            service = element.find("service")
            if not url or not method or service is None:
                skipped.append(f"line {element.sourceline}: a route without url, method or service")
                continue
            refs = [r.get("ref") for r in element.iterfind("resources/resource") if r.get("ref")]
            self._merge(module, method, url, service, refs)
        return skipped

    def _merge(
        self, module: str, method: str, url: str, service: etree._Element, refs: list[str]
    ) -> None:
        key = (method, url)
        known = self._entries.get(key)
        if known is None:
            known = self._entries[key] = _Entry(method, url, "", "", module)
        elif known.module != module:
            self.replaced.append(f"{method} {url}: {module} merges over {known.module}")
        known.service_class = service.get("class", known.service_class)
        known.service_method = service.get("method", known.service_method)
        known.module = module
        known.resources += [ref for ref in refs if ref not in known.resources]

    def build(self, magento_version: str) -> RouteCatalog:
        """The catalog of every route merged so far."""
        return RouteCatalog(
            magento_version,
            (
                Route(
                    e.method,
                    e.url,
                    tuple(e.resources),
                    e.service_class,
                    e.service_method,
                    e.module,
                )
                for e in self._entries.values()
            ),
        )


def read_routes(
    modules: list[tuple[str, Path]], base: RouteCatalog | None, magento_version: str
) -> tuple[RouteCatalog, list[Problem]]:
    """The routes of ``modules``' webapi.xml files, merged over ``base``.

    ``modules`` are (module name, module folder) pairs already in load order.
    """
    merger = RouteMerger()
    if base is not None:
        merger.add_catalog(base)
    problems = []
    for name, folder in modules:
        webapi_xml = folder / "etc" / "webapi.xml"
        if not webapi_xml.is_file():
            continue
        content = read_capped(webapi_xml)
        if content is None:
            problems.append(
                Problem(str(webapi_xml), f"skipped: {UNREAD}", severity="warning", code=SKIPPED)
            )
            continue
        try:
            skipped = merger.add_file(name, content)
        except etree.XMLSyntaxError as exc:
            line = getattr(exc, "lineno", None)
            reason = getattr(exc, "msg", None) or getattr(exc, "strerror", None) or str(exc)
            problems.append(
                Problem(
                    str(webapi_xml),
                    f"skipped: {reason}",
                    line=line,
                    severity="warning",
                    code=SKIPPED,
                )
            )
            continue
        problems += [
            Problem(str(webapi_xml), f"skipped {what}", severity="warning", code=SKIPPED)
            for what in skipped
        ]
    return merger.build(magento_version), problems


def installation_routes(
    root: Path, base: RouteCatalog | None = None
) -> tuple[RouteCatalog, list[Problem]]:
    """The routes of the installation at ``root`` (app/code or vendor layout), in its module load
    order (merged over ``base`` when given), and what was wrong with its webapi.xml files
    (problems of its module.xml files are ``load_installation``'s to report)."""
    from generator.magento.aclxml import load_order
    from generator.magento.installation import find_modules

    found, _ = find_modules(root)
    by_name = {m.name: m for m in found}
    ordered = load_order({m.name: list(m.sequence) for m in found})
    catalog, more = read_routes(
        [(name, by_name[name].path) for name in ordered],
        base,
        f"{base.magento_version} + {root}" if base is not None else str(root),
    )
    return catalog, more
