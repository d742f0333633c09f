"""Rebuild magegen's bundled catalogs from Magento's own files.

    python scripts/build_catalogs.py ../shared/magento ../shared/magento-extra

The first folder holds the core modules in magento2's git layout (app/code/Magento); every further
folder holds the default install's other packages in Composer's layout (vendor/<vendor>/<package>).
The script reads each module's etc/module.xml, etc/acl.xml and composer.json and writes
generator/magento/data/acl.json (the merged ACL tree of all of them) and
generator/magento/data/modules.json (module name, Composer package, release-line constraint, origin,
sequence). magegen reads only those JSON files at run time.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.magento.acl import CORE, DEFAULT_INSTALL, release_constraint  # noqa: E402
from generator.magento.installation import (  # noqa: E402
    ModuleDir,
    find_modules,
    read_acl,
    read_packages,
)

DATA = REPO / "generator" / "magento" / "data"


def magento_version(source: Path) -> str:
    """The Magento release the source holds, from its SOURCE.md or root composer.json."""
    manifest = source / "composer.json"
    if manifest.is_file():
        return json.loads(manifest.read_text())["version"]
    text = (source / "SOURCE.md").read_text()
    marker = "Magento Open Source **"
    start = text.index(marker) + len(marker)
    return text[start : text.index("**", start)]


def read_modules(core_source: Path, extras: list[Path]) -> tuple[list[ModuleDir], set[str]]:
    """Every module of the sources, and the names of the core ones (the first source's)."""
    found, problems = find_modules(core_source)
    core = [m for m in found if m.path.is_relative_to(core_source / "app" / "code" / "Magento")]
    modules = list(core)
    for extra in extras:
        more, more_problems = find_modules(extra)
        modules += more
        problems += more_problems
    for problem in problems:
        print(problem, file=sys.stderr)
    names = [m.name for m in modules]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise SystemExit(f"modules found twice: {', '.join(duplicates)}")
    return modules, {m.name for m in core}


def modules_document(
    core_source: Path, version: str, modules: list[ModuleDir], core: set[str]
) -> dict[str, object]:
    """modules.json: the framework, then each module with its package, origin and sequence."""
    framework_file = core_source / "lib/internal/Magento/Framework/composer.json"
    framework = json.loads(framework_file.read_text())
    packages = {p.module: p for p in read_packages(modules)}
    sequences = {m.name: list(m.sequence) for m in modules}
    return {
        "magento_version": version,
        "framework": {
            "package": framework["name"],
            "constraint": release_constraint(framework["version"]),
        },
        "modules": {
            name: {
                "package": packages[name].package,
                "constraint": packages[name].constraint,
                "origin": CORE if name in core else DEFAULT_INSTALL,
                "sequence": sequences[name],
            }
            for name in sorted(packages)
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("core", type=Path, help="the core modules, in magento2's git layout")
    parser.add_argument(
        "extra", type=Path, nargs="*", help="the default install's other packages (vendor/ layout)"
    )
    parser.add_argument("--out", type=Path, default=DATA, help=f"where to write (default {DATA})")
    args = parser.parse_args()
    version = magento_version(args.core)
    modules, core = read_modules(args.core, args.extra)
    acl, acl_problems = read_acl(modules, None, version)
    for problem in acl_problems:
        print(problem, file=sys.stderr)
    document = modules_document(args.core, version, modules, core)

    out: Path = args.out
    out.mkdir(exist_ok=True)
    (out / "acl.json").write_text(acl.to_json(), encoding="utf-8")
    (out / "modules.json").write_text(
        json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    enabled = sum(not r.disabled for r in acl.resources)
    total = len(document["modules"])  # type: ignore[arg-type]
    print(
        f"Magento {version}: {len(acl)} ACL ids ({enabled} enabled), "
        f"{total} modules ({len(core)} core)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
