"""The spec's sections read from YAML nodes into typed values that remember where they were.

This is the shape of the spec only: which keys each mapping has, and whether each value is of
the right kind and passes its own rule. What keys mean together (setup and format, grants and
the ACL tree) is decided later, by generator.spec.policy, from these values alone.
"""

from __future__ import annotations

from typing import NamedTuple

from yaml.nodes import MappingNode, Node, SequenceNode

from generator.errors import suggestion
from generator.magento import rules
from generator.magento.constraints import ConstraintError
from generator.magento.targetset import select_releases
from generator.spec.aclsection import AclEntrySection, read_acl
from generator.spec.fields import Entries, Item, Located, NodeReader, join
from generator.spec.format import AUTHOR, COMPOSER, INTEGRATION, MODULE, SPEC
from generator.spec.model import Author
from generator.spec.yamlfile import Position, kind, position

# The keys each mapping of a spec may hold, as the format declares them.
TOP_KEYS = SPEC.keys()
MODULE_KEYS = MODULE.keys()
AUTHOR_KEYS = AUTHOR.keys()
COMPOSER_KEYS = COMPOSER.keys()
INTEGRATION_KEYS = INTEGRATION.keys()


def target_problem(constraint: str) -> str | None:
    """What is wrong with ``magento:``: a constraint Composer cannot read, or one that targets
    no Magento release magegen knows."""
    try:
        select_releases(constraint)
    except ConstraintError as exc:
        return str(exc)
    return None


class ModuleSection(NamedTuple):
    """What the ``module:`` block said."""

    description: str | None = None
    version: Located | None = None
    setup_version: str | None = None
    license: str | tuple[str, ...] | None = None
    authors: tuple[Author, ...] = ()
    sequence: tuple[Item, ...] = ()


class Requirement(NamedTuple):
    """One entry of ``composer.require``, located at its key."""

    package: str
    constraint: str | None  # None when the constraint itself was bad
    at: Position


class IntegrationSection(NamedTuple):
    """One item of ``integrations:`` as written; its values are None where absent or bad."""

    field: str  # integrations[<index>]
    at: Position
    name: Located | None
    email: Located | None
    endpoint_url: Located | None
    identity_link_url: Located | None
    all_resources: bool = False
    all_resources_at: Position | None = None  # where the key was, even with a bad value
    resources: tuple[Item, ...] | None = None  # None when absent or not a list
    resources_at: Position | None = None
    resources_empty: bool = False  # the list was written, with nothing in it
    retired: bool = False  # ``retired: true``: stores delete it; only its name is written
    endpoints: tuple[Item, ...] | None = None  # None when absent or not a list
    endpoints_at: Position | None = None
    parents: bool = True  # ``parents: false`` grants without ancestors
    parents_at: Position | None = None


class SpecSections(NamedTuple):
    """Every section of a spec, read but not yet judged together."""

    name: Located | None = None
    module: ModuleSection = ModuleSection()
    composer_name: Located | None = None
    require: tuple[Requirement, ...] = ()
    integrations: tuple[IntegrationSection, ...] | None = None  # None: no integrations key
    integration_format: Located | None = None
    setup: Located | None = None
    setup_patch_name: Located | None = None
    templates: Located | None = None
    bearer_tokens: Located | None = None  # value "true" when on, where the key was
    acl: tuple[AclEntrySection, ...] = ()  # the module's own ACL resources
    magento: Located | None = None  # the target lines, a Composer constraint
    catalog: Located | None = None  # a catalog file, relative to the spec
    given: frozenset[str] = frozenset()  # the top-level keys written, good or bad


