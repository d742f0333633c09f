"""Find the route a person means: ``GET /V1/products/:sku``, ``GET /V1/products/{sku}`` or
``GET /V1/products/24-MB01``.

A route is written as webapi.xml writes it (``:sku``), as Swagger writes it (``{sku}``), or as a
concrete path a client calls, optionally with the ``/rest/<store code>/`` prefix, a scheme and
host, or a query string. A placeholder matches only a placeholder of a route (its name does not
matter); a concrete segment matches the same literal segment or any placeholder.

When several routes match, the most specific wins, as in Magento's router: ``/V1/products/
attributes`` is the attributes list, not the product with sku "attributes". A route is more
specific than another when it has a literal segment wherever the other has one, and more. When
no route is the most specific (``/V1/a/:x/b`` and ``/V1/a/b/:y`` both match ``/V1/a/b/b``),
the path is ambiguous: Magento would take the one whose url sorts last, which is nothing a spec
should rely on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import NamedTuple

from generator.errors import shown
from generator.magento.routes import METHODS, Route, RouteCatalog, is_variable, method_rank

UNKNOWN = "unknown"  # no route has this url
WRONG_METHOD = "method"  # the url is known, with other methods
AMBIGUOUS = "ambiguous"  # several routes match and none is the most specific
NO_METHOD = "no-method"  # a route needs a method here, and none was given
MALFORMED = "malformed"  # not a route at all

_SCHEME_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://[^/]*", re.IGNORECASE)
_METHOD = re.compile(r"[A-Za-z]+")
_SWAGGER = re.compile(r"\{[^{}/]*\}")
SUGGESTIONS = 3
SUGGEST_AT_LEAST = 0.6  # the least similarity of a suggested route


class RouteLookupError(ValueError):
    """A route that cannot be found. ``reason`` is one line; ``candidates`` are the routes meant
    (suggestions, the methods of a known url, or the routes of an ambiguous path)."""

    def __init__(self, kind: str, reason: str, candidates: Iterable[Route] = ()) -> None:
        self.kind = kind
        self.reason = reason
        self.candidates = tuple(candidates)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The reason, and the candidates in a clause: one line."""
        if not self.candidates:
            return self.reason
        listed = ", ".join(shown(str(r)) for r in self.candidates)
        lead = {
            UNKNOWN: "did you mean",
            WRONG_METHOD: "it has",
            AMBIGUOUS: "it matches",
            NO_METHOD: "it has",
        }.get(self.kind, "see")
        return f"{self.reason}; {lead} {listed}"


class Segment(NamedTuple):
    """One segment of an asked route: its text, and whether it is a placeholder."""

    text: str
    placeholder: bool


class AskedRoute(NamedTuple):
    """A route as someone wrote it: the method (None when not given) and the path's segments."""

    text: str
    method: str | None
    segments: tuple[Segment, ...]

    @property
    def path(self) -> str:
        """The path, placeholders written as webapi.xml writes them."""
        return "/" + "/".join(f":{s.text}" if s.placeholder else s.text for s in self.segments)


def parse_route(text: str, catalog: RouteCatalog) -> AskedRoute:
    """Read ``METHOD /path`` or ``/path``; raises RouteLookupError when it is not a route."""
    words = text.split()
    if not words or len(words) > 2:
        raise RouteLookupError(
            MALFORMED, f"'{shown(text)}' is not a route; write it as 'GET /V1/orders'"
        )
    method = None
    if len(words) == 1 and words[0].upper() in METHODS:
        raise RouteLookupError(MALFORMED, f"'{shown(text)}' has no path; write 'GET /V1/orders'")
    if len(words) == 2:
        if not _METHOD.fullmatch(words[0]):
            raise RouteLookupError(MALFORMED, f"'{shown(words[0])}' is not an HTTP method")
        method = words[0].upper()
    path = _SCHEME_HOST.sub("", words[-1]).split("?")[0].split("#")[0]
    parts = path.strip("/").split("/")
    if parts[:1] == ["rest"]:
        parts = parts[1:]
        first_parts = {r.url.strip("/").split("/")[0] for r in catalog.routes}
        if len(parts) > 1 and parts[0] not in first_parts:
            parts = parts[1:]  # the store code (default, all, ...)
    if not parts or parts == [""]:
        raise RouteLookupError(MALFORMED, f"'{shown(text)}' has no path; write 'GET /V1/orders'")
    return AskedRoute(text, method, tuple(_segment(p) for p in parts))


def _segment(part: str) -> Segment:
    if _SWAGGER.fullmatch(part):
        return Segment(part[1:-1], True)
    if is_variable(part):
        return Segment(part[1:], True)
    return Segment(part, False)


