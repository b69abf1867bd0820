"""The one place that reads a date, a month or a term named on the command line.

Each reader is an argparse `type=`: a bad value becomes argparse's error, which the parser
turns into one Chinese message and exit 2. Years are kept to 1900–2099: a spreadsheet's dates
start in 1900, and a year near 9999 would overflow the calendar's arithmetic later on
("year 10000 is out of range") instead of being refused here.
"""

from __future__ import annotations

import argparse
import re
from datetime import date

FIRST_YEAR, LAST_YEAR = 1900, 2099
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def _year(year: int, text: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(
            f"年份应在 {FIRST_YEAR} 到 {LAST_YEAR} 之间，实际是 {text!r}")


def day(text: str) -> date:
    """A date written YYYY-MM-DD (2026-11-25)."""
    found = _DAY.fullmatch(text.strip())
    if not found:
        raise argparse.ArgumentTypeError(f"日期应写成 YYYY-MM-DD，例如 2026-11-25，实际是 {text!r}")
    _year(int(found[1]), text)
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise argparse.ArgumentTypeError(f"没有这一天：{text!r}（请检查月份和日期）") from None


def month(text: str) -> tuple[int, int]:
    """A month written YYYY-MM (2026-11), as (year, month)."""
    found = _MONTH.fullmatch(text.strip())
    if not found:
        raise argparse.ArgumentTypeError(f"月份应写成 YYYY-MM，例如 2026-11，实际是 {text!r}")
    _year(int(found[1]), text)
    if not 1 <= int(found[2]) <= 12:
        raise argparse.ArgumentTypeError(f"月份应写成 YYYY-MM，月在 01 到 12 之间，实际是 {text!r}")
    return int(found[1]), int(found[2])


def term(text: str) -> str:
    """A term's name (2026年秋季学期). Empty is refused: leaving --term out means this term."""
    name = text.strip()
    if not name:
        raise argparse.ArgumentTypeError("学期名称不能为空，例如 --term 2026年秋季学期（不写 --term 就是本学期）")
    return name
