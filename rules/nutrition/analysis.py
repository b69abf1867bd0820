"""The monthly nutrition analysis: ingredient rows of a period in, figures and findings out.

Per child per menu day = for each day with ingredient rows, Σ grams × value per 100 g / 100,
averaged over those days. Energy shares use 4, 9, 4 kcal per gram of protein, fat and
carbohydrate over their sum; 优质蛋白 share = protein from foods flagged 是 / all protein.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
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
        }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _rounded(values: dict[str, Any], digits: int = 4) -> dict[str, Any]:
    return {k: _round(v, digits) for k, v in values.items()}


def _meal_key(meal: str) -> tuple[int, str]:
    return (MEAL_ORDER.index(meal) if meal in MEAL_ORDER else len(MEAL_ORDER), meal)


def analyse(uses: Iterable[IngredientUse], foods: FoodTable, dris: Dris, settings: NutritionSettings, period: Period,
            children: Sequence[tuple[date | None, str | None]] | None = None,
            anchor: tuple[str, str] = ("*", "食谱用料")) -> Analysis:
    """The period's analysis. `children` are (出生日期, 性别) of 幼儿健康档案, None without that sheet;
    `anchor` is the (source, sheet) the threshold findings are filed under."""
    rows = [u for u in uses if period.start <= u.day <= period.end]
    days = len({u.day for u in rows})
    totals = dict.fromkeys(NUTRIENT_KEYS, 0.0)
    no_value = dict.fromkeys(NUTRIENT_KEYS, 0.0)
    quality_protein = 0.0
    groups: dict[str, float] = {}
    meals: dict[str, float] = {}
    unknown: dict[str, Unknown] = {}
    used: set[str] = set()
    for use in rows:
        food = foods.find(use.food)
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
                totals[key] += use.grams * value / 100
        if food.quality_protein:
            quality_protein += use.grams * (food.values["protein_g"] or 0.0) / 100
        groups[food.group] = groups.get(food.group, 0.0) + use.grams
        meal = use.meal or NO_MEAL
        meals[meal] = meals.get(meal, 0.0) + use.grams * (food.values["energy_kcal"] or 0.0) / 100
    for entry in unknown.values():
        entry.suggestions = foods.nearest(entry.name)
    per_day = {k: (v / days if days else 0.0) for k, v in totals.items()}
    energy_parts = {part: per_day[SHARE_NUTRIENT[part]] * factor for part, factor in ENERGY_FACTORS.items()}
    energy_sum = sum(energy_parts.values())
    energy_share = {part: (v / energy_sum if energy_sum else None) for part, v in energy_parts.items()}
    protein = totals["protein_g"]
    quality_share = quality_protein / protein if protein else None
    energy_total = totals["energy_kcal"]
    meal_share = {m: (meals[m] / energy_total if energy_total else 0.0) for m in sorted(meals, key=_meal_key)}

    mix = children_mix(children or [], period.midpoint, settings)
    served = [u.meal for u in rows if u.meal]
    fraction, groups_served = in_school_share(served, settings)
    if not served:
        fraction = 1.0  # no meal named at all: the whole day's reference, and the basis says so
    daily = daily_reference(dris, mix, settings)
    reference = {k: (v * fraction if v is not None else None) for k, v in daily.items()}
    percent = {k: (100 * per_day[k] / reference[k] if reference[k] and days else None) for k in NUTRIENT_KEYS}
    basis = _basis(dris, mix, settings, period, fraction, groups_served, children is not None)
    analysis = Analysis(
        period=period, days=days, per_child_day=per_day, reference=reference, percent_of_reference=percent,
        energy_share=energy_share, quality_protein_share=quality_share, meal_energy_share=meal_share,
        food_groups_g={g: groups[g] / days for g in sorted(groups, key=lambda g: -groups[g])} if days else {},
        unknown=sorted(unknown.values(), key=lambda u: -u.grams), findings=[], basis=basis,
        no_value_g={k: v / days for k, v in no_value.items() if v and days}, foods_used=sorted(used),
    )
    if days:
        analysis.findings = threshold_findings(analysis, settings, anchor)
    return analysis


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
