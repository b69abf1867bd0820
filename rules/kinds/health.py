"""Rule kinds of the health-care registers: outbreak clusters, shortfalls that must be
registered elsewhere, isolation periods from a reference table, time limits between two
columns, growth by the WHO standards, people who must appear on another sheet, and topics
that must be covered by a date."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from rules.growth import age_years, z_scores
from rules.kinds.base import (
    Context,
    Rule,
    as_date,
    condition_fields,
    condition_holds,
    days_en,
    item_name,
    kind,
    require_columns,
    row_finding,
    sheet_finding,
)
from rules.kinds.settings import (
    COLUMN,
    CONDITIONS,
    ERROR_BY_DEFAULT,
    INT,
    ITEM,
    LABELS,
    MESSAGES,
    NUMBER,
    OBJECT,
    OBJECTS,
    SHEET,
    TABLE,
    TEXT,
    TEXTS,
    WARNING_BY_DEFAULT,
    Setting,
)
from rules.model import ERROR, WARNING, Finding
from rules.text import fold
from rules.validate import TypedTable

# Kinds whose findings are the most urgent Houqin raises: sent at once on every channel,
# quiet hours or not (sync/notify/deliver.py asks `urgent_rules`).
URGENT_KINDS = frozenset({"cluster"})
_SPLIT = re.compile(r"[、,，;；/\s]+")


def urgent_rules(pack: Any) -> set[str]:
    """The ids of the pack's rules of an urgent kind."""
    return {rule.id for sheet in pack.sheets for rule in sheet.rules if rule.kind in URGENT_KINDS}


def _texts(value: Any) -> list[str]:
    """A cell listing several values (发热、咳嗽): each, stripped."""
    if not isinstance(value, str):
        return []
    return [part for part in _SPLIT.split(value.strip()) if part]


def _name(value: Any) -> str:
    return fold(value) if isinstance(value, str) else ""


# --- cluster ----------------------------------------------------------------------------------


@kind(
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
def cluster(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A class with `same_day` or more cases sharing a symptom on one day, or `span_count` within
    `span_days` consecutive school days: one finding per cluster, on its first case's row (so a
    later case of the same cluster changes nothing and is not sent again)."""
    date_field, group_field, symptom_field = rule.get("date"), rule.get("group"), rule.get("symptoms")
    same_day, span_days, span_count = rule.get("same_day", 3), rule.get("span_days", 3), rule.get("span_count", 5)
    since = ctx.today - timedelta(days=rule.get("recent_days", 14))
    cases: dict[tuple[str, str], list[tuple[date, TypedTable, int]]] = defaultdict(list)
    shown: dict[str, str] = {}
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, [date_field, group_field, symptom_field] + condition_fields(rule.when), rule)
        for index in range(len(typed)):
            day, group = as_date(typed.columns[date_field][index]), typed.columns[group_field][index]
            if day is None or not isinstance(group, str) or not group.strip() or not condition_holds(typed, index, rule.when):
                continue
            if not since <= day <= ctx.today:
                continue  # an old cluster is history (the report counts it), not today's alarm
            shown[_name(group)] = group.strip()
            for symptom in _texts(typed.columns[symptom_field][index]):
                cases[(_name(group), symptom)].append((day, typed, index))
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
            yield row_finding(typed, index, rule, rule.severity(), rule.get("message", zh), rule.get("message_en", en),
                              symptom_field, [date_field])


# --- counted_in -------------------------------------------------------------------------------


@kind(
    "counted_in",
    date=Setting(COLUMN, required=True, label="日期列", help="日期所在列"),
    group=Setting(COLUMN, required=True, label="班级列", help="班级所在列"),
    expected=Setting(COLUMN, required=True, label="应到人数列", help="应到人数所在列"),
    present=Setting(COLUMN, required=True, label="实到人数列", help="实到人数所在列"),
    target_sheet=Setting(SHEET, required=True, label="登记表", help="每个缺勤幼儿要登记在哪张表"),
    **MESSAGES, **WARNING_BY_DEFAULT,
)
def counted_in(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A day's shortfall here (应到 − 实到) has as many rows of the same date and group on the
    target sheet (each absent child registered). Counted from the target sheet's first date, so
    a school that starts registering mid-term is not flooded; today is not judged yet."""
    date_field, group_field = rule.get("date"), rule.get("group")
    expected, present, target = rule.get("expected"), rule.get("present"), rule.get("target_sheet")
    registered: dict[tuple[date, str], int] = defaultdict(int)
    first: date | None = None
    for typed in ctx.sheet(target):
        for day, group in zip(typed.column(date_field), typed.column(group_field), strict=True):
            day = as_date(day)
            if day is None or not isinstance(group, str):
                continue
            registered[(day, _name(group))] += 1
            first = day if first is None or day < first else first
    if first is None:
        return
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, [date_field, group_field, expected, present], rule)
        for index in range(len(typed)):
            day, group = as_date(typed.columns[date_field][index]), typed.columns[group_field][index]
            owed, came = typed.columns[expected][index], typed.columns[present][index]
            if day is None or not isinstance(group, str) or owed is None or came is None or not first <= day < ctx.today:
                continue
            short, have = owed - came, registered[(day, _name(group))]
            if short <= have:
                continue
            item = item_name(typed, index, [group_field, date_field])
            zh = rule.get("message", "{item}缺勤 {short} 人，缺勤登记只有 {have} 人，缺勤未逐一登记").format(item=item, short=short, have=have)
            en = rule.get("message_en", "{item}: {short} absent, only {have} registered").format(item=item, short=short, have=have)
            yield row_finding(typed, index, rule, rule.severity(), zh, en, present, [date_field])


