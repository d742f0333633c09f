"""The Setup folder is judged as it is when the setup checks run, not as the module reader saw it.

The setup checks list Setup/ without a stat when the module reader walked into it. A folder that
became a link out of the module since must not be followed (its names are not the module's),
and one that is gone since is absent: no crash.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from generator.magento.moduletree import read_module
from generator.review.setupscripts import setup_problems


def _module(tmp_path: Path) -> Path:
    module = tmp_path / "Module"
    (module / "etc").mkdir(parents=True)
    (module / "Setup").mkdir()
    (module / "etc/module.xml").write_text(
        '<?xml version="1.0"?>\n<config><module name="Acme_Sample"/></config>\n'
    )
    (module / "Setup/Helper.php").write_text("<?php\n")
    return module


def test_a_setup_folder_linked_out_after_the_walk_is_not_listed(tmp_path: Path) -> None:
    module_root = _module(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "installdata.php").write_text("<?php\n")  # a misnamed script, not the module's
    module, _ = read_module(module_root)
    shutil.rmtree(module_root / "Setup")
    os.symlink(outside, module_root / "Setup")
    assert [p.message for p in setup_problems(module)] == []


def test_a_setup_folder_gone_after_the_walk_is_absent(tmp_path: Path) -> None:
    module_root = _module(tmp_path)
    module, _ = read_module(module_root)
    shutil.rmtree(module_root / "Setup")
    assert [p.message for p in setup_problems(module)] == []


def test_a_setup_folder_still_there_is_listed(tmp_path: Path) -> None:
    module_root = _module(tmp_path)
    (module_root / "Setup/installdata.php").write_text("<?php\n")
    module, _ = read_module(module_root)
    codes = [p.code for p in setup_problems(module)]
    assert "MG311" in codes
