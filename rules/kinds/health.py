"""Rule kinds of the health-care registers' deadlines: time limits between two columns,
people who must appear on another sheet, and topics that must be covered by a date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import rules.kinds.base as base
import rules.kinds.settings as settings
from rules.kinds.settings import Setting
from rules.model import WARNING, Finding
from rules.text import fold, folded, listed

# --- within_days ------------------------------------------------------------------------------


@base.kind(
    "within_days",
    start=Setting(settings.COLUMN, required=True, label="起始日期列", help="从哪一列的日期起算"),
    end=Setting(settings.COLUMN, required=True, label="完成日期列", help="应在期限内填的日期列"),
    days=Setting(settings.INT, required=True, minimum=0, label="期限天数", help="起始日期之后几天内要完成"),
    when=Setting(settings.CONDITIONS, label="条件", help="只检查符合这些条件的行"),
    **settings.LABELS, **settings.ITEM, **settings.ERROR_BY_DEFAULT,
)
def within_days(rule: base.Rule, ctx: base.Context) -> Iterator[Finding]:
    """`end` no later than `days` calendar days after `start` (报告日期 within a day of onset;
    家长告知 by the next day). Missing while still in time: a warning; missing once late: the error."""
    start, end, limit = rule.get("start"), rule.get("end"), rule.get("days")
    label = rule.get("label", "")
    label_en = rule.get("label_en", label)
    for typed in ctx.sheet(rule.spec.sheet_id):
        base.require_columns(typed, [start] + base.condition_fields(rule.when), rule)
        ends = typed.column(end)
        for index in range(len(typed)):
            began = base.as_date(typed.columns[start][index])
            if began is None or not base.condition_holds(typed, index, rule.when):
                continue
            if end in typed.invalid and index in typed.invalid[end]:
                continue  # already reported as malformed
            due = began + timedelta(days=limit)
            done = ends[index]
            item = base.item_name(typed, index, rule.get("item", []))
            if done is None:
                if due < ctx.today:
                    yield base.row_finding(typed, index, rule, rule.severity(), f"{item}{label}：没有填写{end}（应在 {due} 前）",
                                      f"{item}: {label_en}: no {end} (due {due})", end, [start])
                elif began <= ctx.today:
                    yield base.row_finding(typed, index, rule, WARNING, f"{item}{label}：还没有填写{end}（应在 {due} 前）",
                                      f"{item}: {label_en}: {end} not filled yet (due {due})", end, [start])
                continue
            done_day = done.date() if isinstance(done, datetime) else base.as_date(done)
            if done_day is not None and done_day > due:
                late = (done_day - due).days
                yield base.row_finding(typed, index, rule, rule.severity(), f"{item}{label}：{end} {done_day} 晚于期限 {due} {late} 天",
                                  f"{item}: {label_en}: {end} {done_day} is {base.days_en(late)} after {due}", end, [start])


# --- named_elsewhere --------------------------------------------------------------------------


@base.kind(
    "named_elsewhere",
    field=Setting(settings.COLUMN, required=True, label="姓名列", help="本表的姓名所在列"),
    sources=Setting(settings.OBJECTS, required=True, fields={
        "sheet": Setting(settings.SHEET, required=True, label="来源表名", help="列出人员的表"),
        "field": Setting(settings.TEXT, required=True, label="来源列", help="来源表里的姓名列"),
        "when": Setting(settings.CONDITIONS, label="来源条件", help="只看来源表里符合这些条件的行"),
        "role": Setting(settings.TEXT, label="身份", help="提醒里怎样称呼这些人")}, label="来源表", help="哪些表的哪一列列出的人须在本表有一行"),
    **settings.MESSAGES, **settings.WARNING_BY_DEFAULT,
)
def named_elsewhere(rule: base.Rule, ctx: base.Context) -> Iterator[Finding]:
    """Everyone named in the listed columns of other sheets has a row here (健康证 for the
    kitchen and care staff; a 常见病登记 row for a 体弱儿). Once per person, on the first row
    naming them. Silent while this sheet is absent (the missing sheet is a finding already)."""
    here = ctx.sheet(rule.spec.sheet_id)
    if not here:
        return
    here_names = {folded(v) for typed in here for v in typed.column(rule.get("field"))}
    said: set[str] = set()
    for source in rule.get("sources", []):
        for typed in ctx.sheet(source["sheet"]):
            if not typed.has(source["field"]) or not all(typed.has(c["field"]) for c in source.get("when", [])):
                continue
            for index, value in enumerate(typed.columns[source["field"]]):
                for person in listed(value):
                    key = fold(person)
                    if key in here_names or key in said or not base.condition_holds(typed, index, source.get("when", [])):
                        continue
                    said.add(key)
                    role = source.get("role") or source["field"]
                    zh = rule.get("message", "{name} 没有{sheet}记录（{role}，见「{where}」）").format(
                        name=person, sheet=ctx.pack.sheet(rule.spec.sheet_id).name, role=role, where=typed.table.sheet)
                    en = rule.get("message_en", "{name}: no row in {sheet} ({role} on {where})").format(
                        name=person, sheet=rule.spec.sheet_id, role=role, where=typed.table.sheet)
                    yield base.sheet_finding(ctx, rule.spec.sheet_id, rule, rule.severity(), zh, en, f"person-{key}")


# --- topic_schedule ---------------------------------------------------------------------------

TOPIC_ROW = {"terms": Setting(settings.TEXTS, label="学期", help="哪个学期要发（秋季/春季）"),
             "by": Setting(settings.TEXT, label="截止日期", help="月-日，如 05-01"),
             "first_days": Setting(settings.INT, minimum=1, label="开学后天数", help="开学后几天内要发"),
             "words": Setting(settings.TEXTS, label="主题关键词", help="主题里含这些词就算")}


def _topic_due(entry: dict[str, Any], start: date, end: date) -> date | None:
    """The date a topic is due in a term: `by` (MM-DD) inside the term, or its first N days, or the term's end."""
    if entry.get("first_days"):
        return start + timedelta(days=entry["first_days"] - 1)
    if entry.get("by"):
        month, day = (int(p) for p in entry["by"].split("-"))
        for year in (start.year, start.year + 1):
            due = date(year, month, day)
            if start <= due <= end:
                return due
        return None
    return end


