"""Render a ModuleSpec into the module's files with the Jinja templates."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import jinja2
import markupsafe

from generator.errors import Problem, TemplateError
from generator.escape import json_document, php_string, php_string_wrapped, xml_text
from generator.magento.composer import autoload
from generator.magento.rules import MAX_LINE_COLUMNS
from generator.pipeline.sync import LEGACY_TEMPLATE as LEGACY_SYNC_TEMPLATE
from generator.pipeline.sync import TEMPLATE as SYNC_TEMPLATE
from generator.pipeline.sync import SyncPatch, sync_patch, wants_sync
from generator.resources import templates_dir
from generator.spec.model import (
    DEFAULT_PATCH_NAME,
    IntegrationFormat,
    ModuleSpec,
    Setup,
)

if TYPE_CHECKING:
    from generator.sandbox.box import Budget
    from generator.sandbox.folder import TemplateDir
    from generator.sandbox.fork import Rendered


class RenderedFile(NamedTuple):
    """One file of the module: its path relative to the module root, and its bytes."""

    path: str
    content: bytes


def _always(spec: ModuleSpec) -> bool:
    return True


def _split(spec: ModuleSpec) -> bool:
    return bool(spec.integrations) and spec.integration_format is IntegrationFormat.SPLIT


def _consolidated(spec: ModuleSpec) -> bool:
    return bool(spec.integrations) and spec.integration_format is IntegrationFormat.CONSOLIDATED


def _install_data(spec: ModuleSpec) -> bool:
    # InstallData creates the current integrations; with all of them retired it has none.
    return spec.setup is Setup.INSTALL_DATA and bool(spec.integrations)


def _bearer_tokens(spec: ModuleSpec) -> bool:
    return spec.bearer_tokens


def _own_acl(spec: ModuleSpec) -> bool:
    return bool(spec.acl)


def _data_patch(spec: ModuleSpec) -> bool:
    return spec.setup is Setup.DATA_PATCH


PATCH_PATH = "Setup/Patch/Data/{name}.php"

# Every file magegen can write: its path (``{name}`` is the sync data patch's class), its
# template, and when it is written.
FILE_TABLE: tuple[tuple[str, str, Callable[[ModuleSpec], bool]], ...] = (
    ("registration.php", "registration.php.j2", _always),
    ("composer.json", "composer.json.j2", _always),
    ("etc/module.xml", "etc/module.xml.j2", _always),
    ("etc/acl.xml", "etc/acl.xml.j2", _own_acl),
    ("etc/integration/config.xml", "etc/integration/config.xml.j2", _split),
    ("etc/integration/api.xml", "etc/integration/api.xml.j2", _split),
    ("etc/integration.xml", "etc/integration.xml.j2", _consolidated),
    ("etc/config.xml", "etc/config.xml.j2", _bearer_tokens),
    ("Setup/InstallData.php", "Setup/InstallData.php.j2", _install_data),
    (PATCH_PATH, SYNC_TEMPLATE, wants_sync),
)

# The templates a templates folder can replace.
TEMPLATE_NAMES: tuple[str, ...] = tuple(template for _, template, _ in FILE_TABLE)

# A module's acl.xml is often written by hand: one the spec does not make is left alone.
ACL_PATH = "etc/acl.xml"
# The paths magegen generates with the default names, for finding files a spec no longer makes.
GENERATED_PATHS: tuple[str, ...] = tuple(
    path.format(name=DEFAULT_PATCH_NAME) for path, _, _ in FILE_TABLE if path != ACL_PATH
)


def generated_paths(spec: ModuleSpec) -> frozenset[str]:
    """Every path magegen may have generated for a module like ``spec``'s, in any setup style."""
    own = {ACL_PATH} if spec.acl else set()
    return frozenset(GENERATED_PATHS) | {spec.patch_path} | own


