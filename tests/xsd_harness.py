"""Validators for magegen's XML: Magento's real XSDs (found by URN) and magegen's own XSDs.

Shared by the XSD tests and the property tests. Magento's XSDs are located through their
``urn:magento:`` schema locations, as Magento itself resolves them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path, PurePosixPath

import pytest
import xmlschema
from lxml import etree

from tests.conftest import REPO

SCHEMAS = REPO / "schemas"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

URN_PREFIX = "urn:magento:"
FRAMEWORK_PREFIX = "urn:magento:framework:"
MODULE_PREFIX = "urn:magento:module:"

MODULE_URN = "urn:magento:framework:Module/etc/module.xsd"
CONFIG_URN = "urn:magento:module:Magento_Integration:etc/integration/config.xsd"
API_URN = "urn:magento:module:Magento_Integration:etc/integration/api.xsd"
INTEGRATION_URN = "urn:magento:module:Magento_Integration:etc/integration/integration.xsd"

# The schema location each generated XML file must declare, by its path in the module.
URN_FOR_FILE = {
    "etc/module.xml": MODULE_URN,
    "etc/integration/config.xml": CONFIG_URN,
    "etc/integration/api.xml": API_URN,
    "etc/integration.xml": INTEGRATION_URN,
}
# Magento checks each etc/integration.xml on its own against this per-file variant as well.
INTEGRATION_FILE_URN = "urn:magento:module:Magento_Integration:etc/integration/integration_file.xsd"
# magegen's own XSD standing in for each of Magento's.
OUR_XSD = {
    MODULE_URN: SCHEMAS / "module.xsd",
    CONFIG_URN: SCHEMAS / "integration" / "config.xsd",
    API_URN: SCHEMAS / "integration" / "api.xsd",
    INTEGRATION_URN: SCHEMAS / "integration" / "integration.xsd",
    INTEGRATION_FILE_URN: SCHEMAS / "integration" / "integration_file.xsd",
}

CORE_MODULE_COUNT = 209  # the magento/module-* packages of Magento Open Source 2.4.4
INTEGRATION_FIXTURES = {
    "config.xml": (
        "app/code/Magento/Integration/Test/Unit/Model/Config/_files/config.xml",
        CONFIG_URN,
    ),
    "api.xml": (
        "app/code/Magento/Integration/Test/Unit/Model/Config/Integration/_files/api.xml",
        API_URN,
    ),
}

ENGINES = ("lxml", "xmlschema")
MAGENTO = "magento"  # Magento's real XSD
MAGEGEN = "magegen"  # our XSD in schemas/
SOURCES = (MAGENTO, MAGEGEN)

Errors = Callable[[bytes], list[str]]


# --- URN resolution --------------------------------------------------------------------------


def urn_to_path(urn: str, root: Path) -> Path:
    """The file a ``urn:magento:`` schema location names in a magento2 git checkout at ``root``.

    ``urn:magento:framework:X`` is lib/internal/Magento/Framework/X and
    ``urn:magento:module:Vendor_Module:X`` is app/code/Vendor/Module/X.
    """
    if urn.startswith(FRAMEWORK_PREFIX):
        base = root / "lib" / "internal" / "Magento" / "Framework"
        relative = urn.removeprefix(FRAMEWORK_PREFIX)
    elif urn.startswith(MODULE_PREFIX):
        module, colon, relative = urn.removeprefix(MODULE_PREFIX).partition(":")
        vendor, underscore, name = module.partition("_")
        if not (colon and underscore and vendor and name):
            raise ValueError(f"not a urn:magento:module:Vendor_Module:path URN: {urn!r}")
        base = root / "app" / "code" / vendor / name
    else:
        raise ValueError(f"not a urn:magento: schema location: {urn!r}")
    parts = PurePosixPath(relative).parts
    if not parts or relative.startswith("/") or ".." in parts:
        raise ValueError(f"URN path must be relative and stay inside its component: {urn!r}")
    return base.joinpath(*parts)


class MagentoUrnResolver(etree.Resolver):
    """lxml resolver: ``urn:magento:`` locations become files of the checkout at ``root``."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self.resolved: list[str] = []

    def resolve(self, system_url: str, public_id: str | None, context: object) -> object:
        """Load a urn:magento: URN from disk; leave every other location to libxml2."""
        if not system_url.startswith(URN_PREFIX):
            return None
        self.resolved.append(system_url)
        return self.resolve_filename(str(urn_to_path(system_url, self.root)), context)


