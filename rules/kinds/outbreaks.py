"""Rule kinds of infectious-disease control (保健 registers): outbreak clusters, shortfalls
that must be registered as absences, isolation periods from a reference table, and
disinfection after a case."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import rules.kinds.base as base
from rules.kinds.settings import (
    COLUMN,
    CONDITIONS,
    ERROR_BY_DEFAULT,
    INT,
    ITEM,
    MESSAGES,
    SHEET,
    TABLE,
    TEXT,
    TEXTS,
    WARNING_BY_DEFAULT,
    Setting,
)
from rules.model import Finding
from rules.text import fold, folded, listed
from rules.validate import TypedTable

# Kinds whose findings are the most urgent Houqin raises: sent at once on every channel,
# quiet hours or not (sync/notify/deliver.py asks `urgent_rules`).
URGENT_KINDS = frozenset({"cluster"})


def urgent_rules(pack: Any) -> set[str]:
    """The ids of the pack's rules of an urgent kind."""
    return {rule.id for sheet in pack.sheets for rule in sheet.rules if rule.kind in URGENT_KINDS}


# --- cluster ----------------------------------------------------------------------------------


@base.kind(
    "cluster",
    date=Setting(COLUMN, required=True, label="日期列", help="病例的日期所在列"),
    group=Setting(COLUMN, required=True, label="班级列", help="按哪一列分组（一般是班级）"),
    symptoms=Setting(COLUMN, required=True, label="症状列", help="症状所在列，相同症状才算一组"),
    when=Setting(CONDITIONS, label="条件", help="只统计符合这些条件的行（如缺勤原因为病假）"),
    same_day=Setting(INT, default=3, minimum=2, label="同日病例数", help="同班同一天有几例相同症状就算聚集"),
    span_days=Setting(INT, default=3, minimum=1, label="连续上学日数", help="在几个连续上学日内统计"),
    span_count=Setting(INT, default=5, minimum=2, label="连续期内病例数", help="连续上学日内有几例相同症状就算聚集"),
    recent_days=Setting(INT, default=14, minimum=1, label="报告近多少天", help="只报告最后一例在近多少天内的聚集"),
    **MESSAGES, **ERROR_BY_DEFAULT,
)
def cluster(rule: base.Rule, ctx: base.Context) -> Iterator[Finding]:
    """A class with `same_day` or more cases sharing a symptom on one day, or `span_count` within
    `span_days` consecutive school days: one finding per cluster, on its first case's row (so a
    later case of the same cluster changes nothing and is not sent again)."""
    date_field, group_field, symptom_field = rule.get("date"), rule.get("group"), rule.get("symptoms")
    same_day, span_days, span_count = rule.get("same_day", 3), rule.get("span_days", 3), rule.get("span_count", 5)
    since = ctx.today - timedelta(days=rule.get("recent_days", 14))
    cases: dict[tuple[str, str], list[tuple[date, TypedTable, int]]] = defaultdict(list)
    shown: dict[str, str] = {}
    for typed in ctx.sheet(rule.spec.sheet_id):
        base.require_columns(typed, [date_field, group_field, symptom_field] + base.condition_fields(rule.when), rule)
        for index in range(len(typed)):
            day, group = base.as_date(typed.columns[date_field][index]), typed.columns[group_field][index]
            if day is None or not isinstance(group, str) or not group.strip() or not base.condition_holds(typed, index, rule.when):
                continue
            if not since <= day <= ctx.today:
                continue  # an old cluster is history (the report counts it), not today's alarm
            shown[folded(group)] = group.strip()
            for symptom in listed(typed.columns[symptom_field][index]):
                cases[(folded(group), symptom)].append((day, typed, index))
    if not cases:
        return
    first_day = min(day for found in cases.values() for day, _, _ in found)
    school = ctx.calendar.school_days(first_day, ctx.today)
    # A case on a weekend or holiday counts with the next school day.
    def ordinal(day: date) -> int:
        return next((n for n, d in enumerate(school) if d >= day), len(school))

    spans: dict[str, list[list[Any]]] = defaultdict(list)  # group -> [start, end, symptoms, cases]
    for (group, symptom), found in cases.items():
        found.sort(key=lambda c: (c[0], c[1].numbers[c[2]]))
        numbers = [ordinal(day) for day, _, _ in found]
        for k in range(len(found)):
            window = [j for j in range(k, len(found)) if numbers[j] - numbers[k] < span_days]
            today_count = sum(1 for j in window if found[j][0] == found[k][0])
            if today_count >= same_day or len(window) >= span_count:
                members = [found[j] for j in window] if len(window) >= span_count else \
                    [found[j] for j in window if found[j][0] == found[k][0]]
                spans[group].append([members[0][0], members[-1][0], {symptom}, members])
    for group, found_spans in spans.items():
        merged: list[list[Any]] = []
        for span in sorted(found_spans, key=lambda s: s[0]):
            if merged and ordinal(span[0]) - ordinal(merged[-1][1]) < span_days:
                last = merged[-1]
                last[1] = max(last[1], span[1])
                last[2] |= span[2]
                last[3] = last[3] + [c for c in span[3] if c not in last[3]]
            else:
                merged.append(span)
        for start, end, symptoms, members in merged:
            day, typed, index = min(members, key=lambda c: (c[0], c[1].numbers[c[2]]))
            children = len({(t.table.source, t.numbers[i]) for _, t, i in members})
            when = f"{start:%m-%d}" if start == end else f"{start:%m-%d}～{end:%m-%d}"
            what = "、".join(sorted(symptoms))
            zh = (f"疑似聚集性疫情：{shown[group]} {when} 有 {children} 名幼儿因{what}请病假，"
                  f"应在 24 小时内报告属地疾控机构")
            en = f"Suspected outbreak: {shown[group]} {when}, {children} children absent ill with {what}; report within 24 hours"
            yield base.row_finding(typed, index, rule, rule.severity(), rule.get("message", zh), rule.get("message_en", en),
                              symptom_field, [date_field])


