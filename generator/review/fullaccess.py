"""MG308: what a grant of ``Magento_Backend::all`` really does.

Magento saves a grant of exactly ``[Magento_Backend::all]`` as one rule that allows everything.
Listed with other ids, it saves an allow for each listed id and an explicit deny for every other
resource of the tree (``Rules::saveRel``), and a resource's own deny wins over the global allow:
the integration gets the listed ids, not full access. A grant nothing creates does nothing.
etc/integration.xml's converter drops the id altogether.
"""

from __future__ import annotations

from generator.errors import shown
from generator.magento.acl import ALL
from generator.magento.files import API_XML, CONSOLIDATED_XML
from generator.magento.integrations import IntegrationFacts
from generator.magento.moduletree import ModuleFacts
from generator.magento.setupcode import SetupCode


def full_access_message(
    module: ModuleFacts, relative: str, facts: IntegrationFacts, setup: SetupCode
) -> str | None:
    """MG308's message for the integration ``facts`` of ``relative``, which lists
    Magento_Backend::all; None when nothing creates it, so the grant does nothing."""
    if relative == CONSOLIDATED_XML:
        return (
            f"integration '{shown(facts.name)}' lists {ALL}, which Magento's converter of "
            "etc/integration.xml drops (it keeps only ids below Magento_Backend::admin): "
            "no full access, and the id grants nothing"
        )
    if relative == API_XML and not _created(module, facts.name, setup):
        return None
    others = [r for r in facts.resource_ids if r != ALL]
    if relative == API_XML and others:
        return (
            f"integration '{shown(facts.name)}' lists {ALL} with {len(others)} other id(s): "
            "Magento then allows only the listed ids and writes an explicit deny for every "
            f"other resource, so it does not get full access; list {ALL} alone for full "
            "access, or remove it"
        )
    return f"integration '{shown(facts.name)}' has full access ({ALL})"


def _created(module: ModuleFacts, name: str, setup: SetupCode) -> bool:
    """Whether api.xml's grant of ``name`` may be applied: some code may create it."""
    if setup.grants_api(name):
        return True
    return name in (module.config or {}) and bool(setup.evidence)
