"""Read a YAML spec (format version 1) into a ModuleSpec, reporting every problem with its line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from yaml.nodes import MappingNode, Node, SequenceNode

from generator.errors import Problem, SpecError, UsageError
from generator.magento import rules
from generator.magento.acl import ALL, AclCatalog, ModuleCatalog, bundled_acl, bundled_modules
from generator.magento.composer import resolve_require
from generator.spec.fields import Entries, Item, NodeReader, join, suggestion
from generator.spec.format import AUTHOR, COMPOSER, INTEGRATION, MODULE, SPEC
from generator.spec.model import (
    DEFAULT_PATCH_NAME,
    FORMAT_SPLIT,
    INTEGRATION_FORMATS,
    SETUP_DATA_PATCH,
    SETUP_INSTALL_DATA,
    SETUP_NONE,
    SETUP_STYLES,
    Author,
    Integration,
    ModuleSpec,
)
from generator.spec.yamlfile import MAX_NODES, compose, kind, read_text, short_tag, survey

TOP_KEYS = SPEC.keys()
MODULE_KEYS = MODULE.keys()
AUTHOR_KEYS = AUTHOR.keys()
COMPOSER_KEYS = COMPOSER.keys()
INTEGRATION_KEYS = INTEGRATION.keys()

INTEGRATION_MODULE = "Magento_Integration"
# The classes Setup/Patch/Data/<Name>.php imports, in lower case: its own name must differ.
PATCH_IMPORTS = frozenset(
    ("datapatchinterface", "moduledatasetupinterface", "configbasedintegrationmanager")
)
DEFAULT_SETUP_VERSION = "1.0.0"


class LoadedSpec(NamedTuple):
    """A valid spec, and the warnings found while reading it."""

    spec: ModuleSpec
    warnings: tuple[Problem, ...] = ()
    # The folder the ``templates:`` key names, joined to the spec file's folder, and where the
    # key's value is (line, column), for messages about that folder.
    templates: Path | None = None
    templates_at: tuple[int, int] | None = None


def parse_module_name(name: str) -> tuple[str, str]:
    """Split ``Vendor/Module`` or ``Vendor_Module`` into its two parts, checking Magento's rule."""
    parts = name.split("/" if "/" in name else "_")
    if len(parts) != 2:
        message = f"{rules.shown(name)} must be Vendor/Module or Vendor_Module, e.g. Acme/Erp"
        raise UsageError([Problem("NAME", message)])
    problems = [Problem("NAME", m) for m in map(rules.check_module_part, parts) if m]
    if problems:
        raise UsageError(problems)
    return parts[0], parts[1]


def load_spec(
    path: Path,
    module_name: str,
    acl: AclCatalog | None = None,
    modules: ModuleCatalog | None = None,
    from_installation: bool = False,
) -> LoadedSpec:
    """Read the spec at ``path`` for the module ``module_name``.

    ACL ids are checked against ``acl`` and sequence modules looked up in ``modules`` (both
    default to Magento's core, bundled; ``from_installation`` says they include an installation's
    own). Raises UsageError for a bad module name and SpecError
    listing every problem in the spec.
    """
    vendor, module = parse_module_name(module_name)
    display = str(path)
    root = compose(read_text(path, display), display)
    found = survey(root)
    if found.nodes > MAX_NODES:
        raise SpecError(
            [
                Problem(
                    display,
                    f"has more than {MAX_NODES} YAML nodes (aliases count each time they are "
                    "used); a spec is far smaller",
                )
            ]
        )
    reader = _SpecReader(display, acl or bundled_acl(), modules or bundled_modules())
    reader.from_installation = from_installation
    for node in found.foreign_tags:
        reader.report(node, "", f"YAML tag '{short_tag(node.tag)}' is not supported in a spec")
    spec = reader.read(root, vendor, module)
    reader.problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    if reader.failed or spec is None:
        raise SpecError(p for p in reader.problems if p.severity == "error")
    if reader.templates is None:
        return LoadedSpec(spec, tuple(reader.problems))
    folder, node = reader.templates
    at = (node.start_mark.line + 1, node.start_mark.column + 1)
    return LoadedSpec(spec, tuple(reader.problems), path.parent / folder, at)


