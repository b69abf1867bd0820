"""The assessment's settings, with the defaults the 2012 health care work norms and common
practice give (data/nutrition/references.md section 3). Where sources disagree, a deployment
chooses, and the report names what it used."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

# Scheme B of references.md 3.2: 早餐+早点 25 %, 午餐 35 %, 午点 10 %, 晚餐 30 %.
DEFAULT_MEAL_SHARES: tuple[tuple[tuple[str, ...], float], ...] = (
    (("早餐", "早点"), 0.25),
    (("午餐",), 0.35),
    (("午点",), 0.10),
    (("晚餐",), 0.30),
)
MEAL_ORDER = ("早餐", "早点", "午餐", "午点", "晚餐")
# 中国学龄前儿童平衡膳食宝塔（中国营养学会，2022），4～5 岁，全天每人（克）; the table's groups on
# the left. A single amount (蛋类 50) is judged within ±10 %. 坚果、调味品 are not judged (适量).
DEFAULT_FOOD_GROUPS: tuple[tuple[tuple[str, ...], float, float], ...] = (
    (("谷薯类",), 100, 150),
    (("蔬菜类", "菌藻类"), 250, 300),
    (("水果类",), 150, 250),
    (("畜禽肉类", "鱼虾类"), 50, 75),
    (("蛋类",), 50, 50),
    (("奶类",), 350, 500),
    (("豆类及制品",), 15, 20),
)
FOOD_GROUPS_SOURCE = "中国学龄前儿童平衡膳食宝塔（中国营养学会，2022），4～5岁每人每日"


class NutritionSettingsError(ValueError):
    """A setting that cannot be used: one message naming it and, when misspelt, the right name."""


@dataclass(frozen=True)
class NutritionSettings:
    """Every choice the analysis makes; a config's [nutrition] table overrides any of them."""

    boarding: bool = False  # 寄宿制: energy and protein must reach 90 % instead of 80 %
    energy_protein_min_day: float = 0.80
    energy_protein_min_boarding: float = 0.90
    other_min: float = 0.80
    protein_share: tuple[float, float] = (0.12, 0.15)
    fat_share: tuple[float, float] = (0.30, 0.35)
    carbohydrate_share: tuple[float, float] = (0.50, 0.60)
    quality_protein_min: float = 0.50
    # Above this share of the reference energy or protein is oversupply (偏高), not 达标.
    energy_max: float = 1.20
    # A meal group's share of the in-school energy may differ this much (absolute) from its configured split.
    meal_share_tolerance: float = 0.05
    food_groups: tuple[tuple[tuple[str, ...], float, float], ...] = DEFAULT_FOOD_GROUPS
    food_groups_source: str = FOOD_GROUPS_SOURCE
    meal_shares: tuple[tuple[tuple[str, ...], float], ...] = DEFAULT_MEAL_SHARES
    # The 2013 DRIs give 6-year-olds' energy by activity level: I light, II moderate, III heavy.
    activity_level_6: str = "II"
    # Without 幼儿健康档案: equal numbers of these ages (sex unknown: mean of boys and girls).
    default_ages: tuple[int, ...] = (3, 4, 5)
    basis_note: str = ""  # a deployment's own words on where its choices come from

    @property
    def energy_protein_min(self) -> float:
        return self.energy_protein_min_boarding if self.boarding else self.energy_protein_min_day

    def meal_share_text(self) -> str:
        return "、".join(f"{'+'.join(meals)} {share:.0%}" for meals, share in self.meal_shares)


def _fraction(value: Any, name: str) -> float:
    """A share written as 0.8 or as 80 (per cent)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NutritionSettingsError(f"[nutrition] {name} 应是数字（例如 0.8 或 80），实际是 {value!r}")
    number = float(value) / 100 if value > 1 else float(value)
    if not 0 <= number <= 1:
        raise NutritionSettingsError(f"[nutrition] {name} 应在 0 到 100% 之间，实际是 {value!r}")
    return number


def _range(value: Any, name: str) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise NutritionSettingsError(f"[nutrition] {name} 应写成 [下限, 上限]，例如 [30, 35]，实际是 {value!r}")
    low, high = _fraction(value[0], name), _fraction(value[1], name)
    if low > high:
        raise NutritionSettingsError(f"[nutrition] {name} 的下限大于上限：{value!r}")
    return low, high


def _meal_shares(value: Any) -> tuple[tuple[tuple[str, ...], float], ...]:
    """{"早餐+早点" = 25, "午餐" = 35, …}: meals joined by + share one part of the day's energy."""
    if not isinstance(value, Mapping) or not value:
        raise NutritionSettingsError(f"[nutrition] meal_shares 应写成 {{\"早餐+早点\" = 25, \"午餐\" = 35}} 这样的表，实际是 {value!r}")
    shares = tuple((tuple(m.strip() for m in str(k).split("+") if m.strip()), _fraction(v, f"meal_shares.{k}"))
                   for k, v in value.items())
    if sum(s for _, s in shares) > 1.0001:
        raise NutritionSettingsError("[nutrition] meal_shares 各餐次占比加起来超过了 100%")
    return shares


