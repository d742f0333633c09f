"""What the validated tree adds to the catalogs: its own acl.xml files, merged as Magento merges
them, and every module's sequence, so that checks can follow sequences transitively."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

from lxml import etree

from generator.magento.acl import AclCatalog, ModuleCatalog, closure, module_of
from generator.magento.catalogs import Catalogs, knows_module_of
from generator.magento import unlinked
from generator.magento.files import ACL_XML, MODULE_XML, inside_tree
from generator.magento.installation import ModuleDir, read_acl, read_module_xml
from generator.magento.moduletree import ModuleFacts
from generator.magento.releases import Release
from generator.review.phptargets import store_lines

Listings = dict[str, list[os.DirEntry[str]]]  # folder to its entries, as discovery listed them


class Context:
    """What a module is judged against: the ACL tree (with the validated tree's own acl.xml
    files merged in), the known modules, and the sequences of the validated tree's modules.

    (A plain class, not a dataclass: one is made per run, and a dataclass costs its creation
    at every start.)"""

    def __init__(
        self,
        acl: AclCatalog,
        modules: ModuleCatalog,
        sequences: Mapping[str, tuple[str, ...]] | None = None,
        complete: bool = False,  # an installation was read: a module it lacks is not installed
        store_lines: tuple[Release, ...] | None = None,  # the store's Magento release, if known
    ) -> None:
        self.acl = acl
        self.modules = modules
        self.sequences = {} if sequences is None else sequences
        self.complete = complete
        self.store_lines = store_lines

    @cached_property
    def _tree_modules(self) -> frozenset[str]:
        return frozenset(name.casefold() for name in self.sequences)

    def knows_module_of(self, resource_id: str) -> bool:
        """Whether the catalogs or the validated tree know the module ``resource_id`` names."""
        owner = module_of(resource_id)
        return knows_module_of(resource_id, self.acl, self.modules) or (
            owner is not None and owner.casefold() in self._tree_modules
        )

    @cached_property
    def _sequence_map(self) -> dict[str, tuple[str, ...]]:
        return self.modules.sequence_map(self.sequences)

    @cached_property
    def _closures(self) -> dict[tuple[str, ...], frozenset[str]]:
        return {}  # a sequence's closure, computed once per run however many modules share it

    def loads_after(self, module: ModuleFacts) -> frozenset[str]:
        """Every module ``module`` loads after: its sequence, theirs, and so on."""
        direct = tuple(m.value for m in module.sequence)
        found = self._closures.get(direct)
        if found is None:
            found = self._closures[direct] = closure(direct, self._sequence_map)
        return found


def tree_context(
    roots: list[Path], known: Catalogs, listings: Listings | None = None
) -> Context:
    """The context every module of ``roots`` is judged in.

    The ACL tree is the catalog's with every acl.xml of the validated modules merged in, in
    Magento's load order. Sequences are the validated modules' own (the module catalog adds
    the rest). Files that cannot be read are left out here; reading
    each module reports them. ``listings``: the folders the search for modules listed (see
    ``generator.review.discovery.module_roots``), which answer most questions about the files
    without asking the file system again.
    """
    modules = []
    for root in roots:
        found = _module_xml(root, listings)
        if found is not None:
            modules.append(ModuleDir(root, *found))
    acl = base = known.acl
    # Modules whose acl.xml may be read, or have none (one that links out leaves its module out).
    readable = [_acl_state(m.path, listings) for m in modules]
    modules = [m for m, state in zip(modules, readable, strict=True) if state is not None]
    if any(readable):
        acl, _ = read_acl(modules, base, base.magento_version)
    sequences = {module.name: module.sequence for module in modules}
    complete = known.installation is not None
    return Context(acl, known.modules, sequences, complete, store_lines(known))


def _module_xml(root: Path, listings: Listings | None) -> tuple[str, tuple[str, ...]] | None:
    """The name and sequence of the module at ``root``; None when its etc/module.xml may not
    be read or declares none. A file the listings told (see ``_listed_module_xml``) is opened
    through etc/ with links refused: it may have become one since it was listed."""
    listed = _listed_module_xml(root, listings) if unlinked.SUPPORTED else None
    content = None
    if listed is None:
        if not inside_tree(root, MODULE_XML):
            return None
    elif not listed:
        return None
    else:
        content = unlinked.read_unlinked(os.path.join(root, "etc"), "module.xml")
        if content is None:
            return None
    try:
        return read_module_xml(os.path.join(root, MODULE_XML), content)
    except (OSError, ValueError, etree.XMLSyntaxError):
        return None


def _listed_module_xml(root: Path, listings: Listings | None) -> bool | None:
    """``inside_tree(root, MODULE_XML)`` as the listings of root and root/etc tell it when they
    show a folder and a file, neither a link (as lstat shows them: a listing knows each entry's
    type, or asks lstat); None in any other case."""
    if listings is not None:
        top = os.fspath(root)
        etc = _entry(listings.get(top), "etc")
        if etc is not None and not etc.is_symlink() and etc.is_dir(follow_symlinks=False):
            found = _entry(listings.get(os.path.join(top, "etc")), "module.xml")
            if found is not None and not found.is_symlink():
                return found.is_file(follow_symlinks=False)
    return None


def _entry(listing: list[os.DirEntry[str]] | None, name: str) -> os.DirEntry[str] | None:
    """The entry ``name`` of a folder's listing; None when it is not there or not listed."""
    for entry in listing or ():
        if entry.name == name:
            return entry
    return None


def _acl_state(root: Path, listings: Listings | None = None) -> bool | None:
    """Whether the module's etc/acl.xml may be read: False when it has none, None when it has
    one that may not be read (a link out of the module, say)."""
    listed = None if listings is None else listings.get(os.path.join(root, "etc"))
    if listed is not None and _entry(listed, "acl.xml") is None:
        return False  # (etc/ was listed without it: no system call)
    path = os.path.join(root, ACL_XML)
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False  # (the common case: one system call)
    except OSError:
        pass
    if inside_tree(root, ACL_XML):
        return True
    return None if os.path.exists(path) else False
