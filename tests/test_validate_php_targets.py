"""MG215: validate warns when composer.json's php excludes every PHP version of a Magento line
the module targets: the store's release with --catalog; the releases that ship a core module's
package version; else the default targets."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.validate_kit import new_module


def findings(result: Result) -> list[dict]:
    report = json.loads(result.stdout)
    return [p for p in report["findings"] if p["code"] == "MG215"]


def set_php(module: Path, php: str) -> None:
    path = module / "composer.json"
    composer = json.loads(path.read_text(encoding="utf-8"))
    composer["require"]["php"] = php
    path.write_text(json.dumps(composer, indent=4), encoding="utf-8")


@pytest.mark.parametrize(
    ("php", "lines"),
    [
        (None, []),
        ("~7.4.0", ["2.4.7 to 2.4.7-p6", "2.4.8 to 2.4.8-p1", "2.4.9"]),
        ("~8.1.0", ["2.4.8 to 2.4.8-p1", "2.4.9"]),
        ("^8.4", ["2.4.7 to 2.4.7-p6"]),
        (">=8.1", []),
    ],
)
def test_default_targets(
    tmp_path: Path, run_cli: Callable[..., Result], php: str | None, lines: list[str]
) -> None:
    module = new_module(run_cli, tmp_path / "module")
    if php is not None:
        set_php(module, php)
    result = run_cli("validate", module, "--format", "json", "--no-php")
    found = findings(result)
    assert [f["message"].split("Magento ")[1].split("'")[0] for f in found] == lines
    for finding in found:
        assert finding["severity"] == "warning"
        assert finding["file"].endswith("composer.json")
        assert "(the default targets; name the store with --catalog)" in finding["message"]
    assert result.exit_code == 0
    if lines:
        strict = run_cli("validate", module, "--format", "json", "--no-php", "--strict")
        assert strict.exit_code == 1


def core_module(magento_data: Path, target: Path) -> Path:
    """Magento_Sales of 2.4.4 (php ~7.4.0||~8.1.0), with the registration.php it ships."""
    mapping = json.loads((magento_data / "module-map.json").read_text())
    entry = mapping["magento/module-sales"]
    source = magento_data / entry["git_path"]
    (target / "etc").mkdir(parents=True)
    shutil.copy(source / "etc" / "module.xml", target / "etc" / "module.xml")
    shutil.copy(source / "composer.json", target / "composer.json")
    (target / "registration.php").write_text(
        "<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n"
        "ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Magento_Sales', __DIR__);\n"
    )
    return target


def test_a_core_module_is_judged_on_its_own_line(
    magento_data: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    module = core_module(magento_data, tmp_path / "Sales")
    assert json.loads((module / "composer.json").read_text())["require"]["php"] == (
        "~7.4.0||~8.1.0"
    )
    result = run_cli("validate", module, "--format", "json", "--no-php")
    assert findings(result) == []


def catalog_of_line(
    magento_root, tmp_path: Path, run_cli: Callable[..., Result], version: str
) -> Path:
    """A catalog file of the fake root, saying it came from Magento ``version``."""
    from tests.test_catalog_file import add_own_module

    add_own_module(magento_root)
    output = tmp_path / f"catalog-{version}.json"
    result = run_cli("catalog", "--magento-root", magento_root.path, "-o", output)
    assert result.exit_code == 0, result.stderr
    document = json.loads(output.read_text(encoding="utf-8"))
    document["magento"]["version"] = version
    output.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return output


def test_with_a_catalog_the_store_line_is_the_target(
    magento_root, magento_data: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    # 2.4.8-p2 is newer than magegen knows: judged by the nearest release before it, 2.4.8-p1.
    catalog = catalog_of_line(magento_root, tmp_path, run_cli, "2.4.8-p2")
    core = core_module(magento_data, tmp_path / "Sales")
    result = run_cli("validate", core, "--format", "json", "--no-php", "--catalog", catalog)
    (found,) = findings(result)
    assert found["message"] == (
        "requires php '~7.4.0||~8.1.0', which allows none of Magento 2.4.8-p1's PHP versions "
        "(~8.2.0||~8.3.0||~8.4.0): the module cannot be installed on 2.4.8-p1 (the store's "
        "release)"
    )


def test_a_2_4_4_store_accepts_a_2_4_4_php(
    magento_root, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    catalog = catalog_of_line(magento_root, tmp_path, run_cli, "2.4.4")
    module = new_module(run_cli, tmp_path / "module")
    set_php(module, "~7.4.0")
    result = run_cli("validate", module, "--format", "json", "--no-php", "--catalog", catalog)
    assert findings(result) == []
    set_php(module, "~8.2.0")
    result = run_cli("validate", module, "--format", "json", "--no-php", "--catalog", catalog)
    assert [f["message"].split(" (")[-1] for f in findings(result)] == ["the store's release)"]
