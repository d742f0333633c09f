"""Catalog files: a store's ACL tree, modules and REST routes, read once from its installation
(``magegen catalog --magento-root PATH -o FILE``) and used in CI without the store.

The file is JSON: sorted keys, no timestamps or machine paths, so that it diffs well in review;
``format`` says which layout it has, and a file of another format is refused. It holds what
``--magento-root`` would give (the installation alone: never merged with bundled data), each
module's version and whether the installation has it, the Magento version it came from and,
when magegen knows REST routes, the installation's routes.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import Problem, UsageError, shown
from generator.magento.acl import (
    CORE,
    INSTALLATION,
    AclCatalog,
    AclResource,
    ModuleCatalog,
    ModulePackage,
)
from generator.magento.installation import Installation, find_modules, load_installation
from generator.magento.rules import version_pattern
from generator.magento.snapshotcheck import (
    FORMAT,
    KIND,
    MAX_BYTES,
    ShapeError,
    check_document,
)

# Where a Magento root says its version, most specific first: the product metapackage of a
# Composer install, the base package, then the root composer.json of a git checkout.
VERSION_FILES = (
    "vendor/magento/product-community-edition/composer.json",
    "vendor/magento/product-enterprise-edition/composer.json",
    "vendor/magento/magento2-base/composer.json",
    "composer.json",
)
PRODUCTS = ("magento/product-community-edition", "magento/product-enterprise-edition")
MAX_MANIFEST_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Snapshot:
    """A catalog file, read and checked."""

    path: Path
    magento_version: str | None
    magento_source: str | None
    acl: AclCatalog
    modules: ModuleCatalog
    versions: dict[str, str | None]  # module name to its composer.json version
    installed: frozenset[str]  # the modules the installation has
    routes: tuple[tuple[str, str, tuple[str, ...]], ...] | None  # None: no routes recorded


def _manifest(path: Path) -> dict[str, Any] | None:
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            return None
        document = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    return document if isinstance(document, dict) else None


def magento_version(root: Path) -> tuple[str | None, str | None]:
    """The Magento version of the installation at ``root`` and the file that says it."""
    for name in VERSION_FILES:
        manifest = _manifest(root / name)
        if manifest is None:
            continue
        version = manifest.get("version")
        if isinstance(version, str) and version_pattern().fullmatch(version):
            return version, name
        require = manifest.get("require")
        for product in PRODUCTS if isinstance(require, dict) else ():
            pinned = require.get(product)
            if isinstance(pinned, str) and version_pattern().fullmatch(pinned):
                return pinned, f"{name} (require {product})"
    return None, None


def _route_entries(root: Path) -> list[dict[str, Any]]:
    """The installation's REST routes: its own webapi.xml files, merged as Magento merges them."""
    from generator.magento.webapixml import installation_routes

    catalog, _ = installation_routes(root, None)
    entries = [
        {"method": route.method, "url": route.url, "resources": list(route.resources)}
        for route in catalog
    ]
    return sorted(entries, key=lambda e: (e["url"], e["method"]))


def build_document(root: Path) -> tuple[dict[str, Any], tuple[Problem, ...]]:
    """The catalog document of the installation at ``root``, and what reading it skipped."""
    found = load_installation(root)
    folders, _ = find_modules(root)
    sequences = {folder.name: folder.sequence for folder in folders}
    version, source = magento_version(root)
    document: dict[str, Any] = {
        "format": FORMAT,
        "kind": KIND,
        "magento": {"version": version, "source": source},
        "framework": {
            "package": found.modules.framework.package,
            "constraint": found.modules.framework.constraint,
        },
        "acl": [_resource_entry(r) for r in found.acl.resources],
        "modules": _module_entries(found, sequences),
    }
    document["routes"] = _route_entries(root)
    return document, found.problems


def _resource_entry(resource: AclResource) -> dict[str, Any]:
    return {
        "id": resource.id,
        "title": resource.title,
        "parent": resource.parent,
        "module": resource.module,
        "sort_order": resource.sort_order,
        "disabled": resource.disabled,
    }


