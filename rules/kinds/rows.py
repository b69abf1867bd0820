"""Rule kinds that judge each row on its own: due dates, expiry, comparisons, required
values, durations, computed columns and forbidden words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from rules.calendar import month_end
from rules.kinds.base import (
    Context,
    Rule,
    as_date,
    condition_fields,
    condition_holds,
    days_en,
    each_row,
    is_blank,
    item_name,
    kind,
    require_columns,
    row_finding,
)
from rules.kinds.settings import (
    BOOL,
    CHOICE,
    COLUMN,
    COLUMN_OR_NUMBER,
    COLUMNS_OR_COLUMN,
    CONDITIONS,
    DAYS_BY_TEXT,
    ERROR_BY_DEFAULT,
    FIELD,
    INT,
    ITEM,
    LABELS,
    MESSAGES,
    NUMBER,
    OBJECT,
    REQUIREMENTS,
    SEVERITY,
    TEXT,
    TEXTS,
    Setting,
)
from rules.model import ERROR, WARNING, Finding
from rules.text import fold
from rules.validate import TypedTable


def _due_message(item: str, label: str, label_en: str, due: date, today: date) -> tuple[str, str, str]:
    """(severity, zh, en) for a due date compared with today: overdue is an error, else a warning."""
    days = (due - today).days
    if days < 0:
        return ERROR, f"{item}{label}已逾期 {-days} 天（应在 {due} 前完成）", f"{item}: {label_en} overdue by {days_en(-days)} (due {due})"
    if days == 0:
        return WARNING, f"{item}{label}今天到期（{due}）", f"{item}: {label_en} due today ({due})"
    return WARNING, f"{item}{label}还有 {days} 天到期（{due}）", f"{item}: {label_en} due in {days_en(days)} ({due})"


def _due(found: Finding, due: date) -> Finding:
    """The finding with its due date, so that the to-do can be ordered by when."""
    found.due = due
    return found


@kind(
    "due_by_interval",
    date=Setting(COLUMNS_OR_COLUMN, required=True, label="上次日期列", help="从哪一列的日期起算下次到期（多列时取第一个填了的）"),
    interval=Setting(OBJECT, required=True, fields={
        "field": Setting(COLUMN, label="周期列", help="每行自己写周期天数的列"), "category_field": Setting(COLUMN, label="类别列", help="按类别取默认周期的列"), "by_category": Setting(DAYS_BY_TEXT, label="检查周期天数", help="该类别没写周期时的默认周期（天）"),
        "default_days": Setting(INT, minimum=1, label="默认周期天数", help="没写周期、类别也没有默认时的周期（天）"), "birth_field": Setting(COLUMN, label="出生日期列", help="按年龄定周期时的出生日期列"), "age_years": Setting(INT, minimum=0, label="分界年龄", help="小于这个年龄（岁）用较短的周期"),
        "months_under": Setting(INT, minimum=1, label="分界年龄以下周期月数", help="未满分界年龄时每隔几个月一次"), "months_otherwise": Setting(INT, minimum=1, label="分界年龄以上周期月数", help="满分界年龄后每隔几个月一次")}, label="周期", help="下次到期 = 上次日期 + 周期"),
    warn_days=Setting(INT, default=0, minimum=0, label="提前提醒天数", help="到期前几天开始提醒（0 表示到期当天才提醒）"),
    when=Setting(CONDITIONS, label="条件", help="只检查符合这些条件的行"),
    **LABELS, **ITEM,
)
def due_by_interval(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Next time = last date + interval (from a column, per category, or by age)."""
    dates: list[str] = rule.get("date") if isinstance(rule.get("date"), list) else [rule.get("date")]
    interval = rule.get("interval", {})
    warn_days = rule.get("warn_days", 0)
    label = rule.get("label", "")
    label_en = rule.get("label_en", label)
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, dates[:1] + condition_fields(rule.when), rule)
        last_columns = [typed.column(name) for name in dates]
        per_row = typed.column(interval["field"]) if interval.get("field") else None
        category = typed.column(interval["category_field"]) if interval.get("category_field") else None
        births = typed.column(interval["birth_field"]) if interval.get("birth_field") else None
        for index in range(len(typed)):
            if not condition_holds(typed, index, rule.when):
                continue
            last = next((as_date(col[index]) for col in last_columns if as_date(col[index])), None)
            if last is None:
                continue
            if births is not None:
                birth = as_date(births[index])
                if birth is None:
                    continue
                young = birth + relativedelta(years=interval.get("age_years", 3)) > ctx.today
                due = last + relativedelta(months=interval["months_under"] if young else interval["months_otherwise"])
            else:
                days = per_row[index] if per_row is not None and per_row[index] else None
                if days is None and category is not None:
                    days = interval.get("by_category", {}).get(category[index])
                days = days or interval.get("default_days")
                if not days:
                    continue
                due = last + timedelta(days=int(days))
            if (due - ctx.today).days > warn_days:
                continue
            severity, zh, en = _due_message(item_name(typed, index, rule.get("item", [])), label, label_en, due, ctx.today)
            yield _due(row_finding(typed, index, rule, severity, zh, en, dates[0], dates), due)


