"""Rule kinds over periods and terms: completeness of daily/weekly/monthly/quarterly logs,
no repeats within a week, next week's plan, term totals, term tasks, cross-sheet records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from rules import enrolment
from rules.calendar import Term, month_end, quarter_bounds, quarter_of, week_start
from rules.kinds.base import (
    Context,
    Rule,
    RuleCannotRun,
    as_date,
    days_en,
    item_name,
    kind,
    require_columns,
    row_finding,
    sheet_finding,
)
from rules.kinds.settings import (
    CHOICE,
    CHOICE_BY_TEXT,
    COLUMN,
    COLUMNS,
    ERROR_BY_DEFAULT,
    FIELD,
    INT,
    ITEM,
    LABELS,
    NUMBER,
    OBJECT,
    SHEET,
    TEXT,
    TEXTS,
    WARNING_BY_DEFAULT,
    Setting,
)
from rules.model import ERROR, WARNING, Finding
from rules.text import fold
from rules.validate import TypedTable

PERIODS = ("school_day", "school_week", "school_month", "quarter")


def _dates(tables: list[TypedTable], field: str) -> list[tuple[TypedTable, int, date]]:
    found = []
    for typed in tables:
        for index, value in enumerate(typed.column(field)):
            day = as_date(value)
            if day is not None:
                found.append((typed, index, day))
    return found


def _window(ctx: Context, rows: list[tuple[TypedTable, int, date]], term: Term) -> tuple[date, date] | None:
    """From the later of the term's start, the sheet's first record and the configured start,
    up to yesterday (or the term's end): a school that starts mid-term is not flooded."""
    if not rows:
        return None  # the sheet was never used: nothing to count from
    # The first date recorded in the sheet, not in the term: a term without a single record
    # yet is exactly when the missing weeks must be reported.
    start = max(term.start, min(day for _, _, day in rows), ctx.settings.start_date or term.start)
    end = min(ctx.today - timedelta(days=1), term.end)
    return (start, end) if start <= end else None


def _week_label(monday: date) -> str:
    sunday = monday + timedelta(days=6)
    return f"第{monday.isocalendar()[1]}周（{monday:%m-%d}～{sunday:%m-%d}）"


def _member_stays(rule: Rule, ctx: Context) -> dict[str, enrolment.Stay]:
    """Classes taken from 幼儿健康档案, with the days they have children; none otherwise."""
    spec = rule.get("members") or {}
    if spec.get("from_sheet") == enrolment.CHILDREN and spec.get("from_field") == enrolment.CLASS \
            and not ctx.settings.classes:
        return enrolment.class_stays(ctx.sheet(enrolment.CHILDREN))
    return {}


def _members(rule: Rule, ctx: Context, rows: list[tuple[TypedTable, int, date]]) -> dict[str, str]:
    """Member -> its frequency ("school_day", "school_week"...), for rules per class or object."""
    spec = rule.get("members")
    period = rule.get("period")
    if not spec:
        return {"": period}
    if "frequency" in spec:
        return dict(spec["frequency"])
    if "list" in spec:
        return dict.fromkeys(spec["list"], period)
    names: list[str] = []
    if spec.get("config") == "classes" and ctx.settings.classes:
        names = list(ctx.settings.classes)
    elif spec.get("from_sheet") == enrolment.CHILDREN and spec.get("from_field") == enrolment.CLASS:
        names = list(enrolment.class_stays(ctx.sheet(enrolment.CHILDREN)))
    elif spec.get("from_sheet"):
        for typed in ctx.sheet(spec["from_sheet"]):
            names.extend(v for v in typed.column(spec["from_field"]) if isinstance(v, str) and v)
    if not names:
        names = [typed.columns[spec["field"]][i] for typed, i, _ in rows if typed.columns[spec["field"]][i]]
    return dict.fromkeys((n.strip() for n in names), period)


@kind(
    "completeness",
    date=Setting(COLUMN, required=True, label="日期列", help="记录的日期"),
    period=Setting(CHOICE, choices=PERIODS, label="频次", help="每个上学日、每个上学周、每个上学月或每季度至少一条记录"),
    members=Setting(OBJECT, fields={
        "field": Setting(COLUMN, label="对象列", help="写对象名称的列"), "config": Setting(CHOICE, choices=("classes",), label="对象来自配置", help="classes：用配置或设置表里的班级名单"), "from_sheet": Setting(SHEET, label="对象来自工作表", help="从哪张表取对象名单"),
        "from_field": Setting(TEXT, label="对象来自的列", help="那张表里写对象名称的列"), "list": Setting(TEXTS, label="对象名单", help="固定的对象名单（用顿号分隔）"), "frequency": Setting(CHOICE_BY_TEXT, choices=PERIODS, label="各对象频次", help="每个对象自己的频次")}, label="对象", help="每个对象（班级、消毒对象…）分别要有记录"),
    min_count=Setting(INT, default=1, minimum=1, label="每期最少记录数", help="每个周期至少几条记录"),
    outbreak=Setting(OBJECT, fields={"daily_min": Setting(INT, minimum=1, label="流行期每天最少次数", help="流行期每天至少几次")}, label="传染病流行期", help="流行期加强的要求"),
    warn_days=Setting(INT, default=0, minimum=0, label="提前提醒天数", help="周期结束前几天开始提醒"),
    **LABELS, **ERROR_BY_DEFAULT,
)
def completeness(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Every school day / week / month / quarter of the term has its records, per member."""
    sheet_id, field = rule.spec.sheet_id, rule.get("date")
    tables = ctx.sheet(sheet_id)
    member_field = (rule.get("members") or {}).get("field")
    for typed in tables:
        require_columns(typed, [field] + ([member_field] if member_field else []), rule)
    rows = _dates(tables, field)
    term = ctx.term
    window = _window(ctx, rows, term)
    if window is None:
        return
    start, end = window
    counts: Counter[tuple[str, date]] = Counter()
    for typed, index, day in rows:
        member = fold(typed.columns[member_field][index]) if member_field and typed.columns[member_field][index] else ""
        counts[(member, day)] += 1
    members = _members(rule, ctx, rows)
    stays = _member_stays(rule, ctx)
    outbreak = ctx.settings.outbreak_mode and rule.get("outbreak")
    label = rule.get("label", "记录")
    school_days = ctx.calendar.school_days(start, end)
    for member, frequency in members.items():
        need = rule.get("min_count", 1)
        if outbreak:
            if frequency == "school_week":
                frequency = "school_day"
            elif frequency == "school_day":
                need = outbreak.get("daily_min", 2)
        key = fold(member)
        prefix = f"{member} " if member else ""
        # A class is owed records only while it has children (入园日期..离园日期 of its children).
        there = stays.get(member.strip(), enrolment.Stay())
        if not there.overlaps(start, end):
            continue
        if frequency == "school_day":
            for day in (d for d in school_days if there.on(d)):
                have = counts[(key, day)]
                if have < need:
                    more = f"只有 {have} 次{label}，每天应有 {need} 次" if have else f"缺{label}"
                    yield sheet_finding(ctx, sheet_id, rule, rule.severity(), f"{prefix}{day} {more}",
                                        f"{member + ' ' if member else ''}{day}: {have} of {need} {rule.get('label_en', 'records')}",
                                        f"{member}|{day}")
        elif frequency == "school_week":
            weeks = sorted({week_start(d) for d in school_days if week_start(d) + timedelta(days=6) < ctx.today and there.on(d)})
            for monday in weeks:
                have = sum(counts[(key, monday + timedelta(days=i))] for i in range(7))
                if have < need:
                    yield sheet_finding(ctx, sheet_id, rule, rule.severity(), f"{prefix}{_week_label(monday)}缺{label}",
                                        f"{member + ' ' if member else ''}week of {monday}: no {rule.get('label_en', 'record')}",
                                        f"{member}|week-{monday}")
        elif frequency == "school_month":
            months = sorted({d.replace(day=1) for d in school_days if month_end(d) < ctx.today})
            for first in months:
                have = sum(n for (m, d), n in counts.items() if m == key and d.replace(day=1) == first)
                if have < need:
                    yield sheet_finding(ctx, sheet_id, rule, rule.severity(), f"{prefix}{first.year}年{first.month}月没有{label}",
                                        f"{member + ' ' if member else ''}{first:%Y-%m}: no {rule.get('label_en', 'record')}",
                                        f"{member}|month-{first:%Y-%m}")
        elif frequency == "quarter":
            previous = ctx.calendar.previous_term(ctx.today)
            earlier = _window(ctx, rows, previous) if previous else None
            said: set[tuple[int, int]] = set()  # a quarter spanning both terms is reported once
            if earlier is not None:  # a past quarter of last term without one is still an error
                yield from _quarters(rule, ctx, key, prefix, counts, earlier[0], previous, said)
            yield from _quarters(rule, ctx, key, prefix, counts, start, term, said)


def _quarters(rule: Rule, ctx: Context, key: str, prefix: str, counts: Counter, start: date, term: Term,
              said: set[tuple[int, int]]) -> Iterator[Finding]:
    sheet_id, label = rule.spec.sheet_id, rule.get("label", "记录")
    warn_days = rule.get("warn_days", 14)
    quarter = quarter_of(start)
    while True:
        first, last = quarter_bounds(*quarter)
        if first > min(ctx.today, term.end):
            break
        span_start, span_end = max(first, start), min(last, term.end)
        have = sum(n for (m, d), n in counts.items() if m == key and first <= d <= last)
        name = f"{quarter[0]}年第{quarter[1]}季度"
        if have == 0 and quarter not in said and ctx.calendar.school_days(span_start, min(span_end, last)):
            said.add(quarter)
            if last < ctx.today:
                yield sheet_finding(ctx, sheet_id, rule, ERROR, f"{prefix}{name}没有{label}（每季度至少一次）",
                                    f"{name}: no {rule.get('label_en', 'record')} (at least one a quarter)", f"{key}|q-{quarter}" if key else f"q-{quarter}")
            elif (last - ctx.today).days <= warn_days:
                left = (last - ctx.today).days
                yield sheet_finding(ctx, sheet_id, rule, WARNING, f"{prefix}{name}还没有{label}，本季度只剩 {left} 天",
                                    f"{name}: no {rule.get('label_en', 'record')} yet, {days_en(left)} left", f"{key}|q-{quarter}" if key else f"q-{quarter}")
        quarter = (quarter[0] + (quarter[1] == 4), quarter[1] % 4 + 1)


@kind(
    "no_repeat",
    **FIELD,
    date=Setting(COLUMN, required=True, label="日期列", help="按日期所在的一周比较"),
    allow=Setting(TEXTS, label="允许重复的名称", help="这些名称可以重复（用顿号分隔）"),
    **ERROR_BY_DEFAULT,
)
def no_repeat(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A name appears at most once per calendar week (Monday-Sunday), allow-list exempt."""
    name_field, date_field = rule.get("field"), rule.get("date")
    allowed = {fold(a) for a in rule.get("allow", [])}
    tables = ctx.sheet(rule.spec.sheet_id)
    seen: dict[tuple[date, str], date] = {}
    entries = []
    for typed in tables:
        require_columns(typed, [name_field, date_field], rule)
        for index, (name, day) in enumerate(zip(typed.columns[name_field], typed.columns[date_field], strict=True)):
            day = as_date(day)
            if day is None or not isinstance(name, str):
                continue
            folded = fold(name)
            if folded and folded not in allowed:
                entries.append((day, typed.numbers[index], typed, index, folded))
    for day, _, typed, index, name in sorted(entries, key=lambda e: (e[0], e[1])):
        key = (week_start(day), name)
        if key in seen:
            first = seen[key]
            dish = typed.columns[name_field][index].strip()
            when = "同一天" if first == day else f"{first:%m-%d}"
            yield row_finding(typed, index, rule, rule.severity(),
                              f"“{dish}”本周已在 {when} 出现过，同一周内菜品不应重复",
                              f"'{dish}' already served on {first} this week", name_field, [date_field])
        else:
            seen[key] = day


@kind(
    "next_week_planned",
    date=Setting(COLUMN, required=True, label="日期列", help="食谱的日期"),
    from_weekday=Setting(INT, default=3, minimum=0, maximum=6, label="从星期几开始提醒", help="0 为星期一，3 为星期四，6 为星期日"),
    label=Setting(TEXT, label="提醒用语", help="提醒里称呼这件事的用语"),
    **WARNING_BY_DEFAULT,
)
def next_week_planned(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """From a weekday on (Thursday by default), next week's school days need their plan."""
    date_field = rule.get("date")
    if ctx.today.weekday() < rule.get("from_weekday", 3):
        return
    monday = week_start(ctx.today) + timedelta(days=7)
    school_days = ctx.calendar.school_days(monday, monday + timedelta(days=6))
    if not school_days:
        return
    rows = _dates(ctx.sheet(rule.spec.sheet_id), date_field)
    if any(monday <= day <= monday + timedelta(days=6) for _, _, day in rows):
        return
    yield sheet_finding(ctx, rule.spec.sheet_id, rule, rule.severity(WARNING),
                        f"下周（{monday:%m-%d}～{monday + timedelta(days=6):%m-%d}）{rule.get('label', '食谱尚未制定')}",
                        f"Next week's plan ({monday}) is not made yet", f"week-{monday}")


@kind(
    "ratio_limit",
    month=Setting(COLUMN, required=True, label="月份列", help="账目所属的月份"),
    income=Setting(COLUMN, required=True, label="收入列", help="收入金额"),
    spend=Setting(COLUMN, required=True, label="支出列", help="支出金额"),
    month_limit=Setting(NUMBER, minimum=0, label="每月盈亏上限（%）", help="每月结余占收入的百分比不超过这个数"),
    term_limit=Setting(NUMBER, minimum=0, label="每学期盈亏上限（%）", help="每学期结余占收入的百分比不超过这个数"),
)
def ratio_limit(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """|income − spending| / income per month (warning) and over the term (error)."""
    month_field, income, spend = rule.get("month"), rule.get("income"), rule.get("spend")
    month_limit, term_limit = rule.get("month_limit", 0.02), rule.get("term_limit", 0.02)
    term = ctx.term
    total_in = total_out = 0.0
    last: tuple[TypedTable, int] | None = None
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, [month_field, income, spend], rule)
        for index, (month, a, b) in enumerate(zip(typed.columns[month_field], typed.columns[income], typed.columns[spend], strict=True)):
            if month is None or a is None or b is None or a <= 0:
                continue
            ratio = abs(a - b) / a
            if ratio > month_limit + 1e-12:
                kind_zh = "结余" if a > b else "亏损"
                yield row_finding(typed, index, rule, WARNING,
                                  f"{month:%Y年%m月}伙食费{kind_zh} {abs(a - b):,.2f} 元，占收入 {ratio:.1%}，超过 {month_limit:.0%}",
                                  f"{month:%Y-%m}: surplus/deficit {ratio:.1%} of income, over {month_limit:.0%}", income)
            if term.start.replace(day=1) <= month <= term.end:
                total_in, total_out = total_in + a, total_out + b
                last = (typed, index)
    if total_in > 0 and last is not None:
        ratio = abs(total_in - total_out) / total_in
        if ratio > term_limit + 1e-12:
            yield sheet_finding(ctx, rule.spec.sheet_id, rule, ERROR,
                                f"{term.name}伙食费累计{'结余' if total_in > total_out else '亏损'} {abs(total_in - total_out):,.2f} 元，"
                                f"占收入 {ratio:.1%}，超过每学期 {term_limit:.0%} 的上限",
                                f"{term.name}: surplus/deficit {ratio:.1%} of income, over the {term_limit:.0%} term limit",
                                f"term-{term.start}", last[0])


def _terms_to_judge(ctx: Context, rows: list[tuple[TypedTable, int, date]]) -> list[tuple[Term, bool]]:
    """(term, ended) pairs: the current term, and the previous one when the sheet has records in it."""
    judged = []
    previous = ctx.calendar.previous_term(ctx.today)
    if previous and any(day in previous for _, _, day in rows):
        judged.append((previous, True))
    current = ctx.term
    judged.append((current, current.end < ctx.today))
    return judged


@kind(
    "term_coverage",
    **FIELD,
    date=Setting(COLUMN, required=True, label="日期列", help="记录的日期"),
    types=Setting(TEXTS, required=True, label="每学期必须覆盖的项目", help="每个学期都要有的类型（用顿号分隔）"),
    warn_days=Setting(INT, default=0, minimum=0, label="学期末提前提醒天数", help="学期结束前几天开始提醒缺少的项目"),
    label=Setting(TEXT, label="提醒用语", help="提醒里称呼这件事的用语"),
    **ERROR_BY_DEFAULT,
)
def term_coverage(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Each term has at least one record of every listed type (e.g. drill types)."""
    type_field, date_field = rule.get("field"), rule.get("date")
    required = rule.get("types", [])
    warn_days = rule.get("warn_days", 30)
    tables = ctx.sheet(rule.spec.sheet_id)
    for typed in tables:
        require_columns(typed, [type_field, date_field], rule)
    rows = _dates(tables, date_field)
    for term, ended in _terms_to_judge(ctx, rows):
        present = {fold(t.columns[type_field][i]) for t, i, day in rows if day in term and t.columns[type_field][i]}
        missing = [name for name in required if fold(name) not in present]
        if not missing:
            continue
        left = (term.end - ctx.today).days
        if ended:
            severity, when = ERROR, "学期已结束"
        elif left <= warn_days:
            severity, when = WARNING, f"离学期结束还有 {left} 天"
        else:
            continue
        what = "、".join(missing)
        yield sheet_finding(ctx, rule.spec.sheet_id, rule, severity, f"{term.name}没有{what}{rule.get('label', '记录')}（{when}）",
                            f"{term.name}: no {', '.join(missing)} ({'term ended' if ended else f'{days_en(left)} left'})",
                            f"{term.start}|{'/'.join(missing)}")


@kind(
    "term_task",
    mode=Setting(CHOICE, required=True, choices=("signed", "stocktake"), label="方式", help="signed：每行都要在本学期签订；stocktake：本学期要盘点"),
    date=Setting(COLUMN, required=True, label="日期列", help="签订或盘点的日期"),
    days=Setting(INT, minimum=0, label="学期初宽限天数", help="学期开始后几天内只提醒，之后报错"),
    since=Setting(COLUMN, label="起算列", help="从哪一列的日期起算"),
    **LABELS, **ITEM,
)
def term_task(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Each row's date must fall in the current term (安全责任书) or show this term's task done
    (固定资产 stocktake), with a warning window before it turns into an error."""
    date_field, mode = rule.get("date"), rule.get("mode", "signed")
    days = rule.get("days", 30)
    term, previous = ctx.term, ctx.calendar.previous_term(ctx.today)
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, [date_field], rule)
        for index, value in enumerate(typed.columns[date_field]):
            if date_field in typed.invalid and index in typed.invalid[date_field]:
                continue
            day = as_date(value)
            item = item_name(typed, index, rule.get("item", []))
            label = rule.get("label", "")
            if mode == "signed":
                if day is not None and day in term:
                    continue
                severity = WARNING if (ctx.today - term.start).days < days else ERROR
                shown = f"（最近一次是 {day}）" if day else ""
                yield row_finding(typed, index, rule, severity, f"{item}本学期（{term.name}）尚未{label}{shown}",
                                  f"{item}: not {rule.get('label_en', 'signed')} this term{f' (last {day})' if day else ''}", date_field)
            else:
                if previous is not None and (day is None or day < previous.start) and _existed(typed, index, rule, previous):
                    yield row_finding(typed, index, rule, ERROR,
                                      f"{item}上学期（{previous.name}）没有{label}" + (f"，上次是 {day}" if day else ""),
                                      f"{item}: no {rule.get('label_en', 'stocktake')} last term", date_field)
                elif (day is None or day < term.start) and 0 <= (term.end - ctx.today).days <= days:
                    yield row_finding(typed, index, rule, WARNING,
                                      f"{item}本学期还没有{label}，离学期结束还有 {(term.end - ctx.today).days} 天",
                                      f"{item}: no {rule.get('label_en', 'stocktake')} this term yet", date_field)


def _existed(typed: TypedTable, index: int, rule: Rule, term: Term) -> bool:
    """An asset bought after a term began owes that term no stocktake."""
    since = rule.get("since")
    bought = as_date(typed.columns[since][index]) if since and typed.has(since) else None
    return bought is None or bought < term.start


@kind(
    "exists_in",
    source_sheet=Setting(SHEET, required=True, label="对照的表", help="每行都要在这张表里有对应记录"),
    match=Setting(COLUMNS, required=True, label="对照的列", help="这些列相同就算有对应记录"),
    date=Setting(COLUMN, required=True, label="日期列", help="只查已经过去的上学日"),
    **LABELS, **ITEM, **ERROR_BY_DEFAULT,
)
def exists_in(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Every row of another sheet (a menu dish served on a past school day) has a matching row here."""
    source_id, match = rule.get("source_sheet"), rule.get("match", [])
    date_field = rule.get("date")
    here = ctx.sheet(rule.spec.sheet_id)
    there = ctx.sheet(source_id)
    if not there:
        raise RuleCannotRun(f"没有找到工作表「{ctx.pack.sheet(source_id).name}」，无法核对{rule.get('label', '记录')}",
                            f"Sheet {source_id} is missing; rule {rule.id} cannot run")
    for typed in here + there:
        require_columns(typed, match, rule)
    recorded: set[tuple[Any, ...]] = set()
    first: date | None = None
    for typed in here:
        for index in range(len(typed)):
            values = tuple(_key(typed.columns[name][index]) for name in match)
            recorded.add(values)
            day = as_date(typed.columns[date_field][index])
            if day is not None and (first is None or day < first):
                first = day
    if first is None:
        return
    start = max(first, ctx.settings.start_date or first, ctx.term.start if ctx.today in ctx.term else first)
    for typed in there:
        for index in range(len(typed)):
            day = as_date(typed.columns[date_field][index])
            if day is None or not (start <= day < ctx.today) or not ctx.calendar.is_school_day(day):
                continue
            values = tuple(_key(typed.columns[name][index]) for name in match)
            if any(v is None for v in values) or values in recorded:
                continue
            item = item_name(typed, index, rule.get("item", []))
            yield row_finding(typed, index, rule, rule.severity(),
                              f"{day:%m-%d} {typed.raw_text(index, match[1]) or ''}{item}缺少{rule.get('label', '记录')}",
                              f"{day} {item}: no {rule.get('label_en', 'matching record')}", match[-1])


def _key(value: Any) -> Any:
    if isinstance(value, str):
        return fold(value) or None
    return as_date(value) if as_date(value) is not None else value

