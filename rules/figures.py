"""Figures a pack declares for a sheet (入园体检率, 接种证查验率...): the share of its rows
where a condition holds, with the rows counted, so a number can be traced.

Declared in `sheets_schema.json` per sheet, e.g.
    "figures": [{"id": "admission_exam_rate", "label": "入园体检率",
                 "count": [{"field": "入园体检日期", "filled": true}], "target": 100}]
"""

from __future__ import annotations

from typing import Any

from rules.kinds.base import condition_holds
from rules.pack.spec import FigureSpec, Pack
from rules.validate import TypedTable


def figure(spec: FigureSpec, tables: list[TypedTable]) -> dict[str, Any]:
    """One figure over a sheet's tables: count, total, percent (None without rows), target."""
    conditions = list(spec.count)
    total = sum(len(t) for t in tables)
    count = sum(1 for t in tables if all(t.has(c["field"]) for c in conditions)
                for i in range(len(t)) if condition_holds(t, i, conditions))
    return {"id": spec.id, "label_en": spec.label_en, "count": count, "total": total,
            "percent": round(100 * count / total, 1) if total else None, "target": spec.target}


def figures(pack: Pack, tables: dict[str, list[TypedTable]]) -> dict[str, dict[str, Any]]:
    """Every declared figure of the sheets present, by label."""
    return {spec.label: figure(spec, tables[sheet.id])
            for sheet in pack.sheets if tables.get(sheet.id) for spec in sheet.figures}
