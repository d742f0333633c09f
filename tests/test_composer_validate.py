"""Generated composer.json judged by real Composer, offline, plus Magento's autoload needs."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CASE_NAMES, GeneratedCase


def composer_env(home: Path) -> dict[str, str]:
    """An environment where Composer reads no user config, never prompts, stays offline."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("COMPOSER")}
    env.update(
        COMPOSER_HOME=str(home),
        COMPOSER_CACHE_DIR=str(home / "cache"),
        COMPOSER_NO_INTERACTION="1",
        COMPOSER_DISABLE_NETWORK="1",
        COMPOSER_ALLOW_SUPERUSER="1",
        COMPOSER_NO_AUDIT="1",
    )
    return env


def composer_validate(
    composer: str, folder: Path, scratch: Path
) -> subprocess.CompletedProcess[str]:
    """Real ``composer validate`` on folder/composer.json, with a private home under scratch."""
    home = scratch / "composer-home"
    home.mkdir(exist_ok=True)
    return subprocess.run(
        [composer, "validate", "--no-check-publish", "--no-check-lock", "--no-ansi"],
        cwd=folder,
        env=composer_env(home),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("case", CASE_NAMES)
def test_composer_validate(
    case: str, composer: str, generate_case: Callable[[str], GeneratedCase], tmp_path: Path
) -> None:
    """``composer validate`` accepts the generated composer.json without errors."""
    root = generate_case(case).root
    result = composer_validate(composer, root, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "# Errors" not in output, output
    assert "is valid" in output, output


@pytest.mark.parametrize("case", CASE_NAMES)
def test_manifest_autoloads_the_module(
    case: str, generate_case: Callable[[str], GeneratedCase]
) -> None:
    """composer.json is a magento2-module that autoloads registration.php and its namespace."""
    generated = generate_case(case)
    root = generated.root
    manifest = json.loads((root / "composer.json").read_text(encoding="utf-8"))
    assert manifest["type"] == "magento2-module"
    assert manifest["autoload"]["psr-4"] == {f"{generated.namespace}\\": ""}
    assert manifest["autoload"]["files"] == ["registration.php"]


NASTY_TEXT = [
    "O'Brien",
    "a\\b",
    "<x>&",
    "]]>",
    "?>",
    "{{ 7*7 }}",
    "${x}",
    "two\nlines\r\n",
    "nul\0and\x07bell",
    "\u202eright-to-left\u200f",
    "Rocket 🚀 Sync",
    '"quoted"',
]


def test_nasty_descriptions_and_licenses_survive_composer(
    composer: str, generate: Callable[..., Path], tmp_path: Path
) -> None:
    """Text that only reaches composer.json is written by json.dumps and read back exactly."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        json.dumps(
            {
                "module": {
                    "description": "".join(NASTY_TEXT),
                    "license": NASTY_TEXT[:3],
                    "authors": [{"name": text} for text in NASTY_TEXT],
                }
            }
        ),
        encoding="utf-8",
    )
    root = generate(spec=spec, name="Acme/Nasty")
    manifest = json.loads((root / "composer.json").read_text(encoding="utf-8"))
    assert manifest["description"] == "".join(NASTY_TEXT)
    assert manifest["license"] == NASTY_TEXT[:3]
    assert [author["name"] for author in manifest["authors"]] == NASTY_TEXT
    result = composer_validate(composer, root, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("email", "x@foo_bar.com"),
        ("email", "x..y@b.com"),
        ("email", "é@exämple.com"),
        ("email", "a.b+c@x-y.co"),
        ("homepage", "https://münchen.de"),
        ("homepage", "http://x_y.com"),
        ("homepage", "https://-x.com"),
        ("homepage", "https://a.b/c?d=e#f"),
        ("version", "1.0.0-beta."),
        ("version", "1.0.0-beta.2"),
        ("version", "1234567890.0.0"),
        ("constraint", "1.*.5"),
        ("constraint", "1.0.0.0.x"),
        ("constraint", "1.0.x-dev"),
        ("constraint", "^2.0@beta"),
        ("constraint", ">=1.0,<2.0"),
    ],
)
def test_magegen_accepts_exactly_what_composer_accepts(
    kind: str, value: str, composer: str, tmp_path: Path
) -> None:
    """For values that only reach composer.json, magegen's rule and real Composer agree."""
    from generator.magento import rules

    manifest: dict = {"name": "acme/module-erp", "type": "magento2-module", "require": {}}
    check = {
        "email": rules.check_author_email,
        "homepage": rules.check_author_homepage,
        "version": rules.check_version,
        "constraint": rules.check_constraint,
    }[kind]
    if kind in ("email", "homepage"):
        manifest["authors"] = [{"name": "Ana", kind: value}]
    elif kind == "version":
        manifest["version"] = value
    else:
        manifest["require"] = {"acme/other": value}
    (tmp_path / "composer.json").write_text(json.dumps(manifest))
    result = composer_validate(composer, tmp_path, tmp_path)
    assert (check(value) is None) == (result.returncode == 0), result.stdout + result.stderr
