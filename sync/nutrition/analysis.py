"""The menu's nutrition analysis on the staff's own sheets: for the status page and alerts
(current and previous month, every cycle) and for `python -m sync nutrition`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from rules.model import Finding
from rules.nutrition import Analysis, FoodTable, NutritionSettings, Period, analyse
from rules.nutrition.sheets import child_records, inputs_from
from rules.validate import TypedTable
from sync.nutrition.data import shipped_dris, shipped_foods


def by_sheet(tables: Sequence[TypedTable]) -> dict[str, list[TypedTable]]:
    grouped: dict[str, list[TypedTable]] = {}
    for typed in tables:
        grouped.setdefault(typed.table.sheet_id, []).append(typed)
    return grouped


def analyse_tables(tables: Sequence[TypedTable], settings: NutritionSettings,
                   periods: Sequence[Period]) -> tuple[list[Analysis], FoodTable]:
    """One analysis per period over the tables of every source (a kitchen may keep the menu in
    one workbook and the children's records in another), and the food table it used."""
    grouped = by_sheet(tables)
    inputs = inputs_from(grouped)
    foods = inputs.foods(shipped_foods())
    # The children of each period: those enrolled then (rules/enrolment.py).
    analyses = [analyse(inputs.uses, foods, shipped_dris(), settings, period,
                        child_records(grouped, period.start, period.end), inputs.anchor,
                        inputs.attendance, inputs.spending) for period in periods]
    return analyses, foods


def recent_months(today: date) -> list[Period]:
    """This month and the one before, the status page's two columns."""
    this = Period.month(today.year, today.month)
    before = this.start - timedelta(days=1)
    return [this, Period.month(before.year, before.month)]


def monthly(tables: Sequence[TypedTable], settings: NutritionSettings, today: date) -> tuple[list[Finding], dict[str, Any]]:
    """Threshold findings and the summary the status page shows, for this month and the last."""
    analyses, _ = analyse_tables(tables, settings, recent_months(today))
    findings = [f for a in analyses for f in a.findings]
    return findings, {"months": [a.as_json() for a in analyses if a.days]}


def failed(exc: Exception) -> Finding:
    """The one warning a cycle files when the analysis itself failed: the rest goes on."""
    return Finding(source="*", sheet="食谱用料", row=None, column=None, cell=None, rule="nutrition.failed", kind="rule",
                   severity="warning", message=f"本次营养分析没有完成（{type(exc).__name__}），其他检查照常进行；请把日志发给维护人员",
                   message_en=f"The nutrition analysis failed ({type(exc).__name__}); every other check ran",
                   value=None, key="*|menu_ingredients|nutrition.failed", sheet_id="menu_ingredients")
