"""JSON documents for programs that are also safe to read line by line in a log."""

from __future__ import annotations

import json
import re

# What JSON allows raw inside a string but log readers and terminals may take for a line break
# or a command: DEL, the C1 controls (NEL, U+0085, among them) and the line and paragraph
# separators. json.dumps already escapes the C0 controls.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029]")


def line_safe_json(document: object) -> str:
    """``document`` as indented JSON with a final newline, every control character and line
    separator escaped (``\\u0085``), other non-ASCII text kept readable."""
    text = json.dumps(document, indent=2, ensure_ascii=False)
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text) + "\n"