def _escape_for_xml(value: object) -> object:
    """Autoescape hook for XML templates: every printed string goes through xml_text once."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(xml_text(value))
    return value


@cache
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Where compiled templates are kept between runs, so each run need not compile them.

    ``$MAGEGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/magegen``, else ``~/.cache/magegen``. Jinja
    checks each entry against its template's source, so an edited template is compiled afresh.
    Without a writable folder, templates are compiled in every run, as they would be anyway.
    """
    base = os.environ.get("MAGEGEN_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "magegen",
    )
    folder = os.path.join(base, f"jinja-{jinja2.__version__}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return None
    if not os.access(folder, os.W_OK):
        return None
    return jinja2.FileSystemBytecodeCache(folder)


@cache
def environment(xml: bool, custom: Path | None = None) -> jinja2.Environment:
    """The Jinja environment for XML templates (autoescaped) or for PHP and JSON (not).

    Both are strict about undefined values and keep whitespace exactly as the template has it.
    With ``custom`` (a resolved templates folder), its templates come before the built-in ones
    of the same name; one environment is kept per folder.
    """
    loader: jinja2.BaseLoader = jinja2.FileSystemLoader(str(templates_dir()))
    environment_class = jinja2.Environment
    if custom is not None:
        # A spec can name its templates folder, and specs arrive in pull requests: custom
        # templates are read only from regular files inside their folder, and run sandboxed,
        # with no way to reach Python's internals or run commands (see templatebox).
        from generator.sandbox.box import BoundedSandbox, BoxedLoader

        loader = jinja2.ChoiceLoader([BoxedLoader(custom), loader])
        environment_class = BoundedSandbox
    env = environment_class(
        loader=loader,
        autoescape=xml,
        finalize=_escape_for_xml if xml else None,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # A person edits custom templates between runs; the built-in ones never change.
        auto_reload=custom is not None,
        bytecode_cache=bytecode_cache(),
    )
    if not xml:
        env.filters["php_string"] = php_string
        env.filters["php_string_wrapped"] = partial(php_string_wrapped, width=MAX_LINE_COLUMNS)
        env.filters["json_document"] = json_document
    return env


def render(spec: ModuleSpec, templates: TemplateDir | None = None) -> tuple[RenderedFile, ...]:
    """Every file of the module ``spec`` describes, in FILE_TABLE order.

    A template in ``templates`` replaces the built-in one of the same name. Raises TemplateError
    listing every custom template that does not compile or render, or that passes the bounds of
    ``templatebox`` (then the rest are not rendered).
    """
    sync = sync_patch(spec) if wants_sync(spec) else None
    context = {
        "spec": spec,
        "composer": build_manifest(spec),
        "sync": sync,
        "acl": _acl_nodes(spec),
    }
    patch_class = sync.class_name if sync is not None else spec.setup_patch_name
    jobs = [
        (path.format(name=patch_class), name) for path, name, wanted in FILE_TABLE if wanted(spec)
    ]
    if templates is None:
        return tuple(
            RenderedFile(
                path,
                environment(name.endswith(".xml.j2")).get_template(name).render(context).encode(),
            )
            for path, name in jobs
        )
    from generator.sandbox.box import Budget

    return render_custom(templates, jobs, context, Budget.of(spec))


def render_custom(
    templates: TemplateDir,
    jobs: Sequence[tuple[str, str]],
    context: Mapping[str, object],
    budget: Budget,
) -> tuple[RenderedFile, ...]:
    """Each (path, template name) of ``jobs`` rendered with ``context`` and the custom folder
    ``templates``, in a child process under ``budget`` (see templatefork).

    Raises TemplateError for every template that does not compile or render, or passes a bound.
    """
    from generator.sandbox.fork import render_isolated

    def work(started: Callable[[str], None]) -> Rendered:
        return _render_custom(templates, jobs, context, budget, started)

    def where(template_name: str) -> str:
        if template_name and templates.holds(template_name):
            return templates.shown_path(template_name)
        return str(templates.shown)

    rendered = render_isolated(work, budget, where)
    if rendered.problems:
        raise TemplateError(rendered.problems)
    return tuple(RenderedFile(path, content) for path, content in rendered.files)


def _render_custom(
    templates: TemplateDir,
    jobs: Sequence[tuple[str, str]],
    context: Mapping[str, object],
    budget: Budget,
    started: Callable[[str], None],
) -> Rendered:
    """``render_custom``'s work, in whichever process runs it, under the bounds of templatebox."""
    from generator.sandbox.box import RenderLimit, render_bounded, time_limit
    from generator.sandbox.fork import Rendered

    files = []
    problems: list[Problem] = []
    with time_limit(budget) as deadline:
        for path, template_name in jobs:
            started(template_name)
            env = environment(template_name.endswith(".xml.j2"), templates.root)
            try:
                template = env.get_template(template_name)
                content = render_bounded(template, context, budget, deadline).encode("utf-8")
            except Exception as exc:
                problem = templates.problem(exc, template_name)
                if problem is None:
                    raise
                if problem not in problems:  # a refused folder, met by several templates
                    problems.append(problem)
                if isinstance(exc, RenderLimit):
                    break
                continue
            files.append((path, content))
    return Rendered(files, problems)


def template_of(path: str, spec: ModuleSpec) -> str | None:
    """The template that renders the module file ``path`` for ``spec``."""
    for table_path, template_name, _ in FILE_TABLE:
        if table_path.format(name=_patch_class(spec)) == path:
            return template_name
    return None


def _patch_class(spec: ModuleSpec) -> str:
    """The sync data patch's class name, or the legacy one for a module without a sync patch."""
    return sync_patch(spec).class_name if wants_sync(spec) else spec.setup_patch_name


def is_own_sync(candidate: SyncPatch, content: bytes, templates: TemplateDir | None) -> bool:
    """Whether ``content`` is exactly what magegen renders for the sync patch ``candidate``:
    with the sync patch template (a custom one, if given), or, for a patch that records its
    state on one line, as magegen's built-in template wrote it before.

    Only then may ``--force`` remove the file as a superseded sync patch.
    """
    if candidate.one_line and _rendered(LEGACY_SYNC_TEMPLATE, candidate) == content:
        return True
    if templates is None:
        return _rendered(SYNC_TEMPLATE, candidate) == content
    try:
        from generator.sandbox.box import Budget

        job = [("", SYNC_TEMPLATE)]
        (file,) = render_custom(templates, job, {"sync": candidate}, Budget.base())
    except TemplateError:
        return False
    return file.content == content


def _rendered(template_name: str, sync: SyncPatch) -> bytes:
    """A built-in sync patch template rendered for ``sync``."""
    return environment(False).get_template(template_name).render({"sync": sync}).encode("utf-8")


def build_manifest(spec: ModuleSpec) -> dict[str, object]:
    """composer.json as an ordered dict: keys in a fixed order, only those the spec gives."""
    manifest: dict[str, object] = {"name": spec.composer_name}
    if spec.description is not None:
        manifest["description"] = spec.description
    manifest["type"] = "magento2-module"
    if spec.version is not None:
        manifest["version"] = spec.version
    if spec.license is not None:
        manifest["license"] = spec.license if isinstance(spec.license, str) else list(spec.license)
    if spec.authors:
        manifest["authors"] = [
            {key: value for key, value in author._asdict().items() if value is not None}
            for author in spec.authors
        ]
    manifest["require"] = dict(spec.composer_require)
    manifest["autoload"] = autoload(spec.namespace)
    return manifest


def _acl_nodes(spec: ModuleSpec) -> tuple[object, ...]:
    """etc/acl.xml's tree of the spec's own resources; empty (and nothing imported) without."""
    if not spec.acl:
        return ()
    from generator.pipeline.aclfile import acl_nodes

    return acl_nodes(spec.acl)
