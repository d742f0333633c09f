"""What regenerating a module over an existing tree means for the stores that installed it.

- ``superseded_patches``: magegen's own sync patches (and its earlier one-shot data patch) that
  the current sync patch replaces. ``--force`` removes them, and only them: each is proven
  magegen's by rendering it again from what it records and getting the same bytes.
- ``superseded_install_data``: magegen's own ``Setup/InstallData.php`` when the spec no longer
  generates one (it switched to ``data-patch``, or retired every integration), proven the same
  way from the names it passes to ``processIntegrationConfig()``.
- ``dropped_integrations``: integrations the tree on disk declares that the spec neither keeps
  nor retires. Removing an entry is ambiguous (delete it from stores, or forget to keep it?), so
  the spec must say which.
- ``retire_warnings``: what the user is told about the integrations a spec retires.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from generator.errors import Problem
from generator.magento.files import INSTALL_DATA, inside_tree
from generator.magento.rules import integration_name_key, shown
from generator.pipeline.render import FILE_TABLE, build_manifest, environment, is_own_sync
from generator.pipeline.sync import PATCH_DIR, parse_sync_patch, sync_patch, wants_sync
from generator.sandbox.folder import TemplateDir
from generator.spec.model import ModuleSpec

# The one-shot data patch magegen wrote before sync patches existed, kept to recognise it.
LEGACY_TEMPLATE = "legacy/DataPatch-1.php.j2"
INSTALL_DATA_TEMPLATE = "Setup/InstallData.php.j2"
# InstallData as magegen wrote it before its docblocks met Magento's coding standard.
LEGACY_INSTALL_DATA_TEMPLATE = "legacy/InstallData-1.php.j2"
_LEGACY_NAMES = re.compile(r"processIntegrationConfig\(\[\n((?:            '.*',\n)*)        \]\);")
_PHP_STRING = re.compile(r"            '((?:[^'\\]|\\.)*)',\n")
_PROCESS_CALL = re.compile(r"processIntegrationConfig\(\[(.*?)\]\)", re.DOTALL)
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
# A name in the call: one literal, or literals joined by "." (a long name split over lines).
_QUOTED_RUN = re.compile(rf"{_QUOTED.pattern}(?:\s*\.\s*{_QUOTED.pattern})*")
MAX_SCRIPT_BYTES = 256 * 1024  # a larger InstallData is not one magegen wrote


def _php_unquote(body: str) -> str:
    return re.sub(r"\\([\\'])", r"\1", body)


def _is_own_legacy(spec: ModuleSpec, class_name: str, content: bytes) -> bool:
    """Whether ``content`` is exactly magegen's earlier one-shot data patch ``class_name``."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    found = _LEGACY_NAMES.search(text)
    if found is None or not re.fullmatch(r"[A-Z][A-Za-z0-9]*", class_name):
        return False
    names = [_php_unquote(m.group(1)) for m in _PHP_STRING.finditer(found.group(1))]
    old_spec = SimpleNamespace(
        namespace=spec.namespace,
        setup_patch_name=class_name,
        integrations=[SimpleNamespace(name=name) for name in names],
    )
    rendered = environment(False).get_template(LEGACY_TEMPLATE).render({"spec": old_spec})
    return rendered.encode("utf-8") == content


def superseded_patches(
    target: Path, spec: ModuleSpec, templates: TemplateDir | None = None
) -> tuple[str, ...]:
    """magegen's own data patches under ``target`` that the spec's sync patch supersedes.

    Paths are relative to ``target``. A file qualifies only when rendering what it records
    gives its exact bytes: a patch a person wrote or edited is never among them.
    """
    folder = target / PATCH_DIR
    if not folder.is_dir() or folder.is_symlink() or not _inside(target, PATCH_DIR):
        return ()  # never read through a linked folder of the target
    current = sync_patch(spec).path if wants_sync(spec) else None
    found = []
    for path in sorted(folder.glob("*.php")):
        relative = f"{PATCH_DIR}/{path.name}"
        if relative == current or path.is_symlink() or not inside_tree(target, relative):
            continue
        content = path.read_bytes()
        claimed = parse_sync_patch(spec.namespace, path.name, content)
        if claimed is not None:
            own = is_own_sync(claimed, content, templates)
        else:
            own = _is_own_legacy(spec, path.stem, content)
        if own:
            found.append(relative)
    return tuple(found)


class _WithNames:
    """``spec`` as an earlier spec with only these integration names would have looked."""

    def __init__(self, spec: ModuleSpec, names: list[str]) -> None:
        self._spec = spec
        self.integrations = [SimpleNamespace(name=name) for name in names]

    def __getattr__(self, name: str) -> object:
        return getattr(self._spec, name)


def _render_install_data(spec: ModuleSpec, names: list[str], templates: TemplateDir | None) -> str:
    """InstallData as magegen renders it for ``spec`` with the integrations ``names``."""
    old_spec = _WithNames(spec, names)
    context = {"spec": old_spec, "composer": build_manifest(spec), "sync": None}
    if templates is None:
        return environment(False).get_template(INSTALL_DATA_TEMPLATE).render(context)
    from generator.sandbox.box import Budget, render_bounded, time_limit

    budget = Budget.of(spec)
    with time_limit(budget) as deadline:
        template = environment(False, templates.root).get_template(INSTALL_DATA_TEMPLATE)
        return render_bounded(template, context, budget, deadline)


