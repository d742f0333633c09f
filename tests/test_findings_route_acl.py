"""MG323: a module's REST route that needs an ACL id no acl.xml declares can be called only by
roles with full access (issue 21, item 9). Shaped like published modules: routes guarded by the
module's own ids, by core ids, by ids of a module magegen does not know, and open ones."""

from __future__ import annotations

from pathlib import Path

from tests.test_findings_real_modules import OWN_ACL
from tests.validate_kit import Runner, findings_with, validate_json, write, xml_naming

ROUTE = """\
    <route url="/V1/hexasync/{path}" method="{method}">
        <service class="Beehexa\\IntegrationManager\\Api\\SyncInterface" method="run"/>
        <resources>
            <resource ref="{ref}"/>
        </resources>
    </route>
"""


def _webapi(module: Path, *refs: str) -> Path:
    routes = "".join(
        ROUTE.format(path=f"r{index}", method="POST", ref=ref) for index, ref in enumerate(refs)
    )
    body = xml_naming("urn:magento:module:Magento_Webapi:etc/webapi.xsd", routes, root="routes")
    return write(module / "etc" / "webapi.xml", body)


def test_routes_on_declared_ids_are_fine(example: Path, run_cli: Runner) -> None:
    write(example / "etc" / "acl.xml", OWN_ACL)
    _webapi(
        example,
        "Beehexa_IntegrationManager::sync_read",
        "Magento_Sales::actions_view",
        "anonymous",
        "self",
    )
    result, report = validate_json(run_cli, example)
    assert report["findings"] == []
    assert result.exit_code == 0


def test_a_route_on_an_id_the_module_never_declares_is_an_error(
    example: Path, run_cli: Runner
) -> None:
    webapi = _webapi(example, "Beehexa_IntegrationManager::sync", "Magento_Sales::nonesuch")
    result, report = validate_json(run_cli, example)
    found = findings_with(report, "MG323")
    assert [(f["file"], f["severity"]) for f in found] == [(str(webapi), "error")] * 2
    assert "POST /V1/hexasync/r0 needs Beehexa_IntegrationManager::sync" in found[0]["message"]
    assert "declare it in the module's etc/acl.xml" in found[0]["message"]
    assert "only to roles with full access" in found[1]["message"]
    assert result.exit_code == 1
    # Its own acl.xml declares the id: only the core typo is left.
    write(example / "etc" / "acl.xml", OWN_ACL)
    (left,) = findings_with(validate_json(run_cli, example)[1], "MG323")
    assert "Magento_Sales::nonesuch" in left["message"]


def test_an_id_of_a_module_magegen_does_not_know_is_a_warning(
    example: Path, run_cli: Runner
) -> None:
    _webapi(example, "Acme_Erp::orders")
    result, report = validate_json(run_cli, example)
    (finding,) = findings_with(report, "MG323")
    assert finding["severity"] == "warning"
    assert "--magento-root" in finding["message"]
    assert result.exit_code == 0


def test_a_route_on_a_disabled_id_is_an_error(example: Path, run_cli: Runner) -> None:
    """Magento leaves a disabled id out of the ACL, as if no acl.xml declared it."""
    _webapi(example, "Magento_Config::advanced")
    result, report = validate_json(run_cli, example)
    (finding,) = findings_with(report, "MG323")
    assert finding["severity"] == "error"
    assert "disabled" in finding["message"]
    assert "only to roles with full access" in finding["message"]
    assert result.exit_code == 1
