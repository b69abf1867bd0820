"""What every term figure is made of: the report's window over the term, and a figure that
keeps the rows it counts (so a number in the summary can be traced back to the sheets)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from rules import enrolment
from rules.calendar import SchoolCalendar, Term
from rules.kinds.base import as_date  # noqa: F401 - the figures' modules take it from here
from rules.pack.spec import Pack
from rules.text import fold
from rules.validate import TypedTable

# A figure lists at most this many missing items by name; the count is always whole.
MISSING_SHOWN = 200


@dataclass(frozen=True)
class RowRef:
    """One counted row: the workbook (or Google spreadsheet), the sheet tab and its row number."""

    source: str
    sheet: str
    row: int

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "sheet": self.sheet, "row": self.row}


@dataclass
class Figure:
    """One number of the term summary. `value` is numerator / denominator unless given
    (a count, a mapping such as drills by type, a signed ratio)."""

    id: str
    label: str
    label_en: str
    numerator: float | None
    denominator: float | None
    value: Any = None
    counted: list[RowRef] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    parts: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.value is None and self.numerator is not None and self.denominator:
            self.value = self.numerator / self.denominator

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "numerator": self.numerator, "denominator": self.denominator,
                "label": self.label, "label_en": self.label_en,
                "rows": [r.as_dict() for r in self.counted], "missing": self.missing[:MISSING_SHOWN],
                "missing_total": len(self.missing), "parts": self.parts}


def same(value: Any, expected: str) -> bool:
    return isinstance(value, str) and fold(value) == fold(expected)


def filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


@dataclass
class Window:
    """The term being reported and what the sheets say about it.

    `end` is the last day an event may fall on to count (today, or the term's end); `last_day`
    the last day a daily or weekly record is owed (yesterday, or the term's end), as the rules
    count; `as_of` the day a due date is compared with (a date before it is overdue)."""

    term: Term
    today: date
    calendar: SchoolCalendar
    tables: dict[str, list[TypedTable]]
    pack: Pack
    params: dict[str, dict[str, Any]]
    classes: list[str] = field(default_factory=list)
    start_date: date | None = None
    outbreak_mode: bool = False

    @property
    def end(self) -> date:
        return min(self.today, self.term.end)

    @property
    def last_day(self) -> date:
        return min(self.today - timedelta(days=1), self.term.end)

    @property
    def as_of(self) -> date:
        return min(self.today, self.term.end + timedelta(days=1))

    def sheet(self, sheet_id: str) -> list[TypedTable]:
        return self.tables.get(sheet_id, [])

    def rows(self, sheet_id: str) -> Iterator[tuple[TypedTable, int]]:
        for typed in self.sheet(sheet_id):
            for index in range(len(typed)):
                yield typed, index

    def children(self) -> Iterator[tuple[TypedTable, int]]:
        """The children enrolled on any day of the window (入园日期..离园日期), each once."""
        return enrolment.enrolled(self.sheet(enrolment.CHILDREN), self.term.start, self.end)

    @property
    def current(self) -> bool:
        """Whether the window reaches today: only then does a row without a date say anything
        about it (the sheet holds the state as of today)."""
        return self.term.start <= self.today <= self.term.end + timedelta(days=1)

    def known(self, day: date | None) -> bool:
        """Whether a row whose state is as of `day` (上次检查日期, 签订日期) tells about this
        window: a date after the window's end is a later state that hides the window's."""
        return self.current if day is None else day <= self.end

    def dated(self, sheet_id: str, date_field: str) -> Iterator[tuple[TypedTable, int, date]]:
        """Rows whose date falls in the term, up to `end`."""
        for typed, index in self.rows(sheet_id):
            day = as_date(typed.column(date_field)[index])
            if day is not None and self.term.start <= day <= self.end:
                yield typed, index, day

    def counting_from(self, days: list[date]) -> date | None:
        """The first day a record is owed: the later of the term's start, the configured start
        and the sheet's first record in the term (a school that starts mid-term owes nothing
        before); None when the sheet has no record in the term."""
        in_term = [d for d in days if self.term.start <= d]
        if not in_term:
            return None
        return max(self.term.start, min(in_term), self.start_date or self.term.start)

    def param(self, rule_id: str, key: str, default: Any = None) -> Any:
        return self.params.get(rule_id, {}).get(key, default)


def ref(typed: TypedTable, index: int) -> RowRef:
    return RowRef(typed.table.source, typed.table.sheet, typed.numbers[index])


def value(typed: TypedTable, index: int, name: str) -> Any:
    return typed.column(name)[index]


def item(typed: TypedTable, index: int, *names: str) -> str:
    """The row's item in words (the child, the object), or its row number."""
    text = " ".join(t.strip() for n in names if (t := typed.raw_text(index, n)))
    return text or f"{typed.table.sheet} 第{typed.numbers[index]}行"


def rate(figure_id: str, label: str, label_en: str, rows: list[tuple[TypedTable, int, bool, str]],
         **parts: Any) -> Figure:
    """A share of rows: each (table, index, counted?, name of the item when it is not)."""
    return Figure(figure_id, label, label_en, numerator=sum(1 for r in rows if r[2]), denominator=len(rows),
                  counted=[ref(t, i) for t, i, ok, _ in rows if ok], missing=[name for _, _, ok, name in rows if not ok],
                  parts=parts)
