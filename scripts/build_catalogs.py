"""Rebuild magegen's bundled catalogs from Magento's own files.

    python scripts/build_catalogs.py ../shared/magento

reads the core modules' etc/module.xml, etc/acl.xml and composer.json from a magento2 git checkout
layout and writes generator/magento/data/acl.json (the merged ACL tree) and
generator/magento/data/modules.json (module name, Composer package, release-line constraint).
magegen reads only those JSON files at run time.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.magento.acl import release_constraint  # noqa: E402
from generator.magento.installation import find_modules, read_acl, read_packages  # noqa: E402

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a Magento tree in magento2's git layout")
    parser.add_argument("--out", type=Path, default=DATA, help=f"where to write (default {DATA})")
    args = parser.parse_args()
    source: Path = args.source
    out: Path = args.out
    version = magento_version(source)

    modules, problems = find_modules(source)
    core = [m for m in modules if m.path.is_relative_to(source / "app" / "code" / "Magento")]
    acl, acl_problems = read_acl(core, None, version)
    for problem in problems + acl_problems:
        print(problem, file=sys.stderr)

    framework = json.loads((source / "lib/internal/Magento/Framework/composer.json").read_text())
    packages = {p.module: p for p in read_packages(core)}
    document = {
        "magento_version": version,
        "framework": {
            "package": framework["name"],
            "constraint": release_constraint(framework["version"]),
        },
        "modules": {
            name: {"package": packages[name].package, "constraint": packages[name].constraint}
            for name in sorted(packages)
        },
    }
    out.mkdir(exist_ok=True)
    (out / "acl.json").write_text(acl.to_json(), encoding="utf-8")
    (out / "modules.json").write_text(
        json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    enabled = sum(not r.disabled for r in acl.resources)
    print(f"Magento {version}: {len(acl)} ACL ids ({enabled} enabled), {len(packages)} modules")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
