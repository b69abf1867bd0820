"""The demo's 食谱用料: what each dish of the demo menu is made of, per child (raw edible grams).

Amounts are those of a kindergarten kitchen for 3–6-year-olds (about 75 g rice at lunch, 30–50 g
meat or fish, 100–150 g vegetables, 150–200 g milk a day, 20–25 g oil). The previous month is
cooked fatter (fatty pork, more oil) so the analysis finds a high fat share; this month one
ingredient is mistyped (胡箩卜) and one dish has no ingredient rows.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

RECIPES: dict[str, list[tuple[str, float]]] = {
    # 早餐
    "牛奶、肉包": [("牛奶", 200), ("面粉", 35), ("猪肉(瘦)", 15), ("大白菜", 20), ("大豆油", 2)],
    "小米粥、鸡蛋饼": [("小米", 15), ("面粉", 25), ("鸡蛋", 30), ("牛奶", 150), ("大豆油", 3)],
    "豆浆、花卷、鸡蛋": [("豆浆", 200), ("面粉", 35), ("鸡蛋", 40), ("大豆油", 2)],
    "燕麦牛奶粥、南瓜发糕": [("燕麦片", 15), ("牛奶", 180), ("面粉", 25), ("南瓜", 20), ("白砂糖", 3)],
    "牛奶、红豆包": [("牛奶", 200), ("面粉", 35), ("红豆", 10), ("白砂糖", 3)],
    "鸡蛋羹、蒸玉米、牛奶": [("鸡蛋", 40), ("玉米(鲜)", 60), ("牛奶", 200)],
    "青菜肉丝面": [("挂面", 45), ("猪肉(瘦)", 20), ("小白菜", 40), ("鸡蛋", 20), ("大豆油", 3)],
    "牛奶、葱油花卷": [("牛奶", 200), ("面粉", 35), ("葱", 3), ("大豆油", 3)],
    "牛奶": [("牛奶", 200)],
    # 午餐
    "番茄炒蛋": [("西红柿", 80), ("鸡蛋", 40), ("大豆油", 11), ("白砂糖", 2)],
    "土豆烧牛肉": [("牛肉(瘦)", 40), ("马铃薯", 60), ("胡萝卜", 15), ("大豆油", 10)],
    "清蒸鲈鱼": [("鲈鱼", 50), ("姜", 2), ("酱油", 3), ("大豆油", 8)],
    "香菇青菜": [("小白菜", 100), ("香菇(鲜)", 15), ("大豆油", 10)],
    "玉米排骨汤": [("排骨", 40), ("玉米(鲜)", 40), ("胡萝卜", 15)],
    "胡萝卜炒肉丝": [("猪肉(瘦)", 30), ("胡萝卜", 60), ("大豆油", 10)],
    "冬瓜虾仁": [("冬瓜", 80), ("虾", 25), ("大豆油", 9)],
    "红烧鸡翅": [("鸡翅", 50), ("酱油", 4), ("白砂糖", 2), ("大豆油", 8)],
    "西兰花炒虾": [("西兰花", 70), ("虾", 25), ("大豆油", 10)],
    "肉末豆腐": [("豆腐", 60), ("猪肉末", 25), ("葱", 2), ("大豆油", 10)],
    "木耳炒山药": [("山药", 60), ("木耳(鲜)", 20), ("胡萝卜", 10), ("大豆油", 10)],
    "紫菜蛋花汤": [("紫菜", 3), ("鸡蛋", 15), ("芝麻油", 1)],
    "青椒土豆丝": [("马铃薯", 70), ("青椒", 20), ("大豆油", 10)],
    "鱼香肉丝": [("猪肉(瘦)", 30), ("青椒", 20), ("胡萝卜", 20), ("木耳(鲜)", 10), ("大豆油", 11), ("白砂糖", 2)],
    "芹菜香干": [("芹菜", 60), ("豆腐干", 30), ("大豆油", 10)],
    "番茄牛腩": [("牛肉(肥瘦)", 40), ("西红柿", 60), ("大豆油", 9)],
    "虾仁滑蛋": [("虾", 25), ("鸡蛋", 40), ("大豆油", 10)],
    "白菜粉丝": [("大白菜", 90), ("粉丝", 10), ("大豆油", 10)],
    "黄瓜炒肉片": [("黄瓜", 70), ("猪肉(瘦)", 30), ("大豆油", 10)],
    "菌菇鸡汤": [("鸡(带皮)", 35), ("平菇", 20), ("金针菇", 10)],
    # 午点
    "香蕉、蒸红薯": [("香蕉", 80), ("红薯", 60)],
    "苹果、小米糕": [("苹果", 100), ("小米", 10), ("面粉", 15), ("白砂糖", 3)],
    "橙子、豆沙包": [("橙子", 100), ("面粉", 25), ("红豆", 8), ("白砂糖", 3)],
    "酸奶、蒸山药": [("酸奶", 100), ("山药", 60)],
    "猕猴桃、玉米发糕": [("猕猴桃", 80), ("玉米面", 15), ("面粉", 15), ("白砂糖", 3)],
    "葡萄、奶香馒头": [("葡萄", 80), ("面粉", 25), ("牛奶", 30)],
    "梨、南瓜饼": [("梨", 100), ("南瓜", 30), ("糯米", 15), ("大豆油", 3)],
    "橘子、红枣发糕": [("橘子", 100), ("面粉", 25), ("红枣(干)", 5), ("白砂糖", 3)],
}
RICE_TEXT = "大米75克"  # 米饭's 主要食材 cell, written as staff do: it counts as its ingredient rows
# The fatter month: fatty cuts for lean ones, more oil.
FATTER = {"猪肉(瘦)": "五花肉", "猪肉末": "五花肉", "牛肉(瘦)": "牛肉(肥瘦)", "鸡翅": "鸡(带皮)"}
OIL_FACTOR = 1.5
TYPO = ("胡萝卜", "胡箩卜")
SEASONINGS = {"大豆油", "芝麻油", "白砂糖", "酱油", "姜", "葱"}


def ingredient_names(dish: str) -> str:
    """The 主要食材 a cook writes for a dish: its ingredients, without the seasonings."""
    names = [food for food, grams in RECIPES.get(dish, []) if food not in SEASONINGS]
    return "、".join(names) or dish


def dish_grams(dish: str) -> float:
    """带量: the dish's grams per child, its ingredients summed (the seasonings are not weighed in)."""
    return sum(grams for food, grams in RECIPES.get(dish, []) if food not in SEASONINGS) or 80


