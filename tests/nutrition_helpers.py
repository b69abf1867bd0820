"""The hand-made foods, menu and children of the nutrition tests, and the figures they must
add up to, computed here by hand (shared by the analysis, command and browser tests)."""

from __future__ import annotations

import json
from datetime import date

from openpyxl import Workbook

from rules.nutrition import NUTRIENT_KEYS, Food, IngredientUse, Period, Where
from rules.nutrition.foods import NUTRIENTS


def food(name, group, quality, values, aliases=()):
    full = dict.fromkeys(NUTRIENT_KEYS, 0.0) | values
    return Food(name=name, aliases=tuple(aliases), group=group, quality_protein=quality, values=full)


# Round numbers, so the expectations below can be checked with pencil and paper too.
RICE = food("大米", "谷薯类", False, {"energy_kcal": 350, "protein_g": 8, "fat_g": 1, "carbohydrate_g": 78,
                                       "calcium_mg": 10, "iron_mg": 1, "thiamin_mg": 0.1, "niacin_mg": 2})
PORK = food("猪肉(瘦)", "畜禽肉类", True, {"energy_kcal": 140, "protein_g": 20, "fat_g": 6, "carbohydrate_g": 1.5,
                                          "iron_mg": 3, "zinc_mg": 3, "phosphorus_mg": 190, "vitamin_a_ug_rae": 4,
                                          "thiamin_mg": 0.5, "riboflavin_mg": 0.1, "niacin_mg": 4}, ["瘦肉"])
GREENS = food("小白菜", "蔬菜类", False, {"energy_kcal": 13, "protein_g": 1.5, "fat_g": 0.2, "carbohydrate_g": 2.2,
                                          "calcium_mg": 105, "iron_mg": 0.8, "vitamin_a_ug_rae": 243,
                                          "vitamin_c_mg": None}, ["青菜"])
MILK = food("牛奶", "奶类", True, {"energy_kcal": 61, "protein_g": 3.2, "fat_g": 3.3, "carbohydrate_g": 4.8,
                                   "calcium_mg": 113, "phosphorus_mg": 84, "vitamin_a_ug_rae": 46, "riboflavin_mg": 0.17})
FOODS = [RICE, PORK, GREENS, MILK]
BY_NAME = {"大米": RICE, "猪肉（瘦）": PORK, "瘦肉": PORK, "青菜": GREENS, "牛奶": MILK}

# (day, meal, dish, ingredient as staff wrote it, grams per child)
MENU = [
    (date(2026, 11, 2), "早餐", "牛奶", "牛奶", 200),
    (date(2026, 11, 2), "午餐", "青菜肉丝饭", "大米", 60),
    (date(2026, 11, 2), "午餐", "青菜肉丝饭", "猪肉（瘦）", 30),
    (date(2026, 11, 2), "午餐", "青菜肉丝饭", "青菜", 80),
    (date(2026, 11, 3), "早餐", "牛奶", "牛奶", 150),
    (date(2026, 11, 3), "午餐", "肉末饭", "大米", 70),
    (date(2026, 11, 3), "午餐", "肉末饭", "瘦肉", 25),
    (date(2026, 11, 3), "午点", "米糕", "大米", 20),
    (date(2026, 11, 3), "午点", "米糕", "鸡旦", 15),  # unknown: not counted, reported
    (date(2026, 11, 4), "午餐", "青菜饭", "大米", 50),
    (date(2026, 11, 4), "午餐", "青菜饭", "青菜", 100),
    (date(2026, 12, 1), "午餐", "下月的饭", "大米", 999),  # outside the period
]
NOVEMBER = Period.month(2026, 11)

# The 2013 DRIs as references.md prints them, for the children below.
ENERGY = {(4, "男"): 1300, (4, "女"): 1250, (5, "男"): 1400, (5, "女"): 1300, (3, "男"): 1250, (3, "女"): 1200}
RNI_4_6 = {"protein_g": 30, "calcium_mg": 800, "phosphorus_mg": 350, "iron_mg": 10, "zinc_mg": 5.5,
           "vitamin_a_ug_rae": 360, "thiamin_mg": 0.8, "riboflavin_mg": 0.7, "niacin_mg": 8, "vitamin_c_mg": 50}
RNI_3 = {"protein_g": 30, "calcium_mg": 600, "phosphorus_mg": 300, "iron_mg": 9, "zinc_mg": 4.0,
         "vitamin_a_ug_rae": 310, "thiamin_mg": 0.6, "riboflavin_mg": 0.6, "niacin_mg": 6, "vitamin_c_mg": 40}
# Midpoint of November 2026 is 11-15: a boy aged 4, a girl aged 5, a child aged 4 with no sex recorded.
CHILDREN = [(date(2022, 3, 1), "男"), (date(2021, 11, 15), "女"), (date(2022, 11, 15), None)]


def uses(menu=MENU):
    return [IngredientUse(day, meal, dish, name, grams, Where("园.xlsx", "食谱用料", "menu_ingredients", i + 2, f"D{i + 2}", "食材"))
            for i, (day, meal, dish, name, grams) in enumerate(menu)]


