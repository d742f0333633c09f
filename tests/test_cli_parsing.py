"""Short options are matched directly; everything else still parses (and fails) as click's does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "integration-manager.yaml"
NAME = "Beehexa/IntegrationManager"


def test_short_output_option_writes_where_it_says(tmp_path: Path) -> None:
    target = tmp_path / "module"
    result = CliRunner().invoke(main, ["new", NAME, str(EXAMPLE), "-o", str(target), "-q"])
    assert result.exit_code == 0, result.output
    assert (target / "etc" / "module.xml").is_file()


def test_attached_short_value_still_parses(tmp_path: Path) -> None:
    target = tmp_path / "module"
    result = CliRunner().invoke(main, ["new", NAME, str(EXAMPLE), f"-o{target}"])
    assert result.exit_code == 0, result.output
    assert (target / "registration.php").is_file()


def test_unknown_long_option_still_suggests(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["new", NAME, str(EXAMPLE), "--outptu", str(tmp_path)])
    assert result.exit_code == 2
    assert "No such option '--outptu'" in result.output
    assert "--output" in result.output  # click's suggestion


def test_short_option_start_imports_no_difflib(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom generator.cli import main\n"
        "try:\n    main(prog_name='magegen')\nexcept SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "print('difflib' in sys.modules)\n"
    )
    argv = [sys.executable, "-c", code, "new", NAME, str(EXAMPLE), "-o", str(tmp_path / "m"), "-q"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip().splitlines()[-1] == "False", done.stdout + done.stderr
