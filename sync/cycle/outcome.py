"""What one cycle produced, per source and in all: for the run log and the status page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from rules.model import Finding
from sync.sources.base import WriteOutcome


@dataclass
class SourceResult:
    """One source's part of a run: whether it could be read, and what the write-back did."""

    source: str
    kind: Literal["xlsx", "gsheets", "readonly"]
    read_ok: bool
    error: str | None = None
    error_en: str | None = None
    write: WriteOutcome | None = None
    # For Google sources: spreadsheet URL and sheet title -> sheetId, to link to cells.
    url: str | None = None
    sheet_ids: dict[str, int] = field(default_factory=dict)
    # The sheets this read found (tables and sheets it reported on): only their alerts may resolve.
    sheets: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    """One sync cycle: when, over what day, what each source did, and every finding."""

    started: datetime
    finished: datetime
    today: date
    findings: list[Finding]
    sources: list[SourceResult]
    # Counts per sheet and severity, coverage figures, calendar warnings (rules.summary).
    summary: dict = field(default_factory=dict)
    # This term's figures so far (rules.term_report), for the 学期报告 page; None if not made.
    term_report: dict | None = None
    # Finding key -> everyone its row names, by role (rules.owners), for notifications.
    people: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # The 设置 sheets' part (sync.cycle.settings_sheet.Applied.view): the page's 设置 tab.
    settings: dict = field(default_factory=dict)

    @property
    def duration_seconds(self) -> float:
        return (self.finished - self.started).total_seconds()
