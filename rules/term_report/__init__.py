"""The term summary's figures, computed from the sheets: pure (tables, pack, settings, term in;
figures out), each figure with the rows it counts. The `report` command, the 学期报告 page and
the xlsx/docx writers in sync/report/ all start from `term_report`."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import date
from typing import Any

from rules.calendar import SchoolCalendar, Term
from rules.engine import merged_rules
from rules.kinds.base import Settings
from rules.pack.spec import Pack
from rules.term_report import health, kitchen, office, registers, safety
from rules.term_report.base import Figure, Window
from rules.validate import TypedTable

# In the order the summary reads (the seed's sections); each returns one figure or a list.
FIGURES: list[Callable[[Window], Figure | list[Figure]]] = [
    office.meetings_per_week, office.meetings_held,
    health.declared_figures, health.catch_up_rate, health.periodic_exam_rate,
    health.weak_children_followed, health.health_check_figures, health.disinfection_completeness,
    registers.attendance, registers.infectious_cases, registers.growth_figures, registers.injuries,
    registers.letter_topics,
    office.bulletins_per_month, office.parent_letters,
    office.asset_stocktake, office.expenses_complete, registers.repairs,
    safety.responsibility_signed, safety.inspections_on_time, safety.hazard_figures, safety.visitors_approved,
    safety.drill_figures, safety.drill_evacuation,
    registers.committee_held, kitchen.menu_non_repetition, kitchen.sample_compliance, kitchen.food_account_figures,
    kitchen.food_account_published,
]


class UnknownTerm(ValueError):
    """A term name that is neither configured nor one of the default terms around today."""


def calendar_for(settings: Settings) -> SchoolCalendar:
    return SchoolCalendar(settings.terms, settings.autumn, settings.spring, settings.extra_holidays,
                          settings.extra_workdays)


def choose_term(calendar: SchoolCalendar, today: date, name: str | None = None, start: date | None = None,
                end: date | None = None) -> Term:
    """The term asked for: by name, by dates (--from/--to), else the current (or just ended) term."""
    if start and end:
        return Term(f"{start}～{end}", start, end)
    if not name:
        return calendar.current_term(today)
    terms = calendar.terms(today)
    for term in terms:
        if term.name == name:
            return term
    names = [t.name for t in terms]
    near = difflib.get_close_matches(name, names, n=1, cutoff=0.3)
    hint = f"，是不是“{near[0]}”？" if near else ""
    raise UnknownTerm(f"没有名为“{name}”的学期{hint}（可选：{'、'.join(names)}）")


def term_report(tables: list[TypedTable], pack: Pack, settings: Settings, term: Term) -> dict[str, Any]:
    """{"term": {...}, "figures": {id: {value, numerator, denominator, label, rows, ...}}}."""
    by_sheet: dict[str, list[TypedTable]] = {}
    for typed in tables:
        by_sheet.setdefault(typed.table.sheet_id, []).append(typed)
    window = Window(term=term, today=settings.today, calendar=calendar_for(settings), tables=by_sheet, pack=pack,
                    params={rule.id: rule.params for rule in merged_rules(pack, settings)},
                    classes=list(settings.classes), start_date=settings.start_date, outbreak_mode=settings.outbreak_mode)
    figures: dict[str, dict[str, Any]] = {}
    for compute in FIGURES:
        made = compute(window)
        for figure in made if isinstance(made, list) else [made]:
            figures[figure.id] = figure.as_dict()
    return {"term": {"name": term.name, "start": term.start.isoformat(), "end": term.end.isoformat(),
                     "today": settings.today.isoformat(), "counted_to": window.end.isoformat()},
            "figures": figures}
