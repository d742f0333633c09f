"""The ``magegen`` command line. The only place that prints or decides exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from generator import __version__
from generator.errors import MagegenError, Problem, UsageError
from generator.review.report import FORMATS as VALIDATE_FORMATS
from generator.storeoption import CATALOG_OPTION
from generator.storeoption import chosen_store as _store

if TYPE_CHECKING:
    from generator.drift import FileDrift
    from generator.magento.integrations import IntegrationFacts
    from generator.new import Catalogs, GenerateResult

F = TypeVar("F", bound=Callable[..., object])

INTERNAL_ERROR_EXIT = 70


def _echo_problems(problems: Iterable[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


def _reports_errors(command: F) -> F:
    """Turn MagegenError into its messages and exit code; anything else is an internal error."""

    @wraps(command)
    def run(*args: object, **kwargs: object) -> object:
        try:
            return command(*args, **kwargs)
        except MagegenError as exc:
            _echo_problems(exc.problems)
            sys.exit(exc.exit_code)
        except click.exceptions.Exit:
            raise
        except BrokenPipeError:
            # The reader went away (`magegen acl | head`): stop quietly, as other tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except Exception:
            click.echo("magegen: internal error, please report it with this trace:", err=True)
            import traceback  # only for the unexpected

            click.echo(traceback.format_exc(), err=True)
            sys.exit(INTERNAL_ERROR_EXIT)

    return run  # type: ignore[return-value]


MAGENTO_ROOT_OPTION = click.option(
    "--magento-root",
    type=click.Path(path_type=Path),
    envvar="MAGENTO_ROOT",
    help="A Magento installation whose modules' ACL resources are known too "
    "(app/code or vendor layout). Default: $MAGENTO_ROOT.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="magegen")
def main() -> None:
    """Write Magento 2 integration modules from a small YAML spec."""


@main.command()
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
@_reports_errors
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
) -> None:
    """Generate the module NAME (Vendor/Module or Vendor_Module) from the YAML file SPEC.

    NAME may be left out when the spec names its module (name: Vendor/Module). Several
    [NAME] SPEC generate several modules, each in app/code/<Vendor>/<Module>.
    Every file of every module is rendered and checked first; nothing is written unless all
    checks pass.
    """
    from generator.drift import Mode, blocked_problems, drift_problems, unified_diff
    from generator.new import generate_all

    mode = Mode.from_options(force=force, dry_run=dry_run, check=check, diff=diff)
    store = _store(magento_root, catalog)
    generated = generate_all(_pairs(modules), output, force, mode, store, templates)
    results = generated.results
    _echo_problems(generated.warnings)
    for result in results:
        _echo_problems(result.warnings)
    if mode.compares:
        if mode.shows_diff:
            # Several modules: paths from the current folder, so that one patch covers them all.
            drift = [_rooted(r) if len(results) > 1 else r.drift for r in results]
            # Bytes, so that nothing in a file's text is re-encoded or stripped on the way.
            click.echo(unified_diff([d for part in drift for d in part]).encode("utf-8"), nl=False)
        if mode.fails_on_drift:
            for result in results:
                _echo_problems(drift_problems(result.plan.target, result.drift))
            sys.exit(1 if any(result.drift for result in results) else 0)
        # What no diff can show; the tree does not match, so this is drift too.
        blocked = [p for r in results for p in blocked_problems(r.plan.target, r.drift)]
        _echo_problems(blocked)
        sys.exit(1 if blocked else 0)
    for result in results:
        if mode is Mode.DRY_RUN:
            for file in result.plan.files:
                click.echo(f"{file.action.value:<9} {result.plan.target / file.path}")
        for path in [] if quiet else result.written:
            click.echo(str(path), err=True)
    if mode is Mode.WRITE and not quiet and sys.stderr.isatty():
        from generator.nextsteps import next_steps

        for line in next_steps([result.spec for result in results if result.spec]):
            click.echo(line, err=True)


SPEC_SUFFIXES = (".yaml", ".yml", ".json")


def _pairs(arguments: tuple[str, ...]) -> list[tuple[str | None, Path]]:
    """[NAME] SPEC [[NAME] SPEC ...] as (name or None, spec path) pairs.

    After a NAME comes its SPEC; elsewhere, an argument is a SPEC when it is a file or ends in
    .yaml, .yml or .json, and a NAME otherwise.
    """
    from generator.errors import UsageError, shown

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


@main.command()
@click.argument("query", required=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for programs.",
)
@MAGENTO_ROOT_OPTION
@CATALOG_OPTION
@_reports_errors
def acl(
    query: str | None, output_format: str, magento_root: Path | None, catalog: Path | None
) -> None:
    """Show Magento's ACL resources: the whole tree, or those matching QUERY.

    Every word of QUERY must match the id or title of a resource or of its parents, ignoring
    case and plurals ("read orders" finds the View action under Orders); each match is shown with
    its path from the root. When nothing matches, near matches are suggested. Grant a resource
    in a spec by its id; magegen adds the parents it needs.
    """
    from generator.new import catalogs
    from generator.review import aclview

    known = catalogs(_store(magento_root, catalog))
    _echo_problems(known.problems)
    catalog = known.acl
    resources = list(catalog.resources) if query is None else aclview.search(catalog, query)
    if query is not None and not resources:
        hint = aclview.near_misses(catalog, query)
        click.echo(
            f"magegen: no ACL resource matches {query!r}{'; ' + hint if hint else ''}", err=True
        )
        sys.exit(1)
    if output_format == "json":
        click.echo(aclview.as_json(catalog, resources))
    elif query is None:
        for line in aclview.tree_lines(catalog):
            click.echo(line)
    else:
        for line in aclview.match_lines(catalog, resources):
            click.echo(line)


@main.command()
@click.argument("words", nargs=-1, metavar="[QUERY]")
@click.option(
    "--spec",
    type=click.Path(path_type=Path),
    help="List the routes each integration of this spec can call.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for programs.",
)
@MAGENTO_ROOT_OPTION
@_reports_errors
def routes(
    words: tuple[str, ...], spec: Path | None, output_format: str, magento_root: Path | None
) -> None:
    """Show Magento's REST routes and the ACL resources each one needs.

    QUERY is a route (GET /V1/products/:sku, {sku} or a concrete path such as
    /rest/default/V1/products/24-MB01), words of urls (GET orders), or an ACL id (the routes it
    gates). A module folder (holding etc/module.xml) as QUERY, or --spec SPEC, lists the routes
    each of its integrations can call. Exit status: 0 found, 1 nothing found, 2 bad input.
    """
    from generator.new import catalogs
    from generator.review import routeview

    query = " ".join(words) if words else None
    known = catalogs(magento_root)
    catalog, problems = routeview.route_catalog(magento_root)
    _echo_problems([*known.problems, *problems])
    tree = Path(query) if query and (Path(query) / "etc" / "module.xml").is_file() else None
    if spec is not None and query is not None:
        raise UsageError([Problem("QUERY", "give a QUERY or --spec SPEC, not both")])
    if spec is not None or tree is not None:
        grants = routeview.grants_of(tree, spec, known.acl, known.modules, magento_root)
        found = routeview.integration_routes(catalog, known.acl, grants)
        click.echo(routeview.render_integrations(catalog, found, output_format), nl=False)
        return
    listed, failure, exit_code = routeview.find(catalog, known.acl, query)
    if failure is not None:
        click.echo(f"magegen: {failure}", err=True)
        sys.exit(exit_code)
    click.echo(routeview.render_routes(catalog, listed, output_format), nl=False)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(VALIDATE_FORMATS),
    default="text",
    show_default=True,
    help="text: path:line:col lines; json; github: Actions annotations; markdown: a PR comment.",
)
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
@click.option("--no-php", is_flag=True, help="Skip the PHP syntax check.")
@MAGENTO_ROOT_OPTION
@CATALOG_OPTION
@_reports_errors
def validate(
    paths: tuple[Path, ...],
    output_format: str,
    strict: bool,
    no_php: bool,
    magento_root: Path | None,
    catalog: Path | None,
) -> None:
    """Check every module under PATHS (folders holding etc/module.xml, searched recursively).

    Exit status: 0 without errors, 1 with errors (with --strict, with warnings too), 2 for bad
    usage. Files are read as untrusted: no DTDs, no entity expansion, no network.
    """
    from generator.progress import Progress
    from generator.review import report
    from generator.review.validate import validate_paths

    progress = Progress(sys.stderr, "Checking modules")
    try:
        store = _store(magento_root, catalog)
        result = validate_paths(paths, store, check_php=not no_php, progress=progress)
    finally:
        progress.close()
    click.echo(report.render(result, output_format), nl=False)
    for note in result.notes:
        click.echo(f"magegen: note: {note}", err=True)
    if output_format != "text":
        click.echo(report.summary_line(result), err=True)
    sys.exit(result.exit_code(strict))


@main.command("acl-diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="markdown is ready to paste into a review.",
)
@MAGENTO_ROOT_OPTION
@CATALOG_OPTION
@_reports_errors
def acl_diff(
    old: Path, new: Path, output_format: str, magento_root: Path | None, catalog: Path | None
) -> None:
    """Show how the integrations' permissions change from OLD to NEW.

    Each side is a module folder or a spec file. Exit status: 0 when no integration changes,
    1 when some do, 2 for bad input.
    """
    from generator.new import catalogs
    from generator.review import acldiff

    known = catalogs(_store(magento_root, catalog))
    changes = acldiff.compare(
        _integration_states(old, known), _integration_states(new, known), known.acl
    )
    renderer = {
        "text": acldiff.render_text,
        "markdown": acldiff.render_markdown,
        "json": acldiff.render_json,
    }[output_format]
    click.echo(renderer(changes, known.acl), nl=False)
    sys.exit(1 if changes else 0)


def _integration_states(path: Path, known: Catalogs) -> dict[str, IntegrationFacts]:
    """The integrations of a module folder or of a spec file."""
    from generator.review import acldiff
    from generator.spec.reader import load_spec

    if path.is_dir():
        return acldiff.states_of_tree(path)
    loaded = load_spec(path, None, known.acl, known.modules, fallback_name="Magegen_AclDiff")
    return acldiff.states_of_spec(loaded.spec)


@main.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the spec format.

    Save it next to your specs (magegen schema > magegen.schema.json) and start a spec with
    `# yaml-language-server: $schema=magegen.schema.json` for completion in editors.
    """
    from generator.spec.jsonschema import spec_schema_json

    click.echo(spec_schema_json(), nl=False)


