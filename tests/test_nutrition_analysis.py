"""The nutrition analysis on menus built by hand from a few foods: every figure of the JSON
is recomputed here from the foods' values, the grams and the reference tables."""

from __future__ import annotations

import dataclasses
import functools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.nutrition import (
    NUTRIENT_KEYS,
    FoodTable,
    NutritionSettings,
    NutritionSettingsError,
    Period,
    analyse,
    parse_ingredient_text,
    settings_from,
)
from sync.nutrition.data import shipped_dris, shipped_foods
from tests.nutrition_helpers import (
    BY_NAME,
    CHILDREN,
    FOODS,
    MENU,
    NOVEMBER,
    child_ref,
    expected_figures,
    food,
    uses,
)


def test_every_figure_of_the_json_is_what_the_menu_adds_up_to():
    result = analyse(uses(), FoodTable.of(FOODS), shipped_dris(), NutritionSettings(), NOVEMBER, CHILDREN,
                     anchor=("园.xlsx", "食谱用料")).as_json()
    refs = [child_ref(4, "男"), child_ref(5, "女"), child_ref(4, None)]
    # Breakfast (早餐+早点) 25 % + lunch 35 % + afternoon snack 10 %: the menu serves no dinner.
    days, per_day, energy_share, quality_share, meal_share, groups, reference, percent = expected_figures(
        MENU, NOVEMBER, refs, 0.25 + 0.35 + 0.10)
    assert result["period"] == {"from": "2026-11-01", "to": "2026-11-30", "days": 3}
    assert days == 3
    for key in NUTRIENT_KEYS:
        assert result["per_child_day"][key] == pytest.approx(per_day[key], abs=1e-4), key
        assert result["reference"][key] == (pytest.approx(reference[key], abs=1e-4) if reference[key] is not None else None), key
        assert result["percent_of_reference"][key] == (pytest.approx(percent[key], abs=0.01) if percent[key] is not None else None), key
    assert set(result["per_child_day"]) == set(result["reference"]) == set(result["percent_of_reference"]) == set(NUTRIENT_KEYS)
    assert result["energy_share"] == pytest.approx(energy_share, abs=1e-4)
    assert sum(result["energy_share"].values()) == pytest.approx(1, abs=1e-3)
    assert result["quality_protein_share"] == pytest.approx(quality_share, abs=1e-4)
    assert result["meal_energy_share"] == pytest.approx(meal_share, abs=1e-4)
    assert list(result["meal_energy_share"]) == ["早餐", "午餐", "午点"]
    assert result["food_groups_g"] == pytest.approx(groups, abs=1e-4)
    # Spot checks by hand: energy of 11-02 = 200×0.61 + 60×3.5 + 30×1.4 + 80×0.13 = 384.4 kcal.
    assert per_day["energy_kcal"] == pytest.approx((384.4 + (150 * 0.61 + 70 * 3.5 + 25 * 1.4 + 20 * 3.5) + (50 * 3.5 + 100 * 0.13)) / 3)
    assert reference["energy_kcal"] == pytest.approx((1300 + 1300 + 1275) / 3 * 0.7)
    [unknown] = result["unknown_ingredients"]
    assert unknown["name"] == "鸡旦" and unknown["grams"] == 15 and unknown["grams_per_child_day"] == pytest.approx(5)
    assert len(unknown["suggestions"]) == 3 and unknown["cells"] == ["食谱用料!D10"]
    # 小白菜 has no vitamin C value: 180 g over 3 days could not be counted, and the report says so.
    assert result["no_value_g"] == {"vitamin_c_mg": pytest.approx(60)}
    assert "幼儿健康档案 3 名儿童" in result["basis"]["children"] and result["basis"]["in_school_share"] == 0.7


def test_findings_name_the_month_the_nutrient_and_the_limit():
    analysis = analyse(uses(), FoodTable.of(FOODS), shipped_dris(), NutritionSettings(), NOVEMBER, CHILDREN)
    _, _, energy_share, quality_share, _, _, _, percent = expected_figures(
        MENU, NOVEMBER, [child_ref(4, "男"), child_ref(5, "女"), child_ref(4, None)], 0.7)
    messages = {f.rule: f.message for f in analysis.findings}
    low = {k for k, v in percent.items() if v is not None and v < 80}
    assert {r.removeprefix("nutrition.") for r in messages if r.endswith(("_g", "_mg", "_kcal", "_rae"))} == low
    assert messages["nutrition.energy_kcal"] == f"11月能量摄入为推荐量的 {percent['energy_kcal']:.0f}%，低于 80%"
    english = {f.rule: f.message_en for f in analysis.findings}
    assert english["nutrition.energy_kcal"] == f"2026-11: Energy intake is {percent['energy_kcal']:.0f}% of the reference, below 80%"
    fat = 100 * energy_share["fat"]
    assert ("nutrition.fat_share" in messages) == (not 30 <= fat <= 35)
    assert ("nutrition.quality_protein" in messages) == (quality_share < 0.5)
    assert all(f.severity == "warning" and f.row is None and "2026-11" in f.key for f in analysis.findings)


