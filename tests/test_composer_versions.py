"""composer.json's version: magegen accepts exactly what real ``composer validate`` accepts."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from click.testing import Result

from generator.magento import rules
from generator.spec.jsonschema import spec_schema
from tests.test_composer_validate import composer_validate

ACCEPTED = [
    "2.2.0-dev",
    "1.0.0-alpha1",
    "1.0.0-beta.2",
    "1.0-RC",
    "1.0.0-rc",
    "1.0.0-patch",
    "1.0.0-PATCH2",
    "1.0.0-p1",
    "v1.0.0",
    "2.4.1.3",
    "dev-main",
    "dev-feature/x",
    "1.x-dev",
    "v1.x-dev",
    "1.0.0-RC1-dev",
    "1.0.0+build.5",
    "1.0@beta",
    "1.0 as 2.0",
    "20240101",
    "12345.1",
    "1.0.0beta",
]
REFUSED = [
    "master",
    "1.0.0.0.0",
    "1.0-foo",
    "V1.0",
    "x1",
    "1.0.0-beta-",
    "1.0.0-beta.",
    "DEV-main",
    "1.0+",
    "1..0",
    "-1.0",
    "1.0@foo",
    "1234567890.0.0",
    "1.0.0-dev-dev",
]


def test_versions_agree_with_real_composer(composer: str, tmp_path: Path) -> None:
    def judge(index_version: tuple[int, str]) -> tuple[str, bool]:
        index, version = index_version
        folder = tmp_path / str(index)
        folder.mkdir()
        manifest = {"name": "acme/module-erp", "type": "magento2-module", "version": version}
        (folder / "composer.json").write_text(json.dumps(manifest), encoding="utf-8")
        return version, composer_validate(composer, folder, folder).returncode == 0

    with ThreadPoolExecutor(8) as pool:
        verdicts = dict(pool.map(judge, enumerate(ACCEPTED + REFUSED)))
    assert [v for v in ACCEPTED if not verdicts[v]] == []  # the lists say what Composer does
    assert [v for v in REFUSED if verdicts[v]] == []
    assert [v for v in ACCEPTED if rules.check_version(v) is not None] == []
    assert [v for v in REFUSED if rules.check_version(v) is None] == []


def test_the_schema_pattern_says_the_same() -> None:
    module = spec_schema()["properties"]["module"]  # type: ignore[index]
    pattern = re.compile(module["properties"]["version"]["pattern"])
    assert [v for v in ACCEPTED if not pattern.search(v)] == []
    assert [v for v in REFUSED if pattern.search(v)] == []


def test_new_accepts_a_dev_version(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("module:\n  version: 2.2.0-dev\n", encoding="utf-8")
    out = tmp_path / "module"
    result = run_cli("new", "Acme/Erp", spec, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert json.loads((out / "composer.json").read_text(encoding="utf-8"))["version"] == "2.2.0-dev"


def test_a_long_hostile_version_is_judged_at_once() -> None:
    """The version rule cannot backtrack for ever (a spec comes from a pull request)."""
    import time

    # Backtracking, 26 digits took some 8 s and 5,000 would never end.
    for value in (
        "1.0.0-beta" + "1" * 26 + "x",
        "1.0.0-beta" + "1" * 5000 + "x",
        "1.0-a" + "-1" * 5000 + "@",
        "1" * 9000 + "x",
    ):
        began = time.perf_counter()
        assert rules.check_version(value) is not None
        assert time.perf_counter() - began < 0.5
