"""From the pack's typed tables to the analysis's inputs: ingredient rows (食谱用料, or a
quantified 主要食材 cell of 每周食谱), the kindergarten's own 食物成分表 rows, and the children
of 幼儿健康档案. Checks on those inputs (unknown ingredients, dishes without ingredients) too."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, TypeVar

from rules import enrolment
from rules.model import ERROR, WARNING, Finding
from rules.nutrition.foods import Food, FoodRowError, FoodTable, food_from_row, name_key
from rules.nutrition.ingredients import IngredientText, IngredientUse, Where, read_ingredient_text
from rules.text import fold
from rules.validate import TypedTable, finding

MENU, INGREDIENTS, OWN_FOODS, CHILDREN = "menu", "menu_ingredients", "food_composition", "children"
HEALTH_CHECKS, FOOD_ACCOUNT = "health_checks", "food_account"
INGREDIENT_TEXT = "主要食材"


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def dish_key(day: date, meal: str | None, dish: str) -> tuple[date, str, str]:
    return day, fold(meal or ""), fold(dish)


@dataclass
class Inputs:
    """What the analysis needs from the workbooks: ingredient rows, own foods, children, and the
    (source, sheet) its findings are filed under."""

    uses: list[IngredientUse] = field(default_factory=list)
    own_foods: list[Food] = field(default_factory=list)
    children: list[tuple[date | None, str | None]] | None = None
    anchor: tuple[str, str] = ("*", "食谱用料")
    attendance: dict[date, int] = field(default_factory=dict)  # Σ 实到人数 of 晨午检 by day
    spending: dict[date, float] = field(default_factory=dict)  # 伙食账 支出 by month (its first day)

    def foods(self, shipped: Iterable[Food]) -> FoodTable:
        return FoodTable.of(shipped, self.own_foods)


def _where(typed: TypedTable, index: int, column: str) -> Where:
    table = typed.table
    return Where(table.source, table.sheet, table.sheet_id, typed.numbers[index], typed.cell(index, column), column,
                 typed, index)


def _sheet_rows(tables: Mapping[str, Sequence[TypedTable]]) -> list[IngredientUse]:
    """Rows of 食谱用料 that give a day, a dish, a food and grams (validation reports the others)."""
    uses: list[IngredientUse] = []
    for typed in tables.get(INGREDIENTS, ()):
        days, meals, dishes = typed.column("日期"), typed.column("餐次"), typed.column("菜品名称")
        foods, grams = typed.column("食材"), typed.column("每人用量")
        for index in range(len(typed)):
            day, amount = _day(days[index]), grams[index]
            if day is None or not dishes[index] or not foods[index] or not isinstance(amount, int | float) or amount <= 0:
                continue
            uses.append(IngredientUse(day, meals[index] or None, str(dishes[index]).strip(), str(foods[index]).strip(),
                                      float(amount), _where(typed, index, "食材")))
    return uses


def _quantified_cells(tables: Mapping[str, Sequence[TypedTable]]):
    """(typed, index, day, what the cell says) per 每周食谱 row whose 主要食材 cell gives
    amounts (猪肉（瘦）20克、青菜50克), counted or not."""
    for typed in tables.get(MENU, ()):
        if not typed.has(INGREDIENT_TEXT):
            continue
        days, dishes, texts = typed.column("日期"), typed.column("菜品名称"), typed.column(INGREDIENT_TEXT)
        for index in range(len(typed)):
            day, text = _day(days[index]), texts[index]
            if day is None or not dishes[index] or not isinstance(text, str):
                continue
            read = read_ingredient_text(text)
            if read.items or read.refused:
                yield typed, index, day, read


def _cell_rows(tables: Mapping[str, Sequence[TypedTable]]) -> list[IngredientUse]:
    """Each ingredient of each quantified 主要食材 cell, as an ingredient row of its dish."""
    uses: list[IngredientUse] = []
    for typed, index, day, read in _quantified_cells(tables):
        meal, dish = typed.column("餐次")[index] or None, str(typed.column("菜品名称")[index]).strip()
        where = _where(typed, index, INGREDIENT_TEXT)
        uses.extend(IngredientUse(day, meal, dish, name, grams, where) for name, grams in read.items)
    return uses


def _cell_notes(read: IngredientText) -> tuple[str, str] | None:
    """What a finding on a 主要食材 cell says: parts not counted, and how the rest was counted."""
    zh: list[str] = list(read.refused)
    en: list[str] = [f"not counted: {part}" for part in read.refused]
    if read.rest:
        zh.append(f"“{read.rest}”没有写克数，营养分析没有计入（请写成 猪肉（瘦）20克、青菜50克 这样）")
        en.append(f"'{read.rest}' has no grams and is not counted (write 猪肉（瘦）20克、青菜50克)")
    if read.assumed:
        zh.append("营养分析里" + "，".join(read.assumed))
        en.append("counted as: " + "; ".join(read.assumed))
    if not zh:
        return None
    return "主要食材里" + "；".join(zh), "主要食材: " + "; ".join(en)


def amountless_findings(tables: Mapping[str, Sequence[TypedTable]], rule: str) -> list[Finding]:
    """A quantified 主要食材 cell whose text is not all counted as written: a part without grams
    (葱少许) or with an implausible amount (猪肉1,000,000克) is left out, a range counts its
    midpoint and 毫升 count as grams, and the finding on the cell says which. Only where the cell
    is what the analysis uses (食谱用料 does not list the dish)."""
    listed = listed_dishes(_sheet_rows(tables))
    found: list[Finding] = []
    for typed, index, day, read in _quantified_cells(tables):
        dish = str(typed.column("菜品名称")[index]).strip()
        notes = _cell_notes(read)
        if notes is None or is_listed(listed, day, typed.column("餐次")[index], dish):
            continue
        found.append(finding(typed, index, INGREDIENT_TEXT, rule, WARNING, *notes,
                             value=typed.raw_text(index, INGREDIENT_TEXT), kind="rule"))
    return found


def written_ingredients(tables: Mapping[str, Sequence[TypedTable]]) -> list[IngredientUse]:
    """Every ingredient staff wrote, on either sheet: what the name check looks at."""
    return _sheet_rows(tables) + _cell_rows(tables)


def listed_dishes(uses: Iterable[IngredientUse]) -> set[tuple[date, str, str]]:
    """Dish keys with and without the meal: a 食谱用料 row may leave 餐次 blank."""
    return {dish_key(u.day, u.meal, u.dish) for u in uses} | {dish_key(u.day, None, u.dish) for u in uses}


def is_listed(listed: set[tuple[date, str, str]], day: date, meal: str | None, dish: str) -> bool:
    return dish_key(day, meal, dish) in listed or dish_key(day, None, dish) in listed


def ingredient_rows(tables: Mapping[str, Sequence[TypedTable]]) -> list[IngredientUse]:
    """What the analysis counts: rows of 食谱用料, and for dishes without such rows the amounts
    in their 主要食材 cell (when 食谱用料 lists a dish in full, the cell is only a summary)."""
    uses = _sheet_rows(tables)
    listed = listed_dishes(uses)
    return uses + [u for u in _cell_rows(tables) if not is_listed(listed, u.day, u.meal, u.dish)]


def own_foods(tables: Mapping[str, Sequence[TypedTable]]) -> list[Food]:
    """The kindergarten's 食物成分表 rows as foods. A row that cannot be used (no name, a value
    missing or not a number) is left out: validation has already named its cell."""
    foods: list[Food] = []
    for typed in tables.get(OWN_FOODS, ()):
        names = list(typed.columns)
        for index in range(len(typed)):
            try:
                foods.append(food_from_row({name: typed.columns[name][index] for name in names}, origin=typed.table.sheet))
            except FoodRowError:
                continue
    return foods


def child_records(tables: Mapping[str, Sequence[TypedTable]], first: date | None = None,
                  last: date | None = None) -> list[tuple[date | None, str | None]] | None:
    """(出生日期, 性别) of each child (enrolled on a day of first..last when given, the same
    child written twice once); None when there is no 幼儿健康档案 sheet at all."""
    if not tables.get(CHILDREN):
        return None
    rows = enrolment.enrolled(tables[CHILDREN], first, last) if first and last else enrolment.records(tables[CHILDREN])
    return [(_day(typed.column("出生日期")[index]), typed.column("性别")[index]) for typed, index in rows]


N = TypeVar("N", int, float)  # what a sum of day counts or amounts is made of


def _daily_sums(tables: Mapping[str, Sequence[TypedTable]], sheet: str, day_column: str, amount_column: str,
                each: Callable[[float], N], by_month: bool = False) -> dict[date, N]:
    """Σ of a number column (each cell as `each` makes it) by its row's date (by the month's first
    day when `by_month`), over every table of `sheet` with the column; text, blank and yes/no count nothing."""
    sums: dict[date, N] = {}
    for typed in tables.get(sheet, ()):
        if not typed.has(amount_column):
            continue
        for day, amount in zip(typed.column(day_column), typed.column(amount_column), strict=True):
            if (day := _day(day)) is not None and isinstance(amount, int | float) and not isinstance(amount, bool):
                key = day.replace(day=1) if by_month else day
                sums[key] = sums.get(key, each(0)) + each(amount)
    return sums


def attendance(tables: Mapping[str, Sequence[TypedTable]]) -> dict[date, int]:
    """The children who ate each day: Σ 实到人数 over the classes' 晨午检 rows (就餐人日数)."""
    return _daily_sums(tables, HEALTH_CHECKS, "日期", "实到人数", int)


