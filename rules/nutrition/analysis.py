"""The monthly nutrition analysis: ingredient rows of a period in, figures and findings out.

Per child per menu day = for each day with ingredient rows, Σ grams × value per 100 g / 100,
averaged over those days. Energy shares use 4, 9, 4 kcal per gram of protein, fat and
carbohydrate over their sum; 优质蛋白 share = protein from foods flagged 是 / all protein.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from rules.model import WARNING, Finding
from rules.nutrition.foods import LABELS, LABELS_EN, NUTRIENT_KEYS, FoodTable, name_key
from rules.nutrition.ingredients import IngredientUse, Where
from rules.nutrition.references import Dris, Mix, children_mix, daily_reference, in_school_share
from rules.nutrition.settings import MEAL_ORDER, NutritionSettings

NO_MEAL = "未填餐次"
REPORT_SHEET = "膳食营养分析"  # the xlsx report's first sheet, by which the command knows its own file
ENERGY_FACTORS = {"protein": 4.0, "fat": 9.0, "carbohydrate": 4.0}
SHARE_NUTRIENT = {"protein": "protein_g", "fat": "fat_g", "carbohydrate": "carbohydrate_g"}
SHARE_LABELS = {"protein": "蛋白质", "fat": "脂肪", "carbohydrate": "碳水化合物"}
# Judged against the reference; fat and carbohydrate are judged by their share of energy instead.
CORE = ("energy_kcal", "protein_g")


@dataclass(frozen=True)
class Period:
    """An inclusive date range: a month by default, a quarter, or any range."""

    start: date
    end: date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))

    @property
    def midpoint(self) -> date:
        return self.start + timedelta(days=(self.end - self.start).days // 2)

    def is_month(self) -> bool:
        return self.start.day == 1 and self == Period.month(self.start.year, self.start.month)

    def label(self) -> str:
        """How a message names the period: 11月, 2026年第4季度, or 2026-11-02至2026-11-27."""
        if self.is_month():
            return f"{self.start.month}月"
        quarter = (self.start.month - 1) // 3
        if (self.start.day == 1 and self.start.month == 3 * quarter + 1
                and self.end == Period.month(self.start.year, 3 * quarter + 3).end):
            return f"{self.start.year}年第{quarter + 1}季度"
        return f"{self.start}至{self.end}"

    def label_en(self) -> str:
        if self.is_month():
            return f"{self.start:%Y-%m}"
        quarter = self.label()
        return quarter.replace("年第", " Q").removesuffix("季度") if "季度" in quarter else f"{self.start} to {self.end}"

    def key(self) -> str:
        return f"{self.start:%Y-%m}" if self.is_month() else f"{self.start}~{self.end}"


@dataclass
class Unknown:
    """An ingredient name the food table does not know: what it weighed and where it was written."""

    name: str
    grams: float = 0.0
    suggestions: list[str] = field(default_factory=list)
    places: list[Where] = field(default_factory=list)


@dataclass
class Analysis:
    period: Period
    days: int
    per_child_day: dict[str, float]
    reference: dict[str, float | None]
    percent_of_reference: dict[str, float | None]
    energy_share: dict[str, float | None]
    quality_protein_share: float | None
    meal_energy_share: dict[str, float]
    food_groups_g: dict[str, float]
    unknown: list[Unknown]
    findings: list[Finding]
    basis: dict[str, Any]
    no_value_g: dict[str, float]
    foods_used: list[str]
    child_days: float | None = None  # 就餐人日数 (Σ 实到人数 of the menu days), None without 晨午检
    planned_per_child: dict[str, float] = field(default_factory=dict)  # per menu day, unweighted
    protein_sources: dict[str, float | None] = field(default_factory=dict)
    meal_judged: list[dict[str, Any]] = field(default_factory=list)
    groups_judged: list[dict[str, Any]] = field(default_factory=list)
    food_cost: dict[str, Any] | None = None
    # The 带量食谱 analysed: (day, meal, dish, food, grams per child) in menu order.
    menu: list[tuple[date, str, str, str, float]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The one JSON object of `houqin nutrition --format json` (shares are fractions)."""
        return {
            "period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat(), "days": self.days},
            "per_child_day": _rounded(self.per_child_day),
            "reference": _rounded(self.reference),
            "percent_of_reference": _rounded(self.percent_of_reference, 2),
            "energy_share": _rounded(self.energy_share),
            "quality_protein_share": _round(self.quality_protein_share),
            "meal_energy_share": _rounded(self.meal_energy_share),
            "food_groups_g": _rounded(self.food_groups_g),
            "unknown_ingredients": [
                {"name": u.name, "grams": _round(u.grams), "grams_per_child_day": _round(u.grams / self.days if self.days else 0.0),
                 "suggestions": u.suggestions,
                 "cells": [f"{p.sheet}!{p.cell}" if p.cell else f"{p.sheet} 第{p.row}行" for p in u.places]}
                for u in self.unknown
            ],
            "findings": [f.as_dict() for f in self.findings],
            "basis": self.basis,
            "no_value_g": _rounded(self.no_value_g),
            "child_days": self.child_days,
            "per_person_day": _rounded(self.per_child_day) if self.child_days else None,
            "planned_per_child": _rounded(self.planned_per_child),
            "protein_sources": _rounded(self.protein_sources),
            "meal_shares_judged": self.meal_judged,
            "food_groups_judged": self.groups_judged,
            "food_cost": self.food_cost,
        }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _rounded(values: dict[str, Any], digits: int = 4) -> dict[str, Any]:
    return {k: _round(v, digits) for k, v in values.items()}