# --- counted_in -------------------------------------------------------------------------------


@base.kind(
    "counted_in",
    date=Setting(COLUMN, required=True, label="日期列", help="日期所在列"),
    group=Setting(COLUMN, required=True, label="班级列", help="班级所在列"),
    expected=Setting(COLUMN, required=True, label="应到人数列", help="应到人数所在列"),
    present=Setting(COLUMN, required=True, label="实到人数列", help="实到人数所在列"),
    target_sheet=Setting(SHEET, required=True, label="登记表", help="每个缺勤幼儿要登记在哪张表"),
    **MESSAGES, **WARNING_BY_DEFAULT,
)
def counted_in(rule: base.Rule, ctx: base.Context) -> Iterator[Finding]:
    """A day's shortfall here (应到 − 实到) has as many rows of the same date and group on the
    target sheet (each absent child registered). Counted from the target sheet's first date, so
    a school that starts registering mid-term is not flooded; today is not judged yet."""
    date_field, group_field = rule.get("date"), rule.get("group")
    expected, present, target = rule.get("expected"), rule.get("present"), rule.get("target_sheet")
    registered: dict[tuple[date, str], int] = defaultdict(int)
    first: date | None = None
    for typed in ctx.sheet(target):
        for day, group in zip(typed.column(date_field), typed.column(group_field), strict=True):
            day = base.as_date(day)
            if day is None or not isinstance(group, str):
                continue
            registered[(day, folded(group))] += 1
            first = day if first is None or day < first else first
    if first is None:
        return
    for typed in ctx.sheet(rule.spec.sheet_id):
        base.require_columns(typed, [date_field, group_field, expected, present], rule)
        for index in range(len(typed)):
            day, group = base.as_date(typed.columns[date_field][index]), typed.columns[group_field][index]
            owed, came = typed.columns[expected][index], typed.columns[present][index]
            if day is None or not isinstance(group, str) or owed is None or came is None or not first <= day < ctx.today:
                continue
            short, have = owed - came, registered[(day, folded(group))]
            if short <= have:
                continue
            item = base.item_name(typed, index, [group_field, date_field])
            zh = rule.get("message", "{item}缺勤 {short} 人，缺勤登记只有 {have} 人，缺勤未逐一登记").format(item=item, short=short, have=have)
            en = rule.get("message_en", "{item}: {short} absent, only {have} registered").format(item=item, short=short, have=have)
            yield base.row_finding(typed, index, rule, rule.severity(), zh, en, present, [date_field])


