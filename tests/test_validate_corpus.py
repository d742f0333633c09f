"""`magegen validate` on Magento's own 209 core modules: no errors, and only known warnings.

The tree is built from the shared module.xml and composer.json of every core module, with the
registration.php each of them ships (rewritten here, since the shared data has no PHP).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

EXPECTED_WARNINGS = Path(__file__).resolve().parent / "data" / "core-warnings.txt"

REGISTRATION = """<?php
/**
 * Copyright (c) Magento, Inc. All rights reserved.
 */

use Magento\\Framework\\Component\\ComponentRegistrar;

ComponentRegistrar::register(ComponentRegistrar::MODULE, '{name}', __DIR__);
"""


def core_tree(magento_data: Path, target: Path) -> int:
    """Copy every core module's module.xml and composer.json under target/app/code."""
    mapping = json.loads((magento_data / "module-map.json").read_text())
    for entry in mapping.values():
        source = magento_data / entry["git_path"]
        module = target / entry["git_path"]
        (module / "etc").mkdir(parents=True)
        shutil.copy(source / "etc" / "module.xml", module / "etc" / "module.xml")
        shutil.copy(source / "composer.json", module / "composer.json")
        (module / "registration.php").write_text(REGISTRATION.format(name=entry["module"]))
    return len(mapping)


def expected_warnings() -> list[str]:
    """The justified warnings: every line of the data file that is not a comment."""
    lines = EXPECTED_WARNINGS.read_text().splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_core_modules_validate_without_errors(
    magento_data: Path,
    php: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., Result],
) -> None:
    assert core_tree(magento_data, tmp_path) == 209
    monkeypatch.chdir(tmp_path)
    result = run_cli("validate", "app/code", "--format", "json")
    report = json.loads(result.stdout)
    assert len(report["modules"]) == 209
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert errors == []
    warnings = [
        f"{f['file']}: {f['code']}: {f['message']}"
        for f in report["findings"]
        if f["severity"] == "warning"
    ]
    assert warnings == expected_warnings()
    assert result.exit_code == 0
    assert run_cli("validate", "app/code", "--strict").exit_code == 1
