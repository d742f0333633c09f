"""The tree context told from discovery's folder listings is the one told by asking the file
system: for plain modules and for every kind of entry a listing can hold where etc/, module.xml
or acl.xml should be (links in and out, a folder, a pipe, a missing file)."""

from __future__ import annotations

import os
from pathlib import Path

from generator.magento.catalogs import catalogs
from generator.magento.files import MODULE_XML, inside_tree
from generator.review.discovery import module_roots
from generator.review.treecontext import _acl_state, _listed_module_xml, tree_context

MODULE_TEXT = """<?xml version="1.0"?>
<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
        xsi:noNamespaceSchemaLocation="urn:magento:framework:Module/etc/module.xsd">
    <module name="Acme_{name}">
        <sequence>
            <module name="Magento_Integration"/>
        </sequence>
    </module>
</config>
"""
ACL_XML = """<?xml version="1.0"?>
<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
        xsi:noNamespaceSchemaLocation="urn:magento:framework:Acl/etc/acl.xsd">
    <acl>
        <resources>
            <resource id="Magento_Backend::admin">
                <resource id="Acme_{name}::own" title="Own"/>
            </resource>
        </resources>
    </acl>
</config>
"""


def _module(tree: Path, name: str, acl: bool = False) -> Path:
    root = tree / "Acme" / name
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "module.xml").write_text(MODULE_TEXT.format(name=name), encoding="utf-8")
    if acl:
        (root / "etc" / "acl.xml").write_text(ACL_XML.format(name=name), encoding="utf-8")
    return root


def _tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "acl.xml").write_text(ACL_XML.format(name="Out"), encoding="utf-8")
    (outside / "module.xml").write_text(MODULE_TEXT.format(name="Out"), encoding="utf-8")
    _module(tree, "Plain")
    _module(tree, "WithAcl", acl=True)
    linked_acl = _module(tree, "AclLinkedOut")
    os.symlink(outside / "acl.xml", linked_acl / "etc" / "acl.xml")
    inner_acl = _module(tree, "AclLinkedIn", acl=True)
    os.replace(inner_acl / "etc" / "acl.xml", inner_acl / "acl-real.xml")
    os.symlink(inner_acl / "acl-real.xml", inner_acl / "etc" / "acl.xml")
    folder_acl = _module(tree, "AclFolder")
    (folder_acl / "etc" / "acl.xml").mkdir()
    fifo_acl = _module(tree, "AclPipe")
    os.mkfifo(fifo_acl / "etc" / "acl.xml")
    linked_module = _module(tree, "ModuleXmlLinkedOut")
    (linked_module / "etc" / "module.xml").unlink()
    os.symlink(outside / "module.xml", linked_module / "etc" / "module.xml")
    inner_module = _module(tree, "ModuleXmlLinkedIn")
    os.replace(inner_module / "etc" / "module.xml", inner_module / "module-real.xml")
    os.symlink(inner_module / "module-real.xml", inner_module / "etc" / "module.xml")
    fifo_module = _module(tree, "ModuleXmlPipe")
    (fifo_module / "etc" / "module.xml").unlink()
    os.mkfifo(fifo_module / "etc" / "module.xml")
    etc_linked = tree / "Acme" / "EtcLinked"
    etc_linked.mkdir(parents=True)
    os.symlink(linked_acl / "etc", etc_linked / "etc")
    _module(tree / "Acme" / "Plain" / "Test", "Nested", acl=True)
    return tree


def test_listings_answer_as_the_file_system_does(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    listings: dict[str, list[os.DirEntry[str]]] = {}
    roots = module_roots([tree], listings)
    assert len(roots) >= 10
    for root in roots:
        listed = _listed_module_xml(root, listings)
        assert listed is None or listed == inside_tree(root, MODULE_XML), root
        assert _acl_state(root, listings) == _acl_state(root), root
    known = catalogs()
    asked = tree_context(roots, known)
    told = tree_context(roots, known, listings)
    assert told.sequences == asked.sequences
    assert "Acme_Plain" in told.sequences and "Acme_ModuleXmlPipe" not in told.sequences
    assert told.acl.get("Acme_WithAcl::own") is not None
    assert told.acl.get("Acme_Out::own") is None
    assert [r.id for r in told.acl.resources] == [r.id for r in asked.acl.resources]


def test_a_module_xml_linked_out_after_discovery_is_not_read(tmp_path: Path) -> None:
    """The listings may be stale: a module.xml (or an etc/) that became a link out of the
    module since discovery listed it is not followed, as inside_tree would not follow it."""
    tree = tmp_path / "tree"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "module.xml").write_text(MODULE_TEXT.format(name="Out"), encoding="utf-8")
    file_swapped = _module(tree, "FileSwapped")
    etc_swapped = _module(tree, "EtcSwapped")
    _module(tree, "Kept")
    listings: dict[str, list[os.DirEntry[str]]] = {}
    roots = module_roots([tree], listings)
    (file_swapped / "etc" / "module.xml").unlink()
    os.symlink(outside / "module.xml", file_swapped / "etc" / "module.xml")
    os.replace(etc_swapped / "etc", tmp_path / "etc-moved")
    os.symlink(outside, etc_swapped / "etc")
    told = tree_context(roots, catalogs(), listings)
    assert sorted(told.sequences) == ["Acme_Kept"]
