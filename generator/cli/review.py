"""``magegen validate``, ``acl-diff`` and ``spec-from``: reading and judging module trees."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.cli.running import MAGENTO_ROOT_OPTION, echo_problems, reports_errors
from generator.cli.storeoption import CATALOG_OPTION
from generator.cli.storeoption import chosen_store as _store
from generator.review.report import FORMATS as VALIDATE_FORMATS

if TYPE_CHECKING:
    from generator.magento.acl import AclCatalog
    from generator.magento.integrations import IntegrationFacts
    from generator.pipeline.new import Catalogs


@click.command()
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
@reports_errors
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
    from generator.cli.progress import Progress
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


@click.command("acl-diff")
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
@reports_errors
def acl_diff(
    old: Path, new: Path, output_format: str, magento_root: Path | None, catalog: Path | None
) -> None:
    """Show how the integrations' permissions change from OLD to NEW.

    Each side is a module folder or a spec file. Exit status: 0 when no integration changes,
    1 when some do, 2 for bad input.
    """
    from generator.pipeline.new import catalogs
    from generator.review import acldiff, diffroutes

    store = _store(magento_root, catalog)
    known = catalogs(store)
    before, old_bearer, old_acl = _side(old, known, store is not None)
    after, new_bearer, new_acl = _side(new, known, store is not None)
    changes = acldiff.compare(before, after, new_acl, old_acl)
    if any(c.granted or c.revoked for c in changes):
        from generator.review.routeview import route_catalog

        routes, problems = route_catalog(magento_root)
        echo_problems(problems)
        changes = diffroutes.with_routes(changes, before, after, new_acl, routes)
    notes = diffroutes.bearer_note(old_bearer, new_bearer)
    renderer = {
        "text": acldiff.render_text,
        "markdown": acldiff.render_markdown,
        "json": acldiff.render_json,
    }[output_format]
    click.echo(renderer(changes, acldiff.both_sides(old_acl, new_acl), notes), nl=False)
    sys.exit(1 if changes or notes else 0)


def _side(
    path: Path, known: Catalogs, store_given: bool
) -> tuple[dict[str, IntegrationFacts], bool, AclCatalog]:
    """The integrations of a module folder or of a spec file (checked against the store its
    ``catalog:`` key names when the command line names none), whether it turns on Bearer
    tokens, and the ACL tree with the side's own resources (its etc/acl.xml, or the spec's
    acl:) merged in."""
    from generator.magento.configxml import CONFIG_XML, bearer_in_text
    from generator.magento.files import read_capped
    from generator.pipeline.speccatalog import catalogs_for_spec
    from generator.review import acldiff
    from generator.review.treecontext import tree_context
    from generator.spec.ownacl import with_own_acl
    from generator.spec.reader import load_spec

    if path.is_dir():
        config = path / CONFIG_XML
        bearer = config.is_file() and bearer_in_text(read_capped(config))
        return acldiff.states_of_tree(path), bearer, tree_context([path], known).acl
    known = catalogs_for_spec(path, known, store_given)
    loaded = load_spec(
        path, None, known.acl, known.modules, known.from_store, fallback_name="Magegen_AclDiff"
    )
    spec = loaded.spec
    return acldiff.states_of_spec(spec), spec.bearer_tokens, with_own_acl(spec, known.acl)


@click.command("spec-from")
@click.argument("module_dir", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the spec to this file (never overwritten) instead of stdout.",
)
@MAGENTO_ROOT_OPTION
@CATALOG_OPTION
@reports_errors
def spec_from(
    module_dir: Path, output: Path | None, magento_root: Path | None, catalog: Path | None
) -> None:
    """Read the module in MODULE_DIR back into a spec for `magegen new`.

    Defaults are left out and resources folded to those magegen completes. What the spec cannot
    express (files magegen does not write, custom PHP, other XML or composer keys) is listed in a
    comment at its top. Exit status: 0 success, 2 for a missing, unreadable or invalid module.
    """
    from generator.pipeline.new import catalogs
    from generator.review.specfrom import spec_from as read_back
    from generator.review.specfrom import write_spec

    known = catalogs(_store(magento_root, catalog))
    echo_problems(known.problems)
    result = read_back(module_dir, known.acl, known.modules, known.from_store)
    if output is None:
        click.echo(result.text.encode("utf-8"), nl=False)
        return
    write_spec(output, result.text)
    click.echo(str(output), err=True)
