"""Figures a pack declares for a sheet (入园体检率, 接种证查验率...): the share of its rows
where a condition holds, with the rows counted, so a number can be traced.

Declared in `sheets_schema.json` per sheet, e.g.
    "figures": [{"id": "admission_exam_rate", "label": "入园体检率",
                 "count": [{"field": "入园体检日期", "filled": true}], "target": 100}]
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rules import enrolment
from rules.kinds.base import condition_holds
from rules.pack.spec import FigureSpec, Pack
from rules.validate import TypedTable


def counted_rows(sheet_id: str, tables: list[TypedTable], first: date, last: date):
    """The rows a figure of the sheet counts for first..last: for 幼儿健康档案 the children
    enrolled then (rules/enrolment.py), for any other sheet every row; a repeated record once."""
    if sheet_id == enrolment.CHILDREN:
        return list(enrolment.enrolled(tables, first, last))
    return list(enrolment.records(tables))


def figure(spec: FigureSpec, rows: list[tuple[TypedTable, int]]) -> dict[str, Any]:
    """One figure over a sheet's rows: count, total, percent (None without rows), target."""
    conditions = list(spec.count)
    total = len(rows)
    count = sum(1 for t, i in rows if all(t.has(c["field"]) for c in conditions) and condition_holds(t, i, conditions))
    return {"id": spec.id, "label_en": spec.label_en, "count": count, "total": total,
            "percent": round(100 * count / total, 1) if total else None, "target": spec.target}


def figures(pack: Pack, tables: dict[str, list[TypedTable]], today: date) -> dict[str, dict[str, Any]]:
    """Every declared figure of the sheets present, by label, as of today."""
    return {spec.label: figure(spec, counted_rows(sheet.id, tables[sheet.id], today, today))
            for sheet in pack.sheets if tables.get(sheet.id) for spec in sheet.figures}
