"""``new`` into a folder that already holds a hand-written etc/acl.xml the spec does not make:
integrations may grant the ids it declares, and the file is kept untouched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

HAND_ACL = """\
<?xml version="1.0"?>
<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:noNamespaceSchemaLocation="urn:magento:framework:Acl/etc/acl.xsd">
    <acl>
        <resources>
            <resource id="Magento_Backend::admin">
                <resource id="Hand_Made::root" title="Hand Made">
                    <resource id="Hand_Made::read" title="Read Hand" sortOrder="10"/>
                    <resource id="Hand_Made::write" title="Write Hand" sortOrder="20"/>
                </resource>
            </resource>
        </resources>
    </acl>
</config>
"""


def spec_granting(tmp_path: Path, *resources: str) -> Path:
    spec = tmp_path / "spec.yaml"
    listed = ", ".join(resources)
    spec.write_text(
        "name: Hand/Made\nintegrations:\n  - name: Hand\n    email: hand@example.com\n"
        f"    resources: [{listed}]\n"
    )
    return spec


def module_with_hand_acl(folder: Path) -> Path:
    (folder / "etc").mkdir(parents=True)
    (folder / "etc/acl.xml").write_text(HAND_ACL)
    return folder


def granted(module: Path) -> list[str]:
    api = (module / "etc/integration/api.xml").read_text()
    return [line.split('"')[1] for line in api.splitlines() if "<resource name=" in line]


def test_grants_of_the_hand_written_ids_resolve_with_ancestors(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = module_with_hand_acl(tmp_path / "out")
    spec = spec_granting(tmp_path, "Hand_Made::write")
    result = run_cli("new", spec, "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert granted(out) == ["Hand_Made::root", "Hand_Made::write"]
    assert (out / "etc/acl.xml").read_text() == HAND_ACL
    # The tree is what the spec generates: --check finds no drift.
    check = run_cli("new", spec, "-o", out, "--check")
    assert check.exit_code == 0, check.output


def test_the_default_target_is_read_and_subtrees_resolve(
    tmp_path: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    module = module_with_hand_acl(tmp_path / "app/code/Hand/Made")
    result = run_cli("new", spec_granting(tmp_path, "Hand_Made::root/**"), "--force")
    assert result.exit_code == 0, result.output
    assert granted(module) == ["Hand_Made::root", "Hand_Made::read", "Hand_Made::write"]


def test_an_id_the_file_does_not_declare_is_an_error_with_a_suggestion(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = module_with_hand_acl(tmp_path / "out")
    result = run_cli("new", spec_granting(tmp_path, "Hand_Made::raed"), "-o", out, "--force")
    assert result.exit_code == 2, result.output
    assert "did you mean 'Hand_Made::read'?" in result.output
    assert not (out / "etc/integration").exists()


def test_a_link_out_of_the_folder_is_not_followed(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    outside = tmp_path / "elsewhere.xml"
    outside.write_text(HAND_ACL)
    out = tmp_path / "out"
    (out / "etc").mkdir(parents=True)
    (out / "etc/acl.xml").symlink_to(outside)
    result = run_cli("new", spec_granting(tmp_path, "Hand_Made::read"), "-o", out, "--force")
    assert result.exit_code == 2, result.output
    assert "not read: not a regular file inside the module's folder" in result.output
    assert "unknown ACL resource 'Hand_Made::read'" in result.output


def test_a_malformed_file_is_named_and_its_ids_stay_unknown(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "out"
    (out / "etc").mkdir(parents=True)
    (out / "etc/acl.xml").write_text("<config><acl>\n")
    result = run_cli("new", spec_granting(tmp_path, "Hand_Made::read"), "-o", out, "--force")
    assert result.exit_code == 2, result.output
    assert "etc/acl.xml:" in result.output and "skipped" in result.output
    assert (out / "etc/acl.xml").read_text() == "<config><acl>\n"


def test_a_spec_with_acl_rereads_its_own_generated_file_without_collisions(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "name: Hand/Made\nacl:\n  - {id: Hand_Made::root, title: Hand Made}\n"
        "integrations:\n  - name: Hand\n    email: hand@example.com\n"
        "    resources: [Hand_Made::root]\n"
    )
    out = tmp_path / "out"
    assert run_cli("new", spec, "-o", out).exit_code == 0
    check = run_cli("new", spec, "-o", out, "--check")
    assert check.exit_code == 0, check.output
