"""Where ``magegen new`` writes a module, and what it should say about that folder.

- ``default_target``: app/code/<Vendor>/<Module> under the current folder.
- ``wrong_folder``: the current folder is inside app/code, or is a module itself, so the default
  target would be nested where Magento never looks (app/code/app/code/...).
- ``earlier_patches``: data patches an earlier run wrote under another ``setup_patch_name``.
- ``plan_warnings``: what the user should hear about the target and the files in it.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from generator.errors import Problem, shown
from generator.magento.files import MODULE_XML, REGISTRATION_PHP
from generator.pipeline.write import Action, WritePlan
from generator.spec.model import ModuleSpec

INTEGRATION_FILES = frozenset({"etc/integration/config.xml", "etc/integration/api.xml"})
PATCH_FOLDER = "Setup/Patch/Data"
MAX_PATCH_BYTES = 256 * 1024  # a file larger than this is not a patch magegen wrote


def default_target(vendor: str, module: str) -> Path:
    """Where Magento expects a module's code: app/code/<Vendor>/<Module>."""
    return Path("app", "code", vendor, module)


def wrong_folder(here: Path, spec: ModuleSpec) -> Problem | None:
    """Why ``here`` (the current folder) is no place to run ``new`` without ``-o``, or None."""
    target = default_target(spec.vendor, spec.module)
    for folder in (here, *here.parents):
        if folder.name == "code" and folder.parent.name == "app":
            return Problem(
                str(here),
                f"is inside {folder}, so the module would go to {here / target}; run magegen "
                "from the Magento root, or name the module's folder with -o "
                "(-o . from inside it)",
            )
    module_xml = here / MODULE_XML
    if module_xml.is_file() or (here / REGISTRATION_PHP).is_file():
        named = _module_name(module_xml)
        what = f"the module {shown(named)}" if named else "a module"
        return Problem(
            str(here),
            f"is {what} (it has etc/module.xml or registration.php), so the module would go to "
            f"{here / target} inside it; give -o . to use this folder, or run magegen from the "
            "Magento root",
        )
    return None


def _module_name(module_xml: Path) -> str | None:
    """The name etc/module.xml declares, read by the module reader's rules, or None."""
    from generator.magento.installation import read_module_xml

    try:
        return read_module_xml(module_xml)[0]
    except ValueError:
        return None  # unreadable, refused (a link out, a pipe, a DOCTYPE) or nameless


def earlier_patches(target: Path, spec: ModuleSpec) -> frozenset[str]:
    """The data patches in ``target`` that magegen wrote for this module under another name.

    magegen writes no marker into its files (output stays free of stamps), so a patch is
    recognised by the shape magegen gives it: a regular file Setup/Patch/Data/<Class>.php that
    declares the namespace <Vendor>\\<Module>\\Setup\\Patch\\Data, a class <Class> implementing
    DataPatchInterface, and calls ConfigBasedIntegrationManager's processIntegrationConfig.
    Any other patch (a customer attribute, say) is the owner's and is kept without a word.
    """
    folder = target / PATCH_FOLDER
    try:
        entries = list(os.scandir(folder)) if folder.is_dir() and not folder.is_symlink() else []
    except OSError:
        return frozenset()
    found = set()
    for entry in entries[:1000]:
        if not entry.name.endswith(".php"):
            continue
        path = f"{PATCH_FOLDER}/{entry.name}"
        if path != spec.patch_path and _is_integration_patch(entry, spec):
            found.add(path)
    return frozenset(found)


def _is_integration_patch(entry: os.DirEntry[str], spec: ModuleSpec) -> bool:
    try:
        info = entry.stat(follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_PATCH_BYTES:
            return False
        text = Path(entry.path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    class_name = re.escape(entry.name[: -len(".php")])
    namespace = re.escape(f"{spec.namespace}\\Setup\\Patch\\Data")
    shape = (
        rf"^\s*namespace\s+{namespace}\s*;",
        rf"\bclass\s+{class_name}\s+implements\s+[^{{]*\bDataPatchInterface\b",
        r"\bConfigBasedIntegrationManager\b",
        r"->\s*processIntegrationConfig\s*\(",
    )
    return all(re.search(pattern, text, re.MULTILINE) for pattern in shape)


def plan_warnings(plan: WritePlan, spec: ModuleSpec, writes: bool = True) -> list[Problem]:
    """What the user should hear about where and over what the module is written (or, when
    ``writes`` is False, would be)."""
    warnings = []
    target = plan.target
    under_app_code = (
        target.parent.parent.name == "code" and target.parent.parent.parent.name == "app"
    )
    if under_app_code and (target.parent.name, target.name) != (spec.vendor, spec.module):
        warnings.append(
            Problem(
                str(target),
                f"Magento autoloads app/code/{spec.vendor}/{spec.module} for the namespace "
                f"{spec.namespace}; from this folder its classes will not be found",
                severity="warning",
            )
        )
    removed = tuple(file.path for file in plan.having(Action.REMOVE))
    if removed:
        from generator.pipeline.lifecycle import removal_notes  # only when something is removed

        warnings += removal_notes(target, removed, writes)
    for file in plan.having(Action.STALE):
        warnings.append(
            Problem(
                str(target / file.path),
                "magegen generated this file before, but this spec no longer does; "
                "it is kept, and the module stays inconsistent until you delete it "
                "(magegen validate shows how)",
                severity="warning",
            )
        )
    return warnings
