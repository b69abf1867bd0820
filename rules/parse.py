"""Cell parsing: what staff typed, as the value a rule can compare.

Each parser takes one raw cell value (as a source gives it: str, int, float, bool, date,
datetime, time, timedelta, CellError or None) and returns the typed value or a `Bad` saying,
in plain Chinese and English, why it is not one. Parsers never raise.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from rules.model import CellError, display_value
from rules.text import fold


@dataclass(frozen=True)
class Bad:
    """Why a cell is not a value of its column's type."""

    zh: str
    en: str


class GuessedYearDate(date):
    """A date typed without a year (`11月25日`); the year was inferred and messages say so."""


DATE_HINT = ("请写成 2026-11-25 这样的日期", "write it as a date like 2026-11-25")

_WEEKDAY_SUFFIX = re.compile(r"[(（]?(星期|周|礼拜)[一二三四五六日天][)）]?$")
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MD = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]$")
_TIME = re.compile(
    r"^(上午|下午|中午|晚上)?\s*(\d{1,2})\s*(?:[:：时点]\s*(\d{1,2})?\s*分?)?\s*(?:[:：]\s*(\d{1,2})\s*秒?)?$"
)
_DATETIME_SPLIT = re.compile(r"^(.*?\d[日号]?)(?:\s+|T)(.*)$")
_YEARMONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:份)?$")
_NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(.*)$")
# Units and currency marks that may follow or precede a number: 5千克, 1,200元, ¥30.
_UNIT = re.compile(r"^[A-Za-z\u4e00-\u9fff/%°℃·.]{0,8}$")
_CURRENCY = "¥$€£"

_MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def normalise(text: str) -> str:
    """Full-width forms to half-width and outer spaces trimmed: ２０２６ -> 2026."""
    return unicodedata.normalize("NFKC", text).strip()


def _kind_of(value: Any) -> Bad | None:
    """The common refusals: error values and booleans are never dates or numbers."""
    if isinstance(value, CellError):
        return Bad(f"是错误值 {value.code}，请检查公式", f"is the error value {value.code}; check the formula")
    if isinstance(value, bool):
        return Bad("是真/假值", "is a true/false value")
    return None


def _make_date(year: int, month: int, day: int) -> date | Bad:
    if not 1 <= month <= 12:
        return Bad(f"不是有效日期：没有{month}月", f"is not a valid date: there is no month {month}")
    try:
        return date(year, month, day)
    except ValueError:
        if 1 <= day <= _MONTH_DAYS[month - 1] or day < 1:
            return Bad(f"不是有效日期：{year}年{month}月没有{day}日", f"is not a valid date: {year}-{month:02d} has no day {day}")
        return Bad(f"不是有效日期：{month}月没有{day}日", f"is not a valid date: month {month} has no day {day}")


def _guess_year(month: int, day: int, context_year: int) -> date | Bad:
    """A month and day without a year take the context year (the sheet's title, else today's)."""
    found = _make_date(context_year, month, day)
    if isinstance(found, Bad):
        return found
    return GuessedYearDate(found.year, found.month, found.day)


def parse_date_text(text: str, today: date) -> date | Bad:
    """A date typed as text in any form DOMAIN.md lists; never a bare number like 36.5.

    `today` only supplies the year of a date typed without one (a sheet whose title names
    a year passes a day of that year instead)."""
    text = _WEEKDAY_SUFFIX.sub("", normalise(text)).strip()
    match = _YMD.match(text) or _COMPACT.match(text)
    if match:
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    match = _MD.match(text)
    if match:
        return _guess_year(int(match[1]), int(match[2]), today.year)
    split = _DATETIME_SPLIT.match(text)
    if split and parse_time_text(split[2]).__class__ is time:
        return parse_date_text(split[1], today)
    return Bad("不是日期", "is not a date")


def parse_date(value: Any, today: date) -> date | Bad:
    """A spreadsheet date, or text typed as a date. `today` places a date typed without a year."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    refusal = _kind_of(value)
    if refusal:
        return refusal
    if isinstance(value, str):
        return parse_date_text(value, today)
    if isinstance(value, int | float):
        # 20261125 typed as a number is a date staff recognise; 36.5 or 1200 never is.
        if isinstance(value, float) and not value.is_integer():
            return Bad("是数字，不是日期", "is a number, not a date")
        if 19000101 <= value <= 21001231:
            text = str(int(value))
            return _make_date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return Bad("是数字，不是日期（如果是日期，请把单元格格式设为日期）", "is a number, not a date (format the cell as a date)")
    if isinstance(value, time):
        return Bad("是时间，不是日期", "is a time of day, not a date")
    return Bad("不是日期", "is not a date")


def parse_time_text(text: str) -> time | Bad:
    text = normalise(text)
    match = _TIME.match(text)
    if not match or (match[3] is None and not re.search(r"[时点]", text)):
        return Bad("不是时间，请写成 08:30 这样的时间", "is not a time; write it like 08:30")
    hour, minute, second = int(match[2]), int(match[3] or 0), int(match[4] or 0)
    if match[1] in ("下午", "晚上") and hour < 12:
        hour += 12
    if hour > 23 or minute > 59 or second > 59:
        return Bad("不是有效时间", "is not a valid time")
    return time(hour, minute, second)


def parse_time(value: Any) -> time | Bad:
    """A time of day: a spreadsheet time, or text like 8:30, 8点30分, 下午3:10."""
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, timedelta) and timedelta(0) <= value < timedelta(days=1):
        return (datetime.min + value).time()
    refusal = _kind_of(value)
    if refusal:
        return refusal
    if isinstance(value, str):
        return parse_time_text(value)
    return Bad("不是时间，请写成 08:30 这样的时间", "is not a time; write it like 08:30")


def _time_missing(day: date) -> Bad:
    """A date where a date and time belong: the example uses the staff member's own date."""
    return Bad(f"只有日期，缺少时间：请在日期后写上时间，如 {day:%Y-%m-%d} 11:30",
               f"has a date but no time; add the time, like {day:%Y-%m-%d} 11:30")