def _month_start(day: date) -> date:
    return day.replace(day=1)


def menu_ingredients(menu: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """Ingredient rows for every dish of last month and this month; fills 米饭's 主要食材 with amounts.

    Earlier months are left without ingredient rows, as for a kindergarten that starts now.
    """
    this_month = _month_start(today)
    last_month = _month_start(this_month - timedelta(days=1))
    rows: list[dict[str, Any]] = []
    typo_done = False
    for row in (r for r in menu if r["日期"] >= last_month):
        dish = row["菜品名称"].strip()
        if dish == "米饭":
            row["主要食材"] = RICE_TEXT
            continue
        if dish not in RECIPES:
            continue  # 凉拌生黄瓜 has none: 缺少用料，无法做营养分析
        fat = row["日期"] < this_month
        used = []
        for food, grams in RECIPES[dish]:
            if fat:
                food = FATTER.get(food, food)
                grams = grams * OIL_FACTOR if food == "大豆油" else grams
            used.append((food, grams))
            if not fat and food == TYPO[0] and not typo_done:
                food, typo_done = TYPO[1], True  # mistyped on 食谱用料 only: the cell, a summary, is right
            rows.append({"日期": row["日期"], "餐次": row["餐次"], "菜品名称": dish, "食材": food, "每人用量": grams})
        # The months the kitchen weighs: the cell says the amounts too (a summary of the rows above).
        row["主要食材"] = "、".join(f"{food}{grams:g}克" for food, grams in used)
    return rows


def sexes(children: list[dict[str, Any]]) -> None:
    """性别 for the demo children, alternating, with two left blank as in real records."""
    for number, child in enumerate(children):
        if number not in (5, 17):
            child["性别"] = "男" if number % 2 == 0 else "女"
