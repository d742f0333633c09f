"""Issue 20: nothing read from outside, nothing unbounded.

Deep ACL chains (a catalog file, acl.xml files merged across modules) give a result or a clear
error, never an internal error; suggestions for thousands of unknown ids stay within a budget.
"""

from __future__ import annotations

from pathlib import Path

from generator.magento.snapshot import to_text
from tests.test_catalog_file_hostile import valid_document
from tests.validate_kit import Runner, assert_no_traceback, write

DEPTH = 3000  # far deeper than Python's default recursion limit (1000)


def _deep_catalog(tmp_path: Path) -> Path:
    """A catalog whose tree holds a chain of DEPTH ids below the admin root."""
    document = valid_document()
    ids = [r["id"] for r in document["acl"]]
    parent, chain = "Magento_Backend::admin", []
    for level in range(DEPTH):
        resource_id = f"Acme_Deep::n{level}"
        chain.append(
            {"id": resource_id, "title": f"Level {level}", "parent": parent,
             "module": "Acme_Deep", "sort_order": None, "disabled": False}
        )
        parent = resource_id
    at = ids.index("Magento_Backend::admin") + 1  # tree order: first below the admin root
    document["acl"][at:at] = chain
    return write(tmp_path / "deep.json", to_text(document))


def _spec(tmp_path: Path, resource: str, name: str = "spec.yaml") -> Path:
    return write(
        tmp_path / name,
        "name: Acme/Deep\nintegrations:\n  - name: Deep\n    email: a@example.com\n"
        f"    resources: ['{resource}']\n",
    )


def test_a_deep_catalog_chain_works_everywhere(run_cli: Runner, tmp_path: Path) -> None:
    catalog = _deep_catalog(tmp_path)
    whole = _spec(tmp_path, "Acme_Deep::n0/**")
    leaf = _spec(tmp_path, f"Acme_Deep::n{DEPTH - 1}", "leaf.yaml")
    module = tmp_path / "out"
    runs = {
        "new": run_cli("new", whole, "-o", module, "--catalog", catalog, "-q"),
        "spec-from": None,
        "acl-diff": run_cli("acl-diff", leaf, whole, "--catalog", catalog, "--format", "markdown"),
        "acl": run_cli("acl", f"n{DEPTH - 1}", "--catalog", catalog),
    }
    runs["spec-from"] = run_cli("spec-from", module, "--catalog", catalog)
    runs["validate"] = run_cli("validate", module, "--no-php", "--catalog", catalog)
    for command, result in runs.items():
        assert_no_traceback(result)
        assert result.exit_code == 0, (command, result.stderr)
    assert f"Acme_Deep::n{DEPTH - 1}" in runs["spec-from"].stdout
    assert "No integration permissions change" in runs["acl-diff"].stdout


ACL_XML = """<?xml version="1.0"?>
<config><acl><resources><resource id="{parent}">{body}</resource></resources></acl></config>
"""


def _nested(prefix: str, levels: int) -> str:
    opening = "".join(f'<resource id="{prefix}::n{i}" title="Level {i}">' for i in range(levels))
    return opening + "</resource>" * levels


def test_acl_xml_chains_merged_across_modules_work(run_cli: Runner, tmp_path: Path) -> None:
    """Each file stays within libxml2's depth; the merged chain is far deeper."""
    parent = "Magento_Backend::admin"
    for index in range(5):
        module = tmp_path / "code" / "Acme" / f"Deep{index}"
        name = f"Acme_Deep{index}"
        write(module / "etc" / "module.xml",
              f'<?xml version="1.0"?>\n<config><module name="{name}"/></config>\n')
        write(module / "registration.php",
              "<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n"
              f"ComponentRegistrar::register(ComponentRegistrar::MODULE, '{name}', __DIR__);\n")
        write(module / "etc" / "acl.xml", ACL_XML.format(parent=parent, body=_nested(name, 240)))
        parent = f"{name}::n239"
    result = run_cli("validate", tmp_path / "code", "--no-php")
    assert_no_traceback(result)


def test_an_acl_xml_nested_past_libxml2_s_limit_is_a_clear_error(
    run_cli: Runner, tmp_path: Path
) -> None:
    module = tmp_path / "Acme" / "Deep"
    write(module / "etc" / "module.xml",
          '<?xml version="1.0"?>\n<config><module name="Acme_Deep"/></config>\n')
    write(module / "etc" / "acl.xml",
          ACL_XML.format(parent="Magento_Backend::admin", body=_nested("Acme_Deep", 5000)))
    result = run_cli("validate", module, "--no-php", "--format", "json")
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert '"MG100"' in result.stdout
    listed = run_cli("acl", "--module", module)
    assert_no_traceback(listed)
    assert listed.exit_code in (0, 2)


