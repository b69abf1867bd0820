"""The rule kind of 体格检查: each exam's measurements by the WHO growth standards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from rules.growth import age_years, z_scores
from rules.kinds.base import Context, Rule, as_date, days_en, item_name, kind, require_columns, row_finding
from rules.kinds.settings import COLUMN, INT, ITEM, NUMBER, OBJECT, SHEET, Setting
from rules.model import ERROR, WARNING, Finding
from rules.text import folded

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
                facts.setdefault(folded(name), (sex, as_date(birth)))
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
            followed.add((folded(child), folded(disease)))
    days = rule.get("followup_days", 30)
    since = ctx.today - timedelta(days=rule.get("recent_days", 180))
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, [name_field, date_field], rule)
        for index in range(len(typed)):
            child, measured = typed.columns[name_field][index], as_date(typed.columns[date_field][index])
            if not isinstance(child, str) or measured is None or not since <= measured <= ctx.today:
                continue
            known_sex, known_birth = facts.get(folded(child), (None, None))
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
                if (folded(child), folded(condition)) in followed:
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