def _meal_key(meal: str) -> tuple[int, str]:
    return (MEAL_ORDER.index(meal) if meal in MEAL_ORDER else len(MEAL_ORDER), meal)


ANIMAL_GROUPS = ("畜禽肉类", "鱼虾类", "蛋类", "奶类")  # 动物性食物 of the 2012 norms' 蛋白质来源
SOY_GROUP = "豆类及制品"  # 大豆类: the soy foods flagged 优质蛋白 (not 绿豆, 红豆)


@dataclass
class _Day:
    """One menu day's sums per child (planned grams × value)."""

    totals: dict[str, float] = field(default_factory=lambda: dict.fromkeys(NUTRIENT_KEYS, 0.0))
    quality: float = 0.0
    animal: float = 0.0
    soy: float = 0.0
    groups: dict[str, float] = field(default_factory=dict)
    meals: dict[str, float] = field(default_factory=dict)


def _weighted(days: dict[date, _Day], weights: dict[date, float], pick) -> float:
    """Σ weight × value / Σ weight over the weighted days: per 人日 when the weights are 实到人数."""
    total = sum(weights.values())
    return sum(w * pick(days[d]) for d, w in weights.items()) / total if total else 0.0


def food_cost(spending: Mapping[date, float] | None, attendance: Mapping[date, int] | None,
              period: Period) -> dict[str, Any] | None:
    """膳食费 per child-day: the food account's spending (支出) of the months the period touches,
    over the child-days (实到人数 of 晨午检) of those whole months."""
    if not spending or not attendance:
        return None
    months = sorted(m for m in spending if period.start.replace(day=1) <= m <= period.end)
    spent = sum(spending[m] for m in months)
    keys = {(m.year, m.month) for m in months}
    child_days = sum(n for d, n in attendance.items() if (d.year, d.month) in keys)
    if not months or not child_days:
        return None
    return {"months": [f"{m:%Y-%m}" for m in months], "spent": round(spent, 2), "child_days": child_days,
            "per_child_day": round(spent / child_days, 2)}


