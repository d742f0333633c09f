"""MG323: a REST route of the module that needs an ACL id no acl.xml declares.

Magento's ACL does not know such an id, so ``Magento\\Framework\\Authorization\\Policy\\Acl``
falls back to the role's rule for everything: only a role with full access
(``Magento_Backend::all``) may call the route. Every integration granted specific ids, the
module's own included, gets 401. The ids known are the catalog's (or the store's) and every
acl.xml of the validated modules, the module's own included.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.errors import Problem, Severity, shown
from generator.magento.moduletree import ModuleFacts
from generator.magento.xml import parse_untrusted
from generator.review.treecontext import Context

WEBAPI_XML = "etc/webapi.xml"
# Refs that name no ACL id: anyone, and a customer's own data.
NOT_ACL = frozenset({"anonymous", "self"})


def undeclared_route_ids(module: ModuleFacts, context: Context) -> Iterator[Problem]:
    """MG323 for each ref of the module's webapi.xml that no known acl.xml declares."""
    content = module.files.read(WEBAPI_XML) if module.files is not None else None
    if content is None or WEBAPI_XML in module.refused:
        return
    document, _ = parse_untrusted(content, module.display(WEBAPI_XML))
    if document is None:
        return  # reading the module reports it (MG100)
    for route in document.getroot().iterfind("route"):
        where = f"{route.get('method', '?')} {route.get('url', '?')}"
        for resource in route.iterfind("resources/resource"):
            ref = resource.get("ref")
            if not ref or ref in NOT_ACL:
                continue
            known = context.acl.get(ref)
            if known is not None and not known.disabled:
                continue
            disabled = known is not None  # Magento leaves a disabled id out of the ACL
            yield _problem(module, where, ref, resource.sourceline, context, disabled)


def _problem(
    module: ModuleFacts,
    where: str,
    ref: str,
    line: int | None,
    context: Context,
    disabled: bool = False,
) -> Problem:
    own = module.name is not None and ref.startswith(module.name.value + "::")
    sure = disabled or own or context.complete or context.knows_module_of(ref)
    declared = (
        "which acl.xml declares disabled (Magento leaves it out of the ACL)"
        if disabled
        else "which no acl.xml declares"
    )
    message = (
        f"route {shown(where)} needs {shown(ref)}, {declared}: Magento then "
        "allows it only to roles with full access (Magento_Backend::all), so an integration "
        "granted specific ids, this module's own included, gets 401"
    )
    if own and not disabled:
        message += "; declare it in the module's etc/acl.xml"
    elif not sure:
        message += f" (unless {shown(ref.partition('::')[0])}, a module magegen does not know, "
        message += "declares it: check with --magento-root)"
    severity = Severity.ERROR if sure else Severity.WARNING
    return Problem(module.display(WEBAPI_XML), message, line=line, severity=severity, code="MG323")
