"""The ``magegen`` command line. The only place that prints or decides exit codes.

Each command lives with its kind: ``new`` (writing modules and specs), ``review`` (reading and
judging module trees) and ``catalog`` (what Magento knows); ``running`` turns errors into
messages and exit codes for all of them. A command's module is imported only when that command
runs (or ``--help`` lists it), so that start-up pays for one kind only.
"""

from __future__ import annotations

import atexit
import gc
import importlib
from typing import Any

import click

from generator import __version__

# A command runs once and exits, and nearly everything its start-up allocates (modules, classes,
# catalogs) lives to the end: the collector's passes over it every 700 allocations are wasted.
# Cycles are still collected, every 20,000 allocations.
gc.set_threshold(20_000, 10, 10)

# Each command: the module that defines it and the function's name there.
COMMANDS = {
    "new": ("generator.cli.new", "new"),
    "init": ("generator.cli.new", "init"),
    "schema": ("generator.cli.new", "schema"),
    "validate": ("generator.cli.review", "validate"),
    "acl-diff": ("generator.cli.review", "acl_diff"),
    "spec-from": ("generator.cli.review", "spec_from"),
    "acl": ("generator.cli.catalog", "acl"),
    "routes": ("generator.cli.catalog", "routes"),
    "catalog": ("generator.cli.catalog", "catalog_command"),
}


class _LazyGroup(click.Group):
    """A group whose commands are imported when one is asked for."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run as the process's own program (the console script, ``python -m generator``):
        once the command is done, the process ends without taking its objects apart one by
        one (see ``generator.cli.exiting``). ``main.main(...)``, as click's test runner calls
        it, is unchanged."""
        try:
            return self.main(*args, **kwargs)
        except SystemExit as done:
            from generator.cli.exiting import exit_now

            exit_now(done)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="magegen")
def main() -> None:
    """Write Magento 2 integration modules from a small YAML spec."""
    from generator.magento.acl import reset_suggestion_budget

    reset_suggestion_budget()
    _no_final_collection()


def _no_final_collection() -> None:
    """Freeze every object at exit, so the interpreter's last collections do not walk them.

    While the interpreter shuts down, its collector walks every object still alive (the modules,
    catalogs, compiled templates and schemas of start-up, a large tree's summaries), all of which
    go with the process anyway: frozen first, they are not walked (10 to 20 ms of CPU of a 130 ms
    ``new``, about 10 ms of validate's exit on 300 modules). Frozen objects are still freed, and
    atexit handlers and file flushes still run; no file relies on a collector to be flushed or
    closed: each is closed where it is written. (The console script and ``python -m generator``
    go further and skip the teardown altogether: ``_LazyGroup.__call__``. This covers the other
    ways in, such as ``main.main(...)`` from a script.)
    """
    atexit.unregister(gc.freeze)  # (once per process, however many commands run in it)
    atexit.register(gc.freeze)
