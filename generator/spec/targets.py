"""The Magento lines a spec targets (its ``magento:`` key) and what they change: composer.json's
``php``, the ACL tree a grant is checked against, and the ids some targeted lines lack."""

from __future__ import annotations

from collections.abc import Iterable

from generator.magento.acl import AclCatalog
from generator.magento.linedeltas import acl_for_lines, added_in, line_gaps
from generator.magento.lines import (
    MagentoLine,
    default_targets,
    known_lines,
    php_constraint,
    select_lines,
)
from generator.spec.fields import Located


def target_lines(magento: Located | None) -> tuple[MagentoLine, ...]:
    """The lines ``magento:`` targets (checked already while reading); the default ones
    without it."""
    return select_lines(magento.value) if magento is not None else default_targets()


def target_php(lines: Iterable[MagentoLine]) -> str:
    """composer.json's ``php`` for ``lines``: every PHP version one of them allows."""
    return php_constraint(lines)


def target_acl(
    acl: AclCatalog, listed: Iterable[str], lines: Iterable[MagentoLine], from_store: bool
) -> AclCatalog:
    """The ACL tree a grant listing the ids ``listed`` is checked against.

    A store's own tree is taken as it is. Otherwise the bundled tree grows by the ids added up
    to the newest target line (``acl_for_lines``) when the grant names one of them itself: an
    id a newer line added is granted where it is asked for, never slipped into a subtree
    (``Magento_Sales::actions/**``) that the spec wrote for the bundled tree.
    """
    if from_store or not any(added_in(resource_id) for resource_id in listed):
        return acl
    return acl_for_lines(lines, acl)


def _names(lines: Iterable[str]) -> str:
    return ", ".join(lines)


def line_gap_messages(ids: Iterable[str], lines: Iterable[MagentoLine]) -> dict[str, str]:
    """For each id of ``ids`` that some target line lacks, why the module cannot rely on it."""
    targets = tuple(lines)
    messages = {}
    for gap in line_gaps(ids, targets):
        lacking = f"Magento {_names(gap.missing_on)}"
        if gap.holds_on:
            claim = f"the module also targets {lacking}, where it does not exist"
            fix = f"target only lines from {gap.since} on (magento: '>={gap.since}')"
        else:
            claim = f"the module targets only {lacking}"
            fix = f"target {gap.since} or later (magento: '>={gap.since}')"
        messages[gap.subject] = (
            f"ACL resource {gap.subject} exists from Magento {gap.since} on, but {claim}: "
            f"a store on that line drops the id silently, so the integration cannot rely on it; "
            f"{fix}, or grant an id every targeted line has (source: {gap.source})"
        )
    return messages


def _nameable() -> list[str]:
    """Target sets a spec can name simply, in the order spec-from prefers them: from a line on,
    one line, then a run of lines."""
    names = [line.name for line in known_lines()]
    ranges = [f">={a} <{b}" for i, a in enumerate(names) for b in names[i + 2 :]]
    return [f">={name}" for name in names] + [f"{name}.*" for name in names] + ranges


def targets_for_php(php: str) -> str | None:
    """The ``magento:`` constraint whose target lines give exactly ``php``; None when the
    default targets give it (nothing to write) or no simple constraint does."""
    if php == target_php(default_targets()):
        return None
    for constraint in _nameable():
        if target_php(select_lines(constraint)) == php:
            return constraint
    return None


def target_lines_php(magento: str | None) -> str | None:
    """composer.json's php for the spec's ``magento:`` value; None without one."""
    return target_php(select_lines(magento)) if magento is not None else None
