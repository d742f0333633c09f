"""ACL grant resolution as a function of the ACL tree alone: no YAML, no files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.magento.acl import ALL, AclCatalog, AclResource, bundled_acl
from generator.magento.grants import Grant, GrantProblem, resolve_grant

TREE = AclCatalog(
    "test",
    (
        AclResource("Magento_Backend::all", "All", None, "Magento_Backend"),
        AclResource("Magento_Backend::admin", "Admin", None, "Magento_Backend"),
        AclResource("Magento_Sales::sales", "Sales", "Magento_Backend::admin", "Magento_Sales"),
        AclResource("Magento_Sales::reorder", "Reorder", "Magento_Sales::sales", "Magento_Sales"),
        AclResource("Magento_Sales::ship", "Ship", "Magento_Sales::sales", "Magento_Sales"),
        AclResource(
            "Magento_Sales::old", "Old", "Magento_Sales::sales", "Magento_Sales", None, True
        ),
    ),
)


def test_a_grant_adds_ancestors_below_the_admin_root_in_tree_order() -> None:
    grant = resolve_grant(TREE, ["Magento_Sales::ship", "Magento_Sales::reorder"])
    assert grant == Grant(
        ("Magento_Sales::sales", "Magento_Sales::reorder", "Magento_Sales::ship"),
        ((0, "Magento_Sales"), (1, "Magento_Sales")),
    )


def test_a_subtree_grants_every_enabled_id_below() -> None:
    grant = resolve_grant(TREE, ["Magento_Sales::sales/**"])
    assert grant.resources == (
        "Magento_Sales::sales",
        "Magento_Sales::reorder",
        "Magento_Sales::ship",
    )
    assert grant.problems == ()


def test_a_typo_in_a_known_module_is_an_error_with_a_suggestion() -> None:
    grant = resolve_grant(TREE, ["Magento_Sales::reoder"])
    assert grant.resources == ()
    assert grant.problems == (
        GrantProblem(
            0,
            "unknown ACL resource 'Magento_Sales::reoder' (did you mean 'Magento_Sales::reorder'?)",
        ),
    )


def test_an_unknown_id_of_a_known_module_without_a_close_match_is_an_error() -> None:
    (problem,) = resolve_grant(TREE, ["Magento_Sales::qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"]).problems
    assert (problem.severity, problem.message) == (
        "error",
        "unknown ACL resource 'Magento_Sales::qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq'; an id of a "
        "newer Magento or of a third-party module needs the store's catalog: --magento-root, "
        "--catalog FILE, MAGEGEN_CATALOG or the spec key catalog:",
    )


@pytest.mark.parametrize(
    "resource", ["Aheadworks_Giftcard::giftcard_codes", "Magento_Rma::magento_rma"]
)
def test_an_id_of_a_module_the_catalog_does_not_know_is_granted_with_a_warning(
    resource: str,
) -> None:
    grant = resolve_grant(TREE, ["Magento_Sales::ship", resource])
    assert grant.resources == ("Magento_Sales::sales", "Magento_Sales::ship", resource)
    (problem,) = grant.problems
    assert problem.index == 1
    assert problem.severity == "warning"
    module = resource.partition("::")[0]
    assert f"does not know the module {module}" in problem.message
    assert "--magento-root" in problem.message
    assert grant.owners[1] == (1, module)


def test_the_catalog_is_asked_whether_it_knows_the_module() -> None:
    """The question is explicit: a catalog that knows the module makes the id a plain error."""
    asked: list[str] = []

    def knows(module: str) -> bool:
        asked.append(module)
        return True

    grant = resolve_grant(TREE, ["Aheadworks_Giftcard::giftcard_codes"], knows_module=knows)
    assert asked == ["Aheadworks_Giftcard"]
    assert [p.severity for p in grant.problems] == ["error"]
    assert grant.resources == ()


def test_with_an_installation_an_unknown_module_is_an_error() -> None:
    grant = resolve_grant(TREE, ["Aheadworks_Giftcard::codes"], from_installation=True)
    (problem,) = grant.problems
    assert problem.severity == "error"
    assert problem.message == (
        "unknown ACL resource 'Aheadworks_Giftcard::codes'; neither Magento's core nor the "
        "installation declares it"
    )


def test_a_subtree_of_an_unknown_module_cannot_be_listed() -> None:
    (problem,) = resolve_grant(TREE, ["Aheadworks_Giftcard::codes/**"]).problems
    assert problem.severity == "error"
    assert "cannot list what lies below this id" in problem.message


def test_full_access_needs_all_resources() -> None:
    assert resolve_grant(TREE, [ALL]).problems[0].message.startswith(f"{ALL} grants full access")
    assert resolve_grant(TREE, [ALL], all_resources=True) == Grant(
        (ALL,), ((0, "Magento_Backend"),)
    )


def test_disabled_and_malformed_entries() -> None:
    grant = resolve_grant(TREE, ["Magento_Sales::old", "Magento_Sales::sales/*", "nope"])
    assert [p.index for p in grant.problems] == [0, 1, 2]
    assert "is disabled in Magento" in grant.problems[0].message
    assert grant.problems[1].message == (
        "'Magento_Sales::sales/*': write Magento_Sales::sales/** for a subtree"
    )
    assert "is not an ACL resource id" in grant.problems[2].message


def test_the_bundled_catalog_knows_magento_sales() -> None:
    (problem,) = resolve_grant(bundled_acl(), ["Magento_Sales::reoder"]).problems
    assert "did you mean 'Magento_Sales::reorder'" in problem.message


SPEC = """\
integrations:
  - name: Gift cards
    email: gift@example.com
    resources: [Magento_Sales::sales, {resource}]
"""


def test_new_warns_about_an_unknown_module_and_writes_the_grant(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.format(resource="Aheadworks_Giftcard::giftcard_codes"))
    out = tmp_path / "module"
    result = run_cli("new", "Acme/Gift", spec, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert f"{spec}:4:39: warning: integrations[0].resources[1]: " in result.stderr
    assert "does not know the module Aheadworks_Giftcard" in result.stderr
    assert "Aheadworks_Giftcard::giftcard_codes" in (out / "etc/integration/api.xml").read_text()


def test_new_refuses_a_typo_in_a_known_module(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.format(resource="Magento_Sales::reoder"))
    out = tmp_path / "module"
    result = run_cli("new", "Acme/Gift", spec, "-o", out)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{spec}:4:39: error: integrations[0].resources[1]: unknown ACL resource "
        "'Magento_Sales::reoder' (did you mean 'Magento_Sales::reorder'?)\n"
    )
    assert not out.exists()