def analyse(uses: Iterable[IngredientUse], foods: FoodTable, dris: Dris, settings: NutritionSettings, period: Period,
            children: Sequence[tuple[date | None, str | None]] | None = None,
            anchor: tuple[str, str] = ("*", "食谱用料"), attendance: Mapping[date, int] | None = None,
            spending: Mapping[date, float] | None = None) -> Analysis:
    """The period's analysis. `children` are (出生日期, 性别) of 幼儿健康档案, None without that sheet;
    `anchor` is the (source, sheet) the threshold findings are filed under; `attendance` the
    children eating each day (Σ 实到人数 of 晨午检): with it the intake is per 人日 (each day
    weighted by who ate), as the 2012 norms' 膳食调查 counts; `spending` 伙食账 支出 by month."""
    rows = [u for u in uses if period.start <= u.day <= period.end]
    by_day: dict[date, _Day] = {}
    no_value = dict.fromkeys(NUTRIENT_KEYS, 0.0)
    unknown: dict[str, Unknown] = {}
    used: set[str] = set()
    for use in rows:
        food = foods.find(use.food)
        day = by_day.setdefault(use.day, _Day())
        if food is None:
            entry = unknown.setdefault(name_key(use.food), Unknown(use.food.strip()))
            entry.grams += use.grams
            if use.where is not None:
                entry.places.append(use.where)
            continue
        used.add(food.name)
        for key in NUTRIENT_KEYS:
            value = food.values[key]
            if value is None:
                no_value[key] += use.grams
            else:
                day.totals[key] += use.grams * value / 100
        protein = use.grams * (food.values["protein_g"] or 0.0) / 100
        if food.quality_protein:
            day.quality += protein
        if food.group in ANIMAL_GROUPS:
            day.animal += protein
        elif food.group == SOY_GROUP and food.quality_protein:
            day.soy += protein
        day.groups[food.group] = day.groups.get(food.group, 0.0) + use.grams
        meal = use.meal or NO_MEAL
        day.meals[meal] = day.meals.get(meal, 0.0) + use.grams * (food.values["energy_kcal"] or 0.0) / 100
    for entry in unknown.values():
        entry.suggestions = foods.nearest(entry.name)
    days = len(by_day)
    eating = {d: float(attendance[d]) for d in by_day if attendance and attendance.get(d)}
    weights = eating or dict.fromkeys(by_day, 1.0)  # without 实到人数, every menu day counts once
    per_day = {k: _weighted(by_day, weights, lambda day, k=k: day.totals[k]) for k in NUTRIENT_KEYS}
    planned = {k: (sum(day.totals[k] for day in by_day.values()) / days if days else 0.0) for k in NUTRIENT_KEYS}
    energy_parts = {part: per_day[SHARE_NUTRIENT[part]] * factor for part, factor in ENERGY_FACTORS.items()}
    energy_sum = sum(energy_parts.values())
    energy_share = {part: (v / energy_sum if energy_sum else None) for part, v in energy_parts.items()}
    protein = per_day["protein_g"]
    quality_share = _weighted(by_day, weights, lambda day: day.quality) / protein if protein else None
    sources = {"animal_g": _weighted(by_day, weights, lambda day: day.animal),
               "soy_g": _weighted(by_day, weights, lambda day: day.soy)}
    sources["other_g"] = max(protein - sources["animal_g"] - sources["soy_g"], 0.0)
    sources.update({f"{k[:-2]}_share": (v / protein if protein else None) for k, v in list(sources.items())})
    energy_total = per_day["energy_kcal"]
    meal_names = sorted({m for day in by_day.values() for m in day.meals}, key=_meal_key)
    meal_share = {m: (_weighted(by_day, weights, lambda day, m=m: day.meals.get(m, 0.0)) / energy_total
                      if energy_total else 0.0) for m in meal_names}
    group_names = {g for day in by_day.values() for g in day.groups}
    groups = {g: _weighted(by_day, weights, lambda day, g=g: day.groups.get(g, 0.0)) for g in group_names}

    mix = children_mix(children or [], period.midpoint, settings)
    served = [u.meal for u in rows if u.meal]
    fraction, groups_served = in_school_share(served, settings)
    if not served:
        fraction = 1.0  # no meal named at all: the whole day's reference, and the basis says so
    daily = daily_reference(dris, mix, settings)
    reference = {k: (v * fraction if v is not None else None) for k, v in daily.items()}
    percent = {k: (100 * per_day[k] / reference[k] if reference[k] and days else None) for k in NUTRIENT_KEYS}
    basis = _basis(dris, mix, settings, period, fraction, groups_served, children is not None)
    basis["intake"] = (f"按就餐人日数计算：晨午检实到人数合计 {sum(eating.values()):g} 人日（{len(eating)} 天）"
                       + (f"；另有 {days - len(eating)} 天食谱没有晨午检记录，未计入" if days > len(eating) else "")
                       if eating else "没有晨午检实到人数：按有用料的食谱天数平均（每人每天的计划用量）")
    analysis = Analysis(
        period=period, days=days, per_child_day=per_day, reference=reference, percent_of_reference=percent,
        energy_share=energy_share, quality_protein_share=quality_share, meal_energy_share=meal_share,
        food_groups_g={g: groups[g] for g in sorted(groups, key=lambda g: -groups[g])} if days else {},
        unknown=sorted(unknown.values(), key=lambda u: -u.grams), findings=[], basis=basis,
        no_value_g={k: v / days for k, v in no_value.items() if v and days}, foods_used=sorted(used),
        child_days=sum(eating.values()) if eating else None, planned_per_child=planned, protein_sources=sources,
        meal_judged=judge_meals(meal_share, settings, fraction) if days else [],
        groups_judged=judge_groups(groups, settings, fraction) if days else [],
        food_cost=food_cost(spending, attendance, period),
        menu=sorted(((u.day, u.meal or "", u.dish, u.food, u.grams) for u in rows), key=lambda r: (r[0], _meal_key(r[1]))),
    )
    if days:
        analysis.findings = threshold_findings(analysis, settings, anchor)
    return analysis


