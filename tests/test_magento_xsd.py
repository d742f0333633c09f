"""magegen's XML against Magento 2.4.4's real XSDs and against magegen's own XSDs in schemas/.

Three validators take part: lxml (libxml2 bundled with lxml), xmlschema (pure Python, a second
and independent XSD engine) and the system's xmllint. Magento's XSDs are found by their
``urn:magento:`` schema locations, as Magento itself finds them, so a URN resolver is part of
the harness and is tested first.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
import xmlschema
import yaml
from lxml import etree

from tests.conftest import CASE_NAMES, case_command
from tests.xsd_harness import (
    API_URN,
    CONFIG_URN,
    CORE_MODULE_COUNT,
    ENGINES,
    INTEGRATION_FILE_URN,
    INTEGRATION_FIXTURES,
    INTEGRATION_URN,
    MAGEGEN,
    MAGENTO,
    MODULE_URN,
    SOURCES,
    URN_FOR_FILE,
    XSI,
    MagentoUrnResolver,
    load_magento_lxml,
    load_magento_xmlschema,
    lxml_errors,
    magento_root,
    safe_parser,
    urn_to_path,
    validator,
    xmlschema_errors,
    xsd_file,
)


def xml_catalog(root: Path | None, folder: Path) -> dict[str, str]:
    """An XML catalog that maps the URNs Magento's XSDs include to files, for xmllint."""
    if root is None:
        return {}
    entries = "".join(
        f'<uri name="{urn}" uri="{urn_to_path(urn, root).as_uri()}"/>'
        for urn in ("urn:magento:module:Magento_Integration:etc/integration/integration_base.xsd",)
    )
    catalog = folder / "catalog.xml"
    catalog.write_text(
        '<?xml version="1.0"?>\n<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
        f"{entries}</catalog>\n"
    )
    return {"XML_CATALOG_FILES": str(catalog)}


def xmllint_errors(
    xmllint: str, xsd: Path, files: Iterable[Path], env: dict[str, str] | None = None
) -> list[str]:
    """Run ``xmllint --noout --schema xsd files...``; empty when every file validates."""
    paths = [str(path) for path in files]
    result = subprocess.run(
        [xmllint, "--noout", "--nonet", "--schema", str(xsd), *paths],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    validated = [line for line in result.stderr.splitlines() if line.endswith(" validates")]
    if result.returncode == 0 and len(validated) == len(paths):
        return []
    return [f"xmllint exited {result.returncode}", *result.stderr.splitlines()]


def report(failures: dict[str, list[str]]) -> str:
    """Failures by file, one message a line."""
    return "\n".join(f"{name}:\n  " + "\n  ".join(errors) for name, errors in failures.items())


# --- The resolver itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("urn", "relative"),
    [
        (MODULE_URN, "lib/internal/Magento/Framework/Module/etc/module.xsd"),
        (API_URN, "app/code/Magento/Integration/etc/integration/api.xsd"),
        (CONFIG_URN, "app/code/Magento/Integration/etc/integration/config.xsd"),
        (
            "urn:magento:module:Magento_Integration:etc/integration/integration_base.xsd",
            "app/code/Magento/Integration/etc/integration/integration_base.xsd",
        ),
        ("urn:magento:framework:Acl/etc/acl.xsd", "lib/internal/Magento/Framework/Acl/etc/acl.xsd"),
    ],
    ids=["module", "api", "config", "integration_base", "acl"],
)
def test_urn_maps_to_a_file_of_the_checkout(urn: str, relative: str, magento_data: Path) -> None:
    """Documented URNs map to the git layout, and the files are there."""
    path = urn_to_path(urn, magento_data)
    assert path == magento_data / relative
    assert path.is_file(), f"{urn} -> {path}, which does not exist"