class SectionReader(NodeReader):
    """Reads each section of a spec; problems go to the report it was made with."""

    def sections(self, root: Node) -> SpecSections | None:
        """Every section of the spec whose top node is ``root``; None if it is no mapping."""
        top = self.mapping(root, "", TOP_KEYS)
        if top is None:
            return None
        composer = self.composer(top.get("composer"))
        return SpecSections(
            name=self.located(top.get("name"), "name", rules.check_spec_module_name),
            module=self.module(top.get("module")),
            composer_name=composer[0],
            require=composer[1],
            integrations=self.integrations(top.get("integrations")),
            integration_format=self.choice(top.get("integration_format"), "integration_format"),
            setup=self.choice(top.get("setup"), "setup"),
            setup_patch_name=self.located(
                top.get("setup_patch_name"), "setup_patch_name", rules.check_class_name
            ),
            templates=self.located(top.get("templates"), "templates"),
            bearer_tokens=self.bearer_tokens(top.get("bearer_tokens")),
            acl=read_acl(self, top.get("acl")),
            magento=self.located(top.get("magento"), "magento", target_problem),
            catalog=self.located(top.get("catalog"), "catalog"),
            given=frozenset(key for key, _ in top.items()),
        )

    def module(self, node: Node | None) -> ModuleSection:
        """The ``module:`` block."""
        entries = self.mapping(node, "module", MODULE_KEYS) if node is not None else None
        if not entries:
            return ModuleSection()
        license_node, authors_node = entries.get("license"), entries.get("authors")
        sequence_node = entries.get("sequence")
        sequence = (
            self.string_list(sequence_node, "module.sequence", rules.check_module_name)
            if sequence_node is not None
            else None
        )
        setup_version = self.located(
            entries.get("setup_version"), "module.setup_version", rules.check_setup_version
        )
        description = self.located(entries.get("description"), "module.description")
        return ModuleSection(
            description=description.value if description else None,
            version=self.located(entries.get("version"), "module.version", rules.check_version),
            setup_version=setup_version.value if setup_version else None,
            license=self.license(license_node) if license_node is not None else None,
            authors=self.authors(authors_node) if authors_node is not None else (),
            sequence=tuple(sequence or ()),
        )

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
            self.require(entries, item_field, ("name",))
            checks = {"email": rules.check_author_email, "homepage": rules.check_author_homepage}
            values = {
                key: self.string(value, join(item_field, key), checks.get(key))
                for key, value in entries.items()
            }
            if values.get("name"):
                authors.append(Author(**values))
        return tuple(authors)

    def composer(self, node: Node | None) -> tuple[Located | None, tuple[Requirement, ...]]:
        """``composer:``: the package name, and the extra requirements in spec order."""
        entries = self.mapping(node, "composer", COMPOSER_KEYS) if node is not None else None
        if not entries:
            return None, ()
        name = self.located(entries.get("name"), "composer.name", rules.check_composer_name)
        require_node = entries.get("require")
        return name, self.requirements(require_node) if require_node is not None else ()

    def requirements(self, node: Node) -> tuple[Requirement, ...]:
        """``composer.require``: package to constraint."""
        if not isinstance(node, MappingNode):
            self.report(node, "composer.require", f"expected a mapping, got {kind(node)}")
            return ()
        require: list[Requirement] = []
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
            first_line[package] = position(key_node).line
            constraint = self.string(value_node, package_field, rules.check_constraint)
            require.append(Requirement(package, constraint, position(key_node)))
        return tuple(require)

    def integrations(self, node: Node | None) -> tuple[IntegrationSection, ...] | None:
        """``integrations:``, each item that is a mapping."""
        if node is None:
            return None
        found = []
        for index, item in enumerate(self.sequence(node, "integrations") or []):
            integration = self.integration(item, join("integrations", index))
            if integration is not None:
                found.append(integration)
        return tuple(found)

    def integration(self, node: Node, item_field: str) -> IntegrationSection | None:
        """One integration, as written."""
        entries = self.mapping(node, item_field, INTEGRATION_KEYS)
        if entries is None:
            return None
        marker = entries.get("retired")
        if marker is not None and self.boolean(marker, join(item_field, "retired")):
            return self.retired(node, entries, item_field)
        flag_node = entries.get("all_resources")
        flag = None if flag_node is None else self.boolean(flag_node, f"{item_field}.all_resources")
        # Even when its value is wrong, all_resources excuses a missing resources: no second
        # error; endpoints ask for a grant of their own.
        excused = flag_node is not None or entries.get("endpoints") is not None
        required = ("name", "email") if excused else ("name", "email", "resources")
        self.require(entries, item_field, required)
        checks = {
            "name": rules.check_integration_name,
            "email": rules.check_email,
            "endpoint_url": rules.check_url,
            "identity_link_url": rules.check_url,
        }
        values = {
            key: self.located(entries.get(key), join(item_field, key), check)
            for key, check in checks.items()
        }
        return IntegrationSection(
            field=item_field,
            at=position(node),
            all_resources=bool(flag),
            all_resources_at=position(flag_node) if flag_node is not None else None,
            **values,
            **self.resources(entries, join(item_field, "resources")),
            **self.route_keys(entries, item_field),
        )

    def retired(self, node: Node, entries: Entries, item_field: str) -> IntegrationSection:
        """An entry marked ``retired: true``: its name, and no other key."""
        self.require(entries, item_field, INTEGRATION.marker_keeps)
        for key, key_node in entries.keys_with_nodes():
            if key not in (*INTEGRATION.marker_keeps, "retired"):
                self.report(
                    key_node,
                    join(item_field, key),
                    "a retired integration holds only its name: stores delete it, so nothing "
                    "else about it is used; remove this key",
                )
        name_field = join(item_field, "name")
        name = self.located(entries.get("name"), name_field, rules.check_integration_name)
        return IntegrationSection(item_field, position(node), name, None, None, None, retired=True)

    def resources(self, entries: Entries, list_field: str) -> dict[str, object]:
        """An integration's ``resources`` list, as the keyword arguments of its section."""
        node = entries.get("resources")
        if node is None:
            return {}
        items = self.string_list(node, list_field)
        return {
            "resources": None if items is None else tuple(items),
            "resources_at": position(node),
            "resources_empty": isinstance(node, SequenceNode) and not node.value,
        }

    def route_keys(self, entries: Entries, item_field: str) -> dict[str, object]:
        """An integration's ``endpoints`` and ``parents``, as keyword arguments of its section."""
        found: dict[str, object] = {}
        node = entries.get("endpoints")
        if node is not None:
            items = self.string_list(node, join(item_field, "endpoints"))
            if isinstance(node, SequenceNode) and not node.value:
                self.report(node, join(item_field, "endpoints"), "must list at least one route")
            found.update(
                endpoints=None if items is None else tuple(items), endpoints_at=position(node)
            )
        flag = entries.get("parents")
        if flag is not None:
            value = self.boolean(flag, join(item_field, "parents"))
            found.update(parents=value is not False, parents_at=position(flag))
        return found

    def bearer_tokens(self, node: Node | None) -> Located | None:
        """``bearer_tokens:``, located when it is true."""
        if node is None:
            return None
        return Located("true", position(node)) if self.boolean(node, "bearer_tokens") else None

    def choice(self, node: Node | None, field: str) -> Located | None:
        """A key whose value is one of the format's choices for it."""
        if node is None:
            return None
        value = self.string(node, field)
        choices = next(f.choices for f in SPEC.fields if f.key == field)
        if value is not None and value not in choices:
            what = {"setup": "setup style", "integration_format": "format"}[field]
            self.report(
                node,
                field,
                f"unknown {what} {rules.shown(value)}{suggestion(value, choices)}; "
                f"choose one of: {', '.join(choices)}",
            )
            return None
        return None if value is None else Located(value, position(node))
