"""Print what ``magegen validate`` found: text, JSON, GitHub annotations, or a PR comment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.errors import Problem, one_line, shown
from generator.review.jsonout import line_safe_json

if TYPE_CHECKING:  # the CLI imports FORMATS at start-up; keep that light
    from generator.review.validate import ModuleSummary, ValidationResult

FORMATS = ("text", "json", "github", "markdown")
VALUE_LIMIT = 200  # characters of a name, email or path shown in a PR comment
BACKTICK = "`"


def summary_line(result: ValidationResult) -> str:
    """One line: how many modules, errors and warnings."""
    modules = len(result.modules)
    errors, warnings = result.count("error"), result.count("warning")
    return (
        f"magegen: {modules} module{'s' * (modules != 1)} checked, "
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    )


def render(result: ValidationResult, output_format: str) -> str:
    """The whole report in ``output_format``, ending with a newline."""
    if output_format == "json":
        return _json(result)
    if output_format == "github":
        return "".join(_annotation(p) + "\n" for p in result.problems)
    if output_format == "markdown":
        return _markdown(result)
    lines = [str(p) for p in result.problems] + [summary_line(result)]
    return "\n".join(lines) + "\n"


def _json(result: ValidationResult) -> str:
    document = {
        "modules": [
            {
                "path": str(module.root),
                "name": module.name,
                "integrations": [
                    {
                        "name": integration.name,
                        "format": integration.format,
                        "email": integration.email,
                        "resources": None
                        if integration.resources is None
                        else [{"id": r, "title": _title(result, r)} for r in integration.resources],
                    }
                    for integration in module.integrations
                ],
            }
            for module in result.modules
        ],
        "findings": [
            {
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "severity": p.severity,
                "code": p.code,
                "message": one_line(p.message),
            }
            for p in result.problems
        ],
        "errors": result.count("error"),
        "warnings": result.count("warning"),
        "notes": list(result.notes),
    }
    return line_safe_json(document)


def _escape_data(text: str) -> str:
    return one_line(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command that annotates the file and line."""
    kind = "error" if problem.severity == "error" else "warning"
    properties = [f"file={_escape_property(problem.file)}"]
    if problem.line is not None:
        properties.append(f"line={problem.line}")
    if problem.column is not None:
        properties.append(f"col={problem.column}")
    if problem.code:
        properties.append(f"title={_escape_property(problem.code)}")
    return f"::{kind} {','.join(properties)}::{_escape_data(problem.message)}"


def _title(result: ValidationResult, resource_id: str) -> str | None:
    resource = result.acl.get(resource_id)
    return resource.title if resource else None


def _cell(text: str, limit: int | None = None) -> str:
    """Text safe inside a Markdown table cell, on one line; values are cut at ``limit``."""
    text = shown(text, limit) if limit is not None else one_line(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _code(text: str, limit: int | None = VALUE_LIMIT) -> str:
    """A value as inline code, on one line (shortened to ``limit``)."""
    return BACKTICK + _cell(text, limit) + BACKTICK


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def _owner(file: str, roots: list[str]) -> str | None:
    """The deepest module root that holds ``file``."""
    holding = [root for root in roots if file.startswith(root + "/")]
    return max(holding, key=len) if holding else None


def _markdown(result: ValidationResult) -> str:
    errors, warnings = result.count("error"), result.count("warning")
    verdict = "passed" if not errors else "failed"
    lines = [
        f"## magegen validate {verdict}: {_plural(errors, 'error')}, "
        f"{_plural(warnings, 'warning')}",
        "",
    ]
    roots = [str(module.root) for module in result.modules]
    by_module: dict[str | None, list[Problem]] = {}
    for problem in result.problems:
        by_module.setdefault(_owner(problem.file, roots), []).append(problem)
    for module in result.modules:
        lines += _module_markdown(result, module, by_module.get(str(module.root), []))
    if by_module.get(None):
        lines += ["### Other findings", "", *_findings_table(by_module[None], ""), ""]
    for note in result.notes:
        lines.append(f"> {_cell(note)}")
    return "\n".join(lines).rstrip("\n") + "\n"


def _findings_table(findings: list[Problem], prefix: str) -> list[str]:
    lines = ["| | File | Line | Code | Finding |", "|---|---|---|---|---|"]
    for p in findings:
        relative = p.file[len(prefix) :].lstrip("/") if prefix else p.file
        lines.append(
            f"| {p.severity} | {_code(relative, None)} | {p.line or ''} | {p.code or ''} "
            f"| {_cell(p.message)} |"
        )
    return lines


def _module_markdown(
    result: ValidationResult, module: ModuleSummary, findings: list[Problem]
) -> list[str]:
    title = module.name or "(module without a name)"
    lines = [f"### {_cell(title, VALUE_LIMIT)} ({_code(str(module.root), None)})", ""]
    for integration in module.integrations:
        lines.append(
            f"**{_cell(integration.name, VALUE_LIMIT)}** ({integration.format} format, "
            f"{_cell(integration.email or 'no email', VALUE_LIMIT)}) grants:"
        )
        lines.append("")
        if integration.resources is None:
            lines.append("- not known: its api.xml could not be read (see the findings)")
        elif not integration.resources:
            lines.append("- nothing")
        for resource_id in integration.resources or ():
            title_text = _title(result, resource_id)
            suffix = f" {_cell(title_text, VALUE_LIMIT)}" if title_text else " (unknown to magegen)"
            lines.append(f"- {_code(resource_id)}{suffix}")
        lines.append("")
    lines += _findings_table(findings, str(module.root)) if findings else ["No findings."]
    lines.append("")
    return lines