# --- isolation --------------------------------------------------------------------------------


ISOLATION_ROW = {"isolation_days": Setting(INT, required=True, minimum=0, label="隔离天数", help="自发病日起至少隔离几天"),
                 "observation_days": Setting(INT, minimum=0, label="观察天数", help="同班幼儿医学观察几天")}


def isolation_table(rule: base.Rule, ctx: base.Context) -> dict[str, dict[str, Any]]:
    """The rule's isolation table, or the one of the rule it names (`table_rule`), folded by name."""
    table = rule.get("table")
    if table is None and rule.get("table_rule"):
        other = next(r for s in ctx.pack.sheets for r in s.rules if r.id == rule.get("table_rule"))
        table = {**other.params, **ctx.settings.rule_settings.get(other.id, {})}.get("table", {})
    return {fold(name): values for name, values in (table or {}).items()}


@base.kind(
    "isolation",
    disease=Setting(COLUMN, required=True, label="病名列", help="传染病名称所在列"),
    onset=Setting(COLUMN, required=True, label="发病日期列", help="发病日期所在列"),
    back=Setting(COLUMN, required=True, label="返园日期列", help="返园日期所在列"),
    certificate=Setting(COLUMN, label="复课证明列", help="是否有复课证明的列"),
    certificate_value=Setting(TEXT, default="有", label="有证明时填", help="复课证明列里表示有证明的文字"),
    table=Setting(TABLE, fields=ISOLATION_ROW, label="隔离期表", help="每种传染病的隔离期和观察期（天）"),
    table_rule=Setting(TEXT, label="沿用规则", help="隔离期表沿用哪条规则的"),
    # The column naming the class: its classes are under observation after a case (status page).
    observe_class=Setting(COLUMN, label="班级列（医学观察）", help="发病幼儿所在班级的列：病例后该班进入医学观察期"),
    **ITEM, **ERROR_BY_DEFAULT,
)
def isolation(rule: base.Rule, ctx: base.Context) -> Iterator[Finding]:
    """Back at kindergarten after an infectious disease of the table: not before onset + the
    disease's isolation period, and with a certificate (复课证明)."""
    disease, onset, back = rule.get("disease"), rule.get("onset"), rule.get("back")
    certificate, wanted = rule.get("certificate"), fold(rule.get("certificate_value", "有"))
    table = isolation_table(rule, ctx)
    for typed in ctx.sheet(rule.spec.sheet_id):
        base.require_columns(typed, [disease, onset, back], rule)
        for index in range(len(typed)):
            name, returned = typed.columns[disease][index], base.as_date(typed.columns[back][index])
            entry = table.get(folded(name))
            if entry is None or returned is None:
                continue
            item = base.item_name(typed, index, rule.get("item", []))
            began = base.as_date(typed.columns[onset][index])
            if began is not None:
                earliest = began + timedelta(days=entry["isolation_days"])
                if returned < earliest:
                    short = (earliest - returned).days
                    yield base.row_finding(typed, index, rule, rule.severity(),
                                      f"{item}患{name.strip()}，{returned} 返园，早于隔离期满（{earliest}，发病后 {entry['isolation_days']} 天）{short} 天",
                                      f"{item}: back on {returned} with {name.strip()}, {base.days_en(short)} before isolation ends ({earliest})",
                                      back, [back, onset])
                    continue
            if certificate and (not typed.has(certificate) or folded(typed.columns[certificate][index]) != wanted):
                yield base.row_finding(typed, index, rule, rule.severity(),
                                  f"{item}患{name.strip()}后返园，没有复课证明",
                                  f"{item}: back after {name.strip()} without a fitness certificate", certificate, [back])


