"""``magegen init``: a commented starter spec that ``magegen new`` accepts as it is."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

from generator.errors import Problem, TargetError, UsageError, shown
from generator.magento import rules
from generator.pipeline.render import environment
from generator.spec.reader import parse_module_name


def starter_text(spec_file: str, module_name: str | None, integration: str) -> str:
    """The starter spec for the module ``module_name`` with one integration; a spec given a
    name names its module itself (``name:``), else its comment says to give NAME."""
    vendor, module = parse_module_name(module_name or "Vendor/Module", "--name")
    problem = rules.check_integration_name(integration)
    if problem:
        raise UsageError([Problem("--integration", problem)])
    template = environment(False).get_template("starter/magegen.yaml.j2")
    return template.render(
        name=f"{vendor}/{module}",
        named=module_name is not None,
        spec_file=spec_file,
        description=_yaml_string(f"Integrations of {vendor}_{module}"),
        integration=_yaml_string(integration),
        acl_module=f"{vendor}_{module}",
    )


def _yaml_string(value: str) -> str:
    # JSON strings are YAML double-quoted strings, escapes included.
    return json.dumps(value, ensure_ascii=False)


# Control, line and paragraph separators, format characters (U+202E, U+200B), and the lone
# surrogates that stand for bytes of a file name that are not UTF-8.
REFUSED_IN_NAMES = frozenset({"Cc", "Zl", "Zp", "Cf", "Cs"})


def _visible(name: str) -> str:
    """``name`` for a message: shortened, with every refused character as an escape."""
    return "".join(
        f"\\u{ord(char):04x}" if unicodedata.category(char) in ("Cf", "Cs") else char
        for char in shown(name)
    )


def write_starter(path: Path, module_name: str | None, integration: str) -> None:
    """Write the starter spec to ``path``; refuse if anything is there already.

    A file name with a control, line-break or invisible formatting character (Unicode
    categories Cc, Zl, Zp, Cf) or bytes that are not UTF-8 is refused: the starter quotes its
    name in a comment (``magegen new NAME SPEC``), where a line break would end the comment, a
    right-to-left override would disguise it, and undecodable bytes cannot be written.
    """
    name = str(path)
    if any(unicodedata.category(char) in REFUSED_IN_NAMES for char in name):
        message = (
            f"{_visible(name)}: a file name with a control character (a newline, say), an "
            "invisible formatting character (a right-to-left override, say) or bytes that are "
            "not UTF-8 is refused; choose a plain name"
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