def superseded_install_data(
    target: Path, spec: ModuleSpec, templates: TemplateDir | None = None
) -> tuple[str, ...]:
    """``Setup/InstallData.php`` when magegen wrote it and the spec no longer generates it.

    Left in the tree, a fresh store whose module.xml has a setup_version would run it, and it
    may name integrations config.xml no longer declares. It qualifies only when rendering the
    InstallData template (a custom one, if given), or the one earlier magegen versions used,
    with the names it passes to ``processIntegrationConfig()`` gives its exact bytes.
    """
    path = target / INSTALL_DATA
    if _renders_install_data(spec) or path.is_symlink() or not inside_tree(target, INSTALL_DATA):
        return ()
    if path.stat().st_size > MAX_SCRIPT_BYTES:
        return ()
    content = path.read_bytes()
    try:
        found = _PROCESS_CALL.search(content.decode("utf-8"))
    except UnicodeDecodeError:
        return ()
    if found is None:
        return ()
    names = [
        "".join(_php_unquote(part) for part in _QUOTED.findall(run.group()))
        for run in _QUOTED_RUN.finditer(found.group(1))
    ]
    legacy = environment(False).get_template(LEGACY_INSTALL_DATA_TEMPLATE)
    if legacy.render({"spec": _WithNames(spec, names)}).encode("utf-8") == content:
        return (INSTALL_DATA,)
    try:
        rendered = _render_install_data(spec, names, templates)
    except Exception:  # a template that needs more than the names is not proven
        return ()
    return (INSTALL_DATA,) if rendered.encode("utf-8") == content else ()


def _renders_install_data(spec: ModuleSpec) -> bool:
    return any(path == INSTALL_DATA and wanted(spec) for path, _, wanted in FILE_TABLE)


def _inside(target: Path, relative: str) -> bool:
    """Whether the folder ``relative`` of ``target`` really lies inside it (no linked folder
    on the way)."""
    try:
        return (target / relative).resolve().is_relative_to(target.resolve())
    except (OSError, RuntimeError):
        return False


def _patch_names(
    target: Path, spec: ModuleSpec, superseded: tuple[str, ...]
) -> list[tuple[str, str]]:
    """(file, integration name) for every integration a sync patch of the tree keeps or retires."""
    names = []
    for relative in superseded:
        path = target / relative
        claimed = parse_sync_patch(spec.namespace, path.name, path.read_bytes())
        if claimed is not None:
            names += [(relative, integration.name) for integration in claimed.integrations]
            # A store that has not upgraded yet still needs the retired name to delete it.
            names += [(relative, name) for name in claimed.retired]
    return names


def dropped_integrations(
    target: Path, spec: ModuleSpec, spec_display: str, superseded: tuple[str, ...] = ()
) -> list[Problem]:
    """An error for each integration the tree declares that the spec neither keeps nor retires."""
    if not target.is_dir():
        return []
    accounted = {integration_name_key(i.name) for i in spec.integrations}
    accounted |= {integration_name_key(name) for name in spec.retired}
    problems = []
    seen: set[str] = set()
    from generator.magento.moduletree import declared_integration_names

    declared = declared_integration_names(target)
    for relative, name in declared + _patch_names(target, spec, superseded):
        key = integration_name_key(name)
        if key in accounted or key in seen:
            continue
        seen.add(key)
        problems.append(
            Problem(
                spec_display,
                f"integration {shown(name)} ({target / relative}) is missing from the spec; "
                f"to delete it from every store that has it (its access tokens stop working), "
                "mark its entry 'retired: true' (it then needs only its name); to keep it, put "
                "its entry back",
                field="integrations",
            )
        )
    return problems


def retire_warnings(spec: ModuleSpec, display: str) -> list[Problem]:
    """One warning per retired integration: stores delete it, and its tokens stop working."""
    return [
        Problem(
            display,
            f"integration {shown(name)} is retired: on its next setup:upgrade every store that "
            "has it deletes it with its OAuth consumer, and its access tokens stop working",
            field="integrations",
            severity="warning",
        )
        for name in spec.retired
    ]


def removal_notes(target: Path, superseded: tuple[str, ...], writes: bool = True) -> list[Problem]:
    """What the user is told about each superseded file ``--force`` removes.

    ``writes`` is False when nothing is written (--dry-run, --check, --diff): the file is then
    one that ``new --force`` would remove.
    """
    done = "removed" if writes else "would be removed by new --force"
    notes = []
    for relative in superseded:
        if relative == INSTALL_DATA:
            message = (
                "magegen's own InstallData, which this spec no longer generates (it renders to "
                f"these exact bytes): {done}, so that a fresh store never runs it; stores that "
                "installed the module ran it once and never run it again"
            )
        else:
            message = (
                "magegen's own superseded data patch (it renders to these exact bytes): "
                f"{done}, so that a fresh store never runs it; stores that applied it keep it "
                "recorded and run the new sync patch once"
            )
        notes.append(Problem(str(target / relative), message, severity="note"))
    return notes