def _matches(asked: AskedRoute, route: Route) -> bool:
    parts = route.url.strip("/").split("/")
    if len(parts) != len(asked.segments):
        return False
    for segment, part in zip(asked.segments, parts, strict=False):
        if is_variable(part):
            continue
        if segment.placeholder or segment.text != part:
            return False
    return True


def _literals(route: Route) -> frozenset[int]:
    return frozenset(
        i for i, part in enumerate(route.url.strip("/").split("/")) if not is_variable(part)
    )


def most_specific(asked: AskedRoute, routes: list[Route]) -> list[Route]:
    """The routes of ``routes`` (all matching ``asked``) that no other one is more specific
    than; one route when the choice is clear."""
    for route in routes:
        if route.url == asked.path:
            return [route]  # Magento's router takes an exact url first
    literals = {route: _literals(route) for route in routes}
    return [r for r in routes if not any(literals[r] < literals[other] for other in routes)]


def magento_pick(routes: Iterable[Route]) -> Route:
    """The route Magento's router takes among several that match: the url sorting last."""
    return max(routes, key=lambda r: r.url)


def _for_method(asked: AskedRoute, matching: list[Route], method: str) -> Route:
    found = most_specific(asked, [r for r in matching if r.method == method])
    if len(found) > 1:
        pick = magento_pick(found)
        reason = (
            f"{method} {shown(asked.path)} is ambiguous: no route is the most specific "
            f"(Magento would call {pick}); write the route as webapi.xml does"
        )
        raise RouteLookupError(AMBIGUOUS, reason, found)
    return found[0]


def lookup(catalog: RouteCatalog, text: str) -> tuple[Route, ...]:
    """The route ``text`` means, or with no method given, the route of each method its path
    has. Raises RouteLookupError with suggestions when there is none, or no single one."""
    asked = parse_route(text, catalog)
    matching = [r for r in catalog.routes if _matches(asked, r)]
    if not matching:
        reason = f"{shown(text.strip())}: no such route"
        raise RouteLookupError(UNKNOWN, reason, suggestions(catalog, asked))
    methods = sorted({r.method for r in matching}, key=method_rank)
    if asked.method is None:
        return tuple(_for_method(asked, matching, m) for m in methods)
    if asked.method not in methods:
        found = [_for_method(asked, matching, m) for m in methods]
        path = shown(found[0].url if len({r.url for r in found}) == 1 else asked.path)
        reason = f"{shown(text.strip())}: {path} has no {shown(asked.method)} route"
        if asked.method not in METHODS:
            reason += f" ({shown(asked.method)} is not a method Magento routes)"
        raise RouteLookupError(WRONG_METHOD, reason, found)
    return (_for_method(asked, matching, asked.method),)


def resolve(catalog: RouteCatalog, text: str) -> Route:
    """The one route ``text`` (``GET /V1/orders/:id``, ``{id}`` or a concrete path) means.

    Raises RouteLookupError: for an unknown route (with the closest routes), a method the path
    does not have (with the methods it has), an ambiguous path, or a missing method.
    """
    asked = parse_route(text, catalog)
    if asked.method is None:
        found = lookup(catalog, text)
        reason = f"{shown(text.strip())}: give the HTTP method, e.g. '{shown(str(found[0]))}'"
        raise RouteLookupError(NO_METHOD, reason, found)
    return lookup(catalog, text)[0]


def _segment_similarity(segment: Segment, part: str) -> float:
    if is_variable(part):
        return 0.8 if not segment.placeholder else 1.0
    if segment.placeholder:
        return 0.3
    return SequenceMatcher(None, segment.text.casefold(), part.casefold()).ratio()


def similarity(asked: AskedRoute, route: Route) -> float:
    """How close ``route`` is to what was asked, 0 to 1 (a little more for the same method)."""
    parts = route.url.strip("/").split("/")
    total = sum(_segment_similarity(s, p) for s, p in zip(asked.segments, parts, strict=False))
    score = total / max(len(parts), len(asked.segments))
    return score + (0.05 if asked.method == route.method else 0.0)


def suggestions(catalog: RouteCatalog, asked: AskedRoute) -> list[Route]:
    """The routes most like ``asked``, best first."""
    scored = [(similarity(asked, r), r.sort_key(), r) for r in catalog.routes]
    best = sorted((s for s in scored if s[0] >= SUGGEST_AT_LEAST), key=lambda s: (-s[0], s[1]))
    return [route for _, _, route in best[:SUGGESTIONS]]