def safe_parser() -> etree.XMLParser:
    """No network, no DTDs, no entity expansion."""
    return etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=False)


def load_magento_lxml(
    urn: str, root: Path, resolver: MagentoUrnResolver | None = None
) -> etree.XMLSchema:
    """Magento's XSD named by ``urn``, compiled by lxml; URN includes go through the resolver."""
    parser = safe_parser()
    parser.resolvers.add(resolver if resolver is not None else MagentoUrnResolver(root))
    return etree.XMLSchema(etree.parse(urn, parser))


def load_magento_xmlschema(urn: str, root: Path) -> xmlschema.XMLSchema:
    """Magento's XSD named by ``urn``, built by xmlschema; nothing outside ``root`` is read."""

    def uri_mapper(uri: str) -> str:
        return str(urn_to_path(uri, root)) if uri.startswith(URN_PREFIX) else uri

    return xmlschema.XMLSchema(urn, uri_mapper=uri_mapper, allow="sandbox", base_url=str(root))


@cache
def magento_lxml(urn: str, root: Path) -> etree.XMLSchema:
    """Cached :func:`load_magento_lxml`."""
    return load_magento_lxml(urn, root)


@cache
def magento_xmlschema(urn: str, root: Path) -> xmlschema.XMLSchema:
    """Cached :func:`load_magento_xmlschema`."""
    return load_magento_xmlschema(urn, root)


@cache
def our_lxml(urn: str) -> etree.XMLSchema:
    """magegen's XSD for ``urn``, compiled by lxml."""
    return etree.XMLSchema(etree.parse(str(OUR_XSD[urn]), safe_parser()))


@cache
def our_xmlschema(urn: str) -> xmlschema.XMLSchema:
    """magegen's XSD for ``urn``, built by xmlschema; nothing outside schemas/ is read."""
    return xmlschema.XMLSchema(OUR_XSD[urn], allow="sandbox", base_url=str(SCHEMAS))


# --- Validation helpers ----------------------------------------------------------------------


def lxml_errors(schema: etree.XMLSchema, content: bytes) -> list[str]:
    """lxml's complaints about ``content``; empty when it is valid."""
    if schema.validate(etree.fromstring(content, safe_parser())):
        return []
    return [f"{e.path}: {e.message}" for e in schema.error_log] or ["invalid, no message"]


def xmlschema_errors(schema: xmlschema.XMLSchema, content: bytes) -> list[str]:
    """xmlschema's complaints about ``content``; empty when it is valid."""
    return [f"{e.path}: {e.reason}" for e in schema.iter_errors(content)]


def validator(engine: str, source: str, urn: str, root: Path | None) -> Errors:
    """A function giving the errors of ``engine`` for a document against ``source``'s XSD."""
    if source == MAGENTO:
        assert root is not None, "Magento's XSDs need the Magento data"
        if engine == "lxml":
            return lambda content: lxml_errors(magento_lxml(urn, root), content)
        return lambda content: xmlschema_errors(magento_xmlschema(urn, root), content)
    if engine == "lxml":
        return lambda content: lxml_errors(our_lxml(urn), content)
    return lambda content: xmlschema_errors(our_xmlschema(urn), content)


def magento_root(source: str, request: pytest.FixtureRequest) -> Path | None:
    """The Magento data, requested only when ``source`` is Magento's XSDs."""
    return request.getfixturevalue("magento_data") if source == MAGENTO else None


def xsd_file(source: str, urn: str, root: Path | None) -> Path:
    """The XSD file of ``source`` for ``urn``."""
    if source == MAGENTO:
        assert root is not None
        return urn_to_path(urn, root)
    return OUR_XSD[urn]
