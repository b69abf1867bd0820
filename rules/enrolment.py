"""Who is enrolled when: a child counts from 入园日期 to 离园日期 (both days included).

The one rule every figure, class list and denominator uses, so that a report of a past term
does not count a child admitted later, and a child who left is out of the class list and the
denominators after the day they left. A record repeating another's key (the same child twice,
see `TypedTable.repeated`) is counted once. Pure: typed tables in, rows out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rules.validate import TypedTable

CHILDREN = "children"
ADMITTED, LEFT, CLASS = "入园日期", "离园日期", "班级"


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


@dataclass(frozen=True)
class Stay:
    """The days something is there: from `start` to `end`, either open (None) when unknown."""

    start: date | None = None
    end: date | None = None

    @property
    def has_days(self) -> bool:
        """False for a stay that ends before it starts (a typing slip the pack reports)."""
        return self.start is None or self.end is None or self.start <= self.end

    def overlaps(self, first: date, last: date) -> bool:
        """Whether any day of first..last is inside the stay."""
        if not self.has_days:
            return False
        return (self.start is None or self.start <= last) and (self.end is None or self.end >= first)

    def on(self, day: date) -> bool:
        return self.overlaps(day, day)


def stay(typed: TypedTable, index: int) -> Stay:
    """A child's stay from their row (an absent or blank column leaves that side open)."""
    return Stay(_day(typed.column(ADMITTED)[index]), _day(typed.column(LEFT)[index]))


def records(tables: Iterable[TypedTable]) -> Iterator[tuple[TypedTable, int]]:
    """Every row of the tables, a repeated record (the same child twice) once."""
    for typed in tables:
        for index in range(len(typed)):
            if index not in typed.repeated:
                yield typed, index


def enrolled(tables: Iterable[TypedTable], first: date, last: date) -> Iterator[tuple[TypedTable, int]]:
    """The children enrolled on any day of first..last, each once."""
    for typed, index in records(tables):
        if stay(typed, index).overlaps(first, last):
            yield typed, index


def class_stays(tables: Iterable[TypedTable]) -> dict[str, Stay]:
    """Each class (its name as written, trimmed) from its first child's admission to its last
    child's leaving: a class is owed its daily records only while it has children."""
    spans: dict[str, list[Stay]] = {}
    for typed, index in records(tables):
        name = typed.column(CLASS)[index]
        there = stay(typed, index)
        if isinstance(name, str) and name.strip() and there.has_days:
            spans.setdefault(name.strip(), []).append(there)
    merged: dict[str, Stay] = {}
    for name, stays in spans.items():
        starts, ends = [s.start for s in stays], [s.end for s in stays]
        merged[name] = Stay(None if None in starts else min(starts),  # type: ignore[type-var]
                            None if None in ends else max(ends))  # type: ignore[type-var]
    return merged