def _module_entries(
    installation: Installation, sequences: dict[str, tuple[str, ...]]
) -> dict[str, Any]:
    """Every module of the catalogs and of the installation; one without a composer.json
    package (app/code) has a null package and is recorded, not added to the module catalog."""
    known = installation.modules.modules
    entries = {}
    for name in sorted(set(known) | set(installation.module_paths)):
        module = known.get(name)
        folder = installation.module_paths.get(name)
        manifest = _manifest(folder / "composer.json") if folder is not None else None
        version = manifest.get("version") if manifest is not None else None
        entries[name] = {
            "package": module.package if module else None,
            "constraint": module.constraint if module else None,
            "version": version if isinstance(version, str) else None,
            "origin": module.origin if module else INSTALLATION,
            # module.xml's sequence, which the installation's own modules have too
            "sequence": list(sequences.get(name) or (module.sequence if module else ())),
            "installed": folder is not None,
        }
    return entries


def to_text(document: dict[str, Any]) -> str:
    """The file's text: sorted keys, one space of indent, UTF-8 characters as they are."""
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_catalog(root: Path, output: Path) -> tuple[Problem, ...]:
    """Write the catalog of the installation at ``root`` to ``output`` (atomically); return
    what reading the installation skipped."""
    document, problems = build_document(root)
    text = to_text(document)
    folder = output.parent if str(output.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as any new file, not mkstemp's 0600
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return problems


def _refuse(path: Path, reason: str) -> UsageError:
    return UsageError([Problem(str(path), f"not a usable magegen catalog: {reason}")])


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ShapeError(f"the key '{shown(key, 40)}' appears twice in one object")
        document[key] = value
    return document


def _no_constant(name: str) -> Any:
    raise ShapeError(f"{name} is not a JSON number")


def read_document(path: Path) -> dict[str, Any]:
    """The checked document of the catalog file at ``path``; UsageError (exit 2) with one line
    naming the file when it is missing, too large, not JSON or not a catalog of this format."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _refuse(path, exc.strerror or "cannot be read") from None
    if len(data) > MAX_BYTES:
        raise _refuse(path, f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        document = json.loads(
            data.decode("utf-8"), object_pairs_hook=_unique_keys, parse_constant=_no_constant
        )
        check_document(document)
    except UnicodeDecodeError:
        raise _refuse(path, "not UTF-8 text") from None
    except RecursionError:
        raise _refuse(path, "nested too deeply") from None
    except ShapeError as exc:
        raise _refuse(path, shown(str(exc))) from None
    except ValueError as exc:
        raise _refuse(path, f"not JSON ({shown(str(exc))})") from None
    return document


def load_snapshot(path: Path) -> Snapshot:
    """The catalog file at ``path`` as catalogs; refused (UsageError, exit 2) unless valid."""
    document = read_document(path)
    version = document["magento"]["version"]
    acl = AclCatalog(
        f"{version or 'unknown version'} (catalog {path.name})",
        tuple(AclResource(**entry) for entry in document["acl"]),
    )
    framework = document["framework"]
    modules = {
        name: ModulePackage(
            name, entry["package"], entry["constraint"], entry["origin"], tuple(entry["sequence"])
        )
        for name, entry in document["modules"].items()
        if entry["package"] is not None
    }
    routes = document.get("routes")
    return Snapshot(
        path,
        version,
        document["magento"]["source"],
        acl,
        ModuleCatalog(
            version or "unknown",
            ModulePackage("Magento_Framework", framework["package"], framework["constraint"], CORE),
            modules,
        ),
        {name: entry["version"] for name, entry in document["modules"].items()},
        frozenset(name for name, entry in document["modules"].items() if entry["installed"]),
        None
        if routes is None
        else tuple((r["method"], r["url"], tuple(r["resources"])) for r in routes),
    )
