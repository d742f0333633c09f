"""The shape of a catalog file (``magegen catalog``), checked before anything of it is used.

A catalog file is committed to a repository and read in CI, so it is untrusted input: every
key, type, size and reference is checked, and the first problem is reported with where it is
(``acl[3].parent: expected a string``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from generator.errors import shown
from generator.magento.acl import CORE, DEFAULT_INSTALL, INSTALLATION
from generator.magento.rules import COMPOSER_NAME, MODULE_NAME

FORMAT = 1  # the catalog file format this magegen reads and writes
KIND = "magegen-catalog"
MAX_BYTES = 16 * 1024 * 1024  # a full 2.4 install's catalog is well under 1 MB
MAX_ITEMS = 100_000  # resources, modules, routes, sequence entries
MAX_TEXT = 1000  # characters of one string
ORIGINS = (CORE, DEFAULT_INSTALL, INSTALLATION)
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class ShapeError(ValueError):
    """The document is not a catalog this magegen reads; the message says where and why."""


Check = Callable[[Any, str], None]


def _text(value: Any, where: str) -> None:
    if not isinstance(value, str):
        raise ShapeError(f"{where}: expected a string")
    if not value or len(value) > MAX_TEXT or _UNPRINTABLE.search(value):
        raise ShapeError(f"{where}: expected a non-empty one-line string of at most {MAX_TEXT}")


def _optional_text(value: Any, where: str) -> None:
    if value is not None:
        _text(value, where)


def _matching(pattern: re.Pattern[str], what: str) -> Check:
    def check(value: Any, where: str) -> None:
        _text(value, where)
        if not pattern.fullmatch(value):
            raise ShapeError(f"{where}: expected {what}")

    return check


def _one_of(choices: tuple[str, ...]) -> Check:
    def check(value: Any, where: str) -> None:
        if value not in choices:
            raise ShapeError(f"{where}: expected one of {', '.join(choices)}")

    return check


def _boolean(value: Any, where: str) -> None:
    if not isinstance(value, bool):
        raise ShapeError(f"{where}: expected true or false")


def _optional_int(value: Any, where: str) -> None:
    if value is not None and (type(value) is not int or abs(value) > 2**31):
        raise ShapeError(f"{where}: expected a whole number or null")


def _list_of(check: Check) -> Check:
    def check_list(value: Any, where: str) -> None:
        if not isinstance(value, list):
            raise ShapeError(f"{where}: expected a list")
        if len(value) > MAX_ITEMS:
            raise ShapeError(f"{where}: more than {MAX_ITEMS} entries")
        for index, item in enumerate(value):
            check(item, f"{where}[{index}]")

    return check_list


def _object(fields: Mapping[str, Check], optional: tuple[str, ...] = ()) -> Check:
    def check(value: Any, where: str) -> None:
        label = where or "top level"
        if not isinstance(value, dict):
            raise ShapeError(f"{label}: expected an object")
        unknown = sorted(set(value) - set(fields))
        if unknown:
            raise ShapeError(f"{label}: unknown key '{shown(unknown[0], 40)}'")
        missing = sorted(set(fields) - set(value) - set(optional))
        if missing:
            raise ShapeError(f"{label}: missing key {missing[0]!r}")
        for key, field_check in fields.items():
            if key in value:
                field_check(value[key], f"{where}.{key}" if where else key)

    return check


_module_name = _matching(MODULE_NAME, "a module name such as Magento_Sales")
_package = _matching(COMPOSER_NAME, "a Composer package name")


def _optional_package(value: Any, where: str) -> None:
    if value is not None:
        _package(value, where)


RESOURCE = _object(
    {
        "id": _text,
        "title": _text,
        "parent": _optional_text,
        "module": _module_name,
        "sort_order": _optional_int,
        "disabled": _boolean,
    }
)
MODULE = _object(
    {
        "package": _optional_package,
        "constraint": _optional_text,
        "version": _optional_text,
        "origin": _one_of(ORIGINS),
        "sequence": _list_of(_module_name),
        "installed": _boolean,
    }
)
ROUTE = _object(
    {"method": _one_of(METHODS), "url": _text, "resources": _list_of(_text)},
)


def _modules(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise ShapeError(f"{where}: expected an object")
    if len(value) > MAX_ITEMS:
        raise ShapeError(f"{where}: more than {MAX_ITEMS} entries")
    for name, module in value.items():
        _module_name(name, f"{where} key")
        MODULE(module, f"{where}.{name}")


def _format(value: Any, where: str) -> None:
    if type(value) is not int or value != FORMAT:
        if isinstance(value, str):
            found = f"'{shown(value, 20)}'"
        else:
            found = str(value)[:20] if isinstance(value, int) else type(value).__name__
        raise ShapeError(f"{where}: {found} is not {FORMAT}, the format this magegen reads")


DOCUMENT = _object(
    {
        "format": _format,
        "kind": _one_of((KIND,)),
        "magento": _object({"version": _optional_text, "source": _optional_text}),
        "framework": _object({"package": _package, "constraint": _text}),
        "acl": _list_of(RESOURCE),
        "modules": _modules,
        "routes": _list_of(ROUTE),
    },
    optional=("routes",),
)


def check_tree(resources: list[dict[str, Any]]) -> None:
    """Ids are unique, each parent comes before its children, and the list is in tree order
    (depth first, each level by sortOrder) as magegen writes it."""
    seen: set[str] = set()
    children: dict[str | None, list[dict[str, Any]]] = {}
    for index, resource in enumerate(resources):
        if resource["id"] in seen:
            raise ShapeError(f"acl[{index}].id: '{shown(resource['id'], 80)}' appears twice")
        if resource["parent"] is not None and resource["parent"] not in seen:
            raise ShapeError(f"acl[{index}].parent: not an id listed before it")
        seen.add(resource["id"])
        children.setdefault(resource["parent"], []).append(resource)
    ordered: list[str] = []
    pending = [None]
    while pending:  # depth first, without recursion: a file may nest deeply
        parent = pending.pop()
        if parent is not None:
            ordered.append(parent)
        level = sorted(children.get(parent, []), key=lambda r: r["sort_order"] or 0)
        pending.extend(r["id"] for r in reversed(level))
    if ordered != [r["id"] for r in resources]:
        raise ShapeError("acl: not in tree order (depth first, each level by sort_order)")


def check_document(document: Any) -> None:
    """Raise ShapeError unless ``document`` is a catalog of this format."""
    if not isinstance(document, dict):
        raise ShapeError("expected a JSON object")
    if "format" in document:
        _format(document["format"], "format")
    DOCUMENT(document, "")
    check_tree(document["acl"])
