"""How Magento's integration table compares names: MySQL's utf8mb3_general_ci collation."""

from __future__ import annotations

from functools import cache

# The general_ci weights that are not a character's base letter in upper case.
_GENERAL_CI_WEIGHTS = {"\u00df": "S", "\u017f": "S", "\u0131": "I"}  # ß, long s, dotless i


@cache
def _general_ci_weight(char: str) -> str:
    """The weight utf8mb3_general_ci gives one character: a letter's base letter, in upper
    case (é and É weigh as E, ß as S); a character without case or base weighs as itself."""
    special = _GENERAL_CI_WEIGHTS.get(char)
    if special is not None:
        return special
    import unicodedata  # (only names with a character beyond ASCII get here)

    base = unicodedata.normalize("NFD", char)[0]
    upper = base.upper()
    return upper if len(upper) == 1 else base


def integration_name_key(name: str) -> str:
    """What MySQL's utf8mb3_general_ci collation, which Magento's integration table uses,
    compares: one weight per character, and trailing spaces ignored (PAD SPACE). Two names
    with the same key collide in the table's unique name column: 'Straße' = 'Strase', while
    'Straße' and 'Strasse' differ."""
    if name.isascii():  # each ASCII character weighs as its upper case, itself ASCII
        return name.upper().rstrip(" ")
    return "".join(map(_general_ci_weight, name)).rstrip(" ")