def judge_meals(shares: Mapping[str, float], settings: NutritionSettings, fraction: float) -> list[dict[str, Any]]:
    """Each configured meal group served: its share of the in-school energy against its split
    (the configured share over the served groups' sum), within ± meal_share_tolerance."""
    judged = []
    for meals, configured in settings.meal_shares:
        share = sum(shares.get(m, 0.0) for m in meals)
        if not any(m in shares for m in meals) or not fraction:
            continue
        expected = configured / fraction
        tolerance = settings.meal_share_tolerance
        verdict = "偏低" if share < expected - tolerance else "偏高" if share > expected + tolerance else "符合"
        judged.append({"meals": "+".join(meals), "share": round(share, 4), "expected": round(expected, 4),
                       "low": round(max(expected - tolerance, 0), 4), "high": round(expected + tolerance, 4),
                       "verdict": verdict})
    return judged


def judge_groups(grams: Mapping[str, float], settings: NutritionSettings, fraction: float) -> list[dict[str, Any]]:
    """Each food group against its recommended whole-day amount times the in-school share."""
    judged = []
    for names, low, high in settings.food_groups:
        amount = sum(grams.get(g, 0.0) for g in names)
        low_in, high_in = low * fraction, high * fraction
        if low == high:  # a single amount: ±10 %
            low_in, high_in = low_in * 0.9, high_in * 1.1
        verdict = "不足" if amount < low_in else "偏多" if amount > high_in else "适量"
        judged.append({"group": "+".join(names), "grams": round(amount, 1), "low": round(low_in, 1),
                       "high": round(high_in, 1), "verdict": verdict})
    return judged


def _basis(dris: Dris, mix: Mix, settings: NutritionSettings, period: Period, fraction: float, groups: list[str],
           has_records: bool) -> dict[str, Any]:
    """What the reference and the judgement rest on, in words the report prints."""
    served = "、".join(groups) if groups else "（食谱未写餐次，按全天计算）"
    mix_text = mix.describe(period.midpoint)
    if has_records and not mix.from_records:
        mix_text = "幼儿健康档案里没有可用的出生日期；" + mix_text
    kind = "寄宿制" if settings.boarding else "全日制"
    low, high = settings.protein_share, settings.fat_share
    carb = settings.carbohydrate_share
    return {
        "dris": dris.name,
        "children": mix_text,
        "meal_shares": settings.meal_share_text(),
        "meals_served": served,
        "in_school_share": round(fraction, 4),
        "activity_level_6": settings.activity_level_6,
        "standards": (f"《托儿所幼儿园卫生保健工作规范》（2012）：{kind}能量、蛋白质 ≥ {settings.energy_protein_min:.0%}，"
                      f"其他营养素 ≥ {settings.other_min:.0%}；供能比 蛋白质 {low[0]:.0%}–{low[1]:.0%}、"
                      f"脂肪 {high[0]:.0%}–{high[1]:.0%}、碳水化合物 {carb[0]:.0%}–{carb[1]:.0%}；"
                      f"优质蛋白 ≥ {settings.quality_protein_min:.0%}"),
        "note": settings.basis_note,
    }


