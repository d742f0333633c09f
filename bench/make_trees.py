"""Deterministic, varied magegen specs and module trees for the benchmark.

The specs cover what ``magegen new`` can write: 1 to 3 integrations each, names with XML and PHP
metacharacters and accents, optional URLs, ACL resources drawn from the bundled catalog (some as
``/**`` subtrees), the split format with InstallData or a data patch, and the consolidated format.
The same seed always gives the same specs, so timings of two runs compare the same work.

Standalone use::

    python bench/make_trees.py 100 /tmp/tree100    # writes /tmp/tree100/<Vendor>/<Module>/...
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.magento.acl import ALL, bundled_acl, bundled_modules
from generator.magento.releases import release_ids
from generator.magento.targetset import default_targets
from generator.pipeline.new import build

SEED = 20240607
REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = Path(__file__).resolve().parent / ".cache"

VENDORS = ("Acme", "Beehexa", "Contoso", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay")
SYSTEMS = ("Erp", "Pim", "Crm", "Wms", "Oms", "Pos", "Bi", "Edi", "Ledger", "Feed")
SUFFIXES = ("Connector", "Sync", "Bridge", "Integration", "Link", "Gateway")
# Legal but awkward text for integration names: each must survive XML, PHP and JSON escaping.
NAME_DECORATIONS = ("", "", "", " & Co", " <Prod>", ' "Live"', " Café", " a\\b", " #2")
TLDS = ("com", "io", "net", "example.org")

MAX_INTEGRATIONS = 3
MAX_RESOURCES = 4
MAX_SEQUENCE = 2
SUBTREE_CHANCE = 0.15
URL_CHANCE = 0.5
OPTIONAL_KEY_CHANCE = 0.5

# (integration_format, setup) pairs that magegen accepts, with the weight each gets in a tree.
LAYOUTS: tuple[tuple[str, str, int], ...] = (
    ("split", "install-data", 3),
    ("split", "data-patch", 2),
    ("consolidated", "none", 2),
)


@dataclass(frozen=True)
class ModuleCase:
    """One module to generate: its ``Vendor/Module`` name and its spec as plain data."""

    name: str
    spec: dict[str, Any]

    @property
    def relative_root(self) -> Path:
        """Where the module goes inside a tree: ``<Vendor>/<Module>``."""
        vendor, module = self.name.split("/")
        return Path(vendor, module)


def _grantable_resources() -> list[str]:
    """ACL ids a spec may grant: known to every default target release, enabled, and not full
    access (an id only some targets have is refused, as it should be)."""
    releases = [release_ids(name) for name in default_targets().names]
    return [
        r.id
        for r in bundled_acl().resources
        if not r.disabled and r.id != ALL and all(r.id in ids for ids in releases)
    ]


def _sequence_modules() -> list[str]:
    """Core modules a spec may load before its own."""
    return sorted(name for name in bundled_modules().core() if name != "Magento_Integration")


def _integration(
    rng: random.Random, index: int, vendor: str, grantable: list[str], number: int
) -> dict:
    system = rng.choice(SYSTEMS)
    # Unique in the tree (the module's number): two modules declaring one name is MG321.
    name = f"{vendor} {system} {rng.choice(SUFFIXES)} {number}-{index}"
    item: dict[str, Any] = {
        "name": f"{name}{rng.choice(NAME_DECORATIONS)}",
        "email": f"ops{index}@{system.lower()}.{rng.choice(TLDS)}",
    }
    host = f"https://{system.lower()}.{vendor.lower()}.example.com"
    if rng.random() < URL_CHANCE:
        item["endpoint_url"] = f"{host}/magento/endpoint?store=default&v={index}"
    if rng.random() < URL_CHANCE:
        item["identity_link_url"] = f"{host}/identity"
    chosen = rng.sample(grantable, rng.randint(1, MAX_RESOURCES))
    item["resources"] = [r + "/**" if rng.random() < SUBTREE_CHANCE else r for r in chosen]
    return item


def make_case(rng: random.Random, number: int) -> ModuleCase:
    """The ``number``-th module case, drawn from ``rng``."""
    grantable = _grantable_resources()
    vendor = rng.choice(VENDORS)
    module = f"{rng.choice(SYSTEMS)}{rng.choice(SUFFIXES)}{number}"
    fmt, setup = rng.choices([(f, s) for f, s, _ in LAYOUTS], weights=[w for _, _, w in LAYOUTS])[0]
    spec: dict[str, Any] = {}
    block: dict[str, Any] = {"description": f"Connects the store to {vendor}'s systems ({number})"}
    if rng.random() < OPTIONAL_KEY_CHANCE:
        block["version"] = f"{rng.randint(1, 3)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}"
    if rng.random() < OPTIONAL_KEY_CHANCE:
        block["license"] = rng.choice(["MIT", ["OSL-3.0", "AFL-3.0"], "proprietary"])
        block["authors"] = [{"name": vendor, "email": f"dev@{vendor.lower()}.com"}]
    if rng.random() < OPTIONAL_KEY_CHANCE:
        block["sequence"] = rng.sample(_sequence_modules(), rng.randint(1, MAX_SEQUENCE))
    spec["module"] = block
    spec["integration_format"] = fmt
    spec["setup"] = setup
    if setup == "data-patch" and rng.random() < OPTIONAL_KEY_CHANCE:
        spec["setup_patch_name"] = f"Create{vendor}Integrations"
    count = rng.randint(1, MAX_INTEGRATIONS)
    spec["integrations"] = [
        _integration(rng, i + 1, vendor, grantable, number) for i in range(count)
    ]
    return ModuleCase(f"{vendor}/{module}", spec)


def make_cases(count: int, seed: int = SEED) -> list[ModuleCase]:
    """``count`` varied module cases; the same arguments always give the same cases."""
    rng = random.Random(seed)
    return [make_case(rng, number) for number in range(1, count + 1)]


def dump_spec(spec: dict[str, Any]) -> str:
    """A spec as YAML text, the way a person would write it."""
    return yaml.safe_dump(spec, allow_unicode=True, sort_keys=False)


def write_specs(cases: list[ModuleCase], folder: Path) -> list[tuple[str, Path]]:
    """Write each case's spec to ``folder``; return (module name, spec path) pairs."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, case in enumerate(cases, start=1):
        path = folder / f"spec{number:05d}.yaml"
        path.write_text(dump_spec(case.spec), encoding="utf-8")
        written.append((case.name, path))
    return written


