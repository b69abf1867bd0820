"""Reference intakes: the DRIs as data, the children's mix, the in-school share of the day."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from rules.nutrition.foods import NUTRIENT_KEYS
from rules.nutrition.settings import NutritionSettings

SEXES = ("男", "女")
AGES = (3, 4, 5, 6)
_SEX_WORDS = {"男": "男", "男孩": "男", "m": "男", "male": "男", "女": "女", "女孩": "女", "f": "女", "female": "女"}


@dataclass(frozen=True)
class Child:
    """One child as the reference sees them: whole years 3 to 6, sex or None (not recorded)."""

    age: int
    sex: str | None


@dataclass(frozen=True)
class Dris:
    """Dietary reference intakes per day by age and sex (data/references.json)."""

    name: str
    name_en: str
    energy: Mapping[str, Any]
    rni: Mapping[str, Mapping[str, float]]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Dris:
        return cls(name=data["name"], name_en=data.get("name_en", data["name"]), energy=data["energy_kcal"], rni=data["rni"])

    def energy_for(self, age: int, sex: str, level: str) -> float:
        value = self.energy[str(age)][sex]
        return float(value[level] if isinstance(value, Mapping) else value)

    def value(self, nutrient: str, child: Child, level: str) -> float | None:
        """The child's daily reference; None for nutrients judged by energy share (fat, carbohydrate)."""
        if nutrient == "energy_kcal":
            sexes = [child.sex] if child.sex else list(SEXES)
            return sum(self.energy_for(child.age, s, level) for s in sexes) / len(sexes)
        by_age = self.rni.get(nutrient)
        return float(by_age[str(child.age)]) if by_age else None


def sex_of(text: Any) -> str | None:
    if text is None:
        return None
    return _SEX_WORDS.get(str(text).strip().lower())


def age_on(birth: date, day: date) -> int:
    """Whole years of age on a day."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class Mix:
    """The children the reference averages over, and how the report should describe them."""

    children: tuple[Child, ...]
    from_records: bool
    outside_range: int = 0  # children younger than 3 or older than 6, counted as 3 or 6

    def describe(self, midpoint: date) -> str:
        if not self.from_records:
            ages = "、".join(f"{c.age}" for c in self.children)
            return f"没有幼儿健康档案，按 {ages} 岁儿童人数相等、男女各半计算（配置项 default_ages）"
        boys = sum(1 for c in self.children if c.sex == "男")
        girls = sum(1 for c in self.children if c.sex == "女")
        unknown = len(self.children) - boys - girls
        counts = "、".join(f"{age}岁 {n} 人" for age in AGES if (n := sum(1 for c in self.children if c.age == age)))
        text = f"幼儿健康档案 {len(self.children)} 名儿童（按 {midpoint} 的年龄：{counts}；男 {boys}、女 {girls}"
        text += f"、未填性别 {unknown} 人按男女平均）" if unknown else "）"
        if self.outside_range:
            text += f"；其中 {self.outside_range} 人不在 3–6 岁，按最近的年龄组计算"
        return text


def children_mix(records: Iterable[tuple[date | None, str | None]], midpoint: date, settings: NutritionSettings) -> Mix:
    """Children from (出生日期, 性别) records, aged at the period's midpoint; else the configured mix."""
    children: list[Child] = []
    outside = 0
    for birth, sex in records:
        if birth is None:
            continue
        age = age_on(birth, midpoint)
        if age not in AGES:
            outside += 1
            age = min(max(age, AGES[0]), AGES[-1])
        children.append(Child(age, sex_of(sex)))
    if children:
        return Mix(tuple(children), True, outside)
    return Mix(tuple(Child(age, None) for age in settings.default_ages), False)


def daily_reference(dris: Dris, mix: Mix, settings: NutritionSettings) -> dict[str, float | None]:
    """The whole day's reference per nutrient, averaged over the children."""
    result: dict[str, float | None] = {}
    for nutrient in NUTRIENT_KEYS:
        values = [dris.value(nutrient, child, settings.activity_level_6) for child in mix.children]
        known = [v for v in values if v is not None]
        result[nutrient] = sum(known) / len(known) if known else None
    return result


def in_school_share(meals: Iterable[str], settings: NutritionSettings) -> tuple[float, list[str]]:
    """The summed energy shares of the meal groups the menu serves, and those groups' names."""
    served = set(meals)
    groups = [(meals_, share) for meals_, share in settings.meal_shares if served & set(meals_)]
    return sum(share for _, share in groups), ["+".join(m) for m, _ in groups]
