"""The JSON Schema that `sheets_schema.json` itself must satisfy, checked at start-up.

Field vocabulary follows the Frictionless Table Schema (fields, name, type, constraints,
missingValues) so that people who know it feel at home; Houqin adds aliases, units, key
fields and rules.
"""

from __future__ import annotations

FIELD_TYPES = ["string", "integer", "number", "date", "datetime", "time", "yearmonth", "boolean"]

_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}

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

RULE_KINDS = [
    "due_by_interval", "deadline", "expiry", "comparison", "required_if", "duration", "computed", "forbidden_words",
    "completeness", "no_repeat", "next_week_planned", "ratio_limit", "term_coverage", "term_task", "exists_in",
]

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
_SEVERITY = {"enum": ["error", "warning"]}

RULE = {
    "type": "object",
    "required": ["id", "kind"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
        "kind": {"enum": RULE_KINDS},
        "title": {"type": "string"},
        "source": {"type": "string"},
        "severity": _SEVERITY,
        "pending_severity": _SEVERITY,
        "missing_severity": _SEVERITY,
        "enabled": {"type": "boolean"},
        "when": {"type": "array", "items": _CONDITION},
        "require": {"type": "array", "items": {"type": "object", "required": ["field"],
                                               "properties": {"field": {"type": "string"}, "equals": {}},
                                               "additionalProperties": False}},
        "item": {"type": "array", "items": {"type": "string"}},
        "warn_days": {"oneOf": [{"type": "integer", "minimum": 0},
                                {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}]},
        "days": {"type": ["integer", "string"]},
        "min_hours": {"type": "number", "exclusiveMinimum": 0},
        "month_limit": {"type": "number", "minimum": 0},
        "term_limit": {"type": "number", "minimum": 0},
        "tolerance": {"type": "number", "minimum": 0},
        "from_weekday": {"type": "integer", "minimum": 0, "maximum": 6},
        "allow": {"type": "array", "items": {"type": "string"}},
        "words": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "types": {"type": "array", "items": {"type": "string"}},
        "op": {"enum": ["<=", "<", ">=", ">", "==", "!="]},
        "period": {"enum": ["school_day", "school_week", "school_month", "quarter"]},
        "mode": {"enum": ["signed", "stocktake"]},
        "match": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    },
}

SHEET = {
    "type": "object",
    "required": ["id", "name", "fields"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
        "name": {"type": "string", "minLength": 1},
        "aliases": _STRINGS,
        "description": {"type": "string"},
        "keyFields": _STRINGS,
        "missingValues": {"type": "array", "items": {"type": "string"}},
        "fields": {"type": "array", "minItems": 1, "items": FIELD},
        "rules": {"type": "array", "items": RULE},
    },
}

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
