"""The spec format (version 1), declared once.

The loader (generator.spec.reader) takes its keys, required keys and choices from here, and
``magegen schema`` turns the same declarations into a JSON Schema, so the two cannot drift.
The value rules themselves live in generator.magento.rules; the patterns below are theirs.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from generator.magento import rules
from generator.spec.model import IntegrationFormat, Setup


class Field(NamedTuple):
    """One key of a mapping in the spec."""

    key: str
    # string | integer | version | boolean | choice | string-or-list | list | mapping | map
    kind: str
    description: str
    required: bool = False
    pattern: str | None = None  # a full-match regular expression (Python and ECMA-262 alike)
    choices: tuple[str, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    items: Field | Section | None = None  # what a list holds
    section: Section | None = None  # the keys of a nested mapping
    values: Field | None = None  # what a free-form mapping (kind "map") maps its keys to
    key_pattern: str | None = None  # the keys of a free-form mapping
    required_unless: str | None = None  # required unless this sibling key is true
    # ... or unless one of these sibling keys is given at all (any value)
    required_unless_given: tuple[str, ...] = ()


class Section(NamedTuple):
    """A mapping with a fixed set of keys."""

    fields: tuple[Field, ...]
    description: str = ""
    # A boolean key that, when true, allows only itself and ``marker_keeps`` (then required).
    marker: str | None = None
    marker_keeps: tuple[str, ...] = ()

    def keys(self) -> tuple[str, ...]:
        """Every key the mapping accepts, in the documented order."""
        return tuple(f.key for f in self.fields)

    def required(self) -> tuple[str, ...]:
        """The keys the mapping must have."""
        return tuple(f.key for f in self.fields if f.required)


def _text(key: str, description: str, **extra: Any) -> Field:
    return Field(key, "string", description, **extra)


_URL: dict[str, Any] = {"pattern": r"https?://.+", "max_length": rules.MAX_COLUMN_CHARS}
_STORED: dict[str, Any] = {"max_length": rules.MAX_COLUMN_CHARS}

AUTHOR = Section(
    (
        _text("name", "The author's name.", required=True),
        _text("email", "The author's email address.", pattern=rules.EMAIL.pattern),
        _text("homepage", "The author's web site (http or https).", pattern=r"https?://.+"),
        _text("role", "The author's role, e.g. Developer."),
    ),
    "A composer.json author.",
)

MODULE = Section(
    (
        _text("description", "composer.json's description."),
        Field(
            "version",
            "version",
            "composer.json's version; also module.xml's setup_version when InstallData needs "
            "one and setup_version is not given.",
            pattern=rules.VERSION_PATTERN,
        ),
        Field(
            "setup_version",
            "version",
            "module.xml's setup_version: digits separated by dots. Written when given, and "
            "always with setup: install-data (then it defaults to version, else 1.0.0).",
            pattern=rules.SETUP_VERSION.pattern,
        ),
        Field(
            "license",
            "string-or-list",
            "composer.json's license: one SPDX id (or 'proprietary') or a list of them.",
        ),
        Field("authors", "list", "composer.json's authors.", items=AUTHOR),
        Field(
            "sequence",
            "list",
            "Modules to load before this one; Magento_Integration is added when there are "
            "integrations. Each is required in composer.json when its package is known.",
            items=_text(
                "module", "A module name, Vendor_Module.", pattern=rules.MODULE_NAME.pattern
            ),
        ),
    ),
    "The module itself.",
)

COMPOSER = Section(
    (
        _text(
            "name",
            "composer.json's package name; default: lowercase vendor + '/module-' + the module "
            "in kebab case.",
            pattern=rules.COMPOSER_NAME.pattern,
        ),
        Field(
            "require",
            "map",
            "Requirements merged over magegen's (php, magento/framework, sequence modules).",
            values=_text("constraint", "A Composer version constraint."),
            key_pattern=f"{rules.PLATFORM_PACKAGE.pattern}|{rules.COMPOSER_NAME.pattern}",
        ),
    ),
    "composer.json beyond what magegen derives.",
)

ENDPOINTS = Field(
    "endpoints",
    "list",
    "REST routes the integration calls ('GET /V1/orders', 'GET /V1/products/:sku', {sku} or a "
    "concrete path): it is granted exactly the ACL resources they need (all of them), with "
    "resources: too the union. See `magegen routes`.",
    items=_text("route", "A REST route: an HTTP method and a path.", min_length=1),
)

PARENTS = Field(
    "parents",
    "boolean",
    "false grants exactly the listed and route resources, without their parent resources: "
    "least privilege, but the admin's integration page and Activate popup then show an empty "
    "permission tree. Default true.",
)

BEARER_TOKENS = Field(
    "bearer_tokens",
    "boolean",
    "true writes etc/config.xml setting oauth/consumer/enable_integration_as_bearer to 1, so "
    "integration access tokens work as standalone Bearer tokens (Magento 2.4.4+ refuses them "
    "by default). Store-wide, and a leaked token then works without an OAuth signature. "
    "Default false.",
)

INTEGRATION = Section(
    (
        _text(
            "name",
            "The integration's name: unique, no apostrophe, no control characters, no emoji.",
            required=True,
            min_length=2,
            **_STORED,
        ),
        _text(
            "email",
            "The integration's email address.",
            required=True,
            pattern=rules.EMAIL.pattern,
            **_STORED,
        ),
        _text("endpoint_url", "Where Magento posts the OAuth credentials.", **_URL),
        _text("identity_link_url", "Where the integration's login page is.", **_URL),
        Field(
            "resources",
            "list",
            "ACL resources granted; magegen adds their parents. 'Vendor_Module::id/**' grants "
            "an id and everything below it. See `magegen acl`.",
            required=True,
            required_unless="all_resources",
            required_unless_given=("endpoints",),
            items=_text(
                "resource",
                "An ACL resource id, optionally followed by /**.",
                pattern=rf"(?:{rules.RESOURCE_ID.pattern})(?:/\*\*)?",
            ),
        ),
        Field(
            "all_resources",
            "boolean",
            "true grants Magento_Backend::all: full access to everything.",
        ),
        ENDPOINTS,
        PARENTS,
        Field(
            "retired",
            "boolean",
            "true retires the integration: every store that has it deletes it on its next "
            "setup:upgrade, and its access tokens stop working. The entry then holds only name "
            "and retired (split format only).",
        ),
    ),
    "An OAuth integration and the ACL resources it is granted.",
    marker="retired",
    marker_keeps=("name",),
)

# Levels of ``children`` an ``acl:`` entry may nest (Magento's deepest core tree has 7 in all).
ACL_CHILD_DEPTH = 8


def acl_entry(depth: int = ACL_CHILD_DEPTH, top: bool = True) -> Section:
    """An entry of ``acl:``; ``depth`` more levels of children may follow, and only a top-level
    entry may name its ``parent``."""
    fields = [
        _text(
            "id",
            "The resource id, Vendor_Module::name (Magento's acl.xsd); normally with the "
            "module's own name as its prefix.",
            required=True,
            pattern=rules.ACL_ID.pattern,
        ),
        _text(
            "title",
            "What the admin's role and integration editors show (3 to 50 characters).",
            required=True,
            min_length=rules.ACL_TITLE_LENGTH[0],
            max_length=rules.ACL_TITLE_LENGTH[1],
        ),
        Field("sortOrder", "integer", "Its place among its siblings (Magento's sortOrder)."),
    ]
    if depth:
        what = "Resources below this one, entries of the same shape."
        fields.append(Field("children", "list", what, items=acl_entry(depth - 1, top=False)))
    if top:
        parent = "An existing id to nest under (default Magento_Backend::admin)."
        fields.append(_text("parent", parent, pattern=rules.ACL_ID.pattern))
    return Section(tuple(fields), "An ACL resource the module declares in etc/acl.xml.")


ACL_ENTRY = acl_entry()

SPEC = Section(
    (
        _text(
            "name",
            "The module, Vendor/Module (or Vendor_Module). With it, `magegen new SPEC` needs "
            "no NAME; a NAME given as well must agree.",
            pattern=rules.SPEC_MODULE_NAME.pattern,
        ),
        Field("module", "mapping", MODULE.description, section=MODULE),
        Field("composer", "mapping", COMPOSER.description, section=COMPOSER),
        Field(
            "setup",
            "choice",
            "How the integrations get created: install-data (Setup/InstallData.php, the default "
            "for the split format), data-patch (Setup/Patch/Data/<Name>.php) or none (the "
            "default for the consolidated format).",
            choices=Setup.spellings(),
        ),
        _text(
            "setup_patch_name",
            "The data patch's class name (setup: data-patch); default CreateIntegrations.",
            pattern=r"[A-Z][A-Za-z0-9]*",
        ),
        Field(
            "integration_format",
            "choice",
            "split: etc/integration/config.xml + api.xml (the default); consolidated: "
            "etc/integration.xml, which Magento processes on every setup:upgrade.",
            choices=IntegrationFormat.spellings(),
        ),
        Field("integrations", "list", INTEGRATION.description, items=INTEGRATION),
        BEARER_TOKENS,
        Field(
            "acl",
            "list",
            "The module's own ACL resources, written to etc/acl.xml; integrations can grant "
            "them like Magento's.",
            items=ACL_ENTRY,
        ),
        _text(
            "templates",
            "A folder of templates that replace magegen's built-in ones of the same name "
            "(e.g. etc/module.xml.j2), relative to the spec file's folder; the others stay "
            "built-in. magegen new --templates wins over it.",
        ),
        _text(
            "magento",
            "The Magento versions the module supports, as a Composer constraint ('>=2.4.7', "
            "'~2.4.7 || ~2.4.8'); default: the lines Adobe supports (see the README). "
            "composer.json's php follows from them unless composer.require gives php.",
        ),
        _text(
            "catalog",
            "A catalog file written by `magegen catalog` (the store's ACL tree and modules), "
            "relative to the spec file's folder; used when neither --magento-root, --catalog "
            "nor MAGEGEN_CATALOG names a store.",
        ),
    ),
    "A magegen spec (format version 1): one Magento 2 module and its integrations.",
)
