"""The food composition table: rows in, a name matcher out.

Rows come as mappings keyed by the table's Chinese column headers (the shipped CSV, or a
kindergarten's own 食物成分表 sheet); a value SR28 does not have stays None, never a guess.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from rules.text import fold

# JSON key -> column header of the table, in the order reports show them. The header is the
# Chinese label followed by the unit (能量kcal, 维生素A_µgRAE), so label and unit are read from it.
COLUMNS = {"energy_kcal": "能量kcal", "protein_g": "蛋白质g", "fat_g": "脂肪g", "carbohydrate_g": "碳水化合物g",
           "calcium_mg": "钙mg", "iron_mg": "铁mg", "zinc_mg": "锌mg", "phosphorus_mg": "磷mg",
           "vitamin_a_ug_rae": "维生素A_µgRAE", "thiamin_mg": "维生素B1mg", "riboflavin_mg": "维生素B2mg",
           "niacin_mg": "烟酸mg", "vitamin_c_mg": "维生素Cmg"}
_LABEL_UNIT = re.compile(r"(?P<label>.+?)_?(?P<unit>kcal|µgRAE|mg|g)$")
# (JSON key, column header, Chinese label, unit)
NUTRIENTS: tuple[tuple[str, str, str, str], ...] = tuple(
    (key, header, *_LABEL_UNIT.fullmatch(header).group("label", "unit")) for key, header in COLUMNS.items())
NUTRIENT_KEYS = tuple(COLUMNS)
LABELS = {n[0]: n[2] for n in NUTRIENTS}
UNITS = {n[0]: n[3] for n in NUTRIENTS}
LABELS_EN = {"energy_kcal": "Energy", "protein_g": "Protein", "fat_g": "Fat", "carbohydrate_g": "Carbohydrate",
             "calcium_mg": "Calcium", "iron_mg": "Iron", "zinc_mg": "Zinc", "phosphorus_mg": "Phosphorus",
             "vitamin_a_ug_rae": "Vitamin A", "thiamin_mg": "Thiamin (B1)", "riboflavin_mg": "Riboflavin (B2)",
             "niacin_mg": "Niacin", "vitamin_c_mg": "Vitamin C"}
# Also in the table, not assessed against a reference.
EXTRA_COLUMNS = (("fiber_g", "膳食纤维g"), ("sodium_mg", "钠mg"))

_BRACKETS = str.maketrans({"（": "(", "）": ")", "[": "(", "]": ")", "【": "(", "】": ")", "〔": "(", "〕": ")"})
_BRACKETED = re.compile(r"\([^()]*\)")


@lru_cache(maxsize=4096)  # the same few hundred names and headers, again and again
def name_key(text: str) -> str:
    """How ingredient names are compared: full/half width, spaces, bracket shapes and case folded."""
    return fold(text).translate(_BRACKETS).lower()


def _unbracketed(key: str) -> str:
    """猪肉(瘦) -> 猪肉瘦: staff often drop the brackets."""
    return key.replace("(", "").replace(")", "")


@dataclass(frozen=True)
class Food:
    """One row of the table: values per 100 g edible portion (None where the source has none)."""

    name: str
    aliases: tuple[str, ...]
    group: str
    quality_protein: bool
    values: Mapping[str, float | None]
    ndb: str = ""
    usda_name: str = ""
    match: str = ""  # 直接 / 近似: how well the SR28 item stands for this food
    note: str = ""
    refuse_percent: float | None = None
    origin: str = "shipped"  # "shipped" or the sheet that added or overrode it


class FoodRowError(ValueError):
    """A 食物成分表 row that cannot be used, said in words staff understand."""


def _number(value: Any, column: str, name: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except ValueError:
        raise FoodRowError(f"食物“{name}”的“{column}”不是数字：{value}") from None
    if number < 0:
        raise FoodRowError(f"食物“{name}”的“{column}”不能是负数：{value}")
    return number


def food_from_row(row: Mapping[str, Any], origin: str = "shipped", notes: Mapping[str, Any] | None = None) -> Food:
    """A Food from a mapping keyed by the table's headers (名称, 别名, 类别, 优质蛋白, 能量kcal …)."""
    by_key = {name_key(str(k)): v for k, v in row.items()}

    def text(column: str) -> str:
        value = by_key.get(name_key(column))
        return "" if value is None else str(value).strip()

    name = text("名称")
    if not name:
        raise FoodRowError("食物成分表的一行没有“名称”")
    aliases = tuple(a.strip() for a in re.split(r"[、,，;；/]", text("别名")) if a.strip())
    values: dict[str, float | None] = {}
    for key, column in [(n[0], n[1]) for n in NUTRIENTS] + list(EXTRA_COLUMNS):
        values[key] = _number(by_key.get(name_key(column)), column, name)
    for required in ("energy_kcal", "protein_g", "fat_g", "carbohydrate_g"):
        if values[required] is None:
            raise FoodRowError(f"食物“{name}”缺少“{LABELS[required]}”的数值")
    ndb = text("NDB编号")
    if ndb.endswith(".0"):  # a spreadsheet gives the number back as a float
        ndb = ndb[:-2]
    notes = notes or {}
    refuse = notes.get("SR废弃率%(Refuse)")
    return Food(
        name=name, aliases=aliases, group=text("类别") or "其他", quality_protein=text("优质蛋白") == "是",
        values=values, ndb=ndb, usda_name=text("USDA名称"), match=str(notes.get("匹配") or ""),
        note=str(notes.get("说明") or ""), refuse_percent=float(refuse) if refuse not in (None, "") else None,
        origin=origin,
    )


