"""The spec format as a JSON Schema (draft 2020-12), built from generator.spec.format."""

from __future__ import annotations

import json

from generator.spec.format import SPEC, Field, Section

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _anchored(pattern: str) -> str:
    return f"^(?:{pattern})$"


def _field(field: Field) -> dict[str, object]:
    schema: dict[str, object] = {"description": field.description}
    if field.kind == "string":
        schema["type"] = "string"
    elif field.kind == "version":
        # YAML reads an unquoted 1.10 as a number; magegen reads it as the text 1.10.
        schema["type"] = ["string", "number"]
    elif field.kind == "integer":
        schema["type"] = "integer"
    elif field.kind == "boolean":
        schema["type"] = "boolean"
    elif field.kind == "choice":
        schema["enum"] = list(field.choices)
    elif field.kind == "string-or-list":
        schema["anyOf"] = [
            {"type": "string", "minLength": 1},
            {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
        ]
    elif field.kind == "list":
        schema["type"] = "array"
        assert field.items is not None
        schema["items"] = _node(field.items)
        if field.required:
            schema["minItems"] = 1
    elif field.kind == "mapping":
        assert field.section is not None
        schema.update(section_schema(field.section))
    elif field.kind == "map":
        assert field.values is not None and field.key_pattern is not None
        schema["type"] = "object"
        schema["propertyNames"] = {"pattern": _anchored(field.key_pattern)}
        schema["additionalProperties"] = _field(field.values)
    if field.pattern:
        schema["pattern"] = _anchored(field.pattern)
    if field.kind == "string":
        schema["minLength"] = field.min_length or 1
    if field.max_length is not None:
        schema["maxLength"] = field.max_length
    return schema


def _node(node: Field | Section) -> dict[str, object]:
    return section_schema(node) if isinstance(node, Section) else _field(node)


def section_schema(section: Section) -> dict[str, object]:
    """A mapping with exactly the section's keys."""
    schema: dict[str, object] = {
        "type": "object",
        "properties": {f.key: _field(f) for f in section.fields},
        "additionalProperties": False,
    }
    if section.description:
        schema["description"] = section.description
    requirements = _requirements(section)
    if section.marker is None:
        schema.update(requirements)
        return schema
    # With the marker true, the mapping holds the marker and its kept keys, and nothing else.
    schema["if"] = {
        "properties": {section.marker: {"const": True}},
        "required": [section.marker],
    }
    schema["then"] = {
        "required": list(section.marker_keeps),
        "propertyNames": {"enum": [*section.marker_keeps, section.marker]},
    }
    schema["else"] = requirements
    return schema


def _requirements(section: Section) -> dict[str, object]:
    """The keys a mapping of ``section`` must have, some only unless a sibling is true."""
    schema: dict[str, object] = {}
    always = [f.key for f in section.fields if f.required and not f.required_unless]
    if always:
        schema["required"] = always
    conditional = [f for f in section.fields if f.required and f.required_unless]
    if conditional:
        schema["allOf"] = [
            {"if": {"not": _excuse(f)}, "then": {"required": [f.key]}} for f in conditional
        ]
    return schema


def _excuse(field: Field) -> dict[str, object]:
    """What makes ``field`` optional: its sibling flag true, or one of its siblings given."""
    flag = {
        "properties": {field.required_unless: {"const": True}},
        "required": [field.required_unless],
    }
    if not field.required_unless_given:
        return flag
    return {"anyOf": [flag, *({"required": [key]} for key in field.required_unless_given)]}


def spec_schema() -> dict[str, object]:
    """The JSON Schema of a spec."""
    schema = {"$schema": DRAFT, "title": "magegen spec, format version 1"}
    schema.update(section_schema(SPEC))
    return schema


def spec_schema_json() -> str:
    """The JSON Schema of a spec, as ``magegen schema`` prints it."""
    return json.dumps(spec_schema(), indent=2, ensure_ascii=False) + "\n"