def _deadline(rule: Rule, typed: TypedTable, index: int, ctx: Context) -> date | None:
    due = rule.get("due", {})
    base = as_date(typed.columns[due["field"]][index])
    if base is None:
        return None
    if due.get("school_days"):  # the end of the Nth school day after (因病缺勤: by the next school day)
        following = ctx.calendar.school_days(base + timedelta(days=1), base + timedelta(days=30 + 7 * due["school_days"]))
        return following[due["school_days"] - 1] if len(following) >= due["school_days"] else None
    if due.get("year_end"):
        return date(base.year, 12, 31)
    if due.get("month_end"):
        base = month_end(base)
    return base + timedelta(days=due.get("days", 0))


@kind(
    "deadline",
    due=Setting(OBJECT, required=True, fields={
        "field": Setting(COLUMN, required=True, label="期限列", help="期限所在（或起算）的日期列"), "days": Setting(INT, label="期限天数", help="起算日期之后几天内要完成"), "month_end": Setting(BOOL, label="到月底", help="期限为该日期所在月的月底"),
        "year_end": Setting(BOOL, label="到年底", help="期限为该日期所在年的 12 月 31 日"),
        "school_days": Setting(INT, minimum=1, label="期限上学日数", help="起算日期之后几个上学日内要完成")}, label="期限", help="期限从哪一列起算"),
    when=Setting(CONDITIONS, label="条件", help="只检查符合这些条件的行"),
    pending_severity=Setting(SEVERITY, default="warning", label="未到期时的级别", help="期限未到、尚未完成时的提醒级别"),
    missing_severity=Setting(SEVERITY, label="缺期限时的级别", help="该填的期限没填时的级别"),
    missing_message=Setting(TEXT, label="缺期限时的提示语", help="该填的期限没填时的提示文字"),
    missing_message_en=Setting(TEXT, label="缺期限时的英文提示语", help="英文界面的提示文字"),
    overdue_message=Setting(TEXT, label="逾期提示语", help="逾期时的提示文字"),
    warn_days=Setting(INT, default=0, minimum=0, label="提前提醒天数", help="期限前几天开始提醒（0 表示不提前提醒）"),
    **LABELS, **ITEM, **ERROR_BY_DEFAULT,
)
def deadline(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """While a row is pending (its `when` holds), its due date must not pass.

    The due date is a column, or a column plus days, or the end of that column's year or
    month. Past due: `severity` (error by default); within `warn_days`: warning; before that,
    `pending_severity` if set (a standing reminder); a missing due date: `missing_severity`.
    """
    due_field = rule.get("due", {})["field"]
    label = rule.get("label", "")
    label_en = rule.get("label_en", label)
    warn_days = rule.get("warn_days", -1)
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, [due_field] + condition_fields(rule.when), rule)
        for index in range(len(typed)):
            if not condition_holds(typed, index, rule.when):
                continue
            if due_field in typed.invalid and index in typed.invalid[due_field]:
                continue  # already reported as malformed
            item = item_name(typed, index, rule.get("item", []))
            due = _deadline(rule, typed, index, ctx)
            if due is None:
                severity = rule.get("missing_severity")
                if severity:
                    yield row_finding(typed, index, rule, severity, f"{item}{rule.get('missing_message', '缺少日期')}",
                                      f"{item}: {rule.get('missing_message_en', 'date missing')}", due_field)
                continue
            days = (due - ctx.today).days
            if days < 0:
                severity = rule.severity(ERROR)
                zh = rule.get("overdue_message", "{item}{label}已超过期限 {days} 天（期限 {due}）").format(
                    item=item, label=label, days=-days, due=due)
                en = f"{item}: {label_en} {days_en(-days)} past the deadline ({due})"
            elif days <= warn_days:
                severity, zh, en = _due_message(item, label, label_en, due, ctx.today)
            elif rule.get("pending_severity"):
                severity = rule.get("pending_severity")
                zh = f"{item}{label}尚未完成（期限 {due}，还有 {days} 天）"
                en = f"{item}: {label_en} pending (deadline {due}, {days_en(days)} left)"
            else:
                continue
            yield _due(row_finding(typed, index, rule, severity, zh, en, due_field, [due_field]), due)


