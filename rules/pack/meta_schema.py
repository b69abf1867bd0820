"""The JSON Schema that `sheets_schema.json` itself must satisfy, checked at start-up.

Field vocabulary follows the Frictionless Table Schema (fields, name, type, constraints,
missingValues) so that people who know it feel at home; Houqin adds aliases, units, key
fields, rules and figures.
"""

from __future__ import annotations

FIELD_TYPES = ["string", "integer", "number", "date", "datetime", "time", "yearmonth", "boolean"]

_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}
_ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}  # a sheet's, rule's or figure's id


def _closed(required: list[str], **properties: dict) -> dict:
    """An object with these properties and no others."""
    return {"type": "object", "required": required, "additionalProperties": False, "properties": properties}


FIELD = {
    "type": "object",
    "required": ["name", "type"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "unit": {"type": "string"},
        "aliases": _STRINGS,
        "type": {"enum": FIELD_TYPES},
        "trueValues": _STRINGS,
        "falseValues": _STRINGS,
        "personal": {"type": "boolean"},
        "constraints": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "required": {"type": "boolean"},
                "unique": {"type": "boolean"},
                "enum": _STRINGS,
                "minimum": {"type": "number"},
                "maximum": {"type": "number"},
                "exclusiveMinimum": {"type": "number"},
                "exclusiveMaximum": {"type": "number"},
                "minLength": {"type": "integer", "minimum": 0},
                "maxLength": {"type": "integer", "minimum": 0},
                "pattern": {"type": "string", "format": "regex"},
            },
        },
    },
}

# Each rule's own settings are declared by its kind (rules/kinds/) and checked there.
RULE = {
    "type": "object",
    "required": ["id", "kind"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
        "kind": {"type": "string"},
    },
}

_CONDITION = {
    "type": "object",
    "required": ["field"],
    "additionalProperties": False,
    "minProperties": 2,
    "properties": {
        "field": {"type": "string"},
        "equals": {"type": ["string", "number", "boolean"]},
        "notEquals": {"type": ["string", "number", "boolean"]},
        "in": {"type": "array"},
        "filled": {"type": "boolean"},
    },
}

FIGURE = _closed(
    ["id", "label", "count"],
    id=_ID,
    label={"type": "string", "minLength": 1},
    label_en={"type": "string"},
    count={"type": "array", "minItems": 1, "items": _CONDITION},
    target={"type": "number"},
)

SHEET = _closed(
    ["id", "name", "fields"],
    id=_ID,
    name={"type": "string", "minLength": 1},
    aliases=_STRINGS,
    description={"type": "string"},
    keyFields=_STRINGS,
    uniqueKey={"type": "boolean"},
    optional={"type": "boolean"},
    missingValues={"type": "array", "items": {"type": "string"}},
    fields={"type": "array", "minItems": 1, "items": FIELD},
    rules={"type": "array", "items": RULE},
    figures={"type": "array", "items": FIGURE},
)

PACK = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "sheets"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"type": "string"},
        "version": {"const": 1},
        "title": {"type": "string"},
        "alertHeader": {"type": "string", "minLength": 1},
        "missingValues": {"type": "array", "items": {"type": "string"}},
        "sheets": {"type": "array", "minItems": 1, "items": SHEET},
    },
}
