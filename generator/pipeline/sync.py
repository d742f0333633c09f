"""The sync data patch: how a split-format module brings every store to its current spec.

A module with integrations in the split format gets one data patch,
``Setup/Patch/Data/<Prefix><hash>.php``. Magento records a data patch by its class name and runs
a class it has not recorded once, so the class name carries a short hash of everything the
patch makes true in a store: each integration's name, email, URLs and effective resources, and
the retired names. Any change to those gives a new class that every store runs once on its next
``setup:upgrade``; an unchanged spec gives the same class, byte for byte.

The patch's ``apply()``, in a store:

- ``processIntegrationConfig()`` on every current integration: creates it, or updates it in
  place (same id, OAuth consumer, status and tokens; resources replaced from api.xml);
- clears the URLs the spec no longer gives (``processIntegrationConfig()`` only passes the
  fields config.xml has, and ``IntegrationService::update()`` merges them over the stored row);
- deletes each retired integration that exists, then its OAuth consumer, and with it its tokens.

Each generated patch records the state it was hashed from in its docblock (see
``generator.pipeline.syncstate``), so that magegen can prove a patch file in a tree is its own
(re-rendering it gives the same bytes) before ``--force`` removes it as superseded, and so that
``spec-from`` and ``acl-diff`` can read what it applies. The patch takes only the services its
``apply()`` uses.
"""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Any, NamedTuple

from generator.magento.files import DATA_PATCH_DIR
from generator.pipeline.syncstate import MARKER, canonical_text, read_state_value, state_lines

if "hashlib" in sys.modules:  # (``new`` has it, from jinja2)
    from hashlib import sha256
else:  # CPython's own SHA-256, hashlib's fallback: the same digests, without loading OpenSSL
    try:  # (2 to 3 ms of a validate run that reads sync patches)
        from _sha256 import sha256  # Python 3.10 and 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # Python 3.12 on
        except ImportError:
            from hashlib import sha256

if TYPE_CHECKING:  # validate reads sync patches without the spec model (3 ms to import)
    from generator.spec.model import Integration, ModuleSpec

# Bump when the patch's behaviour changes, so that every store runs the new one once.
SYNC_VERSION = 1
INSTALL_DATA_PREFIX = "SyncIntegrations"
PATCH_DIR = DATA_PATCH_DIR
HASH_LENGTH = 8
TEMPLATE = "Setup/Patch/Data/DataPatch.php.j2"
# The sync patch as magegen wrote it before its state was recorded over several lines, and with
# every service injected: kept to recognise such patches as magegen's own.
LEGACY_TEMPLATE = "legacy/SyncPatch-1.php.j2"
CLASS_NAME = re.compile(rf"[A-Z][A-Za-z0-9]*?([0-9a-f]{{{HASH_LENGTH}}})")
# The integration table's columns for the URLs, and the spec's keys for them.
URL_COLUMNS = (("endpoint_url", "endpoint"), ("identity_link_url", "identity_link_url"))


class Service(NamedTuple):
    """A service the patch's constructor takes."""

    use: str  # the class or interface, fully qualified
    name: str  # the property and constructor argument

    @property
    def type(self) -> str:
        """The class or interface as the patch names it, after its ``use``."""
        return self.use.rsplit("\\", 1)[1]


_INTEGRATION = "Magento\\Integration\\"
SETUP_SERVICE = Service("Magento\\Framework\\Setup\\ModuleDataSetupInterface", "moduleDataSetup")
MANAGER = Service(_INTEGRATION + "Model\\ConfigBasedIntegrationManager", "integrationManager")
INTEGRATIONS = Service(_INTEGRATION + "Api\\IntegrationServiceInterface", "integrationService")
OAUTH = Service(_INTEGRATION + "Api\\OauthServiceInterface", "oauthService")
PATCH_INTERFACE = "Magento\\Framework\\Setup\\Patch\\DataPatchInterface"


class SyncIntegration(NamedTuple):
    """One current integration as the sync patch handles it."""

    name: str
    cleared: tuple[str, ...]  # the integration table's URL columns the spec does not give


