"""One module folder's own etc/acl.xml merged into an ACL tree, as Magento merges it.

For ``new`` into a folder that already holds a hand-written acl.xml: integrations of the spec
may grant the ids that file declares. The file is read under the module reading rules: never
through a link out of the folder, and never beyond the size cap.
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import Problem
from generator.magento.acl import AclCatalog
from generator.magento.files import ACL_XML, inside_tree
from generator.magento.installation import SKIPPED, ModuleDir, read_acl


def with_module_acl(
    root: Path, module: str, base: AclCatalog
) -> tuple[AclCatalog, tuple[Problem, ...]]:
    """``base`` with the etc/acl.xml of the module folder ``root`` (the module ``module``)
    merged in, and warnings about what kept it out; ``base`` itself when there is no file."""
    path = root / ACL_XML
    if not (path.is_symlink() or path.exists()):
        return base, ()
    if not inside_tree(root, ACL_XML):
        message = (
            "not read: not a regular file inside the module's folder (a link out of it, say); "
            "the resources it declares are unknown"
        )
        return base, (Problem(str(path), message, severity="warning", code=SKIPPED),)
    merged, problems = read_acl([ModuleDir(root, module, ())], base, base.magento_version)
    return merged, tuple(problems)