@dataclass
class FoodTable:
    """All foods by name; a later food with the same name replaces the earlier (the kindergarten's wins)."""

    foods: dict[str, Food] = field(default_factory=dict)
    _index: dict[str, str] = field(default_factory=dict)
    _loose: dict[str, str] = field(default_factory=dict)
    _nearest: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, *groups: Iterable[Food]) -> FoodTable:
        table = cls()
        for foods in groups:
            for food in foods:
                key = name_key(food.name)
                earlier = table.foods.get(key)
                if earlier is not None and not food.aliases:  # an override row need not repeat the aliases
                    food = replace(food, aliases=earlier.aliases)
                table.foods[key] = food
        table._build_index()
        return table

    def _build_index(self) -> None:
        names = {key: food.name for key, food in self.foods.items()}
        aliases: dict[str, str] = {}
        for food in self.foods.values():
            for alias in food.aliases:
                aliases.setdefault(name_key(alias), food.name)
        # A kindergarten's own row wins an alias too: an alias it gives points at its food.
        for food in self.foods.values():
            if food.origin != "shipped":
                for alias in food.aliases:
                    aliases[name_key(alias)] = food.name
        self._index = {**aliases, **names}  # a name beats another food's alias
        loose: dict[str, str | None] = {}
        for key, name in self._index.items():
            bare = _unbracketed(key)
            if bare not in self._index:
                loose[bare] = name if loose.get(bare, name) == name else None
        # 蘑菇 -> 蘑菇(鲜) when only one food has that base name; 香菇 (鲜 or 干) stays unknown.
        bases: dict[str, set[str]] = {}
        for key, name in names.items():
            base = _BRACKETED.sub("", key)
            if base != key:
                bases.setdefault(base, set()).add(name)
        for base, found in bases.items():
            if base not in self._index and base not in loose and len(found) == 1:
                loose[base] = next(iter(found))
        self._loose = {k: v for k, v in loose.items() if v}

    def __len__(self) -> int:
        return len(self.foods)

    def find(self, text: str) -> Food | None:
        """The food a name written by staff means, by name, alias, width and brackets; or None."""
        key = name_key(text)
        name = self._index.get(key) or self._loose.get(_unbracketed(key)) or self._loose.get(key)
        return self.foods[name_key(name)] if name else None

    def nearest(self, text: str, count: int = 3) -> list[str]:
        """The `count` known food names closest to an unknown one (names and aliases compared)."""
        key = name_key(text)
        if key in self._nearest:
            return self._nearest[key]
        # Only names sharing a character can be near; difflib then ranks those few (fast on every cycle).
        letters = set(key)
        candidates = [k for k in self._index if letters & set(k)] or list(self._index)
        found: list[str] = []
        for close in difflib.get_close_matches(key, candidates, n=10 * count, cutoff=0):
            name = self._index[close]
            if name not in found:
                found.append(name)
            if len(found) == count:
                break
        self._nearest[key] = found
        return found
