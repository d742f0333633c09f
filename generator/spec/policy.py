"""What a spec's keys mean together: defaults, combinations, grants, and the module they make.

Works on the sections generator.spec.sections read, never on YAML, and reports each problem at
the place the sections remember.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from generator.magento import rules
from generator.magento.acl import ALL, AclCatalog, ModuleCatalog, bundled_modules
from generator.magento.catalogs import knows_module_of
from generator.magento.composer import resolve_require
from generator.magento.grants import Grant, resolve_grant
from generator.spec.fields import Item, Report, join, report_repeats
from generator.spec.model import (
    DEFAULT_PATCH_NAME,
    DEFAULT_SETUP_VERSION,
    Integration,
    IntegrationFormat,
    ModuleSpec,
    Setup,
)
from generator.spec.ownacl import own_acl
from generator.spec.sections import IntegrationSection, ModuleSection, SpecSections
from generator.spec.targets import (
    release_problems,
    subtree_filter,
    target_php,
    target_releases,
    with_release_ancestors,
)

if TYPE_CHECKING:
    from generator.magento.routes import RouteCatalog
    from generator.magento.targetset import Targets

INTEGRATION_MODULE = "Magento_Integration"
# The classes Setup/Patch/Data/<Name>.php imports, in lower case: its own name must differ.
PATCH_IMPORTS = frozenset(
    ("datapatchinterface", "moduledatasetupinterface", "configbasedintegrationmanager")
)


class Known(NamedTuple):
    """What the policy asks about Magento: its ACL tree and its modules."""

    acl: AclCatalog
    modules: ModuleCatalog
    from_installation: bool = False  # both include an installation's own modules
    # The REST routes, loaded only for a spec with endpoints (default: the bundled ones).
    routes: Callable[[], RouteCatalog] | None = None
    own_module: str | None = None  # the module the spec describes; acl holds its own ids
    targets: Targets | None = None  # the Magento releases the module targets

    def knows_module(self, module: str) -> bool:
        """Whether the module is one the catalogs know: it has ACL resources, or a package."""
        return knows_module_of(f"{module}::_", self.acl, self.modules)


def module_spec(
    report: Report, sections: SpecSections, vendor: str, module: str, known: Known
) -> ModuleSpec | None:
    """The module ``Vendor_Module`` that ``sections`` describe; None once any error is reported."""
    own_name = f"{vendor}_{module}"
    default_name = f"{vendor.lower()}/module-{rules.kebab(module)}"
    composer_name = sections.composer_name.value if sections.composer_name else default_name
    user_require = _requirements(report, sections, composer_name)
    acl, merged = own_acl(report, sections.acl, own_name, known.acl)
    known = known._replace(acl=merged, own_module=own_name)
    targets = known.targets or target_releases(sections.magento)
    known = known._replace(targets=targets)
    said = sections.magento is not None and not known.from_installation
    for note in targets.notes if said else ():
        report.add(sections.magento.at, "magento", note, severity="note")
    integrations, retired, owners = _integrations(report, sections.integrations or (), known)
    integration_format = IntegrationFormat(
        sections.integration_format.value if sections.integration_format else "split"
    )
    _retired_format(report, sections, bool(retired), integration_format)
    if sections.bearer_tokens is not None or any(
        not section.parents for section in sections.integrations or ()
    ):
        from generator.spec.endpoints import route_options  # the route code loads on demand

        route_options(report, sections, integration_format)
    declared = bool(integrations or retired)
    setup = _setup(report, sections, declared, integration_format)
    patch_name = _patch_name(report, sections, setup)
    sequence = _load_order(report, sections.module.sequence, own_name, declared)
    _note_modules_outside_sequence(report, owners, sequence, own_name)
    setup_version = _setup_version(report, sections.module, setup)
    if report.failed:
        return None
    block = sections.module
    return ModuleSpec(
        vendor=vendor,
        module=module,
        composer_name=composer_name,
        sequence=sequence,
        setup=setup,
        setup_version=setup_version,
        description=block.description,
        version=block.version.value if block.version else None,
        license=block.license,
        authors=block.authors,
        composer_require=resolve_require(
            sequence, user_require, known.modules, target_php(targets)
        ),
        integrations=tuple(integrations),
        integration_format=integration_format,
        setup_patch_name=patch_name,
        retired=tuple(retired),
        bearer_tokens=sections.bearer_tokens is not None,
        acl=acl,
    )


def _retired_format(
    report: Report, sections: SpecSections, retiring: bool, form: IntegrationFormat
) -> None:
    """Retiring takes the split format's sync data patch."""
    if retiring and form is not IntegrationFormat.SPLIT:
        at = sections.integration_format.at if sections.integration_format else None
        report.add(
            at,
            "integrations",
            "retired: true needs integration_format: split: Magento_Integration never "
            "deletes an integration of etc/integration.xml; only the split format's sync "
            "data patch does (see the README on moving a module to the split format)",
        )