@base.kind(
    "topic_schedule",
    date=Setting(settings.COLUMN, required=True, label="日期列", help="发放日期所在列"),
    topic=Setting(settings.COLUMN, required=True, label="主题列", help="告家长书主题所在列"),
    when=Setting(settings.CONDITIONS, label="条件", help="只看符合这些条件的行"),
    topics=Setting(settings.TABLE, required=True, fields=TOPIC_ROW, label="必发主题表", help="每学期必须发的主题和截止日期"),
    warn_days=Setting(settings.INT, default=7, minimum=0, label="提前提醒天数", help="截止前几天开始提醒"),
    **settings.ERROR_BY_DEFAULT,
)
def topic_schedule(rule: base.Rule, ctx: base.Context) -> Iterator[Finding]:
    """Each term's required topics (告家长书: 交通安全 in the first 30 days, 防溺水 by 05-01…): a
    topic without a row of the term by its date is an error; within `warn_days` of it a warning."""
    date_field, topic_field = rule.get("date"), rule.get("topic")
    term = ctx.term
    season = "autumn" if term.start.month >= 8 else "spring"
    covered: list[tuple[date, str]] = []
    first: date | None = None
    for typed in ctx.sheet(rule.spec.sheet_id):
        base.require_columns(typed, [date_field, topic_field] + base.condition_fields(rule.when), rule)
        for index in range(len(typed)):
            day, text = base.as_date(typed.columns[date_field][index]), typed.columns[topic_field][index]
            if day is None or not base.condition_holds(typed, index, rule.when):
                continue
            first = day if first is None or day < first else first
            if term.start <= day <= term.end and isinstance(text, str):
                covered.append((day, fold(text)))
    if first is None:
        return  # letters are not kept on this sheet (yet): nothing to count from
    # A school that starts recording mid-term owes no topic due before its first letter.
    counting_from = max(first, ctx.settings.start_date or first)
    warn = rule.get("warn_days", 7)
    for topic, entry in rule.get("topics", {}).items():
        if entry.get("terms") and season not in entry["terms"]:
            continue
        due = _topic_due(entry, term.start, term.end)
        if due is None or due < counting_from:
            continue
        words = [fold(w) for w in entry.get("words") or [topic]]
        if any(any(w in text for w in words) for day, text in covered if day <= due):
            continue
        left = (due - ctx.today).days
        if left < 0:
            severity, zh, en = rule.severity(), f"{term.name}告家长书缺少“{topic}”主题（应在 {due} 前发放，已逾期 {-left} 天）", \
                f"{term.name}: no letter on '{topic}' (due {due}, {base.days_en(-left)} late)"
        elif left <= warn:
            severity, zh, en = WARNING, f"{term.name}告家长书还没有“{topic}”主题（应在 {due} 前发放，还有 {left} 天）", \
                f"{term.name}: no letter on '{topic}' yet (due {due})"
        else:
            continue
        yield base.sheet_finding(ctx, rule.spec.sheet_id, rule, severity, zh, en, f"{term.start}|topic-{topic}")
