"""Rule kinds for the menu's nutrition analysis: every dish has its ingredients, and every
ingredient is a food the composition table knows."""

from __future__ import annotations

from collections.abc import Iterator

from rules.kinds.base import Context, Rule, item_name, kind, row_finding
from rules.kinds.settings import ERROR_BY_DEFAULT, TEXTS, WARNING_BY_DEFAULT, Setting
from rules.model import ERROR, WARNING, Finding
from rules.nutrition.foods import FoodTable
from rules.nutrition.sheets import (
    amountless_findings,
    ingredient_rows,
    is_listed,
    listed_dishes,
    own_foods,
    unknown_ingredient_findings,
    written_ingredients,
)
from rules.text import fold


@kind("ingredients_listed", allow=Setting(TEXTS, label="不需要写用料的菜品", help="这些菜品不要求写用料（用顿号分隔）"), **WARNING_BY_DEFAULT)
def ingredients_listed(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A dish on the menu has ingredient rows (or amounts in its 主要食材 cell), from the first
    day any dish has them: a kindergarten that starts now is not told about last term."""
    uses = ingredient_rows(ctx.tables)
    if not uses:
        return
    first = min(u.day for u in uses)
    listed = listed_dishes(uses)
    allowed = {fold(name) for name in rule.get("allow", [])}
    for typed in ctx.sheet(rule.spec.sheet_id):
        days, meals, dishes = typed.column("日期"), typed.column("餐次"), typed.column("菜品名称")
        for index in range(len(typed)):
            day, dish = days[index], dishes[index]
            if day is None or not dish or day < first or fold(str(dish)) in allowed:
                continue
            if is_listed(listed, day, meals[index], str(dish)):
                continue
            item = item_name(typed, index, ["菜品名称"])
            yield row_finding(typed, index, rule, rule.severity(WARNING),
                              f"{day:%m-%d} {meals[index] or ''}{item}缺少用料，无法做营养分析",
                              f"{day} {item}: no ingredients listed, the nutrition analysis cannot count it", "菜品名称")


@kind("known_food", **ERROR_BY_DEFAULT)
def known_food(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Each ingredient staff wrote (食谱用料's 食材, or amounts in 每周食谱's 主要食材) is in the
    food table (shipped, plus the kindergarten's 食物成分表); else a validation finding on its
    cell with the three nearest names. Part of a 主要食材 cell without grams is a warning.
    Declared on the menu, so it runs whichever of the two
    places a kitchen uses."""
    foods = FoodTable.of(ctx.settings.foods, own_foods(ctx.tables))
    yield from unknown_ingredient_findings(written_ingredients(ctx.tables), foods, rule.id, rule.severity(ERROR))
    yield from amountless_findings(ctx.tables, rule.id)
