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
    from generator.magento.targetset import Targets
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
    from generator.cli.storeoption import catalogs_for
    from generator.review import acldiff, diffroutes


    known, load_routes = catalogs_for(magento_root, catalog, None)
    store_given = known.from_store
    before, old_bearer, old_acl, _, old_targets = _side(old, known, store_given)
    after, new_bearer, new_acl, lead, new_targets = _side(new, known, store_given)
    changes = acldiff.compare(before, after, new_acl, old_acl)
    targets_change = old_targets is not None and new_targets is not None and (
        old_targets.names != new_targets.names
    )
    if targets_change or any(c.granted or c.revoked for c in changes):
        from generator.pipeline.speccatalog import catalogs_for_spec
        from generator.review.routeview import store_routes

        # The store's own routes: the command line's, else the new spec's catalog: key, else
        # the routes of the releases each spec side targets (the default ones for a folder).
        route_store = known if new.is_dir() else catalogs_for_spec(new, known, store_given)
        if route_store.from_store:
            routes, problems = store_routes(route_store)
            echo_problems(problems)
            old_routes = routes
        else:
            routes = new_targets.routes() if new_targets is not None else load_routes()
            old_routes = old_targets.routes() if targets_change else routes
        changes = diffroutes.with_routes(
            changes, before, after, new_acl, routes, old_acl=old_acl, old_catalog=old_routes
        )
    notes = diffroutes.bearer_note(old_bearer, new_bearer)
    renderer = {
        "text": acldiff.render_text,
        "markdown": acldiff.render_markdown,
        "json": acldiff.render_json,
    }[output_format]
    shown_acl = acldiff.both_sides(old_acl, new_acl)
    click.echo(renderer(changes, shown_acl, notes, lead=lead), nl=False)
    sys.exit(1 if changes or notes or lead else 0)


def _side(
    path: Path, known: Catalogs, store_given: bool
) -> tuple[dict[str, IntegrationFacts], bool, AclCatalog, tuple[str, ...], Targets | None]:
    """The integrations of a module folder (or a folder of modules) or of a spec file (checked
    against the store its ``catalog:`` key names when the command line names none), whether it
    turns on Bearer tokens, the ACL tree with the side's own resources (its etc/acl.xml, or the
    spec's acl:) merged in, what a reviewer must read before the list, and the releases a spec
    side targets (None for a folder, or a spec read against a store)."""
    from generator.pipeline.context import route_loader
    from generator.review import acldiff
    from generator.review.treecontext import tree_context
    from generator.review.treeside import read_tree_side, tree_roots
    from generator.spec.ownacl import with_own_acl
    from generator.pipeline.speccatalog import catalogs_for_spec
    from generator.spec.reader import load_spec

    if path.is_dir():
        side = read_tree_side(path)
        acl = tree_context(tree_roots(path), known).acl
        return side.integrations, side.bearer, acl, side.notes, None
    known = catalogs_for_spec(path, known, store_given)
    # Read as new reads it: the store's routes, and the default target's hand-written acl.xml.
    target = _TreeOfTarget()
    loaded = load_spec(
        path,
        None,
        known.acl,
        known.modules,
        known.from_store,
        fallback_name="Magegen_AclDiff",
        routes=route_loader(known),
        acl_for=target,
    )
    spec = loaded.spec
    acl = with_own_acl(spec, target.merged or known.acl)
    return acldiff.states_of_spec(spec), spec.bearer_tokens, acl, (), loaded.targets


class _TreeOfTarget:
    """``load_spec``'s ``acl_for`` as ``new`` uses it, keeping the tree it merged."""

    def __init__(self) -> None:
        from generator.pipeline.context import TargetAcl

        self._target = TargetAcl(None)
        self.merged: AclCatalog | None = None

    def __call__(self, vendor: str, module: str, acl: AclCatalog) -> AclCatalog:
        self.merged = self._target(vendor, module, acl)
        return self.merged


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
