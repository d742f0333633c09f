"""``magegen init``: a commented starter spec that ``magegen new`` accepts as it is."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

from generator.errors import Problem, TargetError, UsageError, shown
from generator.magento import rules
from generator.render import environment
from generator.spec.reader import parse_module_name


def starter_text(spec_file: str, module_name: str, integration: str) -> str:
    """The starter spec for the module ``module_name`` with one integration."""
    vendor, module = parse_module_name(module_name)
    problem = rules.check_integration_name(integration)
    if problem:
        raise UsageError([Problem("--integration", problem)])
    template = environment(False).get_template("starter/magegen.yaml.j2")
    return template.render(
        name=f"{vendor}/{module}",
        spec_file=spec_file,
        description=_yaml_string(f"Integrations of {vendor}_{module}"),
        integration=_yaml_string(integration),
    )


def _yaml_string(value: str) -> str:
    # JSON strings are YAML double-quoted strings, escapes included.
    return json.dumps(value, ensure_ascii=False)


def write_starter(path: Path, module_name: str, integration: str) -> None:
    """Write the starter spec to ``path``; refuse if anything is there already.

    A file name with a control or line-break character is refused: the starter quotes its name
    in a comment (``magegen new NAME SPEC``), and a line break there would end the comment.
    """
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in str(path)):
        message = (
            f"{shown(str(path))}: a file name with a control character (a newline, say) is "
            "refused; choose a plain name"
        )
        raise UsageError([Problem("SPEC", message)])
    text = starter_text(path.name, module_name, integration)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise TargetError(
            [Problem(str(path), "already exists; magegen init never overwrites")]
        ) from None
    except OSError as exc:
        raise TargetError([Problem(str(path), f"cannot write: {exc.strerror}")]) from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
