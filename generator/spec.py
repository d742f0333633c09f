"""Read a YAML spec (format version 1) into a ModuleSpec, reporting every problem with its line."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator import rules
from generator.errors import Problem, SpecError, UsageError
from generator.model import (
    SETUP_INSTALL_DATA,
    SETUP_NONE,
    SETUP_STYLES,
    Author,
    Integration,
    ModuleSpec,
)
from generator.yamlnodes import (
    MAX_NODES,
    MERGE_TAG,
    NULL_TAG,
    compose,
    count_nodes,
    kind,
    position,
    read_text,
)

TOP_KEYS = ("module", "composer", "setup", "integrations")
MODULE_KEYS = ("description", "version", "setup_version", "license", "authors", "sequence")
AUTHOR_KEYS = ("name", "email", "homepage", "role")
COMPOSER_KEYS = ("name", "require")
INTEGRATION_KEYS = ("name", "email", "endpoint_url", "identity_link_url", "resources")

INTEGRATION_MODULE = "Magento_Integration"
DEFAULT_SETUP_VERSION = "1.0.0"


@dataclass(frozen=True)
class LoadedSpec:
    """A valid spec, and the warnings found while reading it."""

    spec: ModuleSpec
    warnings: tuple[Problem, ...] = ()


def parse_module_name(name: str) -> tuple[str, str]:
    """Split ``Vendor/Module`` or ``Vendor_Module`` into its two parts, checking Magento's rule."""
    parts = name.split("/" if "/" in name else "_")
    if len(parts) != 2:
        raise UsageError(
            [
                Problem(
                    "NAME",
                    f"{rules.shown(name)} must be Vendor/Module or Vendor_Module, e.g. Acme/Erp",
                )
            ]
        )
    vendor, module = parts
    problems = [
        Problem("NAME", message)
        for message in (rules.check_module_part(vendor), rules.check_module_part(module))
        if message
    ]
    if problems:
        raise UsageError(problems)
    return vendor, module


def load_spec(path: Path, module_name: str, display: str | None = None) -> LoadedSpec:
    """Read the spec at ``path`` for the module ``module_name``.

    Raises UsageError for a bad module name and SpecError listing every problem in the spec.
    ``display`` is how the spec file is named in messages (default: ``path`` as given).
    """
    vendor, module = parse_module_name(module_name)
    display = display if display is not None else str(path)
    root = compose(read_text(path, display), display)
    if count_nodes(root) > MAX_NODES:
        raise SpecError(
            [Problem(display, f"expands to more than {MAX_NODES} YAML nodes (anchors/aliases?)")]
        )
    reader = _SpecReader(display)
    spec = reader.read(root, vendor, module)
    reader.problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    errors = [p for p in reader.problems if p.severity == "error"]
    if errors or spec is None:
        raise SpecError(errors)
    warnings = tuple(p for p in reader.problems if p.severity == "warning")
    return LoadedSpec(spec, warnings)


@dataclass(frozen=True)
class Item:
    """A good value read from a list, with its node and its index in the list."""

    value: str
    node: Node
    index: int


