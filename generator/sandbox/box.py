"""The box custom templates run in: what they may read, and how much they may do.

A spec can name its own templates, and specs arrive in pull requests, so custom templates are
untrusted input:

- ``BoxedLoader`` reads a template or partial only from a regular file inside the templates
  folder. Every part of its path is opened relative to the folder without following links, so a
  link (to a file or a folder, inside or out), a device or a FIFO is refused, never read.
- ``BoundedSandbox`` is Jinja's immutable sandbox (no Python internals, no commands, ``range``
  capped at 100,000 items) that also refuses string and list repetition past the output bound and
  huge powers.
- ``render_bounded`` stops a template whose output passes ``Budget.output`` characters, and
  ``time_limit`` one that runs past ``Budget.seconds`` (a loop that prints nothing included).
- ``Budget.memory`` is what ``templatefork`` lets the child that renders custom templates add
  to its address space: one call in C (``center``, ``%``, ``replace``) can build gigabytes
  before any check here runs. Past it, ``render_bounded`` reports the MemoryError as a bound.

The bounds grow with the spec: the built-in templates print about 60 bytes and take about 7 µs
per granted resource (measured on 1,500 integrations granting ``Magento_Backend::admin/**``:
337,500 resources, 20.7 MB of api.xml, 2.3 s; with today's catalog, 385,500 resources rendered
with custom copies of the templates grew the child's address space by 59 MiB, against a limit of
1,011 MiB there), so the bounds stay more than ten times above any honest template.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator.spec.model import ModuleSpec

MAX_TEMPLATE_BYTES = 1 << 20  # one template or partial file
OUTPUT_BASE = 1 << 20  # characters one file may have, plus OUTPUT_PER_RESOURCE per resource
OUTPUT_PER_RESOURCE = 1024
SECONDS_BASE = 5.0  # seconds all custom rendering of a module may take, plus per resource
SECONDS_PER_RESOURCE = 0.0001
MEMORY_BASE = 256 << 20  # bytes the child rendering custom templates may add, plus per resource
MEMORY_PER_RESOURCE = 2 << 10
MAX_EXPONENT = 4096


class TemplateRefused(Exception):
    """A template file that is not a regular file inside the templates folder."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class RenderLimit(Exception):
    """A custom template passed the output or time bound."""


class Budget(NamedTuple):
    """How much one module's custom templates may print (per file), take and use (in all)."""

    output: int
    seconds: float
    memory: int  # bytes of address space the rendering child may add (see templatefork)

    @classmethod
    def of(cls, spec: ModuleSpec) -> Budget:
        """The budget for ``spec``: a base, plus a share for each granted resource."""
        resources = sum(len(integration.resources) for integration in spec.integrations)
        return cls.base(resources + len(spec.integrations))

    @classmethod
    def base(cls, resources: int = 0) -> Budget:
        """The budget for a spec granting ``resources`` resources (integrations included)."""
        return cls(
            OUTPUT_BASE + OUTPUT_PER_RESOURCE * resources,
            SECONDS_BASE + SECONDS_PER_RESOURCE * resources,
            MEMORY_BASE + MEMORY_PER_RESOURCE * resources,
        )


