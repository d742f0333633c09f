"""The custom templates of a ``new`` run: the ``--templates`` folder or the spec's ``templates:``
key, and the notes that tie a failing file to the custom template that rendered it.

The sandbox's folder reader is imported only when a run has custom templates.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import Problem, SpecError, UsageError
from generator.pipeline.render import template_of

if TYPE_CHECKING:
    from generator.sandbox.folder import TemplateDir
    from generator.spec.model import ModuleSpec
    from generator.spec.reader import LoadedSpec


def template_option(templates: Path | None) -> TemplateDir | None:
    """The folder ``--templates`` names; a missing one is a usage error."""
    if templates is None:
        return None
    from generator.sandbox.folder import TemplateDir, folder_problem  # only for custom templates

    problem = folder_problem(templates)
    if problem:
        raise UsageError([Problem("--templates", problem)])
    return TemplateDir.at(templates)


def spec_templates(loaded: LoadedSpec, spec_path: Path) -> TemplateDir | None:
    """The folder the spec's ``templates:`` key names, relative to the spec's folder."""
    if loaded.templates is None:
        return None
    from generator.sandbox.folder import TemplateDir, folder_problem  # only for custom templates

    problem = folder_problem(loaded.templates, spec_path.parent)
    if problem:
        line, column = loaded.templates_at or (None, None)
        raise SpecError([Problem(str(spec_path), problem, line, column, field="templates")])
    return TemplateDir.at(loaded.templates)


def custom_template_notes(
    problems: Sequence[Problem], spec: ModuleSpec, templates: TemplateDir | None
) -> list[Problem]:
    """A note for each failing file that a custom template rendered."""
    notes = []
    for path in dict.fromkeys(problem.file for problem in problems):
        template_name = template_of(path, spec)
        if templates is not None and template_name and templates.holds(template_name):
            notes.append(
                Problem(
                    templates.shown_path(template_name),
                    f"{path} comes from this custom template",
                    severity="note",
                )
            )
    return notes