@pytest.mark.parametrize(
    "uri",
    [
        "http://example.com/module.xsd",
        "urn:magento:library:Foo/bar.xsd",
        "urn:magento:module:MagentoIntegration:etc/a.xsd",
        "urn:magento:module:Magento_Integration",
        "urn:magento:framework:../../../etc/passwd",
        "urn:magento:framework:",
    ],
    ids=["http", "unknown-kind", "no-underscore", "no-path", "escapes-component", "empty-path"],
)
def test_urn_mapping_refuses_other_uris(uri: str, tmp_path: Path) -> None:
    """Only well-formed framework and module URNs are mapped."""
    with pytest.raises(ValueError):
        urn_to_path(uri, tmp_path)


def test_lxml_needs_the_resolver_for_urn_includes(magento_data: Path) -> None:
    """integration.xsd includes integration_base.xsd by URN: without the resolver it fails."""
    xsd = urn_to_path(INTEGRATION_URN, magento_data)
    with pytest.raises(etree.XMLSchemaParseError, match="integration_base"):
        etree.XMLSchema(etree.parse(str(xsd), safe_parser()))

    resolver = MagentoUrnResolver(magento_data)
    schema = load_magento_lxml(INTEGRATION_URN, magento_data, resolver)
    assert resolver.resolved == [
        INTEGRATION_URN,
        "urn:magento:module:Magento_Integration:etc/integration/integration_base.xsd",
    ]
    # emailType comes from the included file, so a bad email proves the include took effect.
    good = (
        b'<config><integration name="Acme"><email>dev@acme.example</email></integration></config>'
    )
    assert lxml_errors(schema, good) == []
    assert lxml_errors(schema, good.replace(b"dev@acme.example", b"nope")) != []


def test_xmlschema_needs_the_uri_mapper_for_urn_includes(magento_data: Path) -> None:
    """The same include through xmlschema's uri_mapper; without it the URN is not loaded."""
    xsd = urn_to_path(INTEGRATION_URN, magento_data)
    with pytest.raises(xmlschema.XMLSchemaException, match="integration_base"):
        xmlschema.XMLSchema(xsd, allow="sandbox", base_url=str(magento_data))

    schema = load_magento_xmlschema(INTEGRATION_URN, magento_data)
    assert Path(schema.url.removeprefix("file://")) == xsd
    good = (
        b'<config><integration name="Acme"><email>dev@acme.example</email></integration></config>'
    )
    assert xmlschema_errors(schema, good) == []
    assert xmlschema_errors(schema, good.replace(b"dev@acme.example", b"nope")) != []


# --- Generated modules -----------------------------------------------------------------------


def generated_xml(case: str, generate: Callable[..., Path]) -> dict[Path, str]:
    """Generate the module of golden case ``case``; map each XML file to its schema URN.

    Also checks that the expected files are all there (integration files exactly when the spec
    has integrations) and that each declares the schema location Magento expects for it.
    """
    name, spec = case_command(case)
    root = generate(spec=spec, name=name)
    files = {path: path.relative_to(root).as_posix() for path in sorted(root.rglob("*.xml"))}
    expected = {"etc/module.xml"}
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    if data.get("integrations") and data.get("integration_format") == "consolidated":
        expected |= {"etc/integration.xml"}
    elif data.get("integrations"):
        expected |= {"etc/integration/config.xml", "etc/integration/api.xml"}
    assert set(files.values()) == expected
    urns = {}
    for path, relative in files.items():
        location = (
            etree.parse(str(path), safe_parser())
            .getroot()
            .get(f"{{{XSI}}}noNamespaceSchemaLocation")
        )
        assert location == URN_FOR_FILE[relative], f"{relative} declares {location!r}"
        urns[path] = location
    return urns


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASE_NAMES)
def test_generated_xml_is_valid(
    case: str,
    engine: str,
    source: str,
    generate: Callable[..., Path],
    request: pytest.FixtureRequest,
) -> None:
    """Every generated XML file is valid against the XSD its schema location names."""
    root = magento_root(source, request)
    failures = {}
    for path, urn in generated_xml(case, generate).items():
        errors = validator(engine, source, urn, root)(path.read_bytes())
        if errors:
            failures[path.name] = errors
    assert not failures, report(failures)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("case", CASE_NAMES)
