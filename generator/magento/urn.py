"""Resolve ``urn:magento:`` schema locations to files of an installation, as Magento does.

``urn:magento:module:Vendor_Module:path`` is a file of that module, wherever the module lives
(``app/code/Vendor/Module`` or ``vendor/vendor/module-name``); ``urn:magento:framework:path`` is a
file of the framework (``lib/internal/Magento/Framework`` or ``vendor/magento/framework``), and
``urn:magento:framework-amqp:path`` one of a framework library such as
``vendor/magento/framework-amqp``. Schemas include each other by URN, so the resolver also serves
lxml while it compiles them; each schema is compiled once.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path, PurePosixPath

from lxml import etree

from generator.magento.xml import safe_xml_parser
from generator.patterns import lazy

URN = lazy(
    r"urn:magento:(?:module:(?P<module>[A-Za-z0-9]+_[A-Za-z0-9]+)|(?P<library>framework[a-z-]*))"
    r":(?P<path>[A-Za-z0-9_./-]+)"
)


class UrnResolver:
    """Maps Magento URNs to files of one installation and compiles the schemas they name."""

    def __init__(self, root: Path, module_paths: Mapping[str, Path]) -> None:
        self.root = root
        self.module_paths = dict(module_paths)
        self._schemas: dict[str, etree.XMLSchema | str] = {}

    def path(self, urn: str) -> Path | None:
        """The file ``urn`` names, or None when it names nothing in this installation."""
        match = URN.fullmatch(urn)
        if match is None:
            return None
        relative = PurePosixPath(match["path"])
        if ".." in relative.parts or relative.is_absolute():
            return None
        for base in self._bases(match["module"], match["library"]):
            candidate = base.joinpath(*relative.parts)
            if candidate.is_file():
                return candidate
        return None

    def _bases(self, module: str | None, library: str | None) -> list[Path]:
        if module is not None:
            return [self.module_paths[module]] if module in self.module_paths else []
        assert library is not None
        suffix = library.removeprefix("framework")
        camel = "".join(part.capitalize() for part in suffix.split("-") if part)
        git = self.root / "lib" / "internal" / "Magento" / "Framework"
        return [git / camel if camel else git, self.root / "vendor" / "magento" / library]

    def schema(self, urn: str) -> etree.XMLSchema | str:
        """The compiled schema ``urn`` names, or a message saying why there is none."""
        if urn not in self._schemas:
            self._schemas[urn] = self._compile(urn)
        return self._schemas[urn]

    def _compile(self, urn: str) -> etree.XMLSchema | str:
        path = self.path(urn)
        if path is None:
            return f"schema {urn} is not in this installation"
        try:
            return etree.XMLSchema(etree.parse(str(path), self._parser))
        except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
            return f"schema {urn} does not compile: {exc}"

    @cached_property
    def _parser(self) -> etree.XMLParser:
        parser = safe_xml_parser()
        parser.resolvers.add(_LxmlUrnResolver(self))
        return parser


class _LxmlUrnResolver(etree.Resolver):
    """Lets lxml follow urn:magento: includes and imports between schemas."""

    def __init__(self, urns: UrnResolver) -> None:
        super().__init__()
        self.urns = urns

    def resolve(self, system_url: str, public_id: str | None, context: object) -> object:
        if not system_url.startswith("urn:magento:"):
            return None
        path = self.urns.path(system_url)
        return self.resolve_filename(str(path), context) if path is not None else None
