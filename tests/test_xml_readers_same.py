"""The integration and module.xml readers rewritten for speed (issue 24) read exactly what the
plain readers they replace read: each plain reader is kept here as first written (DOM-like
searches, ElementPath, one attribute lookup per key), and both run over the repository's and
Magento's XML files, over real module files edited at random, and over thousands of seeded
random documents (prefixes, default namespaces, namespaced ``name`` attributes, comments,
processing instructions, CDATA, nested integrations)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from generator.magento.files import MODULE_XML
from generator.magento.integrations import (
    CONTACT_FIELDS,
    IntegrationFacts,
    Located,
    read_api_xml,
    read_config_xml,
    read_consolidated_xml,
    text_content,
)
from generator.magento.moduletree import ModuleFacts, _collect
from generator.magento.xml import parse_untrusted

REPO = Path(__file__).resolve().parent.parent


# The readers as first written.
def _plain_qualified_name(element: etree._Element) -> str:
    local = etree.QName(element).localname
    return f"{element.prefix}:{local}" if element.prefix else local


def _plain_named_item(element: etree._Element, name: str) -> str | None:
    for key in element.keys():
        if key == name or key.endswith("}" + name):
            return element.get(key)
    return None


def _plain_text(element: etree._Element) -> str:
    return "".join(element.itertext())


def _plain_integrations(document: etree._ElementTree) -> Iterator[tuple[str, etree._Element]]:
    root = document.getroot()
    candidates = [root] if root.tag.rpartition("}")[2] == "integration" else []
    for element in [*candidates, *root.iterdescendants("{*}integration")]:
        name = _plain_named_item(element, "name")
        if name is not None:
            yield name, element


def _plain_resources(element: etree._Element) -> tuple[Located, ...]:
    found = []
    for resource in element.iterdescendants("{*}resource"):
        name = _plain_named_item(resource, "name")
        if name is not None:
            found.append(Located(name, resource.sourceline))
    return tuple(found)


def _plain_config(document: etree._ElementTree) -> dict[str, IntegrationFacts]:
    found = {}
    for name, element in _plain_integrations(document):
        contact = {}
        for key in CONTACT_FIELDS:
            first = next(element.iterdescendants("{*}" + key), None)
            contact[key] = None if first is None else _plain_text(first)
        found[name] = IntegrationFacts(name, element.sourceline, "split", **contact)
    return found


def _plain_api(document: etree._ElementTree) -> dict[str, IntegrationFacts]:
    return {
        name: IntegrationFacts(
            name, element.sourceline, "split", resources=_plain_resources(element)
        )
        for name, element in _plain_integrations(document)
    }


def _plain_consolidated(document: etree._ElementTree) -> dict[str, IntegrationFacts]:
    found = {}
    for name, element in _plain_integrations(document):
        contact: dict[str, str | None] = dict.fromkeys(CONTACT_FIELDS)
        resources: list[Located] = []
        for child in element:
            if not isinstance(child.tag, str):
                continue
            key = _plain_qualified_name(child)
            if key in contact:
                contact[key] = _plain_text(child)
            elif key == "resources":
                resources += _plain_resources(child)
        found[name] = IntegrationFacts(
            name, element.sourceline, "consolidated", resources=tuple(resources), **contact
        )
    return found


def _plain_module_xml(document: etree._ElementTree) -> tuple[object, ...]:
    element = document.getroot().find("module")
    if element is not None and element.get("name"):
        sequence = [
            Located(m.get("name", ""), m.sourceline) for m in element.iterfind("sequence/module")
        ]
        return (Located(element.get("name"), element.sourceline), element.get("setup_version"),
                sequence)
    return (None, None, [])


def _read_module_xml(document: etree._ElementTree) -> tuple[object, ...]:
    module = ModuleFacts(Path("."))
    _collect(module, MODULE_XML, document)
    return (module.name, module.setup_version, module.sequence)


READERS = [
    (read_config_xml, _plain_config),
    (read_api_xml, _plain_api),
    (read_consolidated_xml, _plain_consolidated),
    (_read_module_xml, _plain_module_xml),
]


def assert_read_alike(document: etree._ElementTree, label: str) -> None:
    """Every reader and its plain twin read the same values, of the same types (``repr``)."""
    for fast, plain in READERS:
        assert repr(fast(document)) == repr(plain(document)), (fast.__name__, label)
    for element in document.getroot().iter(etree.Element):
        assert text_content(element) == _plain_text(element), label


# Random documents.
_LOCALS = [
    "integration", "integrations", "resource", "resources", "email", "endpoint_url",
    "identity_link_url", "module", "sequence", "config", "x",
]
_PREFIXES = ["", "", "", "p:", "q:", "r:"]
_ATTRIBUTES = [
    'name="{v}"', 'p:name="{v}"', 'q:name="{v}"', 'r:name="{v}"', 'other="{v}"', 'nom="{v}"',
    'setup_version="{v}"', 'xmlns="urn:d"', 'xmlns="urn:p"', 'xml:name="{v}"', 'p:other="{v}"',
]
_VALUES = ["A_B", "Magento_Backend::admin", "", " s ", "&amp;", "&#x41;é", "a&lt;b", "dup"]
_TEXTS = [
    "t", " ", "\n    ", "&amp;x", "é", "<![CDATA[c&d]]>", "<![CDATA[]]>", "<!-- c -->",
    "<?pi data?>", "&#10;", "",
]


def _element(rng: random.Random, depth: int) -> str:
    tag = rng.choice(_PREFIXES) + rng.choice(_LOCALS)
    chosen = rng.sample(_ATTRIBUTES, rng.choice([0, 1, 1, 1, 2, 3]))
    attributes = "".join(" " + a.format(v=rng.choice(_VALUES)) for a in chosen)
    if depth <= 0 or rng.random() < 0.2:
        return f"<{tag}{attributes}/>" if rng.random() < 0.5 else f"<{tag}{attributes}></{tag}>"
    parts = []
    for _ in range(rng.randint(0, 4)):
        if rng.random() < 0.5:
            parts.append(_element(rng, depth - 1))
        else:
            parts.append(rng.choice(_TEXTS))
    return f"<{tag}{attributes}>{''.join(parts)}</{tag}>"


def random_document(rng: random.Random) -> bytes:
    """A small XML document of integration-like elements (some are malformed: skipped)."""
    body = _element(rng, rng.randint(1, 5))
    space = ' xmlns:p="urn:p" xmlns:q="urn:q" xmlns:r="urn:r"'
    head, _, rest = body.partition(">")
    if head.endswith("/"):
        head, rest = head[:-1], "/" + rest
    prolog = rng.choice(['<?xml version="1.0"?>\n', "", "<!-- first -->\n"])
    return f"{prolog}{head}{space}>{rest}\n".encode()


def _parsed(content: bytes) -> etree._ElementTree | None:
    return parse_untrusted(content, "x.xml")[0]


def test_random_documents_are_read_alike() -> None:
    rng = random.Random("xml-readers")
    read = 0
    for index in range(6000):
        document = _parsed(random_document(rng))
        if document is not None:
            assert_read_alike(document, f"random document {index}")
            read += 1
    assert read > 3000  # (most of them are well-formed and read)


def _xml_files(*folders: Path) -> list[Path]:
    return [
        path
        for folder in folders
        for path in sorted(folder.rglob("*.xml"))
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 1 << 20
    ]


_EDITS = [
    ('<resource name="', '<x:resource xmlns:x="urn:x" name="'),
    ('<resource name="', '<resource x:name="n" xmlns:x="urn:x" name="'),
    ('<resource name="', '<resource a="1" name="'),
    (' name="', ' y:name="v" xmlns:y="urn:y" name="'),
    ("<email>", "<email><!-- c -->"),
    ("<email>", "<email><b>x</b>tail<![CDATA[cd]]>"),
    ("<email>", '<p:email xmlns:p="urn:p">'),
    ("</email>", "</p:email>"),
    ("<resources>", '<resources><integration name="in"><resource name="A::b"/></integration>'),
    ("</integration>", "<email>late</email><endpoint_url>u</endpoint_url></integration>"),
    ("<integration ", '<integration xmlns="urn:d" '),
    ('<module name="', '<module setup_version="1" name="'),
    ("<sequence>", '<sequence><x:module xmlns:x="urn:m" name="C_D"/><module/>'),
    ("<module ", '<x:module xmlns:x="urn:m" '),
    ("<resource ", "<?pi x?><resource "),
    ("name=", "nom="),
]


def _edited(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 3)):
        old, new = rng.choice(_EDITS)
        text = text.replace(old, new, rng.choice([1, -1]))
    return text


def assert_files_read_alike(paths: list[Path], rng: random.Random, edits: int) -> None:
    """Each file, and ``edits`` random edits of it, read alike."""
    for path in paths:
        content = path.read_bytes()
        variants = [content] + [
            _edited(rng, content.decode("utf-8", "replace")).encode() for _ in range(edits)
        ]
        for index, variant in enumerate(variants):
            document = _parsed(variant)
            if document is not None:
                assert_read_alike(document, f"{path}, edit {index}")


def test_the_repository_and_real_module_files_are_read_alike() -> None:
    paths = _xml_files(REPO / "tests", REPO / "examples", REPO / "schemas")
    assert len(paths) > 10
    assert_files_read_alike(paths, random.Random("real-files"), 20)


def test_magentos_xml_files_are_read_alike(magento_data: Path) -> None:
    paths = _xml_files(magento_data)
    assert len(paths) > 100
    assert_files_read_alike(paths, random.Random("magento-files"), 1)
