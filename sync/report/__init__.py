"""The term summary (`python -m sync report`, the 学期报告 page): the term's figures
(rules.term_report) over tables a check has read, written as text, JSON, a workbook or a docx."""

from __future__ import annotations

from datetime import date
from typing import Any

from rules.kinds.base import Settings
from rules.nutrition import NutritionSettings, Period
from rules.pack.spec import Pack
from rules.term_report import calendar_for, choose_term, term_report
from rules.term_report.nutrition import nutrition_figures
from rules.validate import TypedTable


def report_for_tables(settings: Settings, pack: Pack, tables: list[TypedTable], term_name: str | None = None,
                      start: date | None = None, end: date | None = None,
                      nutrition: NutritionSettings | None = None, school: str = "") -> dict[str, Any]:
    """The figures of one term (by name, by dates, else the current one) as of settings.today,
    with the menu's nutrition over the term's days when `nutrition` (the [nutrition] settings) is given.
    `school` is the kindergarten's name ([school] name): every document made from the report takes it from here."""
    term = choose_term(calendar_for(settings), settings.today, term_name, start, end)
    report = {"school": school.strip(), **term_report(tables, pack, settings, term)}
    if nutrition is not None:
        from sync.nutrition.analysis import analyse_tables

        last = min(term.end, settings.today)
        if term.start <= last:
            (analysis,), _ = analyse_tables(tables, nutrition, [Period(term.start, last)])
            report["figures"].update((f.id, f.as_dict()) for f in nutrition_figures(analysis))
    return report
