"""What magegen's sync data patches of a tree record, held against the tree's XML.

A sync patch records, in its docblock, the state its class name is hashed from: each
integration's email, URLs and resources, and the retired names. Magento runs a data patch once,
by class name, so a store that ran the patch never runs it again. When config.xml or api.xml
then say something the record does not (a hand edit without regenerating), fresh installs get
the files' state while installed stores keep the recorded one: the change never reaches them.
"""

from __future__ import annotations

from collections.abc import Container
from typing import NamedTuple

from generator.errors import Problem, shown
from generator.magento.files import API_XML, CONFIG_XML, DATA_PATCH_DIR
from generator.magento.integrations import IntegrationFacts
from generator.magento.moduletree import ModuleFacts
from generator.magento.phpcode import read_php
from generator.patterns import lazy

_RETIRE_CALL = lazy(r"->\s*retire\s*\(\s*(?=['\"])")
# A patch that looks an integration up by name and deletes integrations or consumers.
_FIND_CALL = lazy(r"->\s*findByName\s*\(\s*(?=['\"])")
_DELETES = lazy(r"->\s*(?:delete|deleteConsumer)\s*\(")
FIELDS = ("email", "endpoint_url", "identity_link_url")


class Record(NamedTuple):
    """One sync patch of the tree and the state it records."""

    relative: str
    class_name: str
    integrations: dict[str, dict]  # name: {"email", "endpoint_url", "identity_link_url", ...}
    retired: tuple[str, ...]


def sync_records(module: ModuleFacts) -> list[Record]:
    """Every magegen sync patch of the module (recognised by name and record), by path."""
    # (imported here for every module, as before: validate's first module, checked before it
    # forks, imports the reader for every process)
    from generator.pipeline.sync import read_sync_patch

    files = module.files
    if files is None:
        return []
    records = []
    for relative in files.files:
        # (directly in DATA_PATCH_DIR: what relative.rpartition("/")[0] == DATA_PATCH_DIR says)
        if not relative.startswith(_PATCH_PREFIX) or "/" in relative[_PREFIX_LENGTH:]:
            continue
        content = files.read(relative)
        found = None if content is None else read_sync_patch("", relative[_PREFIX_LENGTH:], content)
        if found is None:
            continue
        claimed, state = found  # (state: json.loads(claimed.canonical), decoded once)
        integrations = {str(i["name"]): i for i in state["integrations"]}
        records.append(Record(relative, claimed.class_name, integrations, claimed.retired))
    return records


_PATCH_PREFIX = DATA_PATCH_DIR + "/"
_PREFIX_LENGTH = len(_PATCH_PREFIX)


def retired_names(module: ModuleFacts) -> tuple[str, ...]:
    """The integrations the module's data patches delete: those a sync patch records as retired,
    and every name a data patch passes to ``retire()`` as a literal."""
    names = [name for record in sync_records(module) for name in record.retired]
    for relative in module.files.files if module.files is not None else ():
        if not (relative.startswith(DATA_PATCH_DIR + "/") and relative.endswith(".php")):
            continue
        php = read_php(module.text(relative) or "")
        calls = [*_RETIRE_CALL.finditer(php.code)]
        if _DELETES.search(php.code):  # a name looked up where integrations are deleted
            calls += _FIND_CALL.finditer(php.code)
        for call in calls:
            # The name may be literals joined by "." (a long name split over lines).
            closing = php.code.find(")", call.end())
            runs = php.literal_runs(call.end(), closing if closing >= 0 else len(php.code))
            value = runs[0][2] if runs and runs[0][0] == call.end() else None
            if value is not None:
                names.append(value)
    return tuple(dict.fromkeys(names))


def _differences(facts: IntegrationFacts, recorded: dict) -> tuple[list[str], bool]:
    """What the files say of ``facts`` that ``recorded`` does not: field labels, and whether
    its resources differ."""
    fields = [key for key in FIELDS if getattr(facts, key) != recorded.get(key)]
    listed = recorded.get("resources")
    # (the set of facts.resource_ids, without making that tuple)
    resources = not isinstance(listed, list) or {r.value for r in facts.resources} != set(
        map(str, listed)
    )
    return fields, resources