def _food_groups(value: Any) -> tuple[tuple[tuple[str, ...], float, float], ...]:
    """{"蔬菜类+菌藻类" = [250, 300], "蛋类" = 50}: whole-day grams per child for each group."""
    if not isinstance(value, Mapping) or not value:
        raise NutritionSettingsError(f"[nutrition] food_groups 应写成 {{\"蔬菜类+菌藻类\" = [250, 300]}} 这样的表，实际是 {value!r}")
    groups = []
    for key, amount in value.items():
        low, high = (amount, amount) if isinstance(amount, int | float) and not isinstance(amount, bool) else (
            tuple(amount) if isinstance(amount, list | tuple) and len(amount) == 2 else (None, None))
        if not all(isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in (low, high)) or low > high:
            raise NutritionSettingsError(f"[nutrition] food_groups.{key} 应是克数或 [下限, 上限]，实际是 {amount!r}")
        groups.append((tuple(g.strip() for g in str(key).split("+") if g.strip()), float(low), float(high)))
    return tuple(groups)


def _upper(value: Any, name: str) -> float:
    """An upper bound written as 1.2 or 120 (per cent of the reference), at least 100 %."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not (1 <= (value / 100 if value > 10 else value) <= 10):
        raise NutritionSettingsError(f"[nutrition] {name} 应是不低于 100 的百分数（例如 120 或 1.2），实际是 {value!r}")
    return float(value) / 100 if value > 10 else float(value)


def _bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise NutritionSettingsError(f"[nutrition] {name} 应是 true 或 false，实际是 {value!r}")
    return value


def _level(value: Any, name: str) -> str:
    if value not in ("I", "II", "III"):
        raise NutritionSettingsError(f"[nutrition] {name} 应是 \"I\"、\"II\" 或 \"III\"（轻、中、重身体活动），实际是 {value!r}")
    return value


def _ages(value: Any, name: str) -> tuple[int, ...]:
    if not (isinstance(value, list) and value and all(isinstance(a, int) and 3 <= a <= 6 for a in value)):
        raise NutritionSettingsError(f"[nutrition] {name} 应是 3 到 6 岁的年龄列表，例如 [3, 4, 5]，实际是 {value!r}")
    return tuple(value)


_CONVERT = {
    "boarding": _bool, "activity_level_6": _level, "default_ages": _ages,
    "energy_protein_min_day": _fraction, "energy_protein_min_boarding": _fraction, "other_min": _fraction,
    "quality_protein_min": _fraction, "meal_share_tolerance": _fraction, "energy_max": _upper,
    "food_groups": lambda value, name: _food_groups(value), "food_groups_source": lambda value, name: str(value),
    "protein_share": _range, "fat_share": _range, "carbohydrate_share": _range,
    "meal_shares": lambda value, name: _meal_shares(value),
    "basis_note": lambda value, name: str(value),
}


def settings_from(table: Mapping[str, Any] | None, base: NutritionSettings | None = None) -> NutritionSettings:
    """Settings from a config's [nutrition] table; an unknown key names the nearest known one."""
    if isinstance(table, NutritionSettings):  # already parsed (Config.nutrition)
        return table
    settings = base or NutritionSettings()
    if not table:
        return settings
    known = [f.name for f in fields(NutritionSettings)]
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _CONVERT:
            near = difflib.get_close_matches(key, known, n=1)
            hint = f"，是不是 {near[0]}？" if near else f"（可用：{', '.join(known)}）"
            raise NutritionSettingsError(f"[nutrition] 没有 {key} 这个设置{hint}")
        changes[key] = _CONVERT[key](value, key)
    return replace(settings, **changes)