@main.command()
@click.argument("spec", required=False, default="magegen.yaml", type=click.Path(path_type=Path))
@click.option(
    "--name",
    "module_name",
    help="The module, Vendor/Module, written as the spec's name: key "
    "(then `magegen new SPEC` needs no NAME).",
)
@click.option("--integration", default="My Integration", help="The first integration's name.")
@_reports_errors
def init(spec: Path, module_name: str | None, integration: str) -> None:
    """Write a commented starter spec (default magegen.yaml); never overwrites a file."""
    from generator.starter import write_starter

    write_starter(spec, module_name, integration)
    click.echo(f"{spec}", err=True)


@main.command("spec-from")
@click.argument("module_dir", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the spec to this file (never overwritten) instead of stdout.",
)
@MAGENTO_ROOT_OPTION
@CATALOG_OPTION
@_reports_errors
def spec_from(
    module_dir: Path, output: Path | None, magento_root: Path | None, catalog: Path | None
) -> None:
    """Read the module in MODULE_DIR back into a spec for `magegen new`.

    Defaults are left out and resources folded to those magegen completes. What the spec cannot
    express (files magegen does not write, custom PHP, other XML or composer keys) is listed in a
    comment at its top. Exit status: 0 success, 2 for a missing, unreadable or invalid module.
    """
    from generator.new import catalogs
    from generator.review.specfrom import spec_from as read_back
    from generator.review.specfrom import write_spec

    known = catalogs(_store(magento_root, catalog))
    _echo_problems(known.problems)
    result = read_back(module_dir, known.acl, known.modules, known.from_store)
    if output is None:
        click.echo(result.text.encode("utf-8"), nl=False)
        return
    write_spec(output, result.text)
    click.echo(str(output), err=True)


@main.command("catalog")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The catalog file to write (replaced if it exists).",
)
@MAGENTO_ROOT_OPTION
@_reports_errors
def catalog_command(output: Path, magento_root: Path | None) -> None:
    """Write the catalog of the installation at --magento-root to a file, for CI.

    The file holds the store's ACL tree, its modules with their packages and versions, and the
    Magento version: commit it, and give it to new, validate, acl, acl-diff and spec-from as
    --catalog FILE (or $MAGEGEN_CATALOG) where the store is not at hand.
    """
    from generator.errors import UsageError
    from generator.magento.snapshot import write_catalog

    if magento_root is None:
        raise UsageError([Problem("--magento-root", "is required: the installation to read")])
    _echo_problems(write_catalog(magento_root, output))
    click.echo(str(output), err=True)