class SyncPatch(NamedTuple):
    """Everything the sync patch template needs, and the JSON its class name is hashed from."""

    namespace: str
    class_name: str
    integrations: tuple[SyncIntegration, ...]
    retired: tuple[str, ...]
    canonical: str
    one_line: bool = False  # read from a patch that records its state on one line

    @property
    def path(self) -> str:
        """Where the patch goes, relative to the module root."""
        return f"{PATCH_DIR}/{self.class_name}.php"

    @property
    def state_lines(self) -> tuple[str, ...]:
        """The docblock lines that record the state, each short enough for 120 columns."""
        return state_lines(self.canonical)

    @property
    def marker_line(self) -> str:
        """The state on one docblock line, as patches before ``state_lines`` recorded it."""
        return MARKER + self.canonical

    @property
    def clears(self) -> bool:
        """Whether apply() empties a URL of some integration."""
        return any(integration.cleared for integration in self.integrations)

    @property
    def services(self) -> tuple[Service, ...]:
        """What the constructor takes: only the services apply() uses, in a fixed order."""
        wanted = (
            (SETUP_SERVICE, True),
            (MANAGER, bool(self.integrations)),
            (INTEGRATIONS, self.clears or bool(self.retired)),
            (OAUTH, bool(self.retired)),
        )
        return tuple(service for service, used in wanted if used)

    @property
    def imports(self) -> tuple[str, ...]:
        """The patch's ``use`` statements, sorted."""
        return tuple(sorted([PATCH_INTERFACE, *(service.use for service in self.services)]))


def wants_sync(spec: ModuleSpec) -> bool:
    """Whether ``spec``'s module gets a sync patch: split format, a setup script, integrations."""
    from generator.spec.model import IntegrationFormat, Setup

    return (
        spec.integration_format == IntegrationFormat.SPLIT
        and spec.setup in (Setup.INSTALL_DATA, Setup.DATA_PATCH)
        and bool(spec.integrations or spec.retired)
    )


def prefix(spec: ModuleSpec) -> str:
    """The class name before the hash: setup_patch_name for data-patch, else SyncIntegrations."""
    from generator.spec.model import Setup

    return spec.setup_patch_name if spec.setup == Setup.DATA_PATCH else INSTALL_DATA_PREFIX


def _integration_state(integration: Integration) -> dict[str, object]:
    return {
        "name": integration.name,
        "email": integration.email,
        "endpoint_url": integration.endpoint_url,
        "identity_link_url": integration.identity_link_url,
        "resources": list(integration.resources),
    }


def canonical_state(integrations: tuple[Integration, ...], retired: tuple[str, ...]) -> str:
    """The canonical JSON of what a sync patch makes true: ASCII only, ``/`` escaped."""
    state = {
        "sync": SYNC_VERSION,
        "integrations": [_integration_state(i) for i in integrations],
        "retired": list(retired),
    }
    return canonical_text(state)


def _from_canonical(
    namespace: str, class_prefix: str, canonical: str, one_line: bool = False, state: object = None
) -> SyncPatch:
    """The SyncPatch whose canonical JSON is ``canonical`` (``state``: its value, when decoded
    already); raises ValueError if it is not one."""
    if state is None:
        state = json.loads(canonical)
    if not isinstance(state, dict) or state.get("sync") != SYNC_VERSION:
        raise ValueError("not a sync state of this version")
    integrations = []
    for item in state["integrations"]:
        cleared = tuple(column for key, column in URL_COLUMNS if item[key] is None)
        integrations.append(SyncIntegration(str(item["name"]), cleared))
    retired = tuple(map(str, state["retired"]))
    digest = sha256(canonical.encode("ascii")).hexdigest()[:HASH_LENGTH]
    class_name = class_prefix + digest
    return SyncPatch(namespace, class_name, tuple(integrations), retired, canonical, one_line)


def sync_patch(spec: ModuleSpec) -> SyncPatch:
    """The sync patch of ``spec``'s module."""
    canonical = canonical_state(spec.integrations, spec.retired)
    return _from_canonical(spec.namespace, prefix(spec), canonical)


def parse_sync_patch(namespace: str, file_name: str, content: bytes) -> SyncPatch | None:
    """The SyncPatch a file claims to be, from its name and recorded state; None if it claims
    none. Patches that record their state on one line, as earlier magegen wrote them, are read
    too (``one_line``).

    The claim still has to be proven by rendering it again
    (``generator.pipeline.render.is_own_sync``).
    """
    found = read_sync_patch(namespace, file_name, content)
    return None if found is None else found[0]


def read_sync_patch(
    namespace: str, file_name: str, content: bytes
) -> tuple[SyncPatch, dict[str, Any]] | None:
    """``parse_sync_patch``'s answer and the recorded state's JSON value (a dict)."""
    stem = file_name.removesuffix(".php")
    if not file_name.endswith(".php") or CLASS_NAME.fullmatch(stem) is None:
        return None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    found = read_state_value(text)
    if found is None:
        return None
    (canonical, one_line), value = found
    try:
        # (json.loads(canonical) equals the value canonical was written from: no need to
        # decode it again)
        state = json.loads(canonical) if value is None else value
        patch = _from_canonical(namespace, stem[:-HASH_LENGTH], canonical, one_line, state)
    except (ValueError, KeyError, TypeError):
        return None
    return (patch, state) if patch.class_name == stem else None
