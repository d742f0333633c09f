"""Read a YAML spec (format version 1) into a ModuleSpec, reporting every problem with its line.

Three steps, each in its own module: the file becomes YAML nodes (generator.spec.yamlfile), the
nodes become typed sections that remember where they were (generator.spec.sections), and the
sections are judged together into a ModuleSpec (generator.spec.policy, which resolves grants with
generator.magento.grants).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from yaml.nodes import MappingNode, ScalarNode

from generator.errors import MagegenError, Problem, SpecError, UsageError
from generator.magento import rules
from generator.magento.acl import AclCatalog, ModuleCatalog, bundled_acl, bundled_modules
from generator.spec.fields import Report
from generator.spec.model import ModuleSpec
from generator.spec.policy import Known, module_spec
from generator.spec.sections import SectionReader, SpecSections

if TYPE_CHECKING:
    from generator.magento.routes import RouteCatalog
    from generator.magento.targetset import Targets
from generator.spec.yamlfile import (
    Position,
    alias_growth_problem,
    compose,
    foreign_tags,
    position,
    read_text,
    short_tag,
)


class LoadedSpec(NamedTuple):
    """A valid spec, and the warnings found while reading it."""

    spec: ModuleSpec
    warnings: tuple[Problem, ...] = ()
    # The folder the ``templates:`` key names, joined to the spec file's folder, and where the
    # key's value is (line, column), for messages about that folder.
    templates: Path | None = None
    templates_at: tuple[int, int] | None = None
    # Where some keys were written, by field path (name, composer.name), for later messages.
    places: tuple[tuple[str, Position], ...] = ()
    # The releases the spec targets (None when read against a store's own catalog).
    targets: Targets | None = None

    def where(self, field: str) -> Position | None:
        """Where the spec wrote ``field``, if it did."""
        return dict(self.places).get(field)


def parse_module_name(name: str, field: str = "NAME") -> tuple[str, str]:
    """Split ``Vendor/Module`` or ``Vendor_Module`` into its two parts, checking Magento's rule."""
    parts = rules.module_name_parts(name)
    if isinstance(parts, str):
        raise UsageError([Problem(field, parts)])
    problems = [Problem(field, m) for m in map(rules.check_module_part, parts) if m]
    if problems:
        raise UsageError(problems)
    return parts


def load_spec(
    path: Path,
    module_name: str | None,
    acl: AclCatalog | None = None,
    modules: ModuleCatalog | None = None,
    from_installation: bool = False,
    *,
    fallback_name: str | None = None,
    routes: Callable[[], RouteCatalog] | None = None,
    acl_for: Callable[[str, str, AclCatalog], AclCatalog] | None = None,
) -> LoadedSpec:
    """Read the spec at ``path`` for the module ``module_name``.

    Without ``module_name``, the spec's ``name:`` key names the module (else ``fallback_name``
    does; else it is an error). With ``from_installation``, ACL ids are checked against ``acl``
    and sequence modules looked up in ``modules``, a store's own; without it, against the
    releases the spec's ``magento:`` targets (each release on its own, and their union).
    ``routes`` loads the REST routes, only for a spec with ``endpoints:`` (default: the targets'
    routes). Raises UsageError for a bad module name and SpecError listing every problem in the
    spec.

    ``acl_for(vendor, module, acl)``, once the module is named, gives the tree its grants are
    resolved against when the spec declares no ``acl:`` (``new`` merges in the target folder's
    hand-written etc/acl.xml).
    """
    cli_name = parse_module_name(module_name) if module_name is not None else None
    display = str(path)
    root = compose(read_text(path, display), display)
    growth = alias_growth_problem(root)
    if growth:
        raise SpecError([Problem(display, growth)])
    report = Report(display)
    for node in foreign_tags(root):
        message = f"YAML tag '{short_tag(node.tag)}' is not supported in a spec"
        report.add(Position(node.start_mark.line + 1, node.start_mark.column + 1), "", message)
    sections = SectionReader(report).sections(root)
    spec = None
    if sections is not None:
        fallback = parse_module_name(fallback_name) if fallback_name else None
        name = _module_name(report, sections, cli_name, fallback)
        targets = None
        if not from_installation:
            targets = _targets(report, sections)
        if targets is not None:  # the spec's targets decide, not the caller's default
            acl, modules, routes = targets.acl(), targets.modules(), routes or targets.routes
        catalog = acl or bundled_acl()
        if name and acl_for is not None and not sections.acl:
            catalog = acl_for(*name, catalog)
        known = Known(catalog, modules or bundled_modules(), from_installation, routes)
        known = known._replace(targets=targets)
        spec = module_spec(report, sections, *name, known) if name else None
    if report.failed or spec is None or sections is None:
        raise SpecError(p for p in report.in_file_order() if p.severity == "error")
    return _loaded(spec, report, sections, path)._replace(targets=targets)


def _targets(report: Report, sections: SpecSections) -> Targets:
    """The releases the spec targets; the default ones when its ``magento:`` is bad (reported
    already)."""
    from generator.magento.constraints import ConstraintError
    from generator.magento.targetset import default_targets
    from generator.spec.targets import target_releases

    try:
        return target_releases(sections.magento)
    except ConstraintError:
        return default_targets()


def _loaded(spec: ModuleSpec, report: Report, sections: SpecSections, path: Path) -> LoadedSpec:
    places = tuple(
        (field, located.at)
        for field, located in (("name", sections.name), ("composer.name", sections.composer_name))
        if located is not None
    )
    if sections.templates is None:
        return LoadedSpec(spec, report.in_file_order(), places=places)
    folder = path.parent / sections.templates.value
    return LoadedSpec(spec, report.in_file_order(), folder, tuple(sections.templates.at), places)


def _module_name(
    report: Report,
    sections: SpecSections,
    given: tuple[str, str] | None,
    fallback: tuple[str, str] | None,
) -> tuple[str, str] | None:
    """The module's (vendor, module): from the command line or the spec's ``name:``, which must
    agree when both are given."""
    written = sections.name
    from_spec = rules.module_name_parts(written.value) if written is not None else None
    if isinstance(from_spec, str):
        from_spec = None  # reported while reading the key
    if written is not None and from_spec is not None and given is not None and from_spec != given:
        report.add(
            written.at,
            "name",
            f"names the module {'/'.join(from_spec)}, but the command line gives "
            f"{'/'.join(given)}; give NAME only for a spec without a name, or make them agree",
        )
        return None
    name = given or from_spec or fallback
    if name is None and "name" not in sections.given:  # a bad name is reported already
        report.add(
            None,
            "name",
            "the module has no name: give NAME before SPEC (magegen new Vendor/Module "
            "spec.yaml), or write name: Vendor/Module in the spec",
        )
    return name


def spec_catalog(path: Path) -> tuple[str, Position] | None:
    """The catalog file the spec's ``catalog:`` key names, as written, and where the key's
    value is; None without one.

    Read before the spec itself, since the spec is checked against that catalog. A spec that
    cannot be read, or a value that is no string, gives None here: loading the spec reports it.
    """
    display = str(path)
    try:
        root = compose(read_text(path, display), display)
    except MagegenError:
        return None
    if not isinstance(root, MappingNode):
        return None
    for key_node, value_node in root.value:
        named = isinstance(key_node, ScalarNode) and key_node.value == "catalog"
        if named and isinstance(value_node, ScalarNode) and value_node.tag.endswith(":str"):
            return value_node.value, position(value_node)
    return None
