"""Templates people can adjust: a folder whose files replace built-in templates of the same name.

The folder mirrors ``templates/``: ``DIR/etc/module.xml.j2`` replaces ``etc/module.xml.j2``, and
every template it does not hold stays built-in. Files whose name starts with ``_`` are partials
for ``{% include %}`` or ``{% import %}``; hidden files and folders are ignored.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path, PurePath
from typing import NamedTuple

import jinja2

from generator.errors import Problem, shown, suggestion

MAX_LISTED = 1000  # files of a templates folder checked for names; the built-in folder has 9


class TemplateDir(NamedTuple):
    """A folder of custom templates: as the user named it (for messages) and as found on disk."""

    shown: Path
    root: Path

    @classmethod
    def at(cls, path: Path) -> TemplateDir:
        """The folder ``path``, which must exist (see ``folder_problem``)."""
        return cls(path, path.resolve())

    def files(self, limit: int = MAX_LISTED) -> list[str]:
        """The folder's files as POSIX paths relative to it, hidden ones left out; at most
        ``limit`` + 1 of them (more than ``limit`` means the folder is not a templates folder).

        Links to folders are not followed.
        """
        found: list[str] = []
        for folder, dirs, names in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            relative = Path(folder).relative_to(self.root)
            found += [(relative / n).as_posix() for n in names if not n.startswith(".")]
            if len(found) > limit:
                return sorted(found)[: limit + 1]
        return sorted(found)

    def holds(self, template_name: str) -> bool:
        """Whether the folder replaces the built-in template ``template_name``."""
        return (self.root / template_name).is_file()

    def shown_path(self, template_name: str) -> str:
        """How messages name the folder's template ``template_name``."""
        return str(self.shown / template_name)

    def unknown_files(self, known: Collection[str]) -> list[Problem]:
        """A warning for each file that replaces no built-in template (probably a typo)."""
        choices = tuple(sorted(known))
        names = self.files()
        if len(names) > MAX_LISTED:
            message = (
                f"holds more than {MAX_LISTED} files, far more than a templates folder; "
                "their names were not checked (is it the right folder?)"
            )
            return [Problem(str(self.shown), message, severity="warning")]
        return [
            Problem(
                self.shown_path(name),
                "matches no built-in template, so it is not used"
                + (suggestion(name, choices) or f"; the templates are {', '.join(choices)}"),
                severity="warning",
            )
            for name in names
            if name not in known and not PurePath(name).name.startswith("_")
        ]

    def problem(self, exc: Exception, template_name: str) -> Problem | None:
        """Where in this folder's templates ``exc`` arose while rendering ``template_name``.

        None when it did not come from one of them (then it is magegen's own bug).
        """
        from generator.sandbox.box import RenderLimit, TemplateRefused

        if isinstance(exc, TemplateRefused) and self._owns(str(exc.path)):
            return Problem(self._shown_file(str(exc.path)), f"template refused: {exc.reason}")
        if isinstance(exc, jinja2.TemplateSyntaxError):
            # Compiling: the file (or a partial it includes) and line are known exactly.
            if exc.filename and self._owns(exc.filename):
                return Problem(
                    self._shown_file(exc.filename),
                    f"template syntax error: {exc.message}",
                    line=exc.lineno,
                )
            return None
        message = f"template error: {_describe(exc)}"
        import traceback  # only when a custom template failed

        # Rendering: Jinja rewrites the traceback so that its frames name template lines.
        frames = [
            (frame.filename, frame.lineno)
            for frame in traceback.extract_tb(exc.__traceback__)
            if self._owns(frame.filename)
        ]
        if frames:
            filename, line = frames[-1]
            return Problem(self._shown_file(filename), message, line=line)
        if self.holds(template_name):  # failed before rendering: reading it, say
            return Problem(self.shown_path(template_name), message)
        if isinstance(exc, RenderLimit):  # the bound struck inside a built-in template
            return Problem(str(self.shown), message)
        return None

    def _owns(self, filename: str) -> bool:
        return Path(os.path.normpath(filename)).is_relative_to(self.root)

    def _shown_file(self, filename: str) -> str:
        relative = Path(os.path.normpath(filename)).relative_to(self.root)
        return self.shown_path(relative.as_posix())


def folder_problem(path: Path, home: Path | None = None) -> str | None:
    """Why ``path`` cannot be a templates folder, or None when it can.

    With ``home`` (the folder of the spec that names ``path``), ``path`` must lie inside it:
    specs arrive in pull requests, and only the command line may name a folder elsewhere.
    """
    if home is not None:
        inside = home.resolve()
        found = path.resolve()
        if found == Path(found.anchor) or not found.is_relative_to(inside):
            written = path.relative_to(home) if path.is_relative_to(home) else path
            return (
                f"{shown(str(written))} is not inside the spec's folder {shown(str(home))}; a spec "
                "may name only a templates folder beside or below it (give any other folder "
                "with --templates)"
            )
    if not path.exists():
        return f"no such folder: {path}"
    if not path.is_dir():
        return f"is not a folder: {path}"
    return None


def _describe(exc: Exception) -> str:
    from generator.sandbox.box import RenderLimit

    if isinstance(exc, RenderLimit):
        return str(exc)
    if isinstance(exc, jinja2.UndefinedError):
        return f"{exc.message} (every value a template prints must exist: see README, Templates)"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"template not found: {exc.name}"
    if isinstance(exc, UnicodeDecodeError):
        return "cannot read a template: it is not UTF-8 text"
    return f"{type(exc).__name__}: {exc}"
