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


def php_string_wrapped(value: str, column: int, indent: int, tail: int, width: int) -> str:
    """``value`` as php_string gives it, for a line indented ``indent`` where the literal starts
    at ``column`` and ``tail`` characters follow it.

    When that line would be longer than ``width``, the literal is split into pieces joined with
    ``.``, each continuation on its own line indented four more, so that every line fits.
    """
    if column + len(php_string(value)) + tail <= width:
        return php_string(value)
    continued = " " * (indent + 4) + ". "
    pieces: list[str] = []
    # The room for a piece's text: the line less what comes before it, its quotes and the tail.
    piece, used, room = "", 0, width - column - 2 - tail
    for char in value:
        cost = len(php_string(char)) - 2
        if used + cost > room:
            pieces.append(php_string(piece))
            piece, used, room = "", 0, width - len(continued) - 2 - tail
        piece, used = piece + char, used + cost
    pieces.append(php_string(piece))
    return ("\n" + continued).join(pieces)


def json_document(value: object) -> str:
    """``value`` as a JSON document with Composer's 4-space indent and readable UTF-8."""
    return json.dumps(value, indent=4, ensure_ascii=False)


def xml_text(value: str) -> str:
    """``value`` escaped for XML text and double-quoted attributes.

    Escapes ``&``, ``<``, ``>`` and ``"`` as a person would write them (``&quot;``, not
    ``&#34;``); an apostrophe needs no escape, because attributes are always double-quoted.
    """
    return value.translate(_XML_ESCAPES)
