"""What every command shares: how errors become messages and exit codes, and common options."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import TypeVar

import click

from generator.errors import MagegenError, Problem

F = TypeVar("F", bound=Callable[..., object])

INTERNAL_ERROR_EXIT = 70


def echo_problems(problems: Iterable[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


def reports_errors(command: F) -> F:
    """Turn MagegenError into its messages and exit code; anything else is an internal error."""

    @wraps(command)
    def run(*args: object, **kwargs: object) -> object:
        try:
            return command(*args, **kwargs)
        except MagegenError as exc:
            echo_problems(exc.problems)
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
