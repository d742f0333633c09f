"""Write a spec read back from a module as YAML, with its notes in a comment at the top."""

from __future__ import annotations

import enum
import re
from pathlib import Path
from typing import Any

import yaml

from generator.errors import Problem, UsageError
from generator.patterns import lazy

# Line breaks other than \n. PyYAML writes them raw inside single quotes, where a reader folds
# NEL (U+0085) into a space: '\x85' would come back as ' '. Double quotes escape them (\N, \L, \P).
_FOLDED_BREAKS = lazy("[\x85\u2028\u2029]")


class _SpecDumper(yaml.SafeDumper):
    """yaml.safe_dump's dumper, with lists indented under their key as the README writes them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def represent_str(self, data: str) -> yaml.ScalarNode:
        if _FOLDED_BREAKS.search(data):
            return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
        return super().represent_str(data)


_SpecDumper.add_representer(str, _SpecDumper.represent_str)
# The spec's choices (Setup, IntegrationFormat) are written as their YAML spelling.
_SpecDumper.add_multi_representer(enum.Enum, lambda dumper, data: dumper.represent_str(data.value))


def dump_spec(spec: dict[str, Any]) -> str:
    """The spec as YAML: keys in the order given, strings quoted where YAML would retype them.

    Everything but ``all_resources`` is a string, which safe_dump quotes whenever plain YAML
    would read it as something else (``'1.10'``, ``'yes'``, ``'null'``, ``'123'``, ``'*'``).
    """
    if not spec:
        return "{}\n"
    return yaml.dump(
        spec,
        Dumper=_SpecDumper,
        sort_keys=False,
        allow_unicode=True,
        width=float("inf"),
        default_flow_style=False,
    )


def header(name: str, notes: list[str]) -> str:
    """The comment at the top of a spec read back: the command, and what it does not reproduce."""
    lines = [
        f"# magegen new {name} <this file>",
        "# Read back from the module by magegen spec-from.",
    ]
    if notes:
        lines += [
            "#",
            "# Not reproduced by this spec. magegen new never touches a file it does not write;",
            f"# magegen new {name} SPEC -o MODULE_DIR --diff shows how it would change the others.",
        ]
        lines += [f"#   - {_one_line(note)}" for note in notes]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """``text`` safe inside a YAML comment: no line breaks YAML or a reader would act on."""
    return re.sub(r"[\r\n\x85\u2028\u2029]", " ", text)


def write_spec(path: Path, text: str) -> None:
    """Write the spec to ``path``, which must not exist yet."""
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        message = "already exists; spec-from never overwrites a file: choose another name"
        raise UsageError([Problem(str(path), message)]) from None
    except OSError as exc:
        raise UsageError([Problem(str(path), f"cannot write: {exc.strerror or exc}")]) from None
