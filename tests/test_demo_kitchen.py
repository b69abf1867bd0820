"""The demo as a cook reads it: each dish's 主要食材 are its real ingredients (with grams in the
months the kitchen weighs), and each meal's sample is kept when that meal is served."""

from __future__ import annotations

from datetime import date, datetime

from openpyxl import load_workbook

from sync.demo import write_demo
from sync.demo.recipes import FATTER, RECIPES

TODAY = date(2026, 11, 25)
SERVED = {"早餐": (7, 9), "早点": (9, 10), "午餐": (11, 12), "午点": (14, 16), "晚餐": (17, 19)}


def test_main_ingredients_are_the_dishes_ingredients_and_samples_are_kept_at_the_meal(tmp_path):
    write_demo(tmp_path, today=TODAY)
    book = load_workbook(tmp_path / "食堂管理.xlsx")
    menu = [r for r in book["每周食谱"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert menu
    for _day, _meal, dish, text, _grams in menu:
        dish = dish.strip()
        if dish in RECIPES:  # not the dish name's last two characters (豆沙包 → 沙包) unless that is the food (鲈鱼)
            assert text != dish[-2:] or dish[-2:] in {food for food, _ in RECIPES[dish]}, dish
        for food, _ in RECIPES.get(dish, []):
            if food not in ("大豆油", "芝麻油", "白砂糖", "酱油", "姜", "葱"):
                assert food in text or FATTER.get(food, food) in text, (dish, text)  # last month cooked fatter
    samples = [r for r in book["食品留样"].iter_rows(min_row=2, values_only=True) if isinstance(r[4], datetime)]
    assert samples
    for _day, meal, dish, _grams, kept, *_ in samples:
        low, high = SERVED[meal]
        assert low <= kept.hour < high, (meal, dish, kept)