def write_tree(cases: list[ModuleCase], root: Path) -> int:
    """Render every case with ``generator.pipeline.new.build`` into ``root``; return the number
    of files written."""
    files = 0
    with tempfile.TemporaryDirectory(prefix="magegen-specs-") as scratch:
        for name, spec_path in write_specs(cases, Path(scratch)):
            module_root = root / Path(*name.split("/"))
            for rendered in build(name, spec_path).files:
                target = module_root / rendered.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(rendered.content)
                files += 1
    return files


def _source_files() -> Iterator[Path]:
    """Everything whose change can change a generated tree."""
    yield Path(__file__)
    for folder in ("generator", "templates", "schemas"):
        base = REPO_ROOT / folder
        if base.is_dir():
            yield from sorted(p for p in base.rglob("*") if p.is_file() and p.suffix != ".pyc")


def cache_key() -> str:
    """A short hash of the generator's sources, templates and this file."""
    digest = hashlib.sha256()
    for path in _source_files():
        digest.update(str(path.relative_to(REPO_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached_tree(count: int, cache_dir: Path = CACHE_DIR) -> Path:
    """A tree of ``count`` modules under ``cache_dir``, generated on first use.

    Trees live in ``cache_dir/trees/<key>/modules<count>``, where the key hashes magegen's
    sources, so a change to the generator regenerates them; trees of older keys are removed.
    """
    key = cache_key()
    trees = cache_dir / "trees"
    tree = trees / key / f"modules{count}"
    if (tree / ".complete").is_file():
        return tree
    if trees.is_dir():
        for stale in trees.iterdir():
            if stale.is_dir() and stale.name != key:
                shutil.rmtree(stale)
    if tree.exists():
        shutil.rmtree(tree)
    partial = tree.with_name(tree.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    write_tree(make_cases(count), partial)
    (partial / ".complete").write_text(f"{count} modules\n", encoding="utf-8")
    partial.rename(tree)
    return tree


def main(argv: list[str] | None = None) -> int:
    """Write a tree of N modules to a folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="how many modules")
    parser.add_argument("folder", type=Path, help="where to write them (must not exist)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    if args.folder.exists():
        parser.error(f"{args.folder} exists")
    files = write_tree(make_cases(args.count, args.seed), args.folder)
    print(f"{args.count} modules, {files} files in {args.folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
