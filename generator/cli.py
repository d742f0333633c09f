"""The ``magegen`` command line. The only place that prints or decides exit codes."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import TypeVar

import click

from generator import __version__
from generator.errors import MagegenError, Problem

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
        except Exception:
            click.echo("magegen: internal error, please report it with this trace:", err=True)
            click.echo(traceback.format_exc(), err=True)
            sys.exit(INTERNAL_ERROR_EXIT)

    return run  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="magegen")
def main() -> None:
    """Write Magento 2 integration modules from a small YAML spec."""


@main.command()
@click.argument("name")
@click.argument("spec", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Module root to write. Default: app/code/<Vendor>/<Module> under the current folder.",
)
@click.option("--force", is_flag=True, help="Rewrite magegen's files in a folder that has files.")
@click.option(
    "--dry-run", is_flag=True, help="Write nothing; list what would be created, changed or kept."
)
@_reports_errors
def new(name: str, spec: Path, output: Path | None, force: bool, dry_run: bool) -> None:
    """Generate the module NAME (Vendor/Module or Vendor_Module) from the YAML file SPEC.

    Every file is rendered and checked first; nothing is written unless all checks pass.
    """
    from generator.pipeline import generate

    result = generate(name, spec, output, force, dry_run)
    _echo_problems(result.warnings)
    if dry_run:
        for file in result.plan.files:
            click.echo(f"{file.action.value:<9} {result.plan.target / file.path}")
        return
    for path in result.written:
        click.echo(str(path), err=True)