def parse_datetime(value: Any, today: date) -> datetime | Bad:
    """A date with a time of day: 2026-11-25 11:30, or a spreadsheet date-time."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return _time_missing(value)
    refusal = _kind_of(value)
    if refusal:
        return refusal
    if isinstance(value, str):
        text = _WEEKDAY_SUFFIX.sub("", normalise(value))
        split = _DATETIME_SPLIT.match(text)
        if split:
            day, clock = parse_date_text(split[1], today), parse_time_text(split[2])
            if isinstance(day, date) and isinstance(clock, time):
                return datetime.combine(day, clock)
            if isinstance(day, Bad) and _YMD.match(split[1]):
                return day
        day = parse_date_text(text, today)
        if isinstance(day, date):
            return _time_missing(day)
        return Bad("不是日期时间，请写成 2026-11-25 11:30", "is not a date and time; write it like 2026-11-25 11:30")
    return Bad("不是日期时间，请写成 2026-11-25 11:30", "is not a date and time; write it like 2026-11-25 11:30")


def parse_yearmonth(value: Any) -> date | Bad:
    """A month (伙食账 月份) as the first day of that month: 2026-11, 2026年11月, a date."""
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    refusal = _kind_of(value)
    if refusal:
        return refusal
    if isinstance(value, str):
        text = normalise(value)
        match = _YEARMONTH.match(text) or re.match(r"^(\d{4})(\d{2})$", text)
        if match and 1 <= int(match[2]) <= 12:
            return date(int(match[1]), int(match[2]), 1)
        day = parse_date_text(text, date(2000, 1, 1))
        if isinstance(day, date) and not isinstance(day, GuessedYearDate):
            return day.replace(day=1)
    return Bad("不是月份，请写成 2026-11 或 2026年11月", "is not a month; write it like 2026-11")


def parse_number(value: Any) -> float | int | Bad:
    """A number, also typed as text with thousands separators or a unit: 1,200元, 5千克."""
    if value.__class__ in (float, int):
        if isinstance(value, float) and not math.isfinite(value):
            return Bad("不是有效数字", "is not a valid number")
        return value
    refusal = _kind_of(value)
    if refusal:
        return refusal
    if isinstance(value, str):
        text = normalise(value).replace(",", "").replace("，", "").strip(_CURRENCY).strip()
        match = _NUMBER.match(text)
        if match and _UNIT.match(match[2]):
            number = float(match[1])
            return int(number) if number.is_integer() and "." not in match[1] else number
        return Bad("不是数字", "is not a number")
    if isinstance(value, date | time | timedelta):
        return Bad("是日期或时间，不是数字", "is a date or time, not a number")
    return Bad("不是数字", "is not a number")


def parse_integer(value: Any) -> int | Bad:
    number = parse_number(value)
    if isinstance(number, Bad):
        return Bad(number.zh.replace("不是数字", "不是整数"), number.en.replace("not a number", "not a whole number"))
    if isinstance(number, float):
        if not number.is_integer():
            return Bad("应为整数", "should be a whole number")
        return int(number)
    return number


def parse_boolean(value: Any, true_values: tuple[str, ...], false_values: tuple[str, ...]) -> bool | Bad:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = fold(value)
        if text in true_values:
            return True
        if text in false_values:
            return False
    expected = f"{true_values[0]}/{false_values[0]}"
    return Bad(f"应填“{expected}”", f"should be {expected}")


def parse_string(value: Any) -> str | Bad:
    """Text as staff read it: numbers without a trailing .0, dates as 2026-11-25."""
    if value.__class__ is str:
        return value.strip()
    if isinstance(value, CellError):
        return Bad(f"是错误值 {value.code}，请检查公式", f"is the error value {value.code}; check the formula")
    if isinstance(value, bool):
        return "是" if value else "否"
    return display_value(value) or ""


def enum_matcher(options: tuple[str, ...]):
    """A function mapping a typed option (stray spaces, full-width forms) to its canonical form."""
    canonical = {fold(o): o for o in options}

    def match(text: str) -> str | None:
        return canonical.get(fold(text))

    return match