# --- isolation --------------------------------------------------------------------------------


ISOLATION_ROW = {"isolation_days": Setting(INT, required=True, minimum=0, label="隔离天数", help="自发病日起至少隔离几天"),
                 "observation_days": Setting(INT, minimum=0, label="观察天数", help="同班幼儿医学观察几天")}


def isolation_table(rule: Rule, ctx: Context) -> dict[str, dict[str, Any]]:
    """The rule's isolation table, or the one of the rule it names (`table_rule`), folded by name."""
    table = rule.get("table")
    if table is None and rule.get("table_rule"):
        other = next(r for s in ctx.pack.sheets for r in s.rules if r.id == rule.get("table_rule"))
        table = {**other.params, **ctx.settings.rule_settings.get(other.id, {})}.get("table", {})
    return {fold(name): values for name, values in (table or {}).items()}


@kind(
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
def isolation(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Back at kindergarten after an infectious disease of the table: not before onset + the
    disease's isolation period, and with a certificate (复课证明)."""
    disease, onset, back = rule.get("disease"), rule.get("onset"), rule.get("back")
    certificate, wanted = rule.get("certificate"), fold(rule.get("certificate_value", "有"))
    table = isolation_table(rule, ctx)
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, [disease, onset, back], rule)
        for index in range(len(typed)):
            name, returned = typed.columns[disease][index], as_date(typed.columns[back][index])
            entry = table.get(_name(name))
            if entry is None or returned is None:
                continue
            item = item_name(typed, index, rule.get("item", []))
            began = as_date(typed.columns[onset][index])
            if began is not None:
                earliest = began + timedelta(days=entry["isolation_days"])
                if returned < earliest:
                    short = (earliest - returned).days
                    yield row_finding(typed, index, rule, rule.severity(),
                                      f"{item}患{name.strip()}，{returned} 返园，早于隔离期满（{earliest}，发病后 {entry['isolation_days']} 天）{short} 天",
                                      f"{item}: back on {returned} with {name.strip()}, {days_en(short)} before isolation ends ({earliest})",
                                      back, [back, onset])
                    continue
            if certificate and (not typed.has(certificate) or _name(typed.columns[certificate][index]) != wanted):
                yield row_finding(typed, index, rule, rule.severity(),
                                  f"{item}患{name.strip()}后返园，没有复课证明",
                                  f"{item}: back after {name.strip()} without a fitness certificate", certificate, [back])


def observations(rule: Rule, ctx: Context, class_field: str, onset_field: str, disease_field: str) -> list[dict[str, Any]]:
    """Classes under observation today: the last case of a disease plus its observation period."""
    table = isolation_table(rule, ctx)
    last: dict[tuple[str, str], tuple[date, str, str]] = {}
    for typed in ctx.sheet(rule.spec.sheet_id):
        if any(field not in typed.columns for field in (class_field, onset_field, disease_field)):
            continue  # a required column missing: validation and the rule itself say so
        for klass, began, name in zip(typed.column(class_field), typed.column(onset_field), typed.column(disease_field), strict=True):
            began = as_date(began)
            entry = table.get(_name(name))
            if began is None or entry is None or not isinstance(klass, str) or not entry.get("observation_days"):
                continue
            key = (_name(klass), _name(name))
            if key not in last or began > last[key][0]:
                last[key] = (began, klass.strip(), name.strip())
    found = []
    for (_, _), (began, klass, name) in last.items():
        end = began + timedelta(days=table[_name(name)]["observation_days"])
        if began <= ctx.today <= end:
            found.append({"class": klass, "disease": name, "last_case": began, "until": end})
    return sorted(found, key=lambda o: (o["until"], o["class"]))


def under_observation(rules: list[Rule], ctx: Context) -> list[dict[str, Any]]:
    """Every class under observation today, from the isolation rules that name a class column
    (`observe_class`); dates as ISO text, for the run's summary and the status page."""
    found = []
    for rule in rules:
        if rule.spec.kind == "isolation" and rule.get("observe_class"):
            found += observations(rule, ctx, rule.get("observe_class"), rule.get("onset"), rule.get("disease"))
    return [{**o, "last_case": o["last_case"].isoformat(), "until": o["until"].isoformat()}
            for o in sorted(found, key=lambda o: (o["until"], o["class"]))]


# --- within_days ------------------------------------------------------------------------------


@kind(
    "within_days",
    start=Setting(COLUMN, required=True, label="起始日期列", help="从哪一列的日期起算"),
    end=Setting(COLUMN, required=True, label="完成日期列", help="应在期限内填的日期列"),
    days=Setting(INT, required=True, minimum=0, label="期限天数", help="起始日期之后几天内要完成"),
    when=Setting(CONDITIONS, label="条件", help="只检查符合这些条件的行"),
    **LABELS, **ITEM, **ERROR_BY_DEFAULT,
)
def within_days(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """`end` no later than `days` calendar days after `start` (报告日期 within a day of onset;
    家长告知 by the next day). Missing while still in time: a warning; missing once late: the error."""
    start, end, limit = rule.get("start"), rule.get("end"), rule.get("days")
    label = rule.get("label", "")
    label_en = rule.get("label_en", label)
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, [start] + condition_fields(rule.when), rule)
        ends = typed.column(end)
        for index in range(len(typed)):
            began = as_date(typed.columns[start][index])
            if began is None or not condition_holds(typed, index, rule.when):
                continue
            if end in typed.invalid and index in typed.invalid[end]:
                continue  # already reported as malformed
            due = began + timedelta(days=limit)
            done = ends[index]
            item = item_name(typed, index, rule.get("item", []))
            if done is None:
                if due < ctx.today:
                    yield row_finding(typed, index, rule, rule.severity(), f"{item}{label}：没有填写{end}（应在 {due} 前）",
                                      f"{item}: {label_en}: no {end} (due {due})", end, [start])
                elif began <= ctx.today:
                    yield row_finding(typed, index, rule, WARNING, f"{item}{label}：还没有填写{end}（应在 {due} 前）",
                                      f"{item}: {label_en}: {end} not filled yet (due {due})", end, [start])
                continue
            done_day = done.date() if isinstance(done, datetime) else as_date(done)
            if done_day is not None and done_day > due:
                late = (done_day - due).days
                yield row_finding(typed, index, rule, rule.severity(), f"{item}{label}：{end} {done_day} 晚于期限 {due} {late} 天",
                                  f"{item}: {label_en}: {end} {done_day} is {days_en(late)} after {due}", end, [start])


# --- growth -----------------------------------------------------------------------------------

CONDITIONS_BY_Z = (  # (condition, indicator, direction)
    ("低体重", "weight_for_age", -1), ("生长迟缓", "height_for_age", -1), ("消瘦", "weight_for_height", -1),
    ("肥胖", "weight_for_height", 1), ("超重", "weight_for_height", 1),
)
_INDICATOR_ZH = {"weight_for_age": "年龄别体重", "height_for_age": "年龄别身高", "weight_for_height": "身高别体重"}


def _child_facts(ctx: Context, sheet: str | None) -> dict[str, tuple[Any, Any]]:
    """Child name -> (sex, birth date) from the records sheet, for exams that leave them out."""
    facts: dict[str, tuple[Any, Any]] = {}
    for typed in ctx.sheet(sheet) if sheet else []:
        for name, sex, birth in zip(typed.column("姓名"), typed.column("性别"), typed.column("出生日期"), strict=True):
            if isinstance(name, str) and name.strip():
                facts.setdefault(_name(name), (sex, as_date(birth)))
    return facts


def growth_conditions(params: dict[str, Any], sex: Any, birth: date, measured: date, weight: Any, height: Any,
                      haemoglobin: Any) -> list[tuple[str, str]]:
    """(condition, what shows it) for one measurement, by the growth rule's cut-offs (`params`)."""
    cut = {**{"under": -2.0, "overweight": 2.0, "obese": 3.0, "anaemia_under5": 110, "anaemia_5up": 115},
           **(params.get("cutoffs") or {})}
    found: list[tuple[str, str]] = []
    scores = z_scores(sex if isinstance(sex, str) else "", birth, measured, weight, height)
    if scores.in_range:
        for condition, indicator, direction in CONDITIONS_BY_Z:
            z = getattr(scores, indicator)
            if z is None:
                continue
            limit = cut["under"] if direction < 0 else cut["obese"] if condition == "肥胖" else cut["overweight"]
            hit = z < limit if direction < 0 else z > limit
            if hit and not (condition == "超重" and any(c == "肥胖" for c, _ in found)):
                found.append((condition, f"{_INDICATOR_ZH[indicator]} Z 值 {z:+.2f}"))
    if isinstance(haemoglobin, int | float):
        limit = cut["anaemia_under5"] if age_years(birth, measured) < 5 else cut["anaemia_5up"]
        if haemoglobin < limit:
            found.append(("贫血", f"血红蛋白 {haemoglobin:g} 克/升，低于 {limit:g}"))
    return found


@kind(
    "growth",
    child=Setting(COLUMN, required=True, label="幼儿姓名列", help="幼儿姓名所在列"),
    date=Setting(COLUMN, required=True, label="体检日期列", help="体检日期所在列"),
    sex=Setting(COLUMN, label="性别列", help="性别所在列"),
    birth=Setting(COLUMN, label="出生日期列", help="出生日期所在列"),
    weight=Setting(COLUMN, label="体重列", help="体重（千克）所在列"),
    height=Setting(COLUMN, label="身高列", help="身高（厘米）所在列"),
    haemoglobin=Setting(COLUMN, label="血红蛋白列", help="血红蛋白（g/L）所在列"),
    records_sheet=Setting(SHEET, label="健康档案表", help="性别和出生日期缺时从哪张表查"),
    cutoffs=Setting(OBJECT, fields={
        "under": Setting(NUMBER, label="低体重界值", help="Z 评分低于此值为低体重、生长迟缓或消瘦"),
        "overweight": Setting(NUMBER, label="超重界值", help="Z 评分高于此值为超重"),
        "obese": Setting(NUMBER, label="肥胖界值", help="Z 评分高于此值为肥胖"),
        "anaemia_under5": Setting(NUMBER, minimum=0, label="5岁以下贫血界值", help="5 岁以下血红蛋白低于此值（g/L）为贫血"),
        "anaemia_5up": Setting(NUMBER, minimum=0, label="5岁及以上贫血界值", help="5 岁及以上血红蛋白低于此值（g/L）为贫血")}, label="判定界值", help="低体重、超重、肥胖的 Z 评分界值和贫血的血红蛋白界值"),
    followup_sheet=Setting(SHEET, label="随访登记表", help="异常幼儿要在哪张表登记随访"),
    followup_days=Setting(INT, default=30, minimum=0, label="随访期限天数", help="发现异常后几天内要有随访记录"),
    recent_days=Setting(INT, default=180, minimum=1, label="检查近多少天的体检", help="只评价近多少天内的体检"),
    **ITEM,
)
def growth(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Each exam's measurements by the WHO standards: a condition (低体重, 生长迟缓, 消瘦, 超重,
    肥胖, 贫血) is a warning naming the z-score, and an error once `followup_days` pass without a
    row of it on the follow-up sheet (常见病登记) for that child."""
    name_field, date_field = rule.get("child"), rule.get("date")
    facts = _child_facts(ctx, rule.get("records_sheet"))
    followed: set[tuple[str, str]] = set()
    for typed in ctx.sheet(rule.get("followup_sheet") or ""):
        for child, disease in zip(typed.column("幼儿姓名"), typed.column("疾病"), strict=True):
            followed.add((_name(child), _name(disease)))
    days = rule.get("followup_days", 30)
    since = ctx.today - timedelta(days=rule.get("recent_days", 180))
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, [name_field, date_field], rule)
        for index in range(len(typed)):
            child, measured = typed.columns[name_field][index], as_date(typed.columns[date_field][index])
            if not isinstance(child, str) or measured is None or not since <= measured <= ctx.today:
                continue
            known_sex, known_birth = facts.get(_name(child), (None, None))
            sex = typed.column(rule.get("sex") or "")[index] if rule.get("sex") else None
            birth = as_date(typed.column(rule.get("birth") or "")[index]) if rule.get("birth") else None
            sex, birth = sex or known_sex, birth or known_birth
            if birth is None:
                continue
            found = growth_conditions(rule.params, sex, birth, measured,
                                      typed.column(rule.get("weight") or "")[index] if rule.get("weight") else None,
                                      typed.column(rule.get("height") or "")[index] if rule.get("height") else None,
                                      typed.column(rule.get("haemoglobin") or "")[index] if rule.get("haemoglobin") else None)
            item = item_name(typed, index, rule.get("item", [name_field]))
            due = measured + timedelta(days=days)
            for condition, shown in found:
                if (_name(child), _name(condition)) in followed:
                    continue
                if due < ctx.today:
                    yield row_finding(typed, index, rule, ERROR,
                                      f"{item}{measured} 体检为{condition}（{shown}），{days} 天内未列入常见病登记专案管理",
                                      f"{item}: {condition} on {measured}, not under case management within {days_en(days)}",
                                      date_field, [date_field])
                else:
                    yield row_finding(typed, index, rule, WARNING,
                                      f"{item}{measured} 体检为{condition}（{shown}），请在 {due} 前列入常见病登记专案管理",
                                      f"{item}: {condition} on {measured}; register for case management by {due}",
                                      date_field, [date_field])


# --- named_elsewhere --------------------------------------------------------------------------


@kind(
    "named_elsewhere",
    field=Setting(COLUMN, required=True, label="姓名列", help="本表的姓名所在列"),
    sources=Setting(OBJECTS, required=True, fields={
        "sheet": Setting(SHEET, required=True, label="来源表名", help="列出人员的表"),
        "field": Setting(TEXT, required=True, label="来源列", help="来源表里的姓名列"),
        "when": Setting(CONDITIONS, label="来源条件", help="只看来源表里符合这些条件的行"),
        "role": Setting(TEXT, label="身份", help="提醒里怎样称呼这些人")}, label="来源表", help="哪些表的哪一列列出的人须在本表有一行"),
    **MESSAGES, **WARNING_BY_DEFAULT,
)
def named_elsewhere(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Everyone named in the listed columns of other sheets has a row here (健康证 for the
    kitchen and care staff; a 常见病登记 row for a 体弱儿). Once per person, on the first row
    naming them. Silent while this sheet is absent (the missing sheet is a finding already)."""
    here = ctx.sheet(rule.spec.sheet_id)
    if not here:
        return
    listed = {_name(v) for typed in here for v in typed.column(rule.get("field"))}
    said: set[str] = set()
    for source in rule.get("sources", []):
        for typed in ctx.sheet(source["sheet"]):
            if not typed.has(source["field"]) or not all(typed.has(c["field"]) for c in source.get("when", [])):
                continue
            for index, value in enumerate(typed.columns[source["field"]]):
                for person in _texts(value):
                    key = fold(person)
                    if key in listed or key in said or not condition_holds(typed, index, source.get("when", [])):
                        continue
                    said.add(key)
                    role = source.get("role") or source["field"]
                    zh = rule.get("message", "{name} 没有{sheet}记录（{role}，见「{where}」）").format(
                        name=person, sheet=ctx.pack.sheet(rule.spec.sheet_id).name, role=role, where=typed.table.sheet)
                    en = rule.get("message_en", "{name}: no row in {sheet} ({role} on {where})").format(
                        name=person, sheet=rule.spec.sheet_id, role=role, where=typed.table.sheet)
                    yield sheet_finding(ctx, rule.spec.sheet_id, rule, rule.severity(), zh, en, f"person-{key}")


# --- topic_schedule ---------------------------------------------------------------------------

TOPIC_ROW = {"terms": Setting(TEXTS, label="学期", help="哪个学期要发（秋季/春季）"),
             "by": Setting(TEXT, label="截止日期", help="月-日，如 05-01"),
             "first_days": Setting(INT, minimum=1, label="开学后天数", help="开学后几天内要发"),
             "words": Setting(TEXTS, label="主题关键词", help="主题里含这些词就算")}


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


@kind(
    "topic_schedule",
    date=Setting(COLUMN, required=True, label="日期列", help="发放日期所在列"),
    topic=Setting(COLUMN, required=True, label="主题列", help="告家长书主题所在列"),
    when=Setting(CONDITIONS, label="条件", help="只看符合这些条件的行"),
    topics=Setting(TABLE, required=True, fields=TOPIC_ROW, label="必发主题表", help="每学期必须发的主题和截止日期"),
    warn_days=Setting(INT, default=7, minimum=0, label="提前提醒天数", help="截止前几天开始提醒"),
    **ERROR_BY_DEFAULT,
)
def topic_schedule(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Each term's required topics (告家长书: 交通安全 in the first 30 days, 防溺水 by 05-01…): a
    topic without a row of the term by its date is an error; within `warn_days` of it a warning."""
    date_field, topic_field = rule.get("date"), rule.get("topic")
    term = ctx.term
    season = "autumn" if term.start.month >= 8 else "spring"
    covered: list[tuple[date, str]] = []
    first: date | None = None
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, [date_field, topic_field] + condition_fields(rule.when), rule)
        for index in range(len(typed)):
            day, text = as_date(typed.columns[date_field][index]), typed.columns[topic_field][index]
            if day is None or not condition_holds(typed, index, rule.when):
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
                f"{term.name}: no letter on '{topic}' (due {due}, {days_en(-left)} late)"
        elif left <= warn:
            severity, zh, en = WARNING, f"{term.name}告家长书还没有“{topic}”主题（应在 {due} 前发放，还有 {left} 天）", \
                f"{term.name}: no letter on '{topic}' yet (due {due})"
        else:
            continue
        yield sheet_finding(ctx, rule.spec.sheet_id, rule, severity, zh, en, f"{term.start}|topic-{topic}")


# --- disinfected_after ------------------------------------------------------------------------


@kind(
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
def disinfected_after(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """After a row's date (a case of infectious disease), a record on the target sheet (消毒记录)
    naming the row's group or one of `also` (活动室), on that day or within the next
    `school_days` school days; the row's own column (班级消毒日期) in that span also does."""
    date_field, group_field, own = rule.get("date"), rule.get("group"), rule.get("own")
    words = [fold(w) for w in rule.get("also", [])]
    records: list[tuple[date, str]] = []
    for typed in ctx.sheet(rule.get("target_sheet")):
        for day, text in zip(typed.column(rule.get("target_date")), typed.column(rule.get("target_field")), strict=True):
            if as_date(day) is not None and isinstance(text, str):
                records.append((as_date(day), fold(text)))
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, [date_field, group_field], rule)
        for index in range(len(typed)):
            began, group = as_date(typed.columns[date_field][index]), typed.columns[group_field][index]
            if began is None or not isinstance(group, str):
                continue
            following = ctx.calendar.school_days(began + timedelta(days=1), began + timedelta(days=14))
            last = following[rule.get("school_days", 1) - 1] if rule.get("school_days", 1) and following else began
            if last >= ctx.today:
                continue  # still in time
            done = as_date(typed.column(own)[index]) if own else None
            if done is not None and began <= done <= last:
                continue
            names = [fold(group)] + words
            if any(began <= day <= last and any(n and n in text for n in names) for day, text in records):
                continue
            item = item_name(typed, index, rule.get("item", []))
            yield row_finding(typed, index, rule, rule.severity(),
                              f"{item}：发现传染病后应对班级进行终末消毒（{began}～{last} 没有{group.strip()}或活动室的消毒记录）",
                              f"{item}: no terminal disinfection of the class between {began} and {last}", own or date_field,
                              [date_field])
