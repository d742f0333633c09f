"""Option parsing that matches a short option such as ``-o`` without first failing as a long one.

click tries every option as a long option first; for ``-o`` that fails, and the failure builds a
``NoSuchOption`` whose spelling suggestions import difflib and gettext's locale (about 4 ms of
a 40 ms start-up) before the short option is tried. A known short option, exactly as written, is
matched directly here: click would reach the same match. Anything else (``-o=x``, ``-ofile``,
long and unknown options, with their suggestions) goes through click's own parsing.
"""

from __future__ import annotations

from typing import Any

import click


def short_options_first(parser: Any) -> Any:
    """``parser`` (click's option parser), matching its own short options directly."""
    short = getattr(parser, "_short_opt", None)
    general = getattr(parser, "_process_opts", None)
    match_short = getattr(parser, "_match_short_opt", None)
    if not isinstance(short, dict) or general is None or match_short is None:
        return parser  # a click whose parser differs: its own parsing, unchanged

    def process(arg: str, state: Any) -> None:
        if arg in short:
            match_short(arg, state)
        else:
            general(arg, state)

    parser._process_opts = process
    return parser


class Command(click.Command):
    """A click command whose parser matches short options directly."""

    def make_parser(self, ctx: click.Context) -> Any:
        """click's parser for this command, matching short options directly."""
        return short_options_first(super().make_parser(ctx))
