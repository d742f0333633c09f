"""What the validated tree adds to the catalogs: its own acl.xml files, merged as Magento merges
them, and every module's sequence, so that checks can follow sequences transitively."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from lxml import etree

from generator.magento.acl import AclCatalog, ModuleCatalog, module_of
from generator.magento.catalogs import Catalogs, knows_module_of
from generator.magento.files import ACL_XML, MODULE_XML, inside_tree
from generator.magento.installation import ModuleDir, read_acl, read_module_xml
from generator.magento.releases import Release
from generator.magento.moduletree import ModuleFacts
from generator.review.phptargets import store_lines


@dataclass(frozen=True)
class Context:
    """What a module is judged against: the ACL tree (with the validated tree's own acl.xml
    files merged in), the known modules, and the sequences of the validated tree's modules."""

    acl: AclCatalog
    modules: ModuleCatalog
    sequences: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    complete: bool = False  # an installation was read: a module it lacks is not installed
    store_lines: tuple[Release, ...] | None = None  # the store's Magento release, if known

    @cached_property
    def _tree_modules(self) -> frozenset[str]:
        return frozenset(name.casefold() for name in self.sequences)

    def knows_module_of(self, resource_id: str) -> bool:
        """Whether the catalogs or the validated tree know the module ``resource_id`` names."""
        owner = module_of(resource_id)
        return knows_module_of(resource_id, self.acl, self.modules) or (
            owner is not None and owner.casefold() in self._tree_modules
        )

    def loads_after(self, module: ModuleFacts) -> frozenset[str]:
        """Every module ``module`` loads after: its sequence, theirs, and so on."""
        direct = [m.value for m in module.sequence]
        return self.modules.sequence_closure(direct, self.sequences)


def tree_context(roots: list[Path], known: Catalogs) -> Context:
    """The context every module of ``roots`` is judged in.

    The ACL tree is the catalog's with every acl.xml of the validated modules merged in, in
    Magento's load order. Sequences are the validated modules' own (the module catalog adds
    the rest). Files that cannot be read are left out here; reading
    each module reports them.
    """
    modules = []
    for root in roots:
        if not inside_tree(root, MODULE_XML):
            continue
        try:
            name, sequence = read_module_xml(root / MODULE_XML)
        except (OSError, ValueError, etree.XMLSyntaxError):
            continue
        modules.append(ModuleDir(root, name, sequence))
    acl = base = known.acl
    modules = [
        m for m in modules if inside_tree(m.path, ACL_XML) or not (m.path / ACL_XML).exists()
    ]
    if any((m.path / ACL_XML).is_file() for m in modules):
        acl, _ = read_acl(modules, base, base.magento_version)
    sequences = {module.name: module.sequence for module in modules}
    complete = known.installation is not None
    return Context(acl, known.modules, sequences, complete, store_lines(known))
