"""JSON documents for programs that are also safe to read line by line in a log."""

from __future__ import annotations

import json
import re

from generator.errors import INVISIBLE
from generator.patterns import lazy

# What JSON allows raw inside a string but log readers and terminals may take for a line break
# or a command: DEL, the C1 controls (NEL, U+0085, among them) and the line and paragraph
# separators. json.dumps already escapes the C0 controls.
_RAW_IN_JSON = lazy(f"[\x7f-\x9f\u2028\u2029{INVISIBLE}]")


def line_safe_json(document: object) -> str:
    """``document`` as indented JSON with a final newline, every control character and line
    separator escaped (``\\u0085``), other non-ASCII text kept readable."""
    text = json.dumps(document, indent=2, ensure_ascii=False)
    return _RAW_IN_JSON.sub(_json_escape, text) + "\n"


def _json_escape(match: re.Match[str]) -> str:
    """JSON's escape of one character: ``\\uXXXX``, a surrogate pair beyond the BMP."""
    encoded = match.group(0).encode("utf-16-be")
    units = [int.from_bytes(encoded[i : i + 2], "big") for i in range(0, len(encoded), 2)]
    return "".join(f"\\u{unit:04x}" for unit in units)