@dataclass
class _ModuleBlock:
    """What the ``module:`` block said, with the version's node kept for later messages."""

    description: str | None = None
    version: str | None = None
    version_node: Node | None = None
    setup_version: str | None = None
    license: str | tuple[str, ...] | None = None
    authors: tuple[Author, ...] = ()
    sequence: list[Item] = field(default_factory=list)


class _SpecReader(NodeReader):
    """Reads the spec's sections, collecting every problem rather than stopping at the first."""

    def __init__(self, display: str, acl: AclCatalog, modules: ModuleCatalog) -> None:
        super().__init__(display)
        self.acl = acl
        self.modules = modules
        # Each granted resource's list item and the module that declares the resource.
        self.owners: list[tuple[Item, str]] = []
        self.from_installation = False
        self.templates: tuple[str, Node] | None = None  # the templates: folder, as written

    def read(self, root: Node, vendor: str, module: str) -> ModuleSpec | None:
        """The whole spec, or None when any error was reported."""
        top = self.mapping(root, "", TOP_KEYS)
        if top is None:
            return None
        own_name = f"{vendor}_{module}"
        block = self.module_block(_value(top, "module"))
        default_name = f"{vendor.lower()}/module-{rules.kebab(module)}"
        composer_name, user_require = self.composer_block(_value(top, "composer"), default_name)
        integrations = self.integrations(_value(top, "integrations"))
        integration_format = self.integration_format(_value(top, "integration_format"))
        setup = self.setup(_value(top, "setup"), integrations, integration_format)
        patch_name = self.patch_name(_value(top, "setup_patch_name"), setup)
        sequence = self.load_order(block.sequence, own_name, bool(integrations))
        self.note_modules_outside_sequence(sequence, own_name)
        setup_version = self.setup_version(block, setup)
        templates_node = _value(top, "templates")
        if templates_node is not None:
            folder = self.string(templates_node, "templates")
            self.templates = (folder, templates_node) if folder is not None else None
        if self.failed:
            return None
        return ModuleSpec(
            vendor=vendor,
            module=module,
            composer_name=composer_name,
            sequence=sequence,
            setup=setup,
            setup_version=setup_version,
            description=block.description,
            version=block.version,
            license=block.license,
            authors=block.authors,
            composer_require=resolve_require(sequence, user_require, self.modules),
            integrations=tuple(integrations),
            integration_format=integration_format,
            setup_patch_name=patch_name,
        )

    def module_block(self, node: Node | None) -> _ModuleBlock:
        """The ``module:`` block."""
        block = _ModuleBlock()
        entries = self.mapping(node, "module", MODULE_KEYS) if node is not None else None
        if not entries:
            return block
        if "description" in entries:
            block.description = self.string(entries["description"][1], "module.description")
        if "version" in entries:
            block.version_node = entries["version"][1]
            block.version = self.string(block.version_node, "module.version", rules.check_version)
        if "setup_version" in entries:
            block.setup_version = self.string(
                entries["setup_version"][1], "module.setup_version", rules.check_setup_version
            )
        if "license" in entries:
            block.license = self.license(entries["license"][1])
        if "authors" in entries:
            block.authors = self.authors(entries["authors"][1])
        if "sequence" in entries:
            items = self.string_list(
                entries["sequence"][1], "module.sequence", rules.check_module_name
            )
            block.sequence = items or []
        return block

    def license(self, node: Node) -> str | tuple[str, ...] | None:
        """``module.license``: one string or a non-empty list of them."""
        if isinstance(node, SequenceNode):
            if not node.value:
                self.report(node, "module.license", "must not be an empty list")
            items = self.string_list(node, "module.license") or []
            return tuple(item.value for item in items)
        if isinstance(node, MappingNode):
            self.report(node, "module.license", "expected a string or a list, got a mapping")
            return None
        return self.string(node, "module.license")

    def authors(self, node: Node) -> tuple[Author, ...]:
        """``module.authors``: composer authors, each with at least a name."""
        authors = []
        for index, item in enumerate(self.sequence(node, "module.authors") or []):
            item_field = join("module.authors", index)
            entries = self.mapping(item, item_field, AUTHOR_KEYS)
            if entries is None:
                continue
            self.require(item, item_field, entries, ("name",))
            checks = {"email": rules.check_author_email, "homepage": rules.check_author_homepage}
            values = {
                key: self.string(value, join(item_field, key), checks.get(key))
                for key, (_, value) in entries.items()
            }
            if values.get("name"):
                authors.append(Author(**values))
        return tuple(authors)

    def composer_block(
        self, node: Node | None, default_name: str
    ) -> tuple[str, tuple[tuple[str, str], ...]]:
        """``composer:``: the package name and the extra requirements, in spec order."""
        entries = self.mapping(node, "composer", COMPOSER_KEYS) if node is not None else None
        if not entries:
            return default_name, ()
        name = default_name
        if "name" in entries:
            name = (
                self.string(entries["name"][1], "composer.name", rules.check_composer_name)
                or default_name
            )
        require: list[tuple[str, str]] = []
        if "require" in entries:
            require = self.requirements(entries["require"][1], name)
        return name, tuple(require)

    def requirements(self, node: Node, own_package: str) -> list[tuple[str, str]]:
        """``composer.require``: package to constraint."""
        if not isinstance(node, MappingNode):
            self.report(node, "composer.require", f"expected a mapping, got {kind(node)}")
            return []
        require: list[tuple[str, str]] = []
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            package = self.key(key_node, "composer.require")
            if package is None:
                continue
            package_field = join("composer.require", package)
            problem = rules.check_required_package(package)
            if problem:
                self.report(key_node, package_field, problem)
                continue
            if package in first_line:
                message = f"duplicate key (first given on line {first_line[package]})"
                self.report(key_node, package_field, message)
                continue
            first_line[package] = key_node.start_mark.line + 1
            if package == own_package:
                self.report(key_node, package_field, "a package cannot require itself")
                continue
            constraint = self.string(value_node, package_field, rules.check_constraint)
            if constraint is not None:
                require.append((package, constraint))
        return require

    def integrations(self, node: Node | None) -> list[Integration]:
        """``integrations:``, with names unique as Magento's database compares them."""
        if node is None:
            return []
        integrations = []
        names = []
        for index, item in enumerate(self.sequence(node, "integrations") or []):
            integration = self.integration(item, join("integrations", index))
            if integration is not None:
                integrations.append(integration)
                name_node = _value(self.mapping_of[id(item)], "name") or item
                names.append(Item(integration.name, name_node, index))
        self.unique(
            names,
            "integrations",
            "integration",
            same=rules.integration_name_key,
            why=" (Magento's integration names ignore case, accents and trailing spaces)",
            member="name",
        )
        return integrations

    def integration(self, node: Node, item_field: str) -> Integration | None:
        """One integration."""
        entries = self.mapping(node, item_field, INTEGRATION_KEYS)
        if entries is None:
            return None
        all_resources = False
        if "all_resources" in entries:
            all_resources = bool(
                self.boolean(entries["all_resources"][1], join(item_field, "all_resources"))
            )
        flagged = "all_resources" in entries  # even when its value is wrong: no second error
        required = ("name", "email") if flagged else ("name", "email", "resources")
        self.require(node, item_field, entries, required)
        checks = {
            "name": rules.check_integration_name,
            "email": rules.check_email,
            "endpoint_url": rules.check_url,
            "identity_link_url": rules.check_url,
        }
        values = {
            key: self.string(entries[key][1], join(item_field, key), check)
            for key, check in checks.items()
            if key in entries
        }
        resources: tuple[str, ...] | None = (ALL,) if all_resources else None
        if "resources" in entries:
            resources_node = entries["resources"][1]
            listed = self.resources(resources_node, join(item_field, "resources"), all_resources)
            if all_resources and listed not in (None, (), (ALL,)):
                self.report(
                    resources_node,
                    join(item_field, "resources"),
                    f"with all_resources: true, list no other resources: {ALL} grants everything",
                )
            resources = resources or listed
        if all_resources and values.get("name"):
            self.report(
                entries["all_resources"][1],
                join(item_field, "all_resources"),
                f"integration {rules.shown(values['name'])} gets full access to everything ({ALL})",
                severity="warning",
            )
        if not values.get("name") or not values.get("email") or not resources:
            return None
        return Integration(
            name=values["name"],
            email=values["email"],
            resources=resources,
            endpoint_url=values.get("endpoint_url"),
            identity_link_url=values.get("identity_link_url"),
            all_resources=all_resources,
        )

    def resources(self, node: Node, list_field: str, all_resources: bool) -> tuple[str, ...] | None:
        """An integration's resources, completed as Magento needs them.

        Each entry is a known, enabled ACL id, or ``id/**`` for it and everything below it.
        The result adds every ancestor below the admin root and follows the ACL tree's order.
        """
        items = self.string_list(node, list_field)
        if items is None:
            return None
        if not node.value and not all_resources:
            self.report(node, list_field, "must list at least one ACL resource")
        self.unique(items, list_field, "resource")
        granted: list[str] = []
        for item in items:
            resource_id, subtree = rules.split_subtree(item.value)
            if not self.grantable(item, join(list_field, item.index), resource_id, all_resources):
                continue
            granted.append(resource_id)
            granted += self.acl.ancestors_below_admin(resource_id)
            if subtree:
                granted += [
                    below
                    for below in self.acl.descendants(resource_id)
                    if not self.acl.get(below).disabled  # type: ignore[union-attr]
                ]
        return self.acl.in_tree_order(granted)

    def grantable(self, item: Item, item_field: str, resource_id: str, all_resources: bool) -> bool:
        """Whether ``resource_id`` may be granted; reports why not."""
        resource = self.acl.get(resource_id)
        close = self.acl.suggestions(resource_id, limit=1) if resource is None else []
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        malformed = rules.check_resource_entry(item.value)
        if malformed:
            if item.value.endswith("/*") and resource_id[:-2] in self.acl:
                malformed = f"{rules.shown(item.value)}: write {resource_id}* for a subtree"
            elif self.acl.same_but_case(resource_id):
                malformed = f"{rules.shown(item.value)} is not an ACL resource id{hint}"
            self.report(item.node, item_field, malformed)
            return False
        if resource is None:
            if not close and self.from_installation:
                hint = "; neither Magento's core nor the installation declares it"
            elif not close and not resource_id.startswith("Magento_"):
                hint = "; for a module outside Magento's core, pass --magento-root"
            message = f"unknown ACL resource {rules.shown(resource_id)}{hint}"
            self.report(item.node, item_field, message)
            return False
        if resource.disabled:
            message = f"ACL resource {resource_id} is disabled in Magento; granting it does nothing"
            self.report(item.node, item_field, message)
            return False
        if resource_id == ALL and not all_resources:
            self.report(
                item.node,
                item_field,
                f"{ALL} grants full access to everything; set all_resources: true on this "
                "integration if that is really meant",
            )
            return False
        self.owners.append((item, resource.module))
        return True

    def note_modules_outside_sequence(self, sequence: tuple[str, ...], own_name: str) -> None:
        """Note resources of modules that are neither core nor loaded before this one."""
        core = bundled_modules().core()
        for item, owner in self.owners:
            if owner not in core and owner not in sequence and owner != own_name:
                self.report(
                    item.node,
                    "",
                    f"{rules.split_subtree(item.value)[0]} belongs to {owner}, which is not a "
                    "core module; add it to module.sequence so it loads first",
                    severity="note",
                )

    def choice(self, node: Node, field: str, what: str, choices: tuple[str, ...]) -> str | None:
        """One of ``choices``."""
        value = self.string(node, field)
        if value is not None and value not in choices:
            self.report(
                node,
                field,
                f"unknown {what} {rules.shown(value)}{suggestion(value, choices)}; "
                f"choose one of: {', '.join(choices)}",
            )
            return None
        return value

    def integration_format(self, node: Node | None) -> str:
        """``integration_format:``, split unless said otherwise."""
        if node is None:
            return FORMAT_SPLIT
        chosen = self.choice(node, "integration_format", "format", INTEGRATION_FORMATS)
        return chosen or FORMAT_SPLIT

    def setup(
        self, node: Node | None, integrations: list[Integration], integration_format: str
    ) -> str:
        """``setup:``. The default creates the integrations: InstallData for the split format;
        nothing for the consolidated one, which Magento_Integration processes by itself."""
        split = integration_format == FORMAT_SPLIT
        if node is None:
            return SETUP_INSTALL_DATA if integrations and split else SETUP_NONE
        value = self.choice(node, "setup", "setup style", SETUP_STYLES)
        if value is None:
            return SETUP_NONE
        if value != SETUP_NONE and not integrations:
            self.report(node, "setup", f"{value} needs at least one integration to create")
        elif value != SETUP_NONE and not split:
            self.report(
                node,
                "setup",
                f"{value} does not go with integration_format: consolidated: "
                "Magento_Integration creates the integrations of etc/integration.xml on every "
                "setup:upgrade by itself, and processIntegrationConfig() reads only the split "
                "format's files; leave setup out",
            )
        elif value == SETUP_NONE and integrations and split:
            self.report(
                node,
                "setup",
                "with the split format, 'none' leaves the integrations unprocessed: Magento "
                "would never create them; use install-data or data-patch, or "
                "integration_format: consolidated",
            )
        return value

    def patch_name(self, node: Node | None, setup: str) -> str:
        """``setup_patch_name:``, the data patch's class name."""
        if node is None:
            return DEFAULT_PATCH_NAME
        name = self.string(node, "setup_patch_name", rules.check_class_name)
        if name is not None and name.lower() in PATCH_IMPORTS:
            self.report(
                node,
                "setup_patch_name",
                f"{rules.shown(name)} is a class the data patch imports; PHP would refuse to "
                "declare a second one (class names ignore case in PHP)",
            )
            name = None
        if name is not None and setup != SETUP_DATA_PATCH:
            self.report(node, "setup_patch_name", "is only used with setup: data-patch")
        return name or DEFAULT_PATCH_NAME

    def load_order(
        self, items: list[Item], own_name: str, has_integrations: bool
    ) -> tuple[str, ...]:
        """The modules to load first: the spec's, plus Magento_Integration for integrations."""
        self.unique(items, "module.sequence", "module")
        for item in items:
            if item.value == own_name:
                item_field = join("module.sequence", item.index)
                self.report(item.node, item_field, "a module cannot load after itself")
        names = list(dict.fromkeys(item.value for item in items))
        if has_integrations and INTEGRATION_MODULE not in (*names, own_name):
            names.append(INTEGRATION_MODULE)
        return tuple(names)

    def setup_version(self, block: _ModuleBlock, setup: str) -> str | None:
        """module.xml's setup_version: given, or needed by InstallData (then version or 1.0.0)."""
        if block.setup_version is not None:
            return block.setup_version
        if setup != SETUP_INSTALL_DATA:
            return None
        if block.version is None or block.version_node is None:
            return DEFAULT_SETUP_VERSION
        message = rules.check_setup_version(block.version)
        if message:
            self.report(
                block.version_node,
                "module.version",
                f"{message}; InstallData needs a setup_version, so give module.setup_version",
            )
            return None
        return block.version


def _value(entries: Entries, key: str) -> Node | None:
    entry = entries.get(key)
    return entry[1] if entry else None
