"""The school calendar: terms, school days, school weeks and months.

School days are China's working days inside a term: official holidays and adjusted working
weekends come from the `chinese-calendar` package. For a year it does not know yet, school
days fall back to Monday-Friday plus the holidays and workdays listed in the config, and the
calendar remembers that year so the status page can say the holiday data is missing.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar


@dataclass(frozen=True)
class Term:
    name: str
    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_day(year: int, text: str) -> date:
    month, day = (int(x) for x in text.split("-"))
    return date(year, month, day)


class SchoolCalendar:
    """Terms and school days for one evaluation; pure (no clock, no files)."""

    def __init__(self, terms: list[Term] | None = None, autumn: tuple[str, str] = ("09-01", "01-20"),
                 spring: tuple[str, str] = ("02-20", "07-10"), extra_holidays: list[date] | None = None,
                 extra_workdays: list[date] | None = None):
        self._configured = list(terms or [])
        self.autumn, self.spring = autumn, spring
        self.extra_holidays = set(extra_holidays or [])
        self.extra_workdays = set(extra_workdays or [])
        self.missing_years: set[int] = set()
        self._cache: dict[date, bool] = {}

    def terms(self, around: date) -> list[Term]:
        """Configured terms, or the default autumn and spring terms of the years around a day."""
        if self._configured:
            return sorted(self._configured, key=lambda t: t.start)
        found = []
        for year in range(around.year - 2, around.year + 2):
            autumn_start = _month_day(year, self.autumn[0])
            autumn_end = _month_day(year + (self.autumn[1] < self.autumn[0]), self.autumn[1])
            found.append(Term(f"{year}年秋季学期", autumn_start, autumn_end))
            found.append(Term(f"{year}年春季学期", _month_day(year, self.spring[0]), _month_day(year, self.spring[1])))
        return sorted(found, key=lambda t: t.start)

    def current_term(self, today: date) -> Term:
        """The term today is in; between terms, the one that just ended."""
        terms = self.terms(today)
        for term in terms:
            if today in term:
                return term
        ended = [t for t in terms if t.end < today]
        return ended[-1] if ended else terms[0]

    def previous_term(self, today: date) -> Term | None:
        """The last term that ended before today's term began (or before today, between terms)."""
        current = self.current_term(today)
        earlier = [t for t in self.terms(today) if t.end < current.start]
        return earlier[-1] if earlier else None

    def is_workday(self, day: date) -> bool:
        """China's working day; Monday-Friday for a year the holiday data does not cover."""
        if day in self.extra_holidays:
            return False
        if day in self.extra_workdays:
            return True
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            self.missing_years.add(day.year)
            return day.weekday() < 5

    def is_school_day(self, day: date) -> bool:
        cached = self._cache.get(day)
        if cached is None:
            cached = self._cache[day] = any(day in t for t in self.terms(day)) and self.is_workday(day)
        return cached

    def school_days(self, start: date, end: date) -> list[date]:
        """School days from start to end, both included."""
        return [start + timedelta(days=i) for i in range((end - start).days + 1) if self.is_school_day(start + timedelta(days=i))]

    def warnings(self) -> tuple[list[str], list[str]]:
        """(Chinese, English) notes for the status page about missing holiday data."""
        zh, en = [], []
        for year in sorted(self.missing_years):
            zh.append(f"{year} 年的法定节假日数据缺失，暂按周一至周五计算在园日；请升级 chinese-calendar，"
                      f"或在配置 [calendar] holidays/workdays 中写明放假和调休日期")
            en.append(f"Holiday data for {year} is missing; school days are taken as Monday-Friday. "
                      f"Upgrade chinese-calendar or list holidays in [calendar] of the config")
        return zh, en


@lru_cache(maxsize=1024)  # a term has a few hundred days, each met many times
def week_start(day: date) -> date:
    """Monday of the calendar week (Monday-Sunday) a day falls in."""
    return day - timedelta(days=day.weekday())


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    return start, month_end(date(year, 3 * quarter, 1))


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
