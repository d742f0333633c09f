"""The in-memory checks that run before anything is written, on inputs that must fail them."""

from __future__ import annotations

import json

import pytest

from generator.pipeline.check import check_composer_json, check_xml

GOOD_MANIFEST = {
    "name": "acme/module-erp",
    "type": "magento2-module",
    "require": {"php": "~8.2.0"},
    "autoload": {"files": ["registration.php"], "psr-4": {"Acme\\Erp\\": ""}},
}


def manifest(**changes: object) -> bytes:
    data = {**GOOD_MANIFEST, **changes}
    return json.dumps({k: v for k, v in data.items() if v is not None}).encode()


def test_a_good_manifest_passes() -> None:
    assert check_composer_json("composer.json", manifest(), "Acme\\Erp") == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"{not json",
            "invalid JSON: Expecting property name enclosed in double quotes (column 2)",
        ),
        (b"\xff\xfe", "invalid JSON: not UTF-8 text"),
        (b"[]", "must hold a JSON object"),
        (manifest(name=None), "missing key 'name'"),
        (manifest(autoload=None), "missing key 'autoload'"),
        (manifest(type="library"), "'type' must be 'magento2-module'"),
        (
            manifest(autoload={"psr-4": {"Acme\\Erp\\": ""}}),
            "autoload.files must list registration.php",
        ),
        (
            manifest(autoload={"files": ["registration.php"], "psr-4": {"Acme\\Erp\\": "src/"}}),
            'autoload.psr-4 must map "Acme\\Erp\\\\" to ""',
        ),
    ],
    ids=["syntax", "encoding", "array", "no-name", "no-autoload", "type", "files", "psr-4"],
)
def test_bad_manifests_are_reported(content: bytes, message: str) -> None:
    """Each bad manifest gets exactly its one problem, an error on composer.json, nothing more."""
    problems = check_composer_json("composer.json", content, "Acme\\Erp")
    assert [(p.file, p.severity, p.message) for p in problems] == [
        ("composer.json", "error", message)
    ]


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE config [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<config><module name="Acme_Erp">&secret;</module></config>
"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<config><module name="Acme_Erp">&lol9;</module></config>
"""


def test_external_entities_are_never_read() -> None:
    problems = check_xml("etc/module.xml", XXE)
    assert [(p.line, p.message) for p in problems] == [
        (2, "has a DOCTYPE; entities are not expanded, the file is refused")
    ]


def test_entity_bombs_are_refused() -> None:
    """libxml2 stops the expansion itself; either way the file is refused, one line each."""
    problems = check_xml("etc/module.xml", LAUGHS)
    assert len(problems) == 1
    assert problems[0].severity == "error"
    assert "\n" not in problems[0].message
    assert "entity" in problems[0].message.lower() or "DOCTYPE" in problems[0].message


def test_malformed_xml_names_its_line() -> None:
    problems = check_xml(
        "etc/module.xml", b'<?xml version="1.0"?>\n<config>\n<module>\n</config>\n'
    )
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [(4, "malformed XML")]