@kind(
    "expiry",
    date=Setting(COLUMN, label="到期日期列", help="写到期日期的列"),
    start=Setting(COLUMN, label="生产日期列", help="没写到期日期时，用生产日期加保质期"),
    days=Setting(COLUMN, label="保质期列", help="保质期（天）所在的列"),
    quantity=Setting(COLUMN, required=True, label="数量列", help="数量为 0 的物品不提醒"),
    category=Setting(COLUMN, label="类别列", help="按类别取提前提醒天数的列"),
    default_category=Setting(TEXT, label="默认类别", help="类别没填时按哪一类"),
    warn_days=Setting(DAYS_BY_TEXT, default={}, minimum=0, maximum=3650, label="提前提醒天数", help="到期前几天开始提醒"),
    require_date_for=Setting(TEXTS, label="必须写到期日期的类别", help="这些类别有库存却没有到期日期时报错"),
    **ITEM,
)
def expiry(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Expired with stock left: error; expiring within the category's window: warning."""
    expires, start, days_field = rule.get("date"), rule.get("start"), rule.get("days")
    quantity, category_field = rule.get("quantity"), rule.get("category")
    windows: dict[str, int] = rule.get("warn_days", {})
    item_fields = rule.get("item", [])
    need_date = set(rule.get("require_date_for", []))
    default_window = windows.get("*", 0)
    default_category = rule.get("default_category", "")
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, [quantity], rule)
        ends, starts, lengths = typed.column(expires), typed.column(start), typed.column(days_field)
        amounts, categories = typed.column(quantity), typed.column(category_field)
        today = ctx.today
        # The last expiry date that still needs a word, per category (food within 7 days...).
        limits = {category: today + timedelta(days=days) for category, days in windows.items()}
        default_limit = today + timedelta(days=default_window)
        shelf_lives: dict[Any, timedelta] = {}  # a store holds a few dozen distinct shelf lives
        for index, (amount, end, begun, length, category) in enumerate(zip(amounts, ends, starts, lengths, categories, strict=True)):
            if not amount or amount <= 0:
                continue
            # Typed date columns hold dates or None.
            if end is None and begun is not None and length is not None:
                shelf_life = shelf_lives.get(length)
                if shelf_life is None:
                    shelf_life = shelf_lives[length] = timedelta(days=int(length))
                end = begun + shelf_life
            category = category or default_category
            if end is None:
                malformed = any(index in typed.invalid.get(name, ()) for name in (expires, start, days_field))
                if category in need_date and not malformed:  # a malformed date is already a finding
                    item = item_name(typed, index, item_fields)
                    yield row_finding(typed, index, rule, ERROR,
                                      f"{item}是{category}，有库存却没有到期日期（或生产日期加保质期），无法判断是否过期",
                                      f"{item}: {category} in stock without an expiry date (or production date + shelf life)",
                                      expires)
                continue
            if end > limits.get(category, default_limit):
                continue
            days = (end - today).days
            item = item_name(typed, index, item_fields)
            if days < 0:
                yield _due(row_finding(typed, index, rule, ERROR, f"{item}已过期 {-days} 天（{end} 到期），请立即清理",
                                       f"{item} expired {days_en(-days)} ago ({end}); remove it now", expires, [expires, start]), end)
            else:
                when = "今天到期" if days == 0 else f"还有 {days} 天过期"
                yield _due(row_finding(typed, index, rule, WARNING, f"{item}{when}（{end}），请尽快使用或处理",
                                       f"{item} expires {'today' if days == 0 else f'in {days_en(days)}'} ({end})",
                                       expires, [expires, start]), end)


