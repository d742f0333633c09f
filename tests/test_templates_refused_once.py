"""A refused part of a templates folder is reported once, however many templates meet it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import EXAMPLE_SPEC
from tests.validate_kit import EXAMPLE_NAME


def test_a_linked_folder_in_a_spec_templates_folder_is_refused_once(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    # etc/module.xml.j2, etc/integration/config.xml.j2 and etc/integration/api.xml.j2 all go
    # through realdir/etc: it used to be refused three times.
    outside = tmp_path / "outside" / "etc"
    (outside / "integration").mkdir(parents=True)
    (outside / "module.xml.j2").write_text("secret\n", encoding="utf-8")
    (tmp_path / "project" / "realdir").mkdir(parents=True)
    (tmp_path / "project" / "realdir" / "etc").symlink_to(outside, target_is_directory=True)
    spec = tmp_path / "project" / "spec.yaml"
    spec.write_text(
        EXAMPLE_SPEC.read_text(encoding="utf-8") + "templates: realdir\n", encoding="utf-8"
    )
    result = run_cli("new", EXAMPLE_NAME, spec, "-o", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"{tmp_path / 'project' / 'realdir' / 'etc'}: error: template refused: is a symbolic "
        "link; templates are read only from regular files inside the templates folder\n"
    )
    assert not (tmp_path / "out").exists()
