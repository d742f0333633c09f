"""Issue 20, item 19: one mistake in a spec gives one error, at its line, never a follow-on
error elsewhere (an unknown own id, "needs at least one integration")."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.validate_kit import Runner, assert_no_traceback, write

INTEGRATION = """\
integrations:
  - name: One
    email: {email}
    {grant}
"""

MISTAKES = {
    "an unknown id": ("resources: [Magento_Sales::reoder]", "a@example.com", "resources[0]"),
    "an unknown route": ("endpoints: [GET /V1/nope]", "a@example.com", "endpoints[0]"),
    "a bad email": ("resources: [Magento_Sales::reorder]", "not-an-email", "email"),
    "an empty grant": ("resources: []", "a@example.com", "resources"),
}
HEADS = ["", "setup: install-data\n", "setup: data-patch\n", "bearer_tokens: true\n"]


@pytest.mark.parametrize("head", HEADS, ids=["default", "install-data", "data-patch", "bearer"])
@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_one_mistake_in_an_integration_is_one_error(
    run_cli: Runner, tmp_path: Path, mistake: str, head: str
) -> None:
    grant, email, field = MISTAKES[mistake]
    spec = write(
        tmp_path / "spec.yaml",
        "name: Acme/One\n" + head + INTEGRATION.format(email=email, grant=grant),
    )
    result = run_cli("new", spec, "-o", tmp_path / "out", "--dry-run")
    assert_no_traceback(result)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, result.stderr
    assert f"integrations[0].{field}" in errors[0]


ACL_MISTAKES = {
    "a short title": "    title: ab\n",
    "no title": "",
    "a long title": "    title: " + "x" * 60 + "\n",
}


@pytest.mark.parametrize("mistake", sorted(ACL_MISTAKES))
@pytest.mark.parametrize("grant", ["Acme_One::x", "Acme_One::x/**"])
def test_a_bad_acl_title_is_one_error(
    run_cli: Runner, tmp_path: Path, mistake: str, grant: str
) -> None:
    spec = write(
        tmp_path / "spec.yaml",
        "name: Acme/One\nacl:\n  - id: Acme_One::x\n" + ACL_MISTAKES[mistake]
        + INTEGRATION.format(email="a@example.com", grant=f"resources: ['{grant}']"),
    )
    result = run_cli("new", spec, "-o", tmp_path / "out", "--dry-run")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, result.stderr
    assert "acl[0].title" in errors[0]