def observations(rule: base.Rule, ctx: base.Context, class_field: str, onset_field: str, disease_field: str) -> list[dict[str, Any]]:
    """Classes under observation today: the last case of a disease plus its observation period."""
    table = isolation_table(rule, ctx)
    last: dict[tuple[str, str], tuple[date, str, str]] = {}
    for typed in ctx.sheet(rule.spec.sheet_id):
        if any(field not in typed.columns for field in (class_field, onset_field, disease_field)):
            continue  # a required column missing: validation and the rule itself say so
        for klass, began, name in zip(typed.column(class_field), typed.column(onset_field), typed.column(disease_field), strict=True):
            began = base.as_date(began)
            entry = table.get(folded(name))
            if began is None or entry is None or not isinstance(klass, str) or not entry.get("observation_days"):
                continue
            key = (folded(klass), folded(name))
            if key not in last or began > last[key][0]:
                last[key] = (began, klass.strip(), name.strip())
    found = []
    for (_, _), (began, klass, name) in last.items():
        end = began + timedelta(days=table[folded(name)]["observation_days"])
        if began <= ctx.today <= end:
            found.append({"class": klass, "disease": name, "last_case": began, "until": end})
    return sorted(found, key=lambda o: (o["until"], o["class"]))


def under_observation(rules: list[base.Rule], ctx: base.Context) -> list[dict[str, Any]]:
    """Every class under observation today, from the isolation rules that name a class column
    (`observe_class`); dates as ISO text, for the run's summary and the status page."""
    found = []
    for rule in rules:
        if rule.spec.kind == "isolation" and rule.get("observe_class"):
            found += observations(rule, ctx, rule.get("observe_class"), rule.get("onset"), rule.get("disease"))
    return [{**o, "last_case": o["last_case"].isoformat(), "until": o["until"].isoformat()}
            for o in sorted(found, key=lambda o: (o["until"], o["class"]))]


# --- disinfected_after ------------------------------------------------------------------------


@base.kind(
    "disinfected_after",
    date=Setting(COLUMN, required=True, label="日期列", help="病例日期所在列"),
    group=Setting(COLUMN, required=True, label="班级列", help="班级所在列"),
    own=Setting(COLUMN, label="本表消毒日期列", help="本表里记录消毒日期的列"),
    target_sheet=Setting(SHEET, required=True, label="消毒记录表", help="消毒记录在哪张表"),
    target_date=Setting(TEXT, required=True, label="消毒日期列", help="消毒记录表里的日期列"),
    target_field=Setting(TEXT, required=True, label="消毒对象列", help="消毒记录表里的对象列"),
    also=Setting(TEXTS, label="也算的对象", help="消毒对象为这些时也算（如活动室）"),
    school_days=Setting(INT, default=1, minimum=0, label="期限上学日数", help="病例之后几个上学日内要消毒"),
    **ITEM, **ERROR_BY_DEFAULT,
)
def disinfected_after(rule: base.Rule, ctx: base.Context) -> Iterator[Finding]:
    """After a row's date (a case of infectious disease), a record on the target sheet (消毒记录)
    naming the row's group or one of `also` (活动室), on that day or within the next
    `school_days` school days; the row's own column (班级消毒日期) in that span also does."""
    date_field, group_field, own = rule.get("date"), rule.get("group"), rule.get("own")
    words = [fold(w) for w in rule.get("also", [])]
    records: list[tuple[date, str]] = []
    for typed in ctx.sheet(rule.get("target_sheet")):
        for day, text in zip(typed.column(rule.get("target_date")), typed.column(rule.get("target_field")), strict=True):
            if base.as_date(day) is not None and isinstance(text, str):
                records.append((base.as_date(day), fold(text)))
    for typed in ctx.sheet(rule.spec.sheet_id):
        base.require_columns(typed, [date_field, group_field], rule)
        for index in range(len(typed)):
            began, group = base.as_date(typed.columns[date_field][index]), typed.columns[group_field][index]
            if began is None or not isinstance(group, str):
                continue
            following = ctx.calendar.school_days(began + timedelta(days=1), began + timedelta(days=14))
            last = following[rule.get("school_days", 1) - 1] if rule.get("school_days", 1) and following else began
            if last >= ctx.today:
                continue  # still in time
            done = base.as_date(typed.column(own)[index]) if own else None
            if done is not None and began <= done <= last:
                continue
            names = [fold(group)] + words
            if any(began <= day <= last and any(n and n in text for n in names) for day, text in records):
                continue
            item = base.item_name(typed, index, rule.get("item", []))
            yield base.row_finding(typed, index, rule, rule.severity(),
                              f"{item}：发现传染病后应对班级进行终末消毒（{began}～{last} 没有{group.strip()}或活动室的消毒记录）",
                              f"{item}: no terminal disinfection of the class between {began} and {last}", own or date_field,
                              [date_field])
