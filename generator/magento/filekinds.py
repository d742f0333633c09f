"""Which Magento schema judges which kind of module file.

Magento validates a configuration file against the schema its reader knows for that kind of file
(di.xml against the object manager's, acl.xml against the ACL one, ...), whatever the file's own
``xsi:noNamespaceSchemaLocation`` says. A file that names a schema of another kind is still
checked against its own kind's.
"""

from __future__ import annotations

import re

_FRAMEWORK = "urn:magento:framework:"
_INTEGRATION = "urn:magento:module:Magento_Integration:etc/integration/"
_AREA = r"(?:[a-z_]+/)?"  # etc/<area>/ for files an area may override

# (path pattern, the schemas a file of that kind may name; the first is the one Magento uses)
_KINDS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(pattern), urns)
    for pattern, urns in (
        (r"etc/module\.xml", (f"{_FRAMEWORK}Module/etc/module.xsd",)),
        (rf"etc/{_AREA}di\.xml", (f"{_FRAMEWORK}ObjectManager/etc/config.xsd",)),
        (r"etc/acl\.xml", (f"{_FRAMEWORK}Acl/etc/acl.xsd", f"{_FRAMEWORK}Acl/etc/acl_merged.xsd")),
        (rf"etc/{_AREA}events\.xml", (f"{_FRAMEWORK}Event/etc/events.xsd",)),
        (r"etc/[a-z_]+/routes\.xml", (f"{_FRAMEWORK}App/etc/routes.xsd",)),
        (r"etc/db_schema\.xml", (f"{_FRAMEWORK}Setup/Declaration/Schema/etc/schema.xsd",)),
        (
            r"etc/webapi\.xml",
            (
                "urn:magento:module:Magento_Webapi:etc/webapi.xsd",
                "urn:magento:module:Magento_Webapi:etc/webapi_merged.xsd",
                "urn:magento:module:Magento_Webapi:etc/webapi_base.xsd",
            ),
        ),
        (r"etc/integration/config\.xml", (f"{_INTEGRATION}config.xsd",)),
        (r"etc/integration/api\.xml", (f"{_INTEGRATION}api.xsd",)),
        (
            r"etc/integration\.xml",
            (
                f"{_INTEGRATION}integration.xsd",
                f"{_INTEGRATION}integration_file.xsd",
                f"{_INTEGRATION}integration_base.xsd",
            ),
        ),
    )
)


def schema_for(relative: str, declared: str) -> str:
    """The schema Magento checks the module file ``relative`` against, given the one it names.

    Files of a kind magegen does not know are checked against the schema they name.
    """
    for pattern, urns in _KINDS:
        if pattern.fullmatch(relative):
            return declared if declared in urns else urns[0]
    return declared