def expected_figures(menu, period, children_refs, share):
    """Everything the analysis should say, computed from the lists above."""
    rows = [r for r in menu if period.start <= r[0] <= period.end and r[3] in BY_NAME]
    days = len({r[0] for r in menu if period.start <= r[0] <= period.end})
    per_day = {k: sum(g * (BY_NAME[n].values[k] or 0) / 100 for _, _, _, n, g in rows) / days for k in NUTRIENT_KEYS}
    kcal = {"protein": 4 * per_day["protein_g"], "fat": 9 * per_day["fat_g"], "carbohydrate": 4 * per_day["carbohydrate_g"]}
    energy_share = {k: v / sum(kcal.values()) for k, v in kcal.items()}
    quality = sum(g * BY_NAME[n].values["protein_g"] / 100 for _, _, _, n, g in rows if BY_NAME[n].quality_protein)
    quality_share = quality / (per_day["protein_g"] * days)
    meal_kcal: dict[str, float] = {}
    for _, meal, _, n, g in rows:
        meal_kcal[meal] = meal_kcal.get(meal, 0) + g * BY_NAME[n].values["energy_kcal"] / 100
    meal_share = {m: v / sum(meal_kcal.values()) for m, v in meal_kcal.items()}
    groups: dict[str, float] = {}
    for _, _, _, n, g in rows:
        groups[BY_NAME[n].group] = groups.get(BY_NAME[n].group, 0) + g / days
    reference = {k: sum(ref[k] for ref in children_refs) / len(children_refs) * share if k not in ("fat_g", "carbohydrate_g")
                 else None for k in NUTRIENT_KEYS}
    percent = {k: 100 * per_day[k] / reference[k] if reference[k] else None for k in NUTRIENT_KEYS}
    return days, per_day, energy_share, quality_share, meal_share, groups, reference, percent


def child_ref(age, sex):
    rni = RNI_3 if age == 3 else RNI_4_6
    energy = ENERGY[(age, sex)] if sex else (ENERGY[(age, "男")] + ENERGY[(age, "女")]) / 2
    return {"energy_kcal": energy, **rni}


# 11-04's 青菜饭 is written the way staff often do, in 每周食谱's 主要食材 cell, not in 食谱用料.
IN_CELL = (date(2026, 11, 4), "午餐", "青菜饭")


def handmade_workbook(path):
    """食谱用料, a 每周食谱 with one quantified 主要食材 cell, a 食物成分表 with the test's own
    round values (overriding the shipped rows of the same names), and 幼儿健康档案."""
    book = Workbook()
    ingredients = book.active
    ingredients.title = "食谱用料"
    ingredients.append(["日期", "餐次", "菜品名称", "食材", "每人用量（克）"])
    for day, meal, dish, food, grams in MENU:
        if (day, meal, dish) != IN_CELL:
            ingredients.append([day, meal, dish, food, grams])
    menu = book.create_sheet("每周食谱")
    menu.append(["日期", "餐次", "菜品名称", "主要食材", "带量（克/人）"])
    for day, meal, dish in dict.fromkeys((d, m, n) for d, m, n, _, _ in MENU):
        text = "大米50克、青菜100克" if (day, meal, dish) == IN_CELL else dish
        menu.append([day, meal, dish, text, 100])
    table = book.create_sheet("食物成分表")
    columns = [column for _, column, _, _ in NUTRIENTS]
    table.append(["名称", "别名", "类别", "优质蛋白", *columns])
    for food in FOODS:
        values = [food.values[key] for key in NUTRIENT_KEYS]
        table.append([food.name, "", food.group, "是" if food.quality_protein else "否", *values])
    children = book.create_sheet("幼儿健康档案")
    children.append(["姓名", "班级", "出生日期", "入园日期", "性别"])
    for number, (birth, sex) in enumerate(CHILDREN):
        children.append([f"孩子{number}", "中一班", birth, date(2025, 9, 1), sex])
    book.save(path)
    return path


def _refuse(constant: str):
    raise ValueError(f"not JSON: {constant}")


def strict(text: str):
    """The text as a strict JSON reader reads it (NaN and Infinity refused)."""
    return json.loads(text, parse_constant=_refuse)


def kitchen(path, grams: float, text: str = "大米50克"):
    """A 食谱用料 with one odd 每人用量 among ordinary rows, and its 每周食谱."""
    book = Workbook()
    rows = book.active
    rows.title = "食谱用料"
    rows.append(["日期", "餐次", "菜品名称", "食材", "每人用量（克）"])
    rows.append([date(2026, 11, 2), "午餐", "米饭", "大米", 60])
    rows.append([date(2026, 11, 3), "午餐", "红烧肉", "猪肉(瘦)", grams])
    rows.append([date(2026, 11, 3), "午餐", "米饭", "大米", 60])
    menu = book.create_sheet("每周食谱")
    menu.append(["日期", "餐次", "菜品名称", "主要食材"])
    menu.append([date(2026, 11, 2), "午餐", "米饭", "大米"])
    menu.append([date(2026, 11, 3), "午餐", "红烧肉", "猪肉"])
    menu.append([date(2026, 11, 3), "午餐", "米饭", "大米"])
    menu.append([date(2026, 11, 4), "午餐", "青菜饭", text])
    book.save(path)
    return path
