"""Run generated modules through the store model of tests/php/store.php with the real php.

A store is a JSON file; each ``upgrade`` is one ``bin/magento setup:upgrade`` with the module.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any, NamedTuple

from lxml import etree

STORE_PHP = Path(__file__).resolve().parent / "php" / "run_store.php"
# php without php.ini (the local configuration cannot change the outcome), with the two
# extensions Magento's code needs here: dom for the converters, mbstring for names.
FLAGS = ("-n", "-d", "extension=dom", "-d", "extension=mbstring", "-d", "error_reporting=-1")
PROCESS_CALL = re.compile(r"processIntegrationConfig\(\[(.*?)\]\)", re.DOTALL)
PHP_STRING = re.compile(r"'((?:[^'\\]|\\.)*)'")


class Upgrade(NamedTuple):
    """How one setup:upgrade ended: the store's tables, or the failure."""

    ok: bool
    tables: dict[str, Any]
    error: str


def upgrade(php: str, store: Path, root: Path, module: str, activate: bool = False) -> Upgrade:
    """``setup:upgrade`` of the store at ``store`` with the module tree ``root``.

    ``activate`` then activates every inactive integration and gives it an access token.
    """
    args = [php, *FLAGS, str(STORE_PHP), str(store), "upgrade", str(root), module]
    result = subprocess.run(
        [*args, *(["activate"] if activate else [])],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        return Upgrade(False, {}, result.stdout + result.stderr)
    assert result.stderr == "", result.stderr
    return Upgrade(True, json.loads(result.stdout), "")


def rows(tables: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each integration's row (with its id) by name."""
    integrations = tables["integrations"] or {}
    return {row["name"]: {**row, "id": int(key)} for key, row in integrations.items()}


def state(tables: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What a spec decides about a store: each integration's fields and granted resources."""
    grants = tables["grants"] or {}
    return {
        name: {
            "email": row["email"],
            "endpoint": row["endpoint"],
            "identity_link_url": row["identity_link_url"],
            "setup_type": row["setup_type"],
            "resources": sorted(grants.get(str(row["id"]), [])),
        }
        for name, row in rows(tables).items()
    }


def tokens_of(tables: dict[str, Any], consumer_id: int) -> list[str]:
    """The access tokens of the consumer ``consumer_id``."""
    tokens = tables["tokens"] or {}
    return sorted(t["token"] for t in tokens.values() if t["consumer_id"] == consumer_id)


def processed_names(source: str) -> list[str]:
    """Every integration name a PHP file hands to processIntegrationConfig()."""
    names = []
    for call in PROCESS_CALL.finditer(source):
        for literal in PHP_STRING.finditer(call.group(1)):
            names.append(re.sub(r"\\([\\'])", r"\1", literal.group(1)))
    return names


def declared_names(root: Path) -> set[str]:
    """The integrations etc/integration/config.xml declares."""
    path = root / "etc" / "integration" / "config.xml"
    if not path.is_file():
        return set()
    return {str(e.get("name")) for e in etree.parse(str(path)).getroot().iter("integration")}


def undeclared_in_patches(root: Path) -> list[tuple[str, str]]:
    """(file, name) for each name a setup script processes that config.xml does not declare."""
    declared = declared_names(root)
    found = []
    for path in sorted((root / "Setup").rglob("*.php")) if (root / "Setup").is_dir() else []:
        for name in processed_names(path.read_text(encoding="utf-8")):
            if name not in declared:
                found.append((path.relative_to(root).as_posix(), name))
    return found


def _run(php: str, store: Path, *args: str) -> str:
    result = subprocess.run(
        [php, *FLAGS, str(STORE_PHP), str(store), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def install_magento(php: str, store: Path, release: str, tree: dict[str, str | None]) -> None:
    """Install Magento ``release`` in the store (or upgrade it), with its ACL ``tree``
    (id to parent id)."""
    path = store.with_name(f"{store.stem}-tree-{release}.json")
    path.write_text(json.dumps(tree), encoding="utf-8")
    _run(php, store, "magento", release, str(path))


def authorised(php: str, store: Path, integration: str, refs: tuple[str, ...]) -> bool:
    """Whether the store lets the active integration's token call a route needing ``refs``."""
    path = store.with_name(f"{store.stem}-refs.json")
    path.write_text(json.dumps(list(refs)), encoding="utf-8")
    return json.loads(_run(php, store, "authorise", integration, str(path)))["authorised"]