_OPS = {
    "<=": (lambda a, b: a <= b), "<": (lambda a, b: a < b), ">=": (lambda a, b: a >= b),
    ">": (lambda a, b: a > b), "==": (lambda a, b: a == b), "!=": (lambda a, b: a != b),
}


@kind(
    "comparison",
    left=Setting(COLUMN, required=True, label="比较的列", help="要检查的列"),
    op=Setting(CHOICE, required=True, choices=("<=", "<", ">=", ">", "==", "!="), label="比较方式", help="<=、<、>=、>、==、!="),
    right=Setting(COLUMN_OR_NUMBER, required=True, label="比较值", help="和哪个数（或哪一列）比较"),
    when=Setting(CONDITIONS, label="条件", help="只检查符合这些条件的行"),
    **MESSAGES, **ITEM, **ERROR_BY_DEFAULT,
)
def comparison(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """`left op right`, right being another column or a constant; a row that breaks it is reported."""
    left, op, right = rule.get("left"), rule.get("op"), rule.get("right")
    right_is_field = isinstance(right, str)
    test = _OPS[op]
    when = rule.when
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, [left] + ([right] if right_is_field else []) + condition_fields(when), rule)
        lefts = typed.columns[left]
        rights = typed.columns[right] if right_is_field else [right] * len(lefts)
        for index, (a, b) in enumerate(zip(lefts, rights, strict=True)):
            if a is None or b is None or a == "" or b == "":
                continue
            if when and not condition_holds(typed, index, when):
                continue
            if isinstance(a, str) and isinstance(b, str):
                a, b = fold(a), fold(b)
            if test(a, b):
                continue
            item = item_name(typed, index, rule.get("item", []))
            shown_a, shown_b = typed.raw_text(index, left), typed.raw_text(index, right) if right_is_field else f"{right:g}" if isinstance(right, float | int) else str(right)
            zh = rule.get("message", "{item}：{left}“{a}”不符合要求").format(item=item, left=left, a=shown_a, right=right, b=shown_b)
            en = rule.get("message_en", "{item}: {left} '{a}' {op} {b} does not hold").format(
                item=item, left=left, a=shown_a, right=right, b=shown_b, op=op)
            yield row_finding(typed, index, rule, rule.severity(), zh, en, left)


@kind(
    "required_if",
    when=Setting(CONDITIONS, label="条件", help="只检查符合这些条件的行"),
    require=Setting(REQUIREMENTS, required=True, label="必填的列", help="条件成立时这些列必须填写"),
    **MESSAGES, **ITEM, **ERROR_BY_DEFAULT,
)
def required_if(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """When the row's conditions hold, listed columns must be filled (or hold a given value)."""
    requirements: list[dict[str, Any]] = rule.get("require", [])
    when = rule.when
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, condition_fields(when), rule)
        for index in range(len(typed)):
            if not condition_holds(typed, index, when):
                continue
            missing: list[str] = []
            for need in requirements:
                name = need["field"]
                value = typed.columns[name][index] if typed.has(name) else None
                if name in typed.invalid and index in typed.invalid[name]:
                    continue  # already reported as malformed
                if "equals" in need:
                    if is_blank(value) or fold(str(value)) != fold(str(need["equals"])):
                        missing.append(f"{name}应为“{need['equals']}”")
                elif is_blank(value):
                    missing.append(name)
            if missing:
                item = item_name(typed, index, rule.get("item", []))
                what = "、".join(missing)
                zh = rule.get("message", "{item}缺少：{missing}").format(item=item, missing=what)
                en = rule.get("message_en", "{item}: missing {missing}").format(item=item, missing=what)
                first = requirements[0]["field"] if requirements else None
                yield row_finding(typed, index, rule, rule.severity(), zh, en, first)