def test_default_mix_without_health_records_and_boarding_thresholds():
    settings = NutritionSettings(boarding=True)
    analysis = analyse(uses(), FoodTable.of(FOODS), shipped_dris(), settings, NOVEMBER, None)
    refs = [child_ref(3, None), child_ref(4, None), child_ref(5, None)]
    *_, reference, percent = expected_figures(MENU, NOVEMBER, refs, 0.7)
    assert analysis.reference["energy_kcal"] == pytest.approx(reference["energy_kcal"])
    assert analysis.reference["iron_mg"] == pytest.approx((9 + 10 + 10) / 3 * 0.7)
    assert "没有幼儿健康档案" in analysis.basis["children"] and "寄宿制能量、蛋白质 ≥ 90%" in analysis.basis["standards"]
    energy = [f for f in analysis.findings if f.rule == "nutrition.energy_kcal"]
    assert bool(energy) == (percent["energy_kcal"] < 90)


def test_intake_figures_do_not_depend_on_the_children():
    a = analyse(uses(), FoodTable.of(FOODS), shipped_dris(), NutritionSettings(), NOVEMBER, CHILDREN)
    b = analyse(uses(), FoodTable.of(FOODS), shipped_dris(), NutritionSettings(), NOVEMBER, None)
    assert a.per_child_day == b.per_child_day and a.energy_share == b.energy_share and a.reference != b.reference


def test_a_six_year_old_uses_the_configured_activity_level():
    six = [(date(2020, 1, 1), "男")]
    for level, kcal in (("I", 1400), ("II", 1600), ("III", 1800)):
        analysis = analyse(uses(), FoodTable.of(FOODS), shipped_dris(), NutritionSettings(activity_level_6=level), NOVEMBER, six)
        assert analysis.reference["energy_kcal"] == pytest.approx(kcal * 0.7)
        assert analysis.reference["protein_g"] == pytest.approx(35 * 0.7)


def test_an_empty_period_has_no_figures_and_no_findings():
    analysis = analyse(uses(), FoodTable.of(FOODS), shipped_dris(), NutritionSettings(), Period.month(2026, 10), None)
    assert analysis.days == 0 and analysis.findings == [] and analysis.as_json()["percent_of_reference"]["energy_kcal"] is None


def test_meal_shares_are_a_setting():
    settings = settings_from({"meal_shares": {"早餐": 30, "午餐+午点": 40, "晚餐": 30}})
    analysis = analyse(uses(), FoodTable.of(FOODS), shipped_dris(), settings, NOVEMBER, None)
    assert analysis.basis["in_school_share"] == 0.7 and "午餐+午点 40%" in analysis.basis["meal_shares"]
    only_lunch = [r for r in MENU if r[1] == "午餐"]
    lunch = analyse(uses(only_lunch), FoodTable.of(FOODS), shipped_dris(), NutritionSettings(), NOVEMBER, None)
    assert lunch.basis["in_school_share"] == 0.35


@pytest.mark.parametrize("table, words", [
    ({"fat_shares": [25, 30]}, "是不是 fat_share"),
    ({"fat_share": [35, 30]}, "下限大于上限"),
    ({"other_min": "八成"}, "应是数字"),
    ({"meal_shares": {"早餐": 60, "午餐": 60}}, "超过了 100%"),
    ({"activity_level_6": "中"}, "\"I\"、\"II\" 或 \"III\""),
])
def test_a_bad_setting_is_one_message_naming_it(table, words):
    with pytest.raises(NutritionSettingsError, match=words):
        settings_from(table)


def test_percent_or_fraction_settings_mean_the_same():
    assert settings_from({"fat_share": [25, 30]}).fat_share == settings_from({"fat_share": [0.25, 0.30]}).fat_share == (0.25, 0.30)


