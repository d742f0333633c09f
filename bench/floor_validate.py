"""The floor for ``magegen validate``: the least work any validator of these trees must do.

For every module under the given folders (a folder holding ``etc/module.xml``) it reads every
file, parses each XML file with lxml using the same safe parser settings as magegen (no DTDs, no
entity expansion, no network), validates each XML file magegen has a schema for against that
schema (compiled once, up front), and json-loads each composer.json. Nothing else: no cross-file
checks, no ACL lookups, no reports. It prints a JSON summary on stdout and exits 1 if any file
failed.

It imports only lxml and the tiny ``generator.resources`` (to find ``schemas/`` in a checkout or
an installed wheel), so its start-up cost is the interpreter plus lxml.

    python bench/floor_validate.py TREE [TREE...]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from lxml import etree

from generator.resources import schemas_dir

# A copy of generator.magento.xml.SCHEMA_FOR_PATH, kept here so that the floor does not import
# the checker (and with it Jinja and the PHP checker); bench/run.py asserts that the two agree.
SCHEMA_FOR_PATH = {
    "etc/module.xml": "module.xsd",
    "etc/acl.xml": "acl.xsd",
    "etc/integration/config.xml": "integration/config.xsd",
    "etc/integration/api.xml": "integration/api.xsd",
    "etc/integration.xml": "integration/integration.xsd",
    "etc/config.xml": "config.xsd",
}
MODULE_MARKER = os.path.join("etc", "module.xml")


def module_roots(folders: list[Path]) -> list[str]:
    """Every folder under ``folders`` that holds etc/module.xml, sorted."""
    roots = []
    for folder in folders:
        for directory, subdirectories, _ in os.walk(folder):
            if os.path.isfile(os.path.join(directory, MODULE_MARKER)):
                roots.append(directory)
            subdirectories.sort()
    return sorted(roots)


def module_files(root: str) -> list[tuple[str, str]]:
    """(absolute path, path relative to the module root with / separators) of every file."""
    found = []
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            found.append((path, os.path.relpath(path, root).replace(os.sep, "/")))
    return found


def check_trees(folders: list[Path]) -> dict[str, int]:
    """Read, parse and validate everything under ``folders``; count what was done and failed."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    schemas = {
        relative: etree.XMLSchema(etree.parse(str(schemas_dir() / name), parser))
        for relative, name in SCHEMA_FOR_PATH.items()
    }
    counts = {"modules": 0, "files": 0, "xml": 0, "validated": 0, "json": 0, "failed": 0}
    for root in module_roots(folders):
        counts["modules"] += 1
        for path, relative in module_files(root):
            with open(path, "rb") as handle:
                content = handle.read()
            counts["files"] += 1
            if relative.endswith(".xml"):
                counts["xml"] += 1
                try:
                    document = etree.fromstring(content, parser)
                except etree.XMLSyntaxError:
                    counts["failed"] += 1
                    continue
                schema = schemas.get(relative)
                if schema is not None:
                    counts["validated"] += 1
                    counts["failed"] += not schema.validate(document)
            elif relative == "composer.json":
                counts["json"] += 1
                try:
                    json.loads(content)
                except ValueError:
                    counts["failed"] += 1
    return counts


def main(argv: list[str]) -> int:
    """Check the trees named in ``argv``; print the counts as JSON."""
    if not argv:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    counts = check_trees([Path(a) for a in argv])
    print(json.dumps(counts))
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
