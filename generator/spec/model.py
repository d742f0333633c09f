"""The spec model: plain immutable records that every later stage reads.

Each record is a ``typing.NamedTuple``: as immutable as a frozen dataclass, and about ten times
cheaper to define when magegen starts. Being tuples, two records compare equal only by their
values: build new ones with ``_replace``, never compare records of different kinds.
"""

from __future__ import annotations

import enum
from typing import NamedTuple


class _Choice(str, enum.Enum):
    """A choice of the spec, equal to (and shown as) its YAML spelling."""

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def spellings(cls) -> tuple[str, ...]:
        """Every choice as a spec writes it, in the documented order."""
        return tuple(member.value for member in cls)


class Setup(_Choice):
    """How the module creates its integrations (the spec's ``setup:``)."""

    INSTALL_DATA = "install-data"  # Setup/InstallData.php
    DATA_PATCH = "data-patch"  # Setup/Patch/Data/<Name>.php
    NONE = "none"


class IntegrationFormat(_Choice):
    """Which files declare the integrations (the spec's ``integration_format:``)."""

    SPLIT = "split"  # etc/integration/config.xml + api.xml, processed by a setup script
    CONSOLIDATED = "consolidated"  # etc/integration.xml, processed by Magento_Integration


DEFAULT_PATCH_NAME = "CreateIntegrations"
# module.xml's setup_version when InstallData needs one and the spec gives no version.
DEFAULT_SETUP_VERSION = "1.0.0"


class Integration(NamedTuple):
    """One OAuth integration the module declares, with the ACL resources it is granted.

    ``resources`` is the complete set Magento needs: every granted id with its ancestors below
    the admin root, in ACL tree order.
    """

    name: str
    email: str
    resources: tuple[str, ...]
    endpoint_url: str | None = None
    identity_link_url: str | None = None
    all_resources: bool = False
    # The REST routes the spec asked for, as webapi.xml writes them ("GET /V1/orders/:id").
    endpoints: tuple[str, ...] = ()
    # False: ``resources`` holds exactly the listed and route ids, without their ancestors.
    parents: bool = True


class AclEntry(NamedTuple):
    """An ACL resource the module declares in etc/acl.xml (the spec's ``acl:``).

    ``ancestors`` (top-level entries only) is the chain of existing ids it nests under, from the
    tree's root (``Magento_Backend::admin``) down to its parent, both included.
    """

    id: str
    title: str
    sort_order: int | None = None
    children: tuple[AclEntry, ...] = ()
    ancestors: tuple[str, ...] = ()


class Author(NamedTuple):
    """A composer.json author."""

    name: str
    email: str | None = None
    homepage: str | None = None
    role: str | None = None


class ModuleSpec(NamedTuple):
    """Everything needed to render a module, with the spec's defaults already applied."""

    vendor: str
    module: str
    composer_name: str
    sequence: tuple[str, ...]
    setup: Setup
    setup_version: str | None = None
    description: str | None = None
    version: str | None = None
    license: str | tuple[str, ...] | None = None
    authors: tuple[Author, ...] = ()
    composer_require: tuple[tuple[str, str], ...] = ()
    integrations: tuple[Integration, ...] = ()
    integration_format: IntegrationFormat = IntegrationFormat.SPLIT
    setup_patch_name: str = DEFAULT_PATCH_NAME
    # Integrations the spec retires: stores that have them delete them (split format only).
    retired: tuple[str, ...] = ()
    # etc/config.xml lets integration access tokens be used as Bearer tokens (store-wide).
    bearer_tokens: bool = False
    # The module's own ACL resources (etc/acl.xml), top-level entries in spec order.
    acl: tuple[AclEntry, ...] = ()

    @property
    def name(self) -> str:
        """The Magento module name, e.g. ``Beehexa_IntegrationManager``."""
        return f"{self.vendor}_{self.module}"

    @property
    def patch_path(self) -> str:
        """Where the data patch goes, relative to the module root."""
        return f"Setup/Patch/Data/{self.setup_patch_name}.php"

    @property
    def namespace(self) -> str:
        """The PHP namespace, e.g. ``Beehexa\\IntegrationManager``."""
        return f"{self.vendor}\\{self.module}"
