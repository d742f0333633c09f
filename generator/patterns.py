"""Regular expressions compiled the first time they are used, not when their module loads.

Compiling costs 0.05 to 0.4 ms a pattern, and a command imports modules holding dozens of
patterns it never uses: ``magegen new`` would compile about forty at every start.
"""

from __future__ import annotations

import re
from typing import Any, cast

# What a LazyPattern binds to itself on first use, so later calls skip __getattr__.
_BOUND = (
    "match",
    "fullmatch",
    "search",
    "finditer",
    "findall",
    "sub",
    "subn",
    "split",
    "groupindex",
    "groups",
    "flags",  # (with the flags the pattern sets inline, as re.Pattern gives them)
)


class LazyPattern:
    """A pattern compiled on first use, then used exactly like the ``re.Pattern`` it wraps."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    @property
    def pattern(self) -> str:
        """The pattern's source, as ``re.Pattern.pattern``; reading it compiles nothing."""
        return self._source[0]

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not found on the instance: the first use of each.
        if name.startswith("__") or name == "_source":  # copy, pickle: no pattern to compile
            raise AttributeError(name)
        compiled = self.__dict__.get("compiled")
        if compiled is None:
            compiled = re.compile(*self._source)
            for attribute in _BOUND:
                setattr(self, attribute, getattr(compiled, attribute))
            self.compiled = compiled
        return compiled if name == "compiled" else getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r}, {self._source[1]!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, deferred until the pattern is first used.

    Pass it to methods, never to ``re`` functions (``re.sub(lazy(...), ...)`` fails): use
    ``lazy(...).sub(...)``.
    """
    return cast("re.Pattern[str]", LazyPattern(pattern, flags))
