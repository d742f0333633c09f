"""Rebuild magegen's bundled per-release data from Magento's own files, one file per line.

    python scripts/build_releases.py ../shared/magento-releases.git ../shared/magento-extra

The first argument is the bare git repository with one branch per Magento Open Source release
(``../shared/magento-releases.md``); it is read with git plumbing (``ls-tree``, ``cat-file
--batch``), never checked out. The second folder holds a default 2.4.4 install's packages in
Composer's layout; only the packages of vendors other than ``magento`` (Braintree, ...) are taken
from it, for every release, since the releases repository holds ``vendor/magento/*`` only.

For each release from 2.4.4 on the script derives, as Magento would at run time:
- the ACL tree: every module's etc/acl.xml merged in module load order (``aclxml.load_order``),
  a later declaration's attributes winning (ids, parents, titles, sort orders, disabled flags);
- the REST routes: every etc/webapi.xml merged as Magento's reader merges them (``RouteMerger``);
- the packages (name, version, ``magento/*`` requires) and modules (name, package, sequence);
- the framework's version and php constraint.

It writes ``generator/magento/data/releases/<table>.json`` (the distinct rows of each table, and
each release as runs of indices into them; see ``generator.magento.releasedata``) and
``index.json`` (the releases known, oldest first, with their php), then runs
``scripts/build_defaults.py``, which writes ``defaults.json`` (the default targets, chosen and
merged) from them. magegen reads only those.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lxml import etree  # noqa: E402

from generator.magento.acl import release_constraint  # noqa: E402
from generator.magento.aclxml import AclTreeBuilder, load_order  # noqa: E402
from generator.magento.constraints import release_key  # noqa: E402
from generator.magento.releasedata import (  # noqa: E402
    FIRST_RELEASE,
    FORMAT,
    TABLES,
    encode_table,
    line_of,
)
from generator.magento.releasefacts import Facts, ModuleRecord, PackageRecord  # noqa: E402
from generator.magento.routes import Route  # noqa: E402
from generator.magento.webapixml import RouteMerger  # noqa: E402
from generator.magento.xml import safe_xml_parser  # noqa: E402

OUT = REPO / "generator" / "magento" / "data" / "releases"
VENDOR = "vendor/"
FILES = ("composer.json", "etc/module.xml", "etc/acl.xml", "etc/webapi.xml")


class Blobs:
    """A repository's blobs, read once each through one ``git cat-file --batch`` process."""

    def __init__(self, git_dir: Path) -> None:
        self._git = ["git", "-c", "safe.directory=*", f"--git-dir={git_dir}"]
        self._process = subprocess.Popen(
            [*self._git, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self._cache: dict[str, bytes] = {}
        self._parsed: dict[str, object] = {}

    def run(self, *args: str) -> str:
        """The output of one git command on the repository."""
        return subprocess.run(
            [*self._git, *args], check=True, capture_output=True, text=True
        ).stdout

    def read(self, sha: str) -> bytes:
        """The content of one blob."""
        if sha not in self._cache:
            assert self._process.stdin and self._process.stdout
            self._process.stdin.write(sha.encode() + b"\n")
            self._process.stdin.flush()
            header = self._process.stdout.readline().split()
            size = int(header[2])
            self._cache[sha] = self._process.stdout.read(size)
            self._process.stdout.read(1)  # the newline after each blob
        return self._cache[sha]

    def xml(self, sha: str) -> etree._ElementTree:
        """One blob parsed as XML (once)."""
        if sha not in self._parsed:
            self._parsed[sha] = etree.fromstring(self.read(sha), safe_xml_parser()).getroottree()
        return self._parsed[sha]  # type: ignore[return-value]

    def close(self) -> None:
        """Stop the cat-file process."""
        assert self._process.stdin and self._process.stdout
        self._process.stdin.close()
        self._process.wait()
        self._process.stdout.close()


def releases(blobs: Blobs) -> list[str]:
    """The releases of the repository that magegen bundles, oldest first."""
    names = blobs.run("branch", "--format=%(refname:short)").split()
    wanted = [n for n in names if release_key(n) >= release_key(FIRST_RELEASE)]
    return sorted(wanted, key=release_key)


def _tree_packages(blobs: Blobs, release: str) -> dict[str, dict[str, str]]:
    """Package folder (``vendor/magento/module-sales``) to {file inside it: blob sha}."""
    packages: dict[str, dict[str, str]] = {}
    for line in blobs.run("ls-tree", "-r", release, "vendor/magento/").splitlines():
        meta, path = line.split("\t", 1)
        parts = path.split("/")
        folder, inner = "/".join(parts[:3]), "/".join(parts[3:])
        if inner in FILES:
            packages.setdefault(folder, {})[inner] = meta.split()[2]
    return packages


def _module_xml(document: etree._ElementTree) -> tuple[str, tuple[str, ...]] | None:
    module = document.getroot().find("module")
    if module is None or not module.get("name"):
        return None
    return module.get("name"), tuple(m.get("name", "") for m in module.iterfind("sequence/module"))


def _package_record(manifest: dict[str, object]) -> PackageRecord:
    require = manifest.get("require") or {}
    assert isinstance(require, dict)
    magento = tuple(sorted((k, str(v)) for k, v in require.items() if k.startswith("magento/")))
    return PackageRecord(str(manifest["name"]), str(manifest.get("version", "")), magento)


class Source:
    """Where a release's files come from: blob shas of the repository, or extra folders."""

    def __init__(self, blobs: Blobs, extra: Iterable[Path]) -> None:
        self.blobs = blobs
        self.extra = [p for root in extra for p in sorted((root / VENDOR).glob("*/*"))]
        self.extra = [p for p in self.extra if p.parent.name != "magento"]

    def xml(self, where: str | Path) -> etree._ElementTree:
        if isinstance(where, Path):
            return etree.fromstring(where.read_bytes(), safe_xml_parser()).getroottree()
        return self.blobs.xml(where)

    def json(self, where: str | Path) -> dict[str, object]:
        content = where.read_bytes() if isinstance(where, Path) else self.blobs.read(where)
        return json.loads(content)

    def packages(self, release: str) -> list[dict[str, str | Path]]:
        """Every package of the release, as {file inside the package: sha or path}."""
        found: list[dict[str, str | Path]] = list(_tree_packages(self.blobs, release).values())
        for folder in self.extra:
            files = {name: folder / name for name in FILES if (folder / name).is_file()}
            if files:
                found.append(files)  # type: ignore[arg-type]
        return found


def _module_record(
    name: str, package: str, sequence: tuple[str, ...], packages: list[PackageRecord]
) -> ModuleRecord:
    version = next((p.version for p in packages if p.name == package), "")
    return ModuleRecord(name, package, sequence, release_constraint(version) if version else None)


def derive(source: Source, release: str) -> Facts:
    """What magegen bundles of one release."""
    packages: list[PackageRecord] = []
    modules: dict[str, tuple[str, tuple[str, ...], dict[str, str | Path]]] = {}
    framework: PackageRecord | None = None
    php = ""
    for files in source.packages(release):
        if "composer.json" not in files:
            continue
        manifest = source.json(files["composer.json"])
        record = _package_record(manifest)
        packages.append(record)
        if record.name == "magento/framework":
            framework, php = record, str(manifest["require"]["php"])  # type: ignore[index]
        if "etc/module.xml" in files:
            declared = _module_xml(source.xml(files["etc/module.xml"]))
            if declared is not None:
                modules[declared[0]] = (record.name, declared[1], files)
    assert framework is not None, f"{release}: no magento/framework"
    order = load_order({name: list(entry[1]) for name, entry in modules.items()})
    acl = AclTreeBuilder()
    routes = RouteMerger()
    for name in order:
        files = modules[name][2]
        if "etc/acl.xml" in files:
            acl.add_document(name, source.xml(files["etc/acl.xml"]))
        if "etc/webapi.xml" in files:
            where = files["etc/webapi.xml"]
            content = where.read_bytes() if isinstance(where, Path) else source.blobs.read(where)
            routes.add_file(name, content)
    return Facts(
        release,
        framework.version,
        php,
        acl.build(release).resources,
        tuple(sorted(routes.build(release).routes, key=Route.sort_key)),
        tuple(sorted(packages)),
        tuple(
            sorted(_module_record(name, *entry[:2], packages) for name, entry in modules.items())
        ),
    )


def derive_all(git_dir: Path, extra: Iterable[Path]) -> dict[str, list[Facts]]:
    """Every bundled release's facts, by line, oldest first."""
    blobs = Blobs(git_dir)
    try:
        source = Source(blobs, extra)
        by_line: dict[str, list[Facts]] = {}
        for release in releases(blobs):
            by_line.setdefault(line_of(release), []).append(derive(source, release))
        return by_line
    finally:
        blobs.close()


def documents(by_line: dict[str, list[Facts]]) -> dict[str, str]:
    """File name to text: one file per table, and index.json."""
    files = {}
    every = [f for facts in by_line.values() for f in facts]
    for table in TABLES:
        field = "packages" if table == "requires" else table
        rows = [(f.release, getattr(f, field)) for f in every]
        files[f"{table}.json"] = encode_table(table, rows)
    index = {
        "format": FORMAT,
        "releases": [
            {"release": f.release, "framework": f.framework, "php": f.php} for f in every
        ],
    }
    files["index.json"] = json.dumps(index, indent=1) + "\n"
    return files


def write(files: dict[str, str], out: Path) -> None:
    """Write ``files`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("releases", type=Path, help="magento-releases.git (bare repository)")
    parser.add_argument("extra", type=Path, nargs="*", help="folders of other vendors' packages")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default {OUT})")
    args = parser.parse_args()
    by_line = derive_all(args.releases, args.extra)
    files = documents(by_line)
    write(files, args.out)
    total = sum(len(f) for f in by_line.values())
    size = sum(len(text.encode()) for text in files.values())
    print(f"{total} releases in {len(by_line)} lines, {size} bytes in {args.out}")
    if args.out.resolve() == OUT.resolve():
        # A fresh process, which reads the tables just written.
        subprocess.run([sys.executable, str(REPO / "scripts" / "build_defaults.py")], check=True)
    else:
        print(f"{args.out}: no defaults.json (scripts/build_defaults.py writes it for {OUT})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