def spending(tables: Mapping[str, Sequence[TypedTable]]) -> dict[date, float]:
    """伙食账 支出 by month (keyed by the month's first day)."""
    return _daily_sums(tables, FOOD_ACCOUNT, "月份", "支出", float, by_month=True)


def inputs_from(tables: Mapping[str, Sequence[TypedTable]]) -> Inputs:
    anchor_table = next(iter(tables.get(INGREDIENTS, ())), None) or next(iter(tables.get(MENU, ())), None)
    anchor = (anchor_table.table.source, anchor_table.table.sheet) if anchor_table else ("*", "食谱用料")
    return Inputs(uses=ingredient_rows(tables), own_foods=own_foods(tables), children=child_records(tables), anchor=anchor,
                  attendance=attendance(tables), spending=spending(tables))


def unknown_ingredient_findings(uses: Iterable[IngredientUse], foods: FoodTable, rule: str,
                                severity: str = ERROR) -> list[Finding]:
    """One finding per unknown ingredient in a cell, with the three nearest known names."""
    found: list[Finding] = []
    seen: set[tuple[str, str, int, str]] = set()
    for use in uses:
        where = use.where
        if where is None or where.typed is None or foods.find(use.food) is not None:
            continue
        mark = (where.source, where.sheet, where.row, name_key(use.food))
        if mark in seen:
            continue
        seen.add(mark)
        near = foods.nearest(use.food)
        item = finding(
            where.typed, where.index, where.column, rule, severity,
            f"食材“{use.food}”不在食物成分表里，这 {use.grams:g} 克无法计算营养；是不是：{'、'.join(near)}？"
            f"（也可以在「食物成分表」工作表里添加这种食物）",
            f"Ingredient '{use.food}' is not in the food table; its {use.grams:g} g cannot be counted. "
            f"Did you mean: {', '.join(near)}?",
            value=use.food,
        )
        # A 主要食材 cell may hold two unknown names: each is its own finding.
        found.append(replace(item, key=f"{item.key}|{name_key(use.food)}"))
    return found
