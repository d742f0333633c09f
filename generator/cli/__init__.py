"""The ``magegen`` command line. The only place that prints or decides exit codes.

Each command lives with its kind: ``new`` (writing modules and specs), ``review`` (reading and
judging module trees) and ``catalog`` (what Magento knows); ``running`` turns errors into
messages and exit codes for all of them.
"""

from __future__ import annotations

import click

from generator import __version__
from generator.cli.catalog import acl, catalog_command, routes
from generator.cli.new import init, new, schema
from generator.cli.review import acl_diff, spec_from, validate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="magegen")
def main() -> None:
    """Write Magento 2 integration modules from a small YAML spec."""


for command in (new, acl, routes, validate, acl_diff, schema, init, spec_from, catalog_command):
    main.add_command(command)
