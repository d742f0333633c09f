"""What magegen's sync data patches of a tree record, held against the tree's XML.

A sync patch records, in its docblock, the state its class name is hashed from: each
integration's email, URLs and resources, and the retired names. Magento runs a data patch once,
by class name, so a store that ran the patch never runs it again. When config.xml or api.xml
then say something the record does not (a hand edit without regenerating), fresh installs get
the files' state while installed stores keep the recorded one: the change never reaches them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from generator.errors import Problem, shown
from generator.magento.files import API_XML, CONFIG_XML, DATA_PATCH_DIR
from generator.magento.integrations import IntegrationFacts
from generator.magento.moduletree import ModuleFacts
from generator.magento.phpcode import read_php

_RETIRE_CALL = re.compile(r"->\s*retire\s*\(\s*(?=['\"])")
FIELDS = ("email", "endpoint_url", "identity_link_url")


@dataclass(frozen=True)
class Record:
    """One sync patch of the tree and the state it records."""

    relative: str
    class_name: str
    integrations: dict[str, dict]  # name: {"email", "endpoint_url", "identity_link_url", ...}
    retired: tuple[str, ...]


def sync_records(module: ModuleFacts) -> list[Record]:
    """Every magegen sync patch of the module (recognised by name and record), by path."""
    from generator.sync import parse_sync_patch

    records = []
    for relative in module.files.files if module.files is not None else ():
        folder, _, file_name = relative.rpartition("/")
        if folder != DATA_PATCH_DIR:
            continue
        content = module.files.read(relative)
        claimed = parse_sync_patch("", file_name, content) if content is not None else None
        if claimed is None:
            continue
        state = json.loads(claimed.canonical)
        integrations = {str(i["name"]): i for i in state["integrations"]}
        records.append(Record(relative, claimed.class_name, integrations, claimed.retired))
    return records


def retired_names(module: ModuleFacts) -> tuple[str, ...]:
    """The integrations the module's data patches delete: those a sync patch records as retired,
    and every name a data patch passes to ``retire()`` as a literal."""
    names = [name for record in sync_records(module) for name in record.retired]
    for relative in module.files.files if module.files is not None else ():
        if not (relative.startswith(DATA_PATCH_DIR + "/") and relative.endswith(".php")):
            continue
        text = module.text(relative) or ""
        php = read_php(text)
        for call in _RETIRE_CALL.finditer(php.code):
            value = php.literals.get(call.end(), (0, None))[1]
            if value is not None:
                names.append(value)
    return tuple(dict.fromkeys(names))


def _differences(facts: IntegrationFacts, recorded: dict) -> tuple[list[str], bool]:
    """What the files say of ``facts`` that ``recorded`` does not: field labels, and whether
    its resources differ."""
    fields = [key for key in FIELDS if getattr(facts, key) != recorded.get(key)]
    listed = recorded.get("resources")
    resources = not isinstance(listed, list) or set(facts.resource_ids) != set(map(str, listed))
    return fields, resources


def synced_names(module: ModuleFacts, records: list[Record] | None = None) -> frozenset[str]:
    """The split-format integrations whose files say exactly what some sync patch records."""
    records = sync_records(module) if records is None else records
    found = set()
    for facts in module.integrations():
        for record in records:
            recorded = record.integrations.get(facts.name)
            if recorded is not None and _differences(facts, recorded) == ([], False):
                found.add(facts.name)
    return frozenset(found)


def unsynced_problems(module: ModuleFacts) -> list[Problem]:
    """MG322: each integration whose config.xml or api.xml says what no sync patch records."""
    if module.config is None or any(r in module.refused for r in (CONFIG_XML, API_XML)):
        return []
    records = sync_records(module)
    synced = synced_names(module, records)
    problems = []
    for facts in module.integrations():
        named = [r for r in records if facts.name in r.integrations]
        if facts.name in synced or not named or facts.name in (module.consolidated or {}):
            continue
        record = named[-1]
        fields, resources = _differences(facts, record.integrations[facts.name])
        problems += _problems(module, facts, record, fields, resources)
    return problems


def _problems(
    module: ModuleFacts, facts: IntegrationFacts, record: Record, fields: list[str], resources: bool
) -> list[Problem]:
    why = (
        f"the sync patch {record.class_name} records otherwise and Magento runs a data patch "
        "once, so installed stores never get this change (fresh installs do): regenerate with "
        "magegen new --force, which writes a new patch"
    )
    found = []
    if fields:
        line = (module.config or {}).get(facts.name)
        message = f"integration '{shown(facts.name)}': {', '.join(fields)} changed, but {why}"
        found.append(_problem(module, CONFIG_XML, message, line.line if line else None))
    if resources:
        line = (module.api or {}).get(facts.name)
        message = f"integration '{shown(facts.name)}': its resources changed, but {why}"
        found.append(_problem(module, API_XML, message, line.line if line else None))
    return found


def _problem(module: ModuleFacts, relative: str, message: str, line: int | None) -> Problem:
    return Problem(module.display(relative), message, line=line, code="MG322")