def synced_names(module: ModuleFacts, records: list[Record] | None = None) -> frozenset[str]:
    """The split-format integrations whose files say exactly what some sync patch records."""
    records = sync_records(module) if records is None else records
    return _synced(module.integrations(), records)


def _synced(integrations: tuple[IntegrationFacts, ...], records: list[Record]) -> frozenset[str]:
    found = set()
    for facts in integrations:
        for record in records:
            recorded = record.integrations.get(facts.name)
            if recorded is not None and _differences(facts, recorded) == ([], False):
                found.add(facts.name)
    return frozenset(found)


def unsynced_problems(module: ModuleFacts) -> list[Problem]:
    """MG322: each integration whose config.xml or api.xml says what no sync patch records."""
    if module.config is None or CONFIG_XML in module.refused or API_XML in module.refused:
        return []
    records = sync_records(module)
    problems = tampered_problems(module, {record.relative for record in records})
    if not records:
        return problems  # (no integration can differ from a record)
    consolidated = module.consolidated or {}
    for facts in module.integrations():
        named = [r for r in records if facts.name in r.integrations]
        # (synced: some record says exactly what the files say)
        differences = [_differences(facts, r.integrations[facts.name]) for r in named]
        if _SYNCED in differences or facts.name in consolidated:
            continue
        if not named:
            declared = facts.name in module.config
            if declared and not _other_patch_names(module, records, facts):
                problems += _unrecorded(module, facts, records[-1])
            continue
        fields, resources = differences[-1]
        problems += _problems(module, facts, named[-1], fields, resources)
    return problems


_SYNCED: tuple[list[str], bool] = ([], False)  # what _differences finds of a synced integration


def _data_patches(module: ModuleFacts) -> list[str]:
    files = module.files.files if module.files is not None else ()
    return [f for f in files if f.startswith(DATA_PATCH_DIR + "/") and f.endswith(".php")]


def _other_patch_names(module: ModuleFacts, records: list[Record], facts: IntegrationFacts) -> bool:
    """Whether a data patch other than magegen's sync patches names the integration."""
    own = {record.relative for record in records}
    for relative in _data_patches(module):
        if relative in own:
            continue
        php = read_php(module.text(relative) or "")
        if any(value == facts.name for _, value in php.literals.values()):
            return True
    return False


def _unrecorded(module: ModuleFacts, facts: IntegrationFacts, record: Record) -> list[Problem]:
    line = (module.config or {}).get(facts.name)
    message = (
        f"integration '{shown(facts.name)}' is in no record of the sync patch "
        f"{record.class_name}, and no other data patch names it: installed stores never create "
        "it (InstallData and the sync patch already ran there), fresh installs may: regenerate "
        "with magegen new --force, which writes a new patch"
    )
    return [_problem(module, CONFIG_XML, message, line.line if line else None)]


def tampered_problems(module: ModuleFacts, recorded: Container[str] = ()) -> list[Problem]:
    """MG322 on a sync patch whose record was edited: its class name no longer hashes it, so it
    is not magegen's, and stores that ran the class never run the edit. Patches in ``recorded``
    (read by ``sync_records``: their records hash) are not parsed again."""
    from generator.pipeline.sync import CLASS_NAME, MARKER, parse_sync_patch

    problems = []
    for relative in _data_patches(module):
        if relative in recorded:
            continue
        file_name = relative.rpartition("/")[2]
        content = module.files.read(relative) if module.files is not None else None
        if content is None or not CLASS_NAME.fullmatch(file_name.removesuffix(".php")):
            continue
        marked = (" * " + MARKER).encode() in content
        if marked and parse_sync_patch("", file_name, content) is None:
            message = (
                "records a state its class name does not hash (edited by hand): stores that "
                "ran this class never run it again, so they never get the edit; regenerate with "
                "magegen new --force, which writes a new patch"
            )
            problems.append(_problem(module, relative, message, None))
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
