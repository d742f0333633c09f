"""The one escaping path for each output language that spec values reach."""

from __future__ import annotations

import json

_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def php_string(value: str) -> str:
    """``value`` as a PHP single-quoted string literal that PHP reads back unchanged.

    In single quotes PHP gives meaning only to ``\\\\`` and ``\\'``; everything else, ``$``
    and newlines included, is taken literally.
    """
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def json_document(value: object) -> str:
    """``value`` as a JSON document with Composer's 4-space indent and readable UTF-8."""
    return json.dumps(value, indent=4, ensure_ascii=False)


def xml_text(value: str) -> str:
    """``value`` escaped for XML text and double-quoted attributes.

    Escapes ``&``, ``<``, ``>`` and ``"`` as a person would write them (``&quot;``, not
    ``&#34;``); an apostrophe needs no escape, because attributes are always double-quoted.
    """
    return value.translate(_XML_ESCAPES)
