"""Integration files read as Magento 2.4.4's converters read them, not as our schemas wish.

A duplicated ``<integration>`` (the last declaration wins), a ``<resource>`` nested in another
(every descendant counts) and a consolidated file listing the parents Magento adds anyway: acl-diff
shows what the store would grant, and validate still reports the schema breach.
"""

from __future__ import annotations

from pathlib import Path

from tests.validate_kit import (
    API,
    CONFIG,
    EXAMPLE_NAME,
    Runner,
    assert_no_traceback,
    edit,
    findings_with,
    new_module,
    validate_json,
)

SECOND_COPY = """\
    <integration name="testIntegration2">
        <resources>
            <resource name="Magento_Backend::all"/>
        </resources>
    </integration>
</integrations>"""


def pair(run_cli: Runner, tmp_path: Path) -> tuple[Path, Path]:
    old = new_module(run_cli, tmp_path / "old" / EXAMPLE_NAME)
    new = new_module(run_cli, tmp_path / "new" / EXAMPLE_NAME)
    return old, new


def test_a_repeated_integration_grants_what_its_last_copy_says(
    run_cli: Runner, tmp_path: Path
) -> None:
    old, new = pair(run_cli, tmp_path)
    edit(new / API, "</integrations>", SECOND_COPY)
    result = run_cli("acl-diff", old, new)
    assert_no_traceback(result)
    assert result.exit_code == 1
    # A hand edit: first the warning that installed stores never get it, then the change.
    warning, *lines = result.stdout.splitlines()
    assert warning.startswith("warning: ") and "never get this change" in warning
    assert lines[0] == "integration 'testIntegration2' (split format): changed"
    assert lines[1] == "  + Magento_Backend::all  Allow everything"
    assert any(line.startswith("  - Magento_Sales::reorder") for line in lines)
    _, report = validate_json(run_cli, new)
    assert any("unique" in f["message"].lower() for f in findings_with(report, "MG101"))


def test_a_nested_resource_is_granted(run_cli: Runner, tmp_path: Path) -> None:
    old, new = pair(run_cli, tmp_path)
    edit(
        new / API,
        '<resource name="Magento_Sales::reorder"/>',
        '<resource name="Magento_Sales::reorder">'
        '<resource name="Magento_Backend::all"/></resource>',
    )
    result = run_cli("acl-diff", old, new, "--format", "json")
    assert result.exit_code == 1
    assert '"id": "Magento_Backend::all"' in result.stdout
    _, report = validate_json(run_cli, new)
    assert findings_with(report, "MG101")


def test_a_repeated_contact_takes_the_last_declaration(run_cli: Runner, tmp_path: Path) -> None:
    old, new = pair(run_cli, tmp_path)
    edit(
        new / CONFIG,
        "</integrations>",
        '    <integration name="testIntegration2">\n'
        "        <email>attacker@example.com</email>\n"
        "    </integration>\n</integrations>",
    )
    result = run_cli("acl-diff", old, new)
    assert result.exit_code == 1
    assert "  ~ email: hexasync@beehexa.com -> attacker@example.com" in result.stdout
    # config.xml's converter takes only what the last copy declares: the URLs are gone.
    assert "  ~ endpoint_url: https://hexasync.example.com/endpoint -> (none)" in result.stdout


def consolidated(folder: Path, resources: list[str]) -> Path:
    (folder / "etc").mkdir(parents=True)
    (folder / "etc" / "module.xml").write_text(
        '<?xml version="1.0"?>\n<config><module name="Acme_Erp"/></config>\n'
    )
    grants = "".join(f'<resource name="{r}"/>' for r in resources)
    (folder / "etc" / "integration.xml").write_text(
        '<?xml version="1.0"?>\n<config><integration name="Erp"><email>a@example.com</email>'
        f"<resources>{grants}</resources></integration></config>\n"
    )
    return folder


def test_consolidated_parents_listed_or_not_are_the_same_grant(
    run_cli: Runner, tmp_path: Path
) -> None:
    leaf = consolidated(tmp_path / "leaf", ["Magento_Sales::reorder"])
    listed = consolidated(
        tmp_path / "listed",
        ["Magento_Sales::sales", "Magento_Sales::sales_operation", "Magento_Sales::sales_order",
         "Magento_Sales::actions", "Magento_Sales::reorder"],
    )  # fmt: skip
    result = run_cli("acl-diff", leaf, listed)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "No integration permissions change.\n"


def test_consolidated_grants_are_shown_with_the_parents_magento_adds(
    run_cli: Runner, tmp_path: Path
) -> None:
    before = consolidated(tmp_path / "before", ["Magento_Customer::customer"])
    granted_after = ["Magento_Customer::customer", "Magento_Sales::reorder"]
    after = consolidated(tmp_path / "after", granted_after)
    result = run_cli("acl-diff", before, after)
    assert result.exit_code == 1
    granted = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("  + ")]
    assert granted == [
        "Magento_Sales::sales",
        "Magento_Sales::sales_operation",
        "Magento_Sales::sales_order",
        "Magento_Sales::actions",
        "Magento_Sales::reorder",
    ]


def test_an_integration_in_both_formats_takes_the_consolidated_grant(
    run_cli: Runner, tmp_path: Path
) -> None:
    old, new = pair(run_cli, tmp_path)
    (new / "etc" / "integration.xml").write_text(
        '<?xml version="1.0"?>\n<config><integration name="testIntegration2">'
        "<email>hexasync@beehexa.com</email><resources>"
        '<resource name="Magento_Cms::page"/></resources></integration></config>\n'
    )
    result = run_cli("acl-diff", old, new)
    assert result.exit_code == 1
    assert "(consolidated format): changed" in result.stdout
    assert "  + Magento_Cms::page" in result.stdout