def _requirements(
    report: Report, sections: SpecSections, own_package: str
) -> tuple[tuple[str, str], ...]:
    """``composer.require`` without the package itself, which cannot require itself."""
    require = []
    for entry in sections.require:
        if entry.package == own_package:
            report.add(
                entry.at, join("composer.require", entry.package), "a package cannot require itself"
            )
        elif entry.constraint is not None:
            require.append((entry.package, entry.constraint))
    return tuple(require)


Owner = tuple[Item, str]  # a granted list item and the module that declares its resource


def _integrations(
    report: Report, sections: tuple[IntegrationSection, ...], known: Known
) -> tuple[list[Integration], list[str], list[Owner]]:
    """The current integrations and the retired names, all unique as Magento's database
    compares names."""
    integrations: list[Integration] = []
    retired: list[str] = []
    owners: list[Owner] = []
    names: list[Item] = []
    for index, section in enumerate(sections):
        if section.retired:
            if section.name is not None:
                retired.append(section.name.value)
                names.append(Item(section.name.value, section.name.at, index))
            continue
        integration = _integration(report, section, known, owners)
        if integration is not None and section.name is not None:
            integrations.append(integration)
            names.append(Item(integration.name, section.name.at, index))
    report_repeats(
        report,
        names,
        "integrations",
        "integration",
        same=rules.integration_name_key,
        why=" (Magento's integration names ignore case, accents and trailing spaces)",
        member="name",
    )
    return integrations, retired, owners


def _integration(
    report: Report, section: IntegrationSection, known: Known, owners: list[Owner]
) -> Integration | None:
    """One integration, its grant resolved against the ACL tree."""
    list_field = join(section.field, "resources")
    resources: tuple[str, ...] | None = (ALL,) if section.all_resources else None
    listed: tuple[str, ...] = ()
    if section.resources is not None:
        listed = _grant(report, section, list_field, known, owners)
        if section.all_resources and listed not in ((), (ALL,)):
            report.add(
                section.resources_at,
                list_field,
                f"with all_resources: true, list no other resources: {ALL} grants everything",
            )
        resources = resources or listed
    endpoints: tuple[str, ...] = ()
    if section.endpoints is not None:
        from generator.spec.endpoints import integration_endpoints

        store = known.from_installation
        endpoints, by_route = integration_endpoints(
            report, section, known.acl, known.routes, None if store else known.targets
        )
        resources = (ALL,) if section.all_resources else by_route or resources
    if not section.parents:
        from generator.spec.endpoints import warn_without_parents

        warn_without_parents(report, section)
    if section.all_resources and section.name is not None:
        report.add(
            section.all_resources_at,
            join(section.field, "all_resources"),
            f"integration {rules.shown(section.name.value)} gets full access to everything ({ALL})",
            severity="warning",
        )
    if section.name is None or section.email is None or not resources:
        return None
    return Integration(
        name=section.name.value,
        email=section.email.value,
        resources=resources,
        endpoint_url=section.endpoint_url.value if section.endpoint_url else None,
        identity_link_url=section.identity_link_url.value if section.identity_link_url else None,
        all_resources=section.all_resources,
        endpoints=endpoints,
        parents=section.parents,
    )


def _grant(
    report: Report,
    section: IntegrationSection,
    list_field: str,
    known: Known,
    owners: list[Owner],
) -> tuple[str, ...]:
    """The resources an integration's list grants; reports what is wrong with it."""
    items = section.resources or ()
    if section.resources_empty and not section.all_resources:
        report.add(section.resources_at, list_field, "must list at least one ACL resource")
    report_repeats(report, items, list_field, "resource")
    ids = [rules.split_subtree(item.value)[0] for item in items]
    targets = None if known.from_installation else known.targets
    gaps = release_problems(ids, targets) if targets is not None else {}
    for item in items:
        gap = gaps.get(rules.split_subtree(item.value)[0])
        if gap is not None:
            report.add(item.at, join(list_field, item.index), *gap)
    grant: Grant = resolve_grant(
        known.acl,
        [item.value for item in items],
        all_resources=section.all_resources,
        knows_module=known.knows_module,
        from_installation=known.from_installation,
        parents=section.parents,
        own_module=known.own_module,
        unchecked=frozenset(i for i, (_, severity) in gaps.items() if severity == "warning"),
        below=subtree_filter(targets) if targets is not None else None,
    )
    for problem in grant.problems:
        item = items[problem.index]
        if rules.split_subtree(item.value)[0] in gaps:
            continue  # said above, with why
        report.add(item.at, join(list_field, item.index), problem.message, problem.severity)
    owners += [(items[index], module) for index, module in grant.owners]
    if targets is not None and section.parents:
        return with_release_ancestors(grant.resources, targets, known.acl)
    return grant.resources