class BoxedLoader(jinja2.BaseLoader):
    """Loads templates only from regular files inside ``root`` (a resolved folder)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """The text of ``template``; TemplateNotFound when the folder does not hold it."""
        parts = jinja2.loaders.split_template_path(template)
        path = self.root.joinpath(*parts)
        data, mtime = _read_inside(self.root, parts, template)

        def uptodate() -> bool:
            try:
                return os.stat(path, follow_symlinks=False).st_mtime_ns == mtime
            except OSError:
                return False

        try:
            return data.decode("utf-8"), str(path), uptodate
        except UnicodeDecodeError:
            raise TemplateRefused(path, "is not UTF-8 text") from None


def _read_inside(root: Path, parts: list[str], template: str) -> tuple[bytes, int]:
    """The bytes and mtime of root/parts, opened part by part without following any link."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    folder = os.open(root, flags | getattr(os, "O_DIRECTORY", 0))
    try:
        for index, part in enumerate(parts):
            here = root.joinpath(*parts[: index + 1])
            try:
                info = os.stat(part, dir_fd=folder, follow_symlinks=False)
            except (FileNotFoundError, NotADirectoryError):
                raise jinja2.TemplateNotFound(template) from None
            last = index == len(parts) - 1
            if stat.S_ISLNK(info.st_mode):
                raise TemplateRefused(
                    here,
                    "is a symbolic link; templates are read only from "
                    "regular files inside the templates folder",
                )
            if not last and not stat.S_ISDIR(info.st_mode):
                raise jinja2.TemplateNotFound(template)
            if last and not stat.S_ISREG(info.st_mode):
                raise TemplateRefused(here, "is not a regular file")
            inner = os.open(part, flags | (0 if last else os.O_DIRECTORY), dir_fd=folder)
            os.close(folder)
            folder = inner
        info = os.fstat(folder)
        if not stat.S_ISREG(info.st_mode):  # swapped since it was looked at
            raise TemplateRefused(root.joinpath(*parts), "is not a regular file")
        with os.fdopen(os.dup(folder), "rb") as handle:
            data = handle.read(MAX_TEMPLATE_BYTES + 1)
        if len(data) > MAX_TEMPLATE_BYTES:
            raise TemplateRefused(root.joinpath(*parts), f"is over {MAX_TEMPLATE_BYTES} bytes")
        return data, info.st_mtime_ns
    finally:
        os.close(folder)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with repetition and powers bounded too."""

    intercepted_binops = frozenset({"*", "**"})
    output_limit = OUTPUT_BASE  # set per render by ``render_bounded``

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        """``left operator right``, unless it would build something absurd."""
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(count, int)
                if sized and len(seq) * count > self.output_limit:
                    raise RenderLimit(
                        f"repeating a value {count} times passes the output bound of "
                        f"{self.output_limit} characters"
                    )
        if operator == "**" and isinstance(right, int) and abs(right) > MAX_EXPONENT:
            raise RenderLimit(f"an exponent above {MAX_EXPONENT} is refused")
        return super().call_binop(context, operator, left, right)


def render_bounded(
    template: jinja2.Template, context: Mapping[str, object], budget: Budget, deadline: float
) -> str:
    """``template`` rendered with ``context``; RenderLimit when it prints or runs too much."""
    environment = template.environment
    if isinstance(environment, BoundedSandbox):
        environment.output_limit = budget.output
    out = io.StringIO()
    size = 0
    try:
        for chunk in template.generate(context):
            size += len(chunk)
            if size > budget.output:
                raise RenderLimit(
                    f"prints more than {budget.output} characters (the bound for this spec; "
                    "see README, Templates)"
                )
            if time.monotonic() > deadline:
                raise _timeout(budget)
            out.write(chunk)
        return out.getvalue()
    except MemoryError as exc:
        # Past the child's memory limit (see templatefork); the traceback keeps the template's
        # line, which Jinja put there.
        out = io.StringIO()
        raise RenderLimit(
            f"needs more than {budget.memory >> 20} MiB of memory (the bound for this spec; "
            "see README, Templates)"
        ).with_traceback(exc.__traceback__) from None


def _timeout(budget: Budget) -> RenderLimit:
    return RenderLimit(
        f"runs longer than {budget.seconds:g} s (the bound for this spec; see README, Templates)"
    )


@contextlib.contextmanager
def time_limit(budget: Budget) -> Iterator[float]:
    """Interrupt the rendering in the block after ``budget.seconds``; yield the deadline.

    The interruption is a timer signal, so it also stops a loop that prints nothing. Off the main
    thread (no signals there) only the checks between printed chunks apply.
    """
    deadline = time.monotonic() + budget.seconds
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield deadline
        return

    def expired(signum: int, frame: object) -> None:
        raise _timeout(budget)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, budget.seconds)
    try:
        yield deadline
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
