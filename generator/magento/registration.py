"""Which folder registration.php registers: Magento loads a module's etc/ and Setup/ from the
path given to ``ComponentRegistrar::register()``, not from the folder the file sits in.

Only the module's own folder can be judged by reading the folder: ``__DIR__`` (a magic constant,
any case, with or without a leading backslash) or ``dirname(__FILE__)``. Any other expression
(``__DIR__ . '/x'``, a variable, a constant) points Magento at another folder, or one that cannot
be known without running PHP.
"""

from __future__ import annotations

import re

from generator.magento.phpcode import PhpCode
from generator.patterns import lazy

_COMMA = lazy(r"\s*,")
_BRACKET = lazy(r"[()\[\]{}]")
# The module's own folder, written as PHP code (strings and comments blanked out).
_OWN_FOLDER = lazy(
    r"\s*(?:\\?__DIR__|\\?dirname\s*\(\s*\\?__FILE__\s*(?:,\s*1\s*)?\))\s*,?\s*", re.IGNORECASE
)


def registered_path(php: PhpCode, source: str, after_name: int) -> tuple[str, int] | None:
    """The path argument of the register call whose module name ends at ``after_name``: its
    source text and offset; None when the call holds no path argument."""
    code = php.code
    comma = _COMMA.match(code, after_name)
    if comma is None:
        return None
    start = comma.end()
    # The argument ends at the first bracket that closes what it did not open (or at the end).
    depth, position, search = 0, start, _BRACKET.search
    while (bracket := search(code, position)) is not None:
        position = bracket.start()
        if code[position] in "([{":
            depth += 1
        elif depth == 0:
            break
        else:
            depth -= 1
        position += 1
    else:
        position = len(code)
    text = source[start:position]
    offset = start + len(text) - len(text.lstrip())
    return text.strip(), offset


def is_own_folder(php: PhpCode, offset: int, text: str) -> bool:
    """Whether the path argument ``text`` (at ``offset`` of ``php``) names the folder of
    registration.php itself."""
    end = offset + len(text)
    if _OWN_FOLDER.fullmatch(php.code, offset, end) is None:
        return False
    return not any(offset <= start < end for start in php.literals)
