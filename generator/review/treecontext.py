"""What the validated tree adds to the catalogs: its own acl.xml files, merged as Magento merges
them, and every module's sequence, so that checks can follow sequences transitively."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from generator.magento.catalogs import Catalogs
from generator.magento.installation import ModuleDir, read_acl, read_module_xml
from generator.review.findings import Context


def tree_context(roots: list[Path], known: Catalogs) -> Context:
    """The context every module of ``roots`` is judged in.

    The ACL tree is the catalog's with every acl.xml of the validated modules merged in, in
    Magento's load order. Sequences are the validated modules' own (the module catalog adds
    the rest). Files that cannot be read are left out here; reading
    each module reports them.
    """
    modules = []
    for root in roots:
        try:
            name, sequence = read_module_xml(root / "etc" / "module.xml")
        except (OSError, ValueError, etree.XMLSyntaxError):
            continue
        modules.append(ModuleDir(root, name, sequence))
    acl = known.acl
    if any((m.path / "etc" / "acl.xml").is_file() for m in modules):
        acl, _ = read_acl(modules, known.acl, known.acl.magento_version)
    sequences = {module.name: module.sequence for module in modules}
    complete = known.installation is not None
    return Context(acl, known.modules, sequences, complete)
