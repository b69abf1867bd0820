"""The term summary (`python -m sync report`, the 学期报告 page): read the sheets, compute the
term's figures (rules.term_report), and write them as text, JSON, a workbook or a docx draft."""

from __future__ import annotations

from datetime import date
from typing import Any

from rules.pack.spec import Pack
from rules.term_report import calendar_for, choose_term, term_report
from rules.validate import TypedTable
from sync.config import Config


def report_for_tables(config: Config, pack: Pack, tables: list[TypedTable], today: date, term_name: str | None = None,
                      start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """The figures of one term over tables already read (a cycle's, or a fresh check's)."""
    from sync.cycle import settings_for

    settings = settings_for(config, today)
    term = choose_term(calendar_for(settings), today, term_name, start, end)
    return term_report(tables, pack, settings, term)