# 13. Suggestions are bounded.

UNKNOWN = 4000


def test_thousands_of_unknown_ids_get_a_bounded_number_of_suggestions(
    run_cli: Runner, tmp_path: Path
) -> None:
    from generator.magento.acl import SUGGESTION_BUDGET
    from tests.validate_kit import EXAMPLE_NAME, drop_sync_patch, grant, new_module

    module = new_module(run_cli, tmp_path / EXAMPLE_NAME)
    drop_sync_patch(module)
    typos = [f"Magento_Sales::reoder{'x' * (index % 3)}{index}" for index in range(UNKNOWN)]
    grant(module, "Magento_Sales::reoder", *typos)
    result = run_cli("validate", module, "--no-php", "--format", "json")
    assert_no_traceback(result)
    import json

    findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "MG304"]
    assert len(findings) == UNKNOWN + 1
    # The numbered typos are new to this run (the plain one may have been ranked by an earlier
    # test on the shared bundled catalog, and ranked ids cost nothing again).
    suggested = [
        f for f in findings if "did you mean" in f["message"] and "reoder'" not in f["message"]
    ]
    assert 0 < len(suggested) <= SUGGESTION_BUDGET
    first = next(f for f in findings if "'Magento_Sales::reoder'" in f["message"])
    assert "did you mean 'Magento_Sales::reorder'" in first["message"]


def test_a_repeated_typo_is_ranked_once(monkeypatch) -> None:
    from generator.magento import suggest
    from generator.magento.acl import bundled_acl

    acl = bundled_acl()
    calls = []
    original = suggest.rank
    monkeypatch.setattr(suggest, "rank", lambda *a: calls.append(a) or original(*a))
    for _ in range(50):
        assert acl.suggestions("Magento_Sales::reodr_once", limit=1) == ["Magento_Sales::reorder"]
    assert len(calls) <= 1


# 10. Nothing read through a linked folder of the target or the module.

OUTSIDE_CONFIG = """<?xml version="1.0"?>
<integrations><integration name="Outside Secret"><email>s@example.com</email></integration>
</integrations>
"""


def test_new_never_reads_through_a_linked_integration_folder(
    run_cli: Runner, tmp_path: Path
) -> None:
    from tests.conftest import EXAMPLE_SPEC
    from tests.validate_kit import EXAMPLE_NAME, new_module

    module = new_module(run_cli, tmp_path / "module" / EXAMPLE_NAME)
    outside = tmp_path / "outside" / "integration"
    write(outside / "config.xml", OUTSIDE_CONFIG)
    write(outside / "api.xml", "<integrations/>\n")
    for path in (module / "etc" / "integration").iterdir():
        path.unlink()
    (module / "etc" / "integration").rmdir()
    (module / "etc" / "integration").symlink_to(outside, target_is_directory=True)
    for mode in ("--check", "--diff", "--dry-run"):
        result = run_cli("new", EXAMPLE_NAME, EXAMPLE_SPEC, "-o", module, mode)
        assert_no_traceback(result)
        assert "Outside Secret" not in result.stdout + result.stderr, mode
        assert result.exit_code in (1, 2), mode
    check = run_cli("new", EXAMPLE_NAME, EXAMPLE_SPEC, "-o", module, "--check")
    assert check.exit_code == 1
    assert "symbolic link" in check.stderr


def test_validate_never_walks_a_psr4_folder_that_links_out(
    run_cli: Runner, tmp_path: Path
) -> None:
    import json

    from tests.validate_kit import EXAMPLE_NAME, edit_json, new_module

    module = new_module(run_cli, tmp_path / "module" / EXAMPLE_NAME)
    write(tmp_path / "outside" / "Model" / "Thing.php", "<?php\nclass Thing {}\n")
    (module / "src").symlink_to(tmp_path / "outside", target_is_directory=True)
    edit_json(
        module / "composer.json",
        lambda c: c["autoload"]["psr-4"].update({"Beehexa\\IntegrationManager\\": "src/"}),
    )
    result = run_cli("validate", module, "--no-php", "--format", "json")
    assert_no_traceback(result)
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert "MG212" in codes  # the linked folder holds no class the module may count
    assert "MG104" in codes
