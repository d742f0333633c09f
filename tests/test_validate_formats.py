"""``magegen validate``: Output formats: text, json, github, markdown."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from tests.fake_magento import build_magento_root
from tests.validate_kit import (
    API,
    CONFIG,
    CONSOLIDATED,
    MALFORMED_XML,
    SUMMARY,
    TEXT_FINDING,
    Runner,
    all_cases_warnings,
    app_code,
    drop_sync_patch,
    edit,
    grant,
    line_of,
    new_module,
    validate,
    validate_json,
    write,
)


def broken_example(module: Path) -> None:
    """Break the example twice: MG201 (error, registration.php) and MG308 (warning, api.xml)."""
    edit(module / "registration.php", "'Beehexa_IntegrationManager'", "'Beehexa_Other'")
    drop_sync_patch(module)  # InstallData alone creates it: the hand edit misses no store
    grant(module, "Magento_Backend::all")


def test_json_lists_modules_integrations_titles_and_findings(
    example: Path, run_cli: Runner
) -> None:
    broken_example(example)
    result, report = validate_json(run_cli, example)
    assert result.exit_code == 1
    (module,) = report["modules"]
    assert module == {
        "path": str(example),
        "name": "Beehexa_IntegrationManager",
        "integrations": [
            {
                "name": "testIntegration2",
                "format": "split",
                "email": "hexasync@beehexa.com",
                "resources": [
                    {"id": "Magento_Sales::sales", "title": "Sales"},
                    {"id": "Magento_Sales::sales_operation", "title": "Operations"},
                    {"id": "Magento_Sales::sales_order", "title": "Orders"},
                    {"id": "Magento_Sales::actions", "title": "Actions"},
                    {"id": "Magento_Sales::reorder", "title": "Reorder"},
                    {"id": "Magento_Customer::customer", "title": "Customers"},
                    {"id": "Magento_Backend::all", "title": "Allow everything"},
                ],
            }
        ],
    }
    found = {(f["code"], f["severity"], f["file"], f["line"]) for f in report["findings"]}
    assert found == {
        ("MG201", "error", str(example / "registration.php"), 7),
        ("MG308", "warning", str(example / API), line_of(example / API, "Magento_Backend::all")),
    }
    assert (report["errors"], report["warnings"]) == (1, 1)
    assert set(report["findings"][0]) == {"file", "line", "column", "severity", "code", "message"}
    assert result.stderr.splitlines()[-1] == "magegen: 1 module checked, 1 error, 1 warning"


def test_github_annotations(example: Path, run_cli: Runner) -> None:
    broken_example(example)
    result = validate(run_cli, example, "--format", "github")
    assert result.exit_code == 1
    api_line = line_of(example / API, "Magento_Backend::all")
    api_col = (example / API).read_text().splitlines()[api_line - 1].index("Magento_Backend") + 1
    reg_col = (example / "registration.php").read_text().splitlines()[6].index("Beehexa_Other") + 1
    assert result.stdout.splitlines() == [  # sorted by file: etc/ before registration.php
        f"::warning file={example}/{API},line={api_line},col={api_col},title=MG308::integration "
        "'testIntegration2' lists Magento_Backend::all with 6 other id(s): Magento then allows "
        "only the listed ids and writes an explicit deny for every other resource, so it does "
        "not get full access; list Magento_Backend::all alone for full access, or remove it",
        f"::error file={example}/registration.php,line=7,col={reg_col},title=MG201::registers "
        "'Beehexa_Other' "
        "but etc/module.xml declares 'Beehexa_IntegrationManager': Magento then skips the "
        "module's etc/ and Setup/ silently",
    ]


def test_github_annotations_escape_paths_and_messages(tmp_path: Path, run_cli: Runner) -> None:
    module = new_module(run_cli, tmp_path / "a,b:c" / "Module")
    for relative in (CONFIG, API):
        edit(module / relative, 'name="testIntegration2"', 'name="O\'Brien&#10;100%"')
    edit(module / "Setup" / "InstallData.php", "'testIntegration2'", "'O\\'Brien\n100%'")
    (module / "composer.json").unlink()
    result = validate(run_cli, module, "--format", "github")
    lines = result.stdout.splitlines()
    escaped = str(module).replace(",", "%2C").replace(":", "%3A")
    assert "a%2Cb%3Ac" in escaped
    assert f"::warning file={escaped}/composer.json,title=MG210::" in "\n".join(lines)
    apostrophes = [line for line in lines if "title=MG306::" in line]
    assert len(apostrophes) == 2
    for line in apostrophes:
        assert line.startswith(f"::error file={escaped}/etc/integration/")
        assert "O'Brien\\n100%25" in line  # the name's newline shown escaped
    # Every annotation is one line, with only escaped separators in its properties.
    assert len(lines) == len(re.findall(r"^::(?:error|warning) ", result.stdout, re.MULTILINE))
    for line in lines:
        properties = line.split("::")[1]
        assert re.fullmatch(
            r"(error|warning) file=[^,:]+(,line=\d+)?(,col=\d+)?,title=MG\d{3}", properties
        )


def test_markdown_is_a_pr_comment(example: Path, run_cli: Runner) -> None:
    broken_example(example)
    write(example / "etc" / "integration.xml", CONSOLIDATED.format(email="ops@example.com"))
    result = validate(run_cli, example, "--format", "markdown")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "## magegen validate failed: 1 error, 1 warning"
    assert f"### Beehexa_IntegrationManager (`{example}`)" in lines
    assert "**testIntegration2** (split format, hexasync@beehexa.com) grants:" in lines
    assert "**Consolidated sync** (consolidated format, ops@example.com) grants:" in lines
    for resource in (
        "- `Magento_Sales::reorder` Reorder",
        "- `Magento_Customer::customer` Customers",
        "- `Magento_Backend::all` Allow everything",
    ):
        assert resource in lines
    assert "| | File | Line | Code | Finding |" in lines
    assert (
        "| error | `registration.php` | 7 | MG201 | registers 'Beehexa_Other' but etc/module.xml "
        "declares 'Beehexa_IntegrationManager': Magento then skips the module's etc/ and Setup/ "
        "silently |" in lines
    )
    api_line = line_of(example / API, "Magento_Backend::all")
    assert any(line.startswith(f"| warning | `{API}` | {api_line} | MG308 |") for line in lines)


def test_markdown_escapes_table_cells(example: Path, run_cli: Runner) -> None:
    drop_sync_patch(example)  # InstallData alone names the integration
    for relative in (CONFIG, API):
        edit(example / relative, 'name="testIntegration2"', 'name="A|B\'s &lt;x&gt;"')
    edit(example / "Setup" / "InstallData.php", "'testIntegration2'", "'A|B\\'s <x>'")
    result = validate(run_cli, example, "--format", "markdown")
    rows = [line for line in result.stdout.splitlines() if line.startswith("| error |")]
    assert len(rows) == 2
    for row in rows:
        assert "A\\|B's &lt;x&gt;" in row
        assert row.count(" | ") == 4  # five cells: the name's | does not add one


def test_markdown_of_several_modules_gives_each_its_findings(
    tmp_path: Path, run_cli: Runner
) -> None:
    modules = app_code(run_cli, tmp_path)
    broken = modules["Acme_StoreTools"]
    (broken / "registration.php").unlink()
    result = validate(run_cli, tmp_path / "app" / "code", "--format", "markdown")
    sections = re.split(r"^### ", result.stdout, flags=re.MULTILINE)[1:]
    assert len(sections) == len(modules)
    for section in sections:
        if section.startswith("Acme_StoreTools "):
            assert "| error | `registration.php` |  | MG200 |" in section
        else:
            assert "| error |" not in section


def test_a_skipped_installation_file_is_mg110(
    example: Path, tmp_path: Path, magento_data: Path, run_cli: Runner
) -> None:
    root = build_magento_root(tmp_path / "magento", "git", magento_data)
    broken = write(root.erp / "etc" / "acl.xml", "<config>\n<acl>\n")
    result, report = validate_json(run_cli, example, "--magento-root", root)
    assert result.exit_code == 0
    assert [(f["code"], f["severity"], f["file"]) for f in report["findings"]] == [
        ("MG110", "warning", str(broken))
    ]
    assert report["findings"][0]["message"].startswith("skipped: ")


def test_markdown_shows_every_finding_it_counts(
    example: Path, tmp_path: Path, magento_data: Path, run_cli: Runner
) -> None:
    root = build_magento_root(tmp_path / "magento", "git", magento_data)
    broken = write(root.erp / "etc" / "acl.xml", "<config>\n<acl>\n")
    _, report = validate_json(run_cli, example, "--magento-root", root)
    assert (report["errors"], report["warnings"]) == (0, 1)
    result = validate(run_cli, example, "--magento-root", root, "--format", "markdown")
    assert result.stdout.startswith("## magegen validate passed: 0 errors, 1 warning")
    rows = [line for line in result.stdout.splitlines() if line.startswith(("| error", "| warn"))]
    assert [row.split(" | ")[:4] for row in rows] == [["| warning", f"`{broken}`", "3", "MG110"]]


def test_text_is_sorted_and_ends_with_the_summary(tmp_path: Path, run_cli: Runner) -> None:
    modules = app_code(run_cli, tmp_path)
    for module in modules.values():
        (module / "composer.json").unlink()
        write(module / "etc" / "di.xml", MALFORMED_XML)
        edit(
            module / "registration.php",
            "ComponentRegistrar::MODULE, '",
            "ComponentRegistrar::MODULE, 'X",
        )
    result = validate(run_cli, tmp_path / "app")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    count, justified = len(modules), all_cases_warnings()
    warnings = count + justified.total()
    assert lines[-1] == (
        f"magegen: {count} modules checked, {2 * count} errors, {warnings} warnings"
    )
    parsed = [TEXT_FINDING.fullmatch(line) for line in lines[:-1]]
    assert all(parsed), lines
    keys = [(m["file"], int(m["line"] or 0), int(m["col"] or 0)) for m in parsed if m]
    assert keys == sorted(keys)
    assert len(keys) == 3 * count + justified.total()
    assert Counter(m["code"] for m in parsed if m) == justified + Counter(
        {"MG100": count, "MG201": count, "MG210": count}
    )
    assert SUMMARY.fullmatch(lines[-1])
    assert result.stderr == ""
