"""Building sheets of the pack from plain rows, and running the real pack's rules on them."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

from rules.engine import Settings, evaluate
from rules.model import Finding
from rules.pack.load import load_pack
from rules.pack.spec import Pack
from rules.tables import build_table
from rules.validate import validate
from tests.support import ROOT


def pack_data() -> dict[str, Any]:
    return json.loads((ROOT / "rules" / "pack" / "sheets_schema.json").read_text(encoding="utf-8"))


def rule_params(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    for sheet in data["sheets"]:
        for rule in sheet["rules"]:
            if rule["id"] == rule_id:
                return rule
    raise KeyError(rule_id)


def with_rule(rule_id: str, **changes: Any) -> Pack:
    """The pack with one rule's settings changed, as a kindergarten would edit the JSON."""
    data = copy.deepcopy(pack_data())
    rule_params(data, rule_id).update(changes)
    return load_pack(data)


def run(pack: Pack, sheets: dict[str, list[dict[str, Any]]], today: date, **settings: Any) -> list[Finding]:
    """Findings of every rule over the given sheets (rows as {header: value})."""
    tables = []
    for sheet_id, rows in sheets.items():
        spec = pack.sheet(sheet_id)
        headers = [f.name for f in spec.fields]
        grid = [headers] + [[row.get(h) for h in headers] for row in rows]
        table, problems = build_table("园.xlsx", spec.name, grid, spec, "系统提醒")
        assert table is not None, problems
        typed, _ = validate(table, spec, today)
        tables.append(typed)
    findings, _ = evaluate(tables, pack, Settings(today=today, **settings))
    return findings


def of(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule_id]


def typed_sheet(pack: Pack, sheet_id: str, rows: list[dict[str, Any]], today: date):
    """One sheet of the pack from plain rows, validated: (TypedTable, findings)."""
    spec = pack.sheet(sheet_id)
    headers = [f.name for f in spec.fields]
    grid = [headers] + [[row.get(h) for h in headers] for row in rows]
    table, problems = build_table("园.xlsx", spec.name, grid, spec, "系统提醒")
    assert table is not None, problems
    return validate(table, spec, today)
