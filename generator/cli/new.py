"""``magegen new``, ``init`` and ``schema``: writing modules and specs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.cli.running import MAGENTO_ROOT_OPTION, echo_problems, reports_errors
from generator.cli.storeoption import BUNDLED_OPTION, CATALOG_OPTION
from generator.cli.storeoption import chosen_store as _store
from generator.errors import Problem, UsageError

if TYPE_CHECKING:
    from generator.pipeline.drift import FileDrift
    from generator.pipeline.new import GenerateResult


@click.command()
@click.argument("modules", nargs=-1, required=True, metavar="[NAME] SPEC [[NAME] SPEC]...")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Module root to write (one module only). "
    "Default: app/code/<Vendor>/<Module> under the current folder.",
)
@click.option("--force", is_flag=True, help="Rewrite magegen's files in a folder that has files.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Write nothing; list what would be created, changed or kept (as --force would, "
    "saying whether new without --force would refuse the folder).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if a generated file on disk is missing or differs.",
)
@click.option(
    "--diff",
    is_flag=True,
    help="Write nothing; print a unified diff from the files on disk to what the spec generates.",
)
@click.option(
    "--templates",
    type=click.Path(path_type=Path),
    help="A folder of templates that replace the built-in ones of the same name "
    "(e.g. etc/module.xml.j2). Default: the spec's templates: key.",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print only warnings and errors: no written paths, no next steps.",
)
@MAGENTO_ROOT_OPTION
@CATALOG_OPTION
@BUNDLED_OPTION
@reports_errors
def new(
    modules: tuple[str, ...],
    output: Path | None,
    force: bool,
    dry_run: bool,
    check: bool,
    diff: bool,
    templates: Path | None,
    quiet: bool,
    magento_root: Path | None,
    catalog: Path | None,
    bundled: bool,
) -> None:
    """Generate the module NAME (Vendor/Module or Vendor_Module) from the YAML file SPEC.

    NAME may be left out when the spec names its module (name: Vendor/Module). Several
    [NAME] SPEC generate several modules, each in app/code/<Vendor>/<Module>.
    Every file of every module is rendered and checked first; nothing is written unless all
    checks pass.
    """
    from generator.pipeline.mode import Mode
    from generator.pipeline.new import generate_all

    mode = Mode.from_options(force=force, dry_run=dry_run, check=check, diff=diff)
    store = _store(magento_root, catalog)
    if store is None and not bundled:
        store = _store_around(output, modules)
    generated = generate_all(_pairs(modules), output, force, mode, store, templates)
    results = generated.results
    echo_problems(generated.warnings)
    for result in results:
        echo_problems(result.warnings)
    if mode.compares:
        from generator.pipeline.drift import blocked_problems, drift_problems, unified_diff

        if mode.shows_diff:
            # Several modules: paths from the current folder, so that one patch covers them all.
            drift = [_rooted(r) if len(results) > 1 else r.drift for r in results]
            # Bytes, so that nothing in a file's text is re-encoded or stripped on the way.
            click.echo(unified_diff([d for part in drift for d in part]).encode("utf-8"), nl=False)
        if mode.fails_on_drift:
            for result in results:
                echo_problems(drift_problems(result.plan.target, result.drift))
            sys.exit(1 if any(result.drift for result in results) else 0)
        # What no diff can show; the tree does not match, so this is drift too.
        blocked = [p for r in results for p in blocked_problems(r.plan.target, r.drift)]
        echo_problems(blocked)
        sys.exit(1 if blocked else 0)
    for result in results:
        if mode is Mode.DRY_RUN:
            for file in result.plan.files:
                click.echo(f"{file.action.value:<9} {result.plan.target / file.path}")
        for path in [] if quiet else result.written:
            click.echo(str(path), err=True)
    if mode is Mode.WRITE and not quiet and sys.stderr.isatty():
        from generator.cli.nextsteps import next_steps

        for line in next_steps([result.spec for result in results if result.spec]):
            click.echo(line, err=True)


def _store_around(output: Path | None, modules: tuple[str, ...]) -> Path | None:
    """Run inside a Magento root (or writing under its app/code), with no store named: that
    store is the truth, said in one line; unless a spec names its own catalog: file."""
    from generator.cli.storeoption import surrounding_store
    from generator.spec.reader import spec_catalog

    root = surrounding_store(output)
    if root is None:
        return None
    specs = [Path(m) for m in modules if Path(m).suffix in SPEC_SUFFIXES and Path(m).is_file()]
    if any(spec_catalog(spec) is not None for spec in specs):
        return None
    click.echo(
        f"magegen: checking against the Magento store at {root} (its own ACL tree, modules "
        "and routes); --bundled to use magegen's bundled releases instead",
        err=True,
    )
    return root


SPEC_SUFFIXES = (".yaml", ".yml", ".json")


def _pairs(arguments: tuple[str, ...]) -> list[tuple[str | None, Path]]:
    """[NAME] SPEC [[NAME] SPEC ...] as (name or None, spec path) pairs.

    After a NAME comes its SPEC; elsewhere, an argument is a SPEC when it is a file or ends in
    .yaml, .yml or .json, and a NAME otherwise.
    """
    from generator.errors import shown

    pairs: list[tuple[str | None, Path]] = []
    name: str | None = None
    for argument in arguments:
        if name is not None:
            pairs.append((name, Path(argument)))
            name = None
        elif _is_spec(argument):
            pairs.append((None, Path(argument)))
        else:
            name = argument
    if name is None:
        return pairs
    message = f"'{shown(name)}' has no SPEC after it: give [NAME] SPEC, NAME first"
    if pairs and pairs[-1][0] is None:
        message = (
            f"'{shown(name)}' comes after the SPEC '{shown(str(pairs[-1][1]))}' (swapped?): "
            f"NAME goes first, as in magegen new {shown(name)} {shown(str(pairs[-1][1]))}"
        )
    raise UsageError([Problem("NAME SPEC", message)])


def _is_spec(argument: str) -> bool:
    """Whether an argument that could be a NAME or a SPEC is a SPEC."""
    path = Path(argument)
    return argument.lower().endswith(SPEC_SUFFIXES) or (path.exists() and not path.is_dir())


def _rooted(result: GenerateResult) -> list[FileDrift]:
    """``result``'s drift with paths from the current folder rather than the module root."""

    root = result.plan.target.as_posix()
    return [item._replace(path=f"{root}/{item.path}") for item in result.drift]


@click.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the spec format.

    Save it next to your specs (magegen schema > magegen.schema.json) and start a spec with
    `# yaml-language-server: $schema=magegen.schema.json` for completion in editors.
    """
    from generator.spec.jsonschema import spec_schema_json

    click.echo(spec_schema_json(), nl=False)


@click.command()
@click.argument("spec", required=False, default="magegen.yaml", type=click.Path(path_type=Path))
@click.option(
    "--name",
    "module_name",
    help="The module, Vendor/Module, written as the spec's name: key "
    "(then `magegen new SPEC` needs no NAME).",
)
@click.option("--integration", default="My Integration", help="The first integration's name.")
@reports_errors
def init(spec: Path, module_name: str | None, integration: str) -> None:
    """Write a commented starter spec (default magegen.yaml); never overwrites a file."""
    from generator.cli.starter import write_starter

    write_starter(spec, module_name, integration)
    click.echo(f"{spec}", err=True)