@pytest.mark.parametrize("text, items, rest", [
    ("猪肉（瘦）20克、青菜50克", [("猪肉(瘦)", 20), ("青菜", 50)], ""),
    ("猪肉20g 青菜50g", [("猪肉", 20), ("青菜", 50)], ""),
    ("大米５０克，鸡蛋 25.5 g/人；胡萝卜10克", [("大米", 50), ("鸡蛋", 25.5), ("胡萝卜", 10)], ""),
    ("猪肉、青菜", [], "猪肉 青菜"),
    ("猪肉20克、葱少许", [("猪肉", 20)], "葱少许"),
])
def test_ingredient_text_as_staff_write_it(text, items, rest):
    assert parse_ingredient_text(text) == (items, rest)


@pytest.mark.parametrize("written, name", [
    ("猪肉（瘦）", "猪肉(瘦)"), ("猪肉瘦", "猪肉(瘦)"), ("瘦肉", "猪肉(瘦)"), (" 牛 奶 ", "牛奶"), ("番茄", "西红柿"),
    ("蘑菇", "蘑菇(鲜)"), ("木耳【干】", "木耳(干)"), ("猪肉", "猪肉(肥瘦)"),
])
def test_the_shipped_table_knows_names_aliases_widths_and_brackets(written, name):
    assert FoodTable.of(shipped_foods()).find(written).name == name


def test_an_unknown_name_gets_the_three_nearest_and_ambiguous_bases_stay_unknown():
    table = FoodTable.of(shipped_foods())
    assert table.find("鸡旦") is None and table.nearest("鸡旦")[0] == "鸡蛋" and len(table.nearest("鸡旦")) == 3
    assert table.find("香菇") is None and set(table.nearest("香菇")[:2]) == {"香菇(鲜)", "香菇(干)"}


def test_the_shipped_table_keeps_ndb_numbers_and_notes():
    foods = {f.name: f for f in shipped_foods()}
    assert len(foods) == 221 and all(f.ndb.isdigit() and f.match in ("直接", "近似") for f in foods.values())
    assert foods["大米"].ndb == "20444" and foods["大米"].note == "长粒白米,未强化"
    assert sum(1 for f in foods.values() if f.match == "近似") == 32
    assert foods["粳米"].values["vitamin_a_ug_rae"] is None  # empty in SR28: never filled in


def test_a_kindergartens_own_row_wins_over_the_shipped_one():
    own = food("猪肉(瘦)", "畜禽肉类", True, {"energy_kcal": 143, "protein_g": 20.3, "fat_g": 6.2, "carbohydrate_g": 1.5})
    own = dataclasses.replace(own, origin="食物成分表")
    table = FoodTable.of(shipped_foods(), [own])
    assert table.find("瘦肉").values["energy_kcal"] == 143 and len(table) == 221


@given(st.lists(st.tuples(st.integers(1, 28), st.sampled_from(["早餐", "午餐", "午点"]), st.sampled_from(list(BY_NAME)),
                          st.floats(1, 300)), min_size=1, max_size=30))
def test_shares_add_up_and_doubling_every_amount_doubles_intake(rows):
    menu = [(date(2026, 11, d), meal, "菜", name, grams) for d, meal, name, grams in rows]
    doubled = [(d, m, dish, n, 2 * g) for d, m, dish, n, g in menu]
    one = analyse(uses(menu), FoodTable.of(FOODS), shipped_dris(), NutritionSettings(), NOVEMBER, None)
    two = analyse(uses(doubled), FoodTable.of(FOODS), shipped_dris(), NutritionSettings(), NOVEMBER, None)
    assert sum(one.energy_share.values()) == pytest.approx(1)
    assert sum(one.meal_energy_share.values()) == pytest.approx(1)
    assert two.per_child_day["energy_kcal"] == pytest.approx(2 * one.per_child_day["energy_kcal"])
    assert two.energy_share == pytest.approx(one.energy_share)


NAMES = st.sampled_from(["猪肉（瘦）", "青菜", "大米", "鸡蛋", "木耳(干)", "牛奶", "胡萝卜", "豆腐干"])


@given(st.lists(st.tuples(NAMES, st.integers(1, 500), st.sampled_from(["克", "g", "G", " 克/人"])), min_size=1, max_size=8),
       st.sampled_from(["、", "，", " ", ";", "；", "/"]))
def test_ingredient_text_round_trip(items, separator):
    """Whatever separator and unit staff use, the names and grams come back as written."""
    text = separator.join(f"{name}{grams}{unit}" for name, grams, unit in items)
    parsed, rest = parse_ingredient_text(text)
    assert rest == ""
    table = shipped_table()
    assert [(table.find(n).name, g) for n, g in parsed] == [(table.find(n).name, float(g)) for n, g, _ in items]


@functools.cache
def shipped_table() -> FoodTable:
    return FoodTable.of(shipped_foods())