def test_generated_xml_is_valid_with_xmllint(
    case: str,
    source: str,
    generate: Callable[..., Path],
    xmllint: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    """The system's xmllint agrees: ``xmllint --noout --schema <xsd> <file>`` passes."""
    root = magento_root(source, request)
    catalog = xml_catalog(root, tmp_path)
    failures = {}
    for path, urn in generated_xml(case, generate).items():
        errors = xmllint_errors(xmllint, xsd_file(source, urn, root), [path], catalog)
        if errors:
            failures[path.name] = errors
    assert not failures, report(failures)


# --- Magento's own files ---------------------------------------------------------------------


def core_module_xml(root: Path) -> list[Path]:
    """etc/module.xml of every core module."""
    return sorted(root.glob("app/code/Magento/*/etc/module.xml"))


def test_all_core_modules_are_there(magento_data: Path) -> None:
    """The corpus below is complete: one module.xml per core module of 2.4.4."""
    assert len(core_module_xml(magento_data)) == CORE_MODULE_COUNT


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("engine", ENGINES)
def test_core_module_xml_is_valid(engine: str, source: str, magento_data: Path) -> None:
    """All 209 core module.xml files pass our module.xsd, and Magento's (harness sanity)."""
    check = validator(engine, source, MODULE_URN, magento_data)
    failures = {}
    for path in core_module_xml(magento_data):
        errors = check(path.read_bytes())
        if errors:
            failures[str(path.relative_to(magento_data))] = errors
    assert not failures, report(failures)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fixture", sorted(INTEGRATION_FIXTURES))
def test_integration_fixture_is_valid(
    fixture: str, engine: str, source: str, magento_data: Path
) -> None:
    """Magento's unit-test config.xml and api.xml pass our XSDs, and Magento's."""
    relative, urn = INTEGRATION_FIXTURES[fixture]
    errors = validator(engine, source, urn, magento_data)((magento_data / relative).read_bytes())
    assert errors == [], "\n".join(errors)


@pytest.mark.parametrize("source", SOURCES)
def test_magento_files_are_valid_with_xmllint(
    source: str, magento_data: Path, xmllint: str
) -> None:
    """xmllint agrees on the core module.xml files and the integration fixtures."""
    failures = {}
    errors = xmllint_errors(
        xmllint, xsd_file(source, MODULE_URN, magento_data), core_module_xml(magento_data)
    )
    if errors:
        failures["module.xml files"] = errors
    for fixture, (relative, urn) in INTEGRATION_FIXTURES.items():
        errors = xmllint_errors(
            xmllint, xsd_file(source, urn, magento_data), [magento_data / relative]
        )
        if errors:
            failures[fixture] = errors
    assert not failures, report(failures)


# --- Small documents: what is accepted, what is rejected, and where magegen is stricter -----


@dataclass(frozen=True)
class Document:
    """A small inline document for one of the three schemas.

    ``mentions`` is text that every engine's complaint (path plus message) about it must hold,
    so a document rejected for some other reason than the intended one fails the test.
    """

    id: str
    urn: str
    xml: str
    mentions: str = ""
    why: str = ""

    @property
    def content(self) -> bytes:
        """The document as UTF-8 bytes."""
        return self.xml.encode("utf-8")


def integration(name: str = "Acme", body: str = "<email>dev@acme.example</email>") -> str:
    """One <integration> of config.xml or api.xml."""
    return f'<integration name="{name}">{body}</integration>'


def integrations(*items: str) -> str:
    """A config.xml or api.xml root holding ``items``."""
    return "<integrations>" + "".join(items) + "</integrations>"


def padded(prefix: str, length: int, suffix: str = "") -> str:
    """``prefix`` + x's + ``suffix``, ``length`` characters in all."""
    return prefix + "x" * (length - len(prefix) - len(suffix)) + suffix


GRANT = '<resources><resource name="Magento_Sales::sales"/></resources>'

ACCEPTED = [
    Document(
        "module-full",
        MODULE_URN,
        '<config><module name="Acme_Tools" setup_version="1.0.0">'
        '<sequence><module name="Magento_Store"/><module name="Magento_Catalog"/></sequence>'
        "</module></config>",
    ),
    Document("module-bare", MODULE_URN, '<config><module name="AB_Cd"/></config>'),
    Document(
        "config-full",
        CONFIG_URN,
        integrations(
            integration(
                body="<email>dev@acme.example</email>"
                "<endpoint_url>https://acme.example/hook</endpoint_url>"
                "<identity_link_url>https://acme.example/login</identity_link_url>"
            )
        ),
    ),
    Document("config-name-2-chars", CONFIG_URN, integrations(integration(name="Ab"))),
    Document("config-name-255-chars", CONFIG_URN, integrations(integration(name="N" * 255))),
    Document(
        "config-email-255-chars",
        CONFIG_URN,
        integrations(integration(body=f"<email>{padded('', 255, '@acme.example')}</email>")),
    ),
    Document(
        "config-urls-255-chars",
        CONFIG_URN,
        integrations(
            integration(
                body="<email>dev@acme.example</email>"
                f"<endpoint_url>{padded('https://acme.example/', 255)}</endpoint_url>"
                f"<identity_link_url>{padded('https://acme.example/', 255)}</identity_link_url>"
            )
        ),
    ),
    Document(
        "config-two-integrations",
        CONFIG_URN,
        integrations(integration(name="Acme"), integration(name="Acme ERP")),
    ),
    Document("api-one-resource", API_URN, integrations(integration(body=GRANT))),
    Document("api-name-255-chars", API_URN, integrations(integration("N" * 255, GRANT))),
    Document(
        "api-two-integrations",
        API_URN,
        integrations(integration("Acme", GRANT), integration("Acme ERP", GRANT)),
    ),
]

REJECTED_BY_BOTH = [
    Document(
        "module-name-lowercase",
        MODULE_URN,
        '<config><module name="magento_customer"/></config>',
        "magento_customer",
    ),
    Document(
        "module-name-empty-part", MODULE_URN, '<config><module name="Acme_"/></config>', "Acme_"
    ),
    Document(
        "module-name-hyphen",
        MODULE_URN,
        '<config><module name="Acme-Module"/></config>',
        "Acme-Module",
    ),
    Document(
        "module-name-one-letter-part",
        MODULE_URN,
        '<config><module name="A_Tools"/></config>',
        "A_Tools",
    ),
    Document(
        "module-name-missing",
        MODULE_URN,
        '<config><module setup_version="1.0.0"/></config>',
        "name",
    ),
    Document("module-missing", MODULE_URN, "<config/>", "module"),
    Document(
        "module-setup-version-prerelease",
        MODULE_URN,
        '<config><module name="Acme_Tools" setup_version="1.0.0-beta"/></config>',
        "1.0.0-beta",
    ),
    Document(
        "module-two-sequences",
        MODULE_URN,
        '<config><module name="Acme_Tools"><sequence><module name="Magento_Store"/></sequence>'
        '<sequence><module name="Magento_Catalog"/></sequence></module></config>',
        "sequence",
    ),
    Document(
        "module-duplicate-sequence-entry",
        MODULE_URN,
        '<config><module name="Acme_Tools"><sequence><module name="Magento_Store"/>'
        '<module name="Magento_Store"/></sequence></module></config>',
        "Magento_Store",
    ),
    Document(
        "module-sequence-entry-bad-name",
        MODULE_URN,
        '<config><module name="Acme_Tools"><sequence><module name="Magento-Store"/></sequence>'
        "</module></config>",
        "Magento-Store",
    ),
    Document(
        "module-declared-twice",
        MODULE_URN,
        '<config><module name="Acme_Tools"/><module name="Acme_Tools"/></config>',
        "Acme_Tools",
    ),
    Document(
        "module-unknown-child",
        MODULE_URN,
        '<config><module name="Acme_Tools"><depends/></module></config>',
        "depends",
    ),
    Document(
        "config-email-after-endpoint",
        CONFIG_URN,
        integrations(
            integration(
                body="<endpoint_url>https://acme.example/hook</endpoint_url>"
                "<email>dev@acme.example</email>"
            )
        ),
        "endpoint_url",
    ),
    Document("config-missing-email", CONFIG_URN, integrations(integration(body="")), "email"),
    Document(
        "config-email-not-an-email",
        CONFIG_URN,
        integrations(integration(body="<email>not-an-email</email>")),
        "email",
    ),
    Document("config-name-1-char", CONFIG_URN, integrations(integration(name="A")), "length"),
    Document(
        "config-name-missing",
        CONFIG_URN,
        integrations("<integration><email>dev@acme.example</email></integration>"),
        "name",
    ),
    Document(
        "config-url-3-chars",
        CONFIG_URN,
        integrations(
            integration(body="<email>dev@acme.example</email><endpoint_url>a:b</endpoint_url>")
        ),
        "endpoint_url",
    ),
    Document(
        "config-unknown-child",
        CONFIG_URN,
        integrations(integration(body="<email>dev@acme.example</email><secret>s</secret>")),
        "secret",
    ),
    Document("config-no-integration", CONFIG_URN, integrations(), "integration"),
    Document(
        "api-empty-resources",
        API_URN,
        integrations(integration(body="<resources/>")),
        "resource",
    ),
    Document("api-missing-resources", API_URN, integrations(integration(body="")), "resources"),
    Document(
        "api-resource-without-acl-id",
        API_URN,
        integrations(integration(body='<resources><resource name="Magento_Sales"/></resources>')),
        "Magento_Sales",
    ),
    Document(
        "api-resource-name-missing",
        API_URN,
        integrations(integration(body="<resources><resource/></resources>")),
        "name",
    ),
    Document(
        "api-unknown-child",
        API_URN,
        integrations(integration(body=GRANT + "<acl/>")),
        "acl",
    ),
    Document(
        "api-two-resources",
        API_URN,
        integrations(integration(body=GRANT + GRANT)),
        "resources",
    ),
    Document("api-name-1-char", API_URN, integrations(integration("A", GRANT)), "length"),
]

VARCHAR = "Magento's integration table keeps this in a varchar(255) column"
UNIQUE_NAME = "Magento keys integrations by name; integration.name is a unique column"

STRICTER_THAN_MAGENTO = [
    Document(
        "config-name-256-chars",
        CONFIG_URN,
        integrations(integration(name="N" * 256)),
        "255",
        VARCHAR,
    ),
    Document(
        "config-email-256-chars",
        CONFIG_URN,
        integrations(integration(body=f"<email>{padded('', 256, '@acme.example')}</email>")),
        "255",
        VARCHAR,
    ),
    Document(
        "config-endpoint-256-chars",
        CONFIG_URN,
        integrations(
            integration(
                body="<email>dev@acme.example</email>"
                f"<endpoint_url>{padded('https://acme.example/', 256)}</endpoint_url>"
            )
        ),
        "255",
        VARCHAR,
    ),
    Document(
        "config-identity-link-256-chars",
        CONFIG_URN,
        integrations(
            integration(
                body="<email>dev@acme.example</email>"
                f"<identity_link_url>{padded('https://acme.example/', 256)}</identity_link_url>"
            )
        ),
        "255",
        VARCHAR,
    ),
    Document(
        "config-duplicate-names",
        CONFIG_URN,
        integrations(integration(name="Acme"), integration(name="Acme")),
        "Acme",
        UNIQUE_NAME,
    ),
    Document(
        "api-name-256-chars",
        API_URN,
        integrations(integration("N" * 256, GRANT)),
        "255",
        VARCHAR,
    ),
    Document(
        "api-duplicate-names",
        API_URN,
        integrations(integration("Acme", GRANT), integration("Acme", GRANT)),
        "Acme",
        UNIQUE_NAME,
    ),
]


def verdicts(document: Document, engine: str, magento_data: Path) -> tuple[list[str], list[str]]:
    """The errors of ``engine`` for ``document``: against our XSD, then against Magento's."""
    ours = validator(engine, MAGEGEN, document.urn, None)(document.content)
    theirs = validator(engine, MAGENTO, document.urn, magento_data)(document.content)
    return ours, theirs


def assert_rejected_for_the_reason(document: Document, errors: list[str]) -> None:
    """Our XSD rejects ``document``, and its complaint names what is wrong."""
    assert errors, f"magegen's XSD accepts {document.id}:\n{document.xml}"
    assert any(document.mentions in error for error in errors), (
        f"rejected, but not for {document.mentions!r}:\n" + "\n".join(errors)
    )


def test_document_ids_are_unique() -> None:
    """Each inline document has its own test id."""
    ids = [doc.id for doc in ACCEPTED + REJECTED_BY_BOTH + STRICTER_THAN_MAGENTO]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("document", ACCEPTED, ids=lambda doc: doc.id)
def test_both_accept(document: Document, engine: str, magento_data: Path) -> None:
    """Good documents, including the edges of every limit, pass both XSDs."""
    ours, theirs = verdicts(document, engine, magento_data)
    assert ours == [], "magegen's XSD: " + "\n".join(ours)
    assert theirs == [], "Magento's XSD: " + "\n".join(theirs)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("document", REJECTED_BY_BOTH, ids=lambda doc: doc.id)
def test_both_reject(document: Document, engine: str, magento_data: Path) -> None:
    """Documents Magento refuses are refused by our XSD too, for the same reason."""
    ours, theirs = verdicts(document, engine, magento_data)
    assert_rejected_for_the_reason(document, ours)
    assert theirs, f"Magento's XSD accepts {document.id}, so this is no shared rule"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("document", STRICTER_THAN_MAGENTO, ids=lambda doc: doc.id)
def test_magegen_is_stricter_than_magento(
    document: Document, engine: str, magento_data: Path
) -> None:
    """Where magegen encodes Magento's database rules, our XSD refuses what Magento's accepts."""
    ours, theirs = verdicts(document, engine, magento_data)
    assert_rejected_for_the_reason(document, ours)
    assert theirs == [], (
        f"Magento's XSD rejects {document.id} too; move it to REJECTED_BY_BOTH "
        f"({document.why}):\n" + "\n".join(theirs)
    )


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("engine", ENGINES)
def test_consolidated_output_passes_the_per_file_schema(
    engine: str, source: str, generate: Callable[..., Path], request: pytest.FixtureRequest
) -> None:
    """Magento checks each etc/integration.xml against integration_file.xsd before merging."""
    name, spec = case_command("consolidated")
    content = (generate(spec=spec, name=name) / "etc" / "integration.xml").read_bytes()
    errors = validator(engine, source, INTEGRATION_FILE_URN, magento_root(source, request))(content)
    assert errors == []


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("engine", ENGINES)
def test_consolidated_schemas_differ_only_in_the_email(
    engine: str, source: str, request: pytest.FixtureRequest
) -> None:
    """Without <email>, the merged schema refuses a file the per-file one accepts."""
    document = (
        b'<config><integration name="Sync"><resources>'
        b'<resource name="Magento_Sales::sales"/></resources></integration></config>'
    )
    root = magento_root(source, request)
    assert validator(engine, source, INTEGRATION_FILE_URN, root)(document) == []
    assert validator(engine, source, INTEGRATION_URN, root)(document) != []