def _note_modules_outside_sequence(
    report: Report, owners: list[Owner], sequence: tuple[str, ...], own_name: str
) -> None:
    """Note resources of modules that are neither core nor loaded before this one."""
    core = bundled_modules().core()
    for item, owner in owners:
        if owner not in core and owner not in sequence and owner != own_name:
            report.add(
                item.at,
                "",
                f"{rules.split_subtree(item.value)[0]} belongs to {owner}, which is not a "
                "core module; add it to module.sequence so it loads first",
                severity="note",
            )


def _setup(
    report: Report, sections: SpecSections, has_integrations: bool, form: IntegrationFormat
) -> Setup:
    """``setup:``. The default creates the integrations: InstallData for the split format;
    nothing for the consolidated one, which Magento_Integration processes by itself."""
    split = form is IntegrationFormat.SPLIT
    if sections.setup is None and "setup" in sections.given:
        return Setup.NONE  # its bad value is reported already
    if sections.setup is None:
        return Setup.INSTALL_DATA if has_integrations and split else Setup.NONE
    setup, at = Setup(sections.setup.value), sections.setup.at
    if setup is not Setup.NONE and not has_integrations:
        report.add(at, "setup", f"{setup} needs at least one integration to create")
    elif setup is not Setup.NONE and not split:
        report.add(
            at,
            "setup",
            f"{setup} does not go with integration_format: consolidated: "
            "Magento_Integration creates the integrations of etc/integration.xml on every "
            "setup:upgrade by itself, and processIntegrationConfig() reads only the split "
            "format's files; leave setup out",
        )
    elif setup is Setup.NONE and has_integrations and split:
        report.add(
            at,
            "setup",
            "with the split format, 'none' leaves the integrations unprocessed: Magento "
            "would never create them; use install-data or data-patch, or "
            "integration_format: consolidated",
        )
    return setup


def _patch_name(report: Report, sections: SpecSections, setup: Setup) -> str:
    """``setup_patch_name:``, the data patch's class name."""
    given = sections.setup_patch_name
    if given is None:
        return DEFAULT_PATCH_NAME
    if given.value.lower() in PATCH_IMPORTS:
        report.add(
            given.at,
            "setup_patch_name",
            f"{rules.shown(given.value)} is a class the data patch imports; PHP would refuse to "
            "declare a second one (class names ignore case in PHP)",
        )
        return DEFAULT_PATCH_NAME
    if setup is not Setup.DATA_PATCH:
        report.add(given.at, "setup_patch_name", "is only used with setup: data-patch")
    return given.value


def _load_order(
    report: Report, items: tuple[Item, ...], own_name: str, has_integrations: bool
) -> tuple[str, ...]:
    """The modules to load first: the spec's, plus Magento_Integration for integrations."""
    report_repeats(report, items, "module.sequence", "module")
    for item in items:
        if item.value == own_name:
            item_field = join("module.sequence", item.index)
            report.add(item.at, item_field, "a module cannot load after itself")
    names = list(dict.fromkeys(item.value for item in items))
    if has_integrations and INTEGRATION_MODULE not in (*names, own_name):
        names.append(INTEGRATION_MODULE)
    return tuple(names)


def _setup_version(report: Report, block: ModuleSection, setup: Setup) -> str | None:
    """module.xml's setup_version: given, or needed by InstallData (then version or 1.0.0)."""
    if block.setup_version is not None:
        return block.setup_version
    if setup is not Setup.INSTALL_DATA:
        return None
    if block.version is None:
        return DEFAULT_SETUP_VERSION
    message = rules.check_setup_version(block.version.value)
    if message:
        report.add(
            block.version.at,
            "module.version",
            f"{message}; InstallData needs a setup_version, so give module.setup_version",
        )
        return None
    return block.version.value