def percent_text(value: float, limit: float | None = None) -> str:
    """76%, or 79.6% when a whole number would read as the limit itself (or the wrong side of it)."""
    if limit is not None and round(value) in (round(limit), round(limit) - 1, round(limit) + 1) and round(value) != value:
        whole = round(value)
        if whole == round(limit) or (whole >= limit) != (value >= limit):
            return f"{value:.1f}%"
    return f"{value:.0f}%"


def threshold_findings(analysis: Analysis, settings: NutritionSettings, anchor: tuple[str, str]) -> list[Finding]:
    """One warning per unmet threshold: "11月能量摄入为推荐量的 76%，低于 80%"."""
    label, label_en = analysis.period.label(), analysis.period.label_en()
    found: list[tuple[str, str, str]] = []
    for key in NUTRIENT_KEYS:
        percent = analysis.percent_of_reference[key]
        if percent is None:
            continue
        limit = 100 * (settings.energy_protein_min if key in CORE else settings.other_min)
        if percent < limit:
            shown = percent_text(percent, limit)
            found.append((key, f"{label}{LABELS[key]}摄入为推荐量的 {shown}，低于 {limit:.0f}%",
                          f"{label_en}: {LABELS_EN[key]} intake is {shown} of the reference, below {limit:.0f}%"))
    for key in CORE:
        percent = analysis.percent_of_reference[key]
        if percent is not None and percent > 100 * settings.energy_max:
            shown = percent_text(percent, 100 * settings.energy_max)
            found.append((f"{key}_high", f"{label}{LABELS[key]}摄入为推荐量的 {shown}，高于 {100 * settings.energy_max:.0f}%（供给偏多）",
                          f"{label_en}: {LABELS_EN[key]} intake is {shown} of the reference, above {100 * settings.energy_max:.0f}%"))
    ranges = {"protein": settings.protein_share, "fat": settings.fat_share, "carbohydrate": settings.carbohydrate_share}
    for part, (low, high) in ranges.items():
        share = analysis.energy_share[part]
        if share is None or low <= share <= high:
            continue
        side, side_en = ("低于", "below") if share < low else ("高于", "above")
        bound = low if share < low else high
        shown = percent_text(100 * share, 100 * bound)
        found.append((f"{part}_share", f"{label}{SHARE_LABELS[part]}供能比为 {shown}，{side} {low:.0%}–{high:.0%} 的范围",
                      f"{label_en}: {part} provides {shown} of energy, {side_en} the {low:.0%}–{high:.0%} range"))
    quality = analysis.quality_protein_share
    if quality is not None and quality < settings.quality_protein_min:
        shown = percent_text(100 * quality, 100 * settings.quality_protein_min)
        found.append(("quality_protein", f"{label}优质蛋白占蛋白质的 {shown}，低于 {settings.quality_protein_min:.0%}",
                      f"{label_en}: quality protein is {shown} of protein, below {settings.quality_protein_min:.0%}"))
    source, sheet = anchor
    return [Finding(source=source, sheet=sheet, row=None, column=None, cell=None, rule=f"nutrition.{what}", kind="rule",
                    severity=WARNING, message=zh, message_en=en, value=None,
                    key=f"{source}|menu_ingredients|{analysis.period.key()}|nutrition.{what}", sheet_id="menu_ingredients")
            for what, zh, en in found]