@kind(
    "duration",
    start=Setting(COLUMN, required=True, label="开始时间列", help="开始的日期时间"),
    end=Setting(COLUMN, required=True, label="结束时间列", help="结束的日期时间"),
    min_hours=Setting(NUMBER, required=True, minimum=0, label="最少小时数", help="结束减开始不得少于这么多小时"),
    **ITEM, **ERROR_BY_DEFAULT,
)
def duration(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Time between two date-times of a row must be at least `min_hours`."""
    start, end, hours = rule.get("start"), rule.get("end"), rule.get("min_hours")
    for typed, index, (a, b) in each_row(ctx, rule, [start, end]):
        if not isinstance(a, datetime) or not isinstance(b, datetime):
            continue
        kept = (b - a).total_seconds() / 3600
        if kept >= hours:
            continue
        item = item_name(typed, index, rule.get("item", []))
        whole, minutes = int(kept), round((kept - int(kept)) * 60)
        shown = f"{whole} 小时" + (f" {minutes} 分" if minutes else "")
        yield row_finding(typed, index, rule, rule.severity(),
                          f"{item}只保存了 {shown}，不足 {hours:g} 小时（{a:%m-%d %H:%M} 至 {b:%m-%d %H:%M}）",
                          f"{item} kept {kept:.1f} h, less than {hours:g} h", end)


@kind(
    "computed",
    **FIELD,
    plus=Setting(COLUMN, required=True, label="加数列", help="结果 = 加数列 − 减数列"),
    minus=Setting(COLUMN, required=True, label="减数列", help="结果 = 加数列 − 减数列"),
    tolerance=Setting(NUMBER, default=0.01, minimum=0, label="允许误差", help="计算结果与所填数相差不超过这个数就算对"),
    **ITEM, **ERROR_BY_DEFAULT,
)
def computed(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A column that must equal `plus - minus` of others, within a tolerance (结余 = 收入 − 支出)."""
    target, plus, minus = rule.get("field"), rule.get("plus"), rule.get("minus")
    tolerance = rule.get("tolerance", 0.01)
    for typed, index, (total, a, b) in each_row(ctx, rule, [target, plus, minus]):
        if total is None or a is None or b is None:
            continue
        expected = a - b
        if abs(total - expected) <= tolerance + 1e-9:
            continue
        item = item_name(typed, index, rule.get("item", []))
        yield row_finding(typed, index, rule, rule.severity(),
                          f"{item}{target}填的是 {total:,.2f}，但 {plus}−{minus} = {expected:,.2f}，相差 {total - expected:,.2f}",
                          f"{item}: {target} is {total:,.2f} but {plus} - {minus} = {expected:,.2f}", target)


@kind("forbidden_words", **FIELD, words=Setting(TEXTS, required=True, label="禁止的词", help="名称里含有这些词的报错（用顿号分隔）"), **ERROR_BY_DEFAULT)
def forbidden_words(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A text column must not contain any of the listed words."""
    name, words = rule.get("field"), rule.get("words", [])
    folded = [(w, fold(w)) for w in words]
    for typed, index, (value,) in each_row(ctx, rule, [name]):
        if not isinstance(value, str):
            continue
        text = fold(value)
        hit = next((w for w, f in folded if f in text), None)
        if hit:
            yield row_finding(typed, index, rule, rule.severity(),
                              f"“{value.strip()}”含“{hit}”，属于禁止供应的菜品，请换掉",
                              f"'{value.strip()}' contains '{hit}', a forbidden dish", name)
