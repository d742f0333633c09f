"""``magegen acl``, ``routes`` and ``catalog``: what Magento knows, and a store's catalog."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.running import MAGENTO_ROOT_OPTION, echo_problems, reports_errors
from generator.cli.storeoption import CATALOG_OPTION, MAGENTO_OPTION, catalogs_for
from generator.errors import Problem, UsageError, shown

TEXT_OR_JSON = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for programs.",
)


@click.command()
@click.argument("query", required=False)
@TEXT_OR_JSON
@click.option(
    "--spec",
    type=click.Path(path_type=Path),
    help="Include the module's own resources that this spec declares (its acl: key).",
)
@click.option(
    "--module",
    "module_dir",
    type=click.Path(path_type=Path),
    help="Include the own resources of this module folder (its etc/acl.xml).",
)
@MAGENTO_ROOT_OPTION
@CATALOG_OPTION
@MAGENTO_OPTION
@reports_errors
def acl(
    query: str | None,
    output_format: str,
    spec: Path | None,
    module_dir: Path | None,
    magento_root: Path | None,
    catalog: Path | None,
    magento: str | None,
) -> None:
    """Show Magento's ACL resources: the whole tree, or those matching QUERY.

    Every word of QUERY must match the id or title of a resource or of its parents, ignoring
    case and plurals ("read orders" finds the View action under Orders); each match is shown with
    its path from the root. When nothing matches, near matches are suggested. Grant a resource
    in a spec by its id; magegen adds the parents it needs. --spec SPEC or --module
    MODULE_DIR adds a module's own resources (its acl: key, or its etc/acl.xml) to the tree.
    """
    from generator.review import aclview

    known, _ = catalogs_for(magento_root, catalog, magento)
    echo_problems(known.problems)
    catalog, problems = aclview.with_own(known.acl, spec, module_dir, known)
    echo_problems(problems)
    resources = list(catalog.resources) if query is None else aclview.search(catalog, query)
    if query is not None and not resources:
        hint = _in_other_releases(query, known.from_store) or aclview.near_misses(catalog, query)
        click.echo(
            f"magegen: no ACL resource matches '{shown(query)}'{'; ' + hint if hint else ''}",
            err=True,
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


@click.command()
@click.argument("words", nargs=-1, metavar="[QUERY]")
@click.option(
    "--spec",
    type=click.Path(path_type=Path),
    help="List the routes each integration of this spec can call.",
)
@TEXT_OR_JSON
@MAGENTO_ROOT_OPTION
@CATALOG_OPTION
@MAGENTO_OPTION
@reports_errors
def routes(
    words: tuple[str, ...],
    spec: Path | None,
    output_format: str,
    magento_root: Path | None,
    catalog: Path | None,
    magento: str | None,
) -> None:
    """Show Magento's REST routes and the ACL resources each one needs.

    QUERY is a route (GET /V1/products/:sku, {sku} or a concrete path such as
    /rest/default/V1/products/24-MB01), words of urls (GET orders), or an ACL id (the routes it
    gates). A module folder (holding etc/module.xml) as QUERY, or --spec SPEC, lists the routes
    each of its integrations can call. Exit status: 0 found, 1 nothing found, 2 bad input.
    """
    from generator.review import routeview

    query = " ".join(words) if words else None
    known, load_routes = catalogs_for(magento_root, catalog, magento)
    store_given = known.from_store
    if spec is not None:
        from generator.pipeline.speccatalog import catalogs_for_spec

        known = catalogs_for_spec(spec, known, store_given)
    echo_problems(known.problems)
    if known.from_store:  # the store's own routes, its unreadable webapi.xml files named
        catalog_routes, problems = routeview.store_routes(known)
        echo_problems(problems)
    else:
        catalog_routes = load_routes()
    tree = Path(query) if query and _is_module_folder(query) else None
    if spec is not None and query is not None:
        raise UsageError([Problem("QUERY", "give a QUERY or --spec SPEC, not both")])
    if spec is not None or tree is not None:
        grants, targets = routeview.grants_of(
            tree, spec, known.acl, known.modules, known.from_store
        )
        acl = known.acl
        if targets is not None and magento is None:  # the releases the spec's magento: targets
            acl, catalog_routes = targets.acl(), targets.routes()
        found = routeview.integration_routes(catalog_routes, acl, grants)
        click.echo(routeview.render_integrations(catalog_routes, found, output_format), nl=False)
        return
    listed, failure, exit_code = routeview.find(catalog_routes, known.acl, query)
    if failure is not None and exit_code == 1 and query is not None and not known.from_store:
        from generator.spec.releaseroutes import elsewhere_message

        failure = elsewhere_message(query.strip(), None, "--magento") or failure
    if failure is not None:
        click.echo(f"magegen: {failure}", err=True)
        sys.exit(exit_code)
    click.echo(routeview.render_routes(catalog_routes, listed, output_format), nl=False)


def _in_other_releases(query: str, from_store: bool) -> str | None:
    """For an id the releases asked about (or the store) lack: which known releases have it,
    instead of a near miss that would read like a typo fix."""
    resource_id = query.strip()
    if "::" not in resource_id or len(resource_id.split()) != 1:
        return None
    from generator.magento.targetset import describe
    from generator.spec.targets import STORE_HINT, having

    elsewhere = having(resource_id)
    if not elsewhere:
        return None
    lacking = "this store lacks it" if from_store else "the releases asked about lack it"
    fix = "" if from_store else f"; target them with --magento, or {STORE_HINT}"
    return f"{lacking}; Magento {describe(elsewhere)} have it{fix}"


def _is_module_folder(query: str) -> bool:
    """Whether ``query`` names a module folder (not a route: too long to be a path, say)."""
    try:
        return (Path(query) / "etc" / "module.xml").is_file()
    except (OSError, ValueError):
        return False


@click.command("catalog")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The catalog file to write (replaced if it exists).",
)
@MAGENTO_ROOT_OPTION
@reports_errors
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
    echo_problems(write_catalog(magento_root, output))
    click.echo(str(output), err=True)