def _join(field: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{field}[{key}]"
    return f"{field}.{key}" if field else key


class _SpecReader:
    """Walks the nodes of one spec, collecting every problem rather than stopping at the first."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []
        # (mapping node id, key) for keys that an unknown key in that mapping resembles, so a
        # typo is reported once, as a typo, and not again as a missing key.
        self.misspelled: set[tuple[int, str]] = set()

    # -- reporting ---------------------------------------------------------------------------

    def report(self, node: Node, field: str, message: str, severity: str = "error") -> None:
        where = position(node)
        self.problems.append(
            Problem(self.display, message, where.line, where.column, field or None, severity)
        )

    # -- generic shapes ------------------------------------------------------------------------

    def mapping(
        self, node: Node, field: str, allowed: tuple[str, ...]
    ) -> dict[str, tuple[Node, Node]] | None:
        """The entries of a mapping node, by key; reports unknown and duplicate keys."""
        if not isinstance(node, MappingNode):
            self.report(node, field, f"expected a mapping, got {kind(node)}")
            return None
        entries: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                self.report(key_node, field, "YAML merge keys ('<<') are not supported in a spec")
                continue
            if not isinstance(key_node, ScalarNode):
                self.report(key_node, field, f"a key must be a plain word, got {kind(key_node)}")
                continue
            key = key_node.value
            key_field = _join(field, key)
            if key in entries:
                first = position(entries[key][0]).line
                self.report(key_node, key_field, f"duplicate key (first given on line {first})")
            elif key not in allowed:
                suggestion = _closest(key, allowed)
                if suggestion:
                    self.misspelled.add((id(node), suggestion))
                self.report(key_node, key_field, "unknown key" + _suggestion(key, allowed))
            else:
                entries[key] = (key_node, value_node)
        return entries

    def require(
        self, node: Node, field: str, entries: dict[str, tuple[Node, Node]], keys: tuple[str, ...]
    ) -> None:
        """Report each of ``keys`` missing from the mapping ``node`` (unless it was misspelled)."""
        for key in keys:
            if key not in entries and (id(node), key) not in self.misspelled:
                self.report(node, _join(field, key), "required key is missing")

    def string(self, node: Node, field: str) -> str | None:
        """A non-empty scalar, as the text the user typed."""
        if not isinstance(node, ScalarNode):
            self.report(node, field, f"expected a string, got {kind(node)}")
            return None
        if node.tag == NULL_TAG or node.value == "":
            self.report(node, field, "must not be empty")
            return None
        if rules.has_surrogate(node.value):
            self.report(node, field, "holds a lone UTF-16 surrogate (\\uD800-\\uDFFF), not text")
            return None
        return node.value

    def checked(
        self, node: Node, field: str, check: Callable[[str], str | None] | None = None
    ) -> str | None:
        """A string that must also pass ``check``."""
        value = self.string(node, field)
        if value is not None and check is not None:
            message = check(value)
            if message:
                self.report(node, field, message)
                return None
        return value

    def string_list(
        self, node: Node, field: str, check: Callable[[str], str | None] | None = None
    ) -> list[Item] | None:
        """The good strings of a list (each passing ``check``), with their node and index."""
        if not isinstance(node, SequenceNode):
            self.report(node, field, f"expected a list, got {kind(node)}")
            return None
        items = []
        for index, item in enumerate(node.value):
            value = self.checked(item, _join(field, index), check)
            if value is not None:
                items.append(Item(value, item, index))
        return items

    def unique(self, items: list[Item], field: str, what: str) -> None:
        """Report every item that repeats an earlier one."""
        seen: dict[str, int] = {}
        for item in items:
            if item.value in seen:
                first = _join(field, seen[item.value])
                message = f"{what} {rules.shown(item.value)} is already listed at {first}"
                self.report(item.node, _join(field, item.index), message)
            else:
                seen[item.value] = item.index

    # -- the spec ------------------------------------------------------------------------------

    def read(self, root: Node, vendor: str, module: str) -> ModuleSpec | None:
        top = self.mapping(root, "", TOP_KEYS)
        if top is None:
            return None
        module_block = self.module_block(top.get("module"))
        composer_name, require = self.composer_block(top.get("composer"), vendor, module)
        integrations = self.integrations(top.get("integrations"))
        setup = self.setup(top.get("setup"), integrations)
        sequence = self.sequence(module_block.get("sequence"), f"{vendor}_{module}", integrations)
        setup_version = self.setup_version(module_block, setup)
        if any(p.severity == "error" for p in self.problems):
            return None
        return ModuleSpec(
            vendor=vendor,
            module=module,
            composer_name=composer_name or f"{vendor.lower()}/module-{rules.kebab(module)}",
            sequence=sequence,
            setup=setup,
            setup_version=setup_version,
            description=module_block.get("description"),
            version=module_block.get("version"),
            license=module_block.get("license"),
            authors=module_block.get("authors", ()),
            composer_require=require,
            integrations=tuple(integrations),
        )

    def module_block(self, entry: tuple[Node, Node] | None) -> dict:
        """The ``module:`` block as plain values; nodes kept under ``*_node`` for later checks."""
        values: dict = {}
        if entry is None:
            return values
        entries = self.mapping(entry[1], "module", MODULE_KEYS)
        if not entries:
            return values
        for key, check in (
            ("description", None),
            ("version", rules.check_version),
            ("setup_version", rules.check_setup_version),
        ):
            if key in entries:
                value = self.checked(entries[key][1], f"module.{key}", check)
                if value is not None:
                    values[key] = value
                    values[f"{key}_node"] = entries[key][1]
        if "license" in entries:
            values["license"] = self.license(entries["license"][1])
        if "authors" in entries:
            values["authors"] = self.authors(entries["authors"][1])
        if "sequence" in entries:
            values["sequence"] = entries["sequence"][1]
        return values

    def license(self, node: Node) -> str | tuple[str, ...] | None:
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
        if not isinstance(node, SequenceNode):
            self.report(node, "module.authors", f"expected a list, got {kind(node)}")
            return ()
        authors = []
        for index, item in enumerate(node.value):
            field = _join("module.authors", index)
            entries = self.mapping(item, field, AUTHOR_KEYS)
            if entries is None:
                continue
            self.require(item, field, entries, ("name",))
            values = {}
            for key, (_, value_node) in entries.items():
                check = {"email": rules.check_email, "homepage": rules.check_url}.get(key)
                values[key] = self.checked(value_node, _join(field, key), check)
            if values.get("name"):
                authors.append(Author(**values))
        return tuple(authors)

    def composer_block(
        self, entry: tuple[Node, Node] | None, vendor: str, module: str
    ) -> tuple[str | None, tuple[tuple[str, str], ...]]:
        if entry is None:
            return None, ()
        entries = self.mapping(entry[1], "composer", COMPOSER_KEYS)
        if not entries:
            return None, ()
        name = None
        if "name" in entries:
            name = self.checked(entries["name"][1], "composer.name", rules.check_composer_name)
        require: list[tuple[str, str]] = []
        if "require" in entries:
            node = entries["require"][1]
            if not isinstance(node, MappingNode):
                self.report(node, "composer.require", f"expected a mapping, got {kind(node)}")
            else:
                seen: set[str] = set()
                for key_node, value_node in node.value:
                    field = _join("composer.require", str(key_node.value))
                    package = self.checked(key_node, field, rules.check_required_package)
                    constraint = self.string(value_node, field)
                    if package is None or constraint is None:
                        continue
                    if package in seen:
                        self.report(key_node, field, "duplicate key")
                        continue
                    seen.add(package)
                    require.append((package, constraint))
        return name, tuple(require)

    def integrations(self, entry: tuple[Node, Node] | None) -> list[Integration]:
        if entry is None:
            return []
        node = entry[1]
        if not isinstance(node, SequenceNode):
            self.report(node, "integrations", f"expected a list, got {kind(node)}")
            return []
        integrations = []
        names: list[tuple[str, Node]] = []
        for index, item in enumerate(node.value):
            integration = self.integration(item, _join("integrations", index))
            if integration is not None:
                integrations.append(integration)
                names.append((integration.name, item))
        # Magento's integration.name column is unique under a case-insensitive collation.
        self.unique_names(names)
        return integrations

    def unique_names(self, names: list[tuple[str, Node]]) -> None:
        seen: dict[str, int] = {}
        for index, (name, node) in enumerate(names):
            key = name.casefold()
            if key in seen:
                self.report(
                    node,
                    f"integrations[{index}].name",
                    f"integration {rules.shown(name)} is already defined at "
                    f"integrations[{seen[key]}] (Magento compares names case-insensitively)",
                )
            else:
                seen[key] = index

    def integration(self, node: Node, field: str) -> Integration | None:
        entries = self.mapping(node, field, INTEGRATION_KEYS)
        if entries is None:
            return None
        self.require(node, field, entries, ("name", "email", "resources"))
        checks = {
            "name": rules.check_integration_name,
            "email": rules.check_email,
            "endpoint_url": rules.check_url,
            "identity_link_url": rules.check_url,
        }
        values = {
            key: self.checked(entries[key][1], _join(field, key), check)
            for key, check in checks.items()
            if key in entries
        }
        resources: list[Item] | None = None
        if "resources" in entries:
            resources_field = _join(field, "resources")
            resources_node = entries["resources"][1]
            resources = self.string_list(resources_node, resources_field, rules.check_resource_id)
            if resources is not None and not resources_node.value:
                self.report(resources_node, resources_field, "must list at least one ACL resource")
            if resources:
                self.unique(resources, resources_field, "resource")
        if not values.get("name") or not values.get("email") or not resources:
            return None
        return Integration(
            name=values["name"],
            email=values["email"],
            resources=tuple(item.value for item in resources),
            endpoint_url=values.get("endpoint_url"),
            identity_link_url=values.get("identity_link_url"),
        )

    def setup(self, entry: tuple[Node, Node] | None, integrations: list[Integration]) -> str:
        if entry is None:
            return SETUP_INSTALL_DATA if integrations else SETUP_NONE
        node = entry[1]
        value = self.string(node, "setup")
        if value is None:
            return SETUP_NONE
        if value not in SETUP_STYLES:
            self.report(
                node,
                "setup",
                f"unknown setup style {rules.shown(value)}"
                + _suggestion(value, SETUP_STYLES)
                + f"; choose one of: {', '.join(SETUP_STYLES)}",
            )
            return SETUP_NONE
        if value == SETUP_INSTALL_DATA and not integrations:
            self.report(node, "setup", "install-data needs at least one integration to create")
        if value == SETUP_NONE and integrations:
            self.report(
                node,
                "setup",
                "with 'none', nothing calls processIntegrationConfig, so Magento will not "
                "create these integrations",
                severity="warning",
            )
        return value

    def sequence(
        self, node: Node | None, own_name: str, integrations: list[Integration]
    ) -> tuple[str, ...]:
        names: list[str] = []
        if node is not None:
            items = self.string_list(node, "module.sequence", rules.check_module_name) or []
            self.unique(items, "module.sequence", "module")
            for item in items:
                if item.value == own_name:
                    field = _join("module.sequence", item.index)
                    self.report(item.node, field, "a module cannot load after itself")
            names = list(dict.fromkeys(item.value for item in items))
        if integrations and INTEGRATION_MODULE not in names:
            names.append(INTEGRATION_MODULE)
        return tuple(names)

    def setup_version(self, module_block: dict, setup: str) -> str | None:
        if "setup_version" in module_block:
            return module_block["setup_version"]
        if setup != SETUP_INSTALL_DATA:
            return None
        version = module_block.get("version")
        if version is None:
            return DEFAULT_SETUP_VERSION
        message = rules.check_setup_version(version)
        if message:
            self.report(
                module_block["version_node"],
                "module.version",
                f"{message}; InstallData needs a setup_version, so give module.setup_version",
            )
            return None
        return version


def _closest(word: str, choices: tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def _suggestion(word: str, choices: tuple[str, ...]) -> str:
    close = _closest(word, choices)
    return f" (did you mean '{close}'?)" if close else ""
