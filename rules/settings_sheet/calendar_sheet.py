"""学期与假期: 项目 (学期/放假/调休上班/班级/责任区域), 名称, 开始日期, 结束日期, 说明.

Terms listed here replace the config's; holidays and adjusted working days add to the
official calendar (for a year the chinese-calendar package does not know yet, or a
kindergarten's own closing days); 班级 rows replace the config's class list; 责任区域 rows
are the kindergarten's areas, shown on the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from rules.calendar import Term
from rules.model import Finding
from rules.settings_sheet.row import Row
from rules.validate import TypedTable

HEADERS = ("项目", "名称", "开始日期", "结束日期", "说明")
LONGEST_BREAK = 60  # days one 放假 row may close: a typo in a year must not close a term
RULE = "settings.calendar"


@dataclass
class CalendarSheet:
    terms: list[Term] = field(default_factory=list)
    holidays: list[date] = field(default_factory=list)
    workdays: list[date] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        """What the page shows of it."""
        lines = [f"学期 {t.name}：{t.start} 至 {t.end}" for t in self.terms]
        if self.holidays:
            lines.append(f"放假 {len(self.holidays)} 天：{self.holidays[0]} 起")
        if self.workdays:
            lines.append("调休上班：" + "、".join(map(str, self.workdays)))
        if self.classes:
            lines.append("班级：" + "、".join(self.classes))
        if self.areas:
            lines.append("责任区域：" + "、".join(self.areas))
        return lines


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def read_calendar(tables: Iterable[TypedTable]) -> CalendarSheet:
    sheet = CalendarSheet()
    for typed in tables:
        for index in range(len(typed)):
            _item(Row(typed, index, sheet.findings), sheet)
    return sheet


def _item(row: Row, sheet: CalendarSheet) -> None:
    what, name = row.text("项目"), row.text("名称")
    if not what or row.refuses(HEADERS, RULE):
        return
    if what in ("班级", "责任区域"):
        if not name:
            row.say("名称", RULE, f"请在“名称”里写{what}", f"Write the {what} in 名称")
        else:
            (sheet.classes if what == "班级" else sheet.areas).append(name)
        return
    start, end = _day(row.value("开始日期")), _day(row.value("结束日期"))
    if start is None:
        row.say("开始日期", RULE, f"{what}需要开始日期", f"{what} needs a start date")
        return
    if what == "学期":
        if end is None or end < start:
            row.say("结束日期", RULE, "学期需要结束日期，且不早于开始日期", "A term needs an end date after its start")
            return
        clash = next((t for t in sheet.terms if t.start <= end and start <= t.end), None)
        if clash is not None:
            row.say("开始日期", RULE, f"和学期“{clash.name}”（{clash.start} 至 {clash.end}）重叠", f"Overlaps {clash.name}")
            return
        sheet.terms.append(Term(name or f"{start}～{end}", start, end))
        return
    end = end or start
    if end < start or (end - start).days >= LONGEST_BREAK:
        row.say("结束日期", RULE, f"{what}的结束日期应在开始日期之后 {LONGEST_BREAK} 天以内",
                f"The end must be within {LONGEST_BREAK} days of the start")
        return
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    (sheet.holidays if what == "放假" else sheet.workdays).extend(days)
