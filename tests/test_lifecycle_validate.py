"""validate and retired integrations: MG310 for a hand-written patch that still names one, never
for magegen's own sync patch, which deletes retired names and never processes them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

MODULE = "Acme/Erp"
ERP = """  - name: ERP Sync
    email: erp@acme.example
    resources: [Magento_Sales::sales]
"""
PIM = """  - name: PIM Feed
    email: pim@acme.example
    resources: [Magento_Catalog::products]
"""
PIM_RETIRED = "  - name: PIM Feed\n    retired: true\n"
ERP_RETIRED = "  - name: ERP Sync\n    retired: true\n"
HAND_WRITTEN = """<?php

declare(strict_types=1);

namespace Acme\\Erp\\Setup\\Patch\\Data;

use Magento\\Framework\\Setup\\Patch\\DataPatchInterface;
use Magento\\Integration\\Model\\ConfigBasedIntegrationManager;

class AddPimFeed implements DataPatchInterface
{
    private ConfigBasedIntegrationManager $integrationManager;

    public function __construct(ConfigBasedIntegrationManager $integrationManager)
    {
        $this->integrationManager = $integrationManager;
    }

    public function apply()
    {
        $this->integrationManager->processIntegrationConfig(['PIM Feed']);

        return $this;
    }

    public static function getDependencies()
    {
        return [];
    }

    public function getAliases()
    {
        return [];
    }
}
"""


def spec(path: Path, head: str, *entries: str) -> Path:
    path.write_text(head + "integrations:\n" + "".join(entries), encoding="utf-8")
    return path


def test_a_hand_written_patch_naming_a_retired_integration_is_mg310(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    out = tmp_path / "m"
    head = "setup: data-patch\n"
    assert (
        run_cli("new", MODULE, spec(tmp_path / "v1.yaml", head, ERP, PIM), "-o", out).exit_code == 0
    )
    patch = out / "Setup" / "Patch" / "Data" / "AddPimFeed.php"
    patch.write_text(HAND_WRITTEN, encoding="utf-8")
    assert run_cli("validate", out).exit_code == 0, "PIM Feed is still declared"
    v2 = spec(tmp_path / "v2.yaml", head, ERP, PIM_RETIRED)
    assert run_cli("new", MODULE, v2, "-o", out, "--force").exit_code == 0
    assert patch.is_file(), "a patch magegen did not write is never removed"
    result = run_cli("validate", out)
    assert result.exit_code == 1
    findings = [line for line in result.stdout.splitlines() if "[MG310]" in line]
    assert findings == [
        f"{patch}:21:63: error: processIntegrationConfig() names 'PIM Feed', which "
        "etc/integration/config.xml does not declare: setup:upgrade fails with 'Undefined array "
        "key' [MG310]"
    ]


@pytest.mark.parametrize(
    ("head", "entries"),
    [
        ("setup: data-patch\n", (ERP, PIM_RETIRED)),
        ("", (PIM_RETIRED, ERP)),
        ("setup: data-patch\n", (ERP_RETIRED, PIM_RETIRED)),
        ("module:\n  version: 1.0.0\n", (ERP_RETIRED, PIM_RETIRED)),
    ],
    ids=["data-patch", "install-data", "data-patch all retired", "install-data all retired"],
)
def test_magegens_sync_patch_with_retired_names_is_never_mg310(
    tmp_path: Path, run_cli: Callable[..., Result], head: str, entries: tuple[str, ...]
) -> None:
    out = tmp_path / "m"
    assert (
        run_cli("new", MODULE, spec(tmp_path / "v1.yaml", head, ERP, PIM), "-o", out).exit_code == 0
    )
    written = run_cli(
        "new", MODULE, spec(tmp_path / "v2.yaml", head, *entries), "-o", out, "--force"
    )
    assert written.exit_code == 0, written.stderr
    for line in written.stderr.splitlines():  # delete what magegen no longer generates
        if ": warning: magegen generated this file before" in line:
            Path(line.split(": warning: ")[0]).unlink()
    (sync,) = (out / "Setup" / "Patch" / "Data").glob("*.php")
    assert "$this->retire('PIM Feed');" in sync.read_text()
    result = run_cli("validate", out)
    assert "MG310" not in result.stdout, result.stdout
    assert result.exit_code == 0, result.stdout
