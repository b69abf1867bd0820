"""The 膳食营养分析表 as the 2012 norms' 膳食调查 fills it: intake per 人日 (each menu day
weighted by the children who ate, 实到人数 of 晨午检), the meals' energy shares judged against
the configured split, protein from animal foods and from soy, 膳食费 per child-day from 伙食账.
Every figure is recomputed here from the rows this test writes."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from openpyxl import load_workbook

from rules.nutrition import NUTRIENT_KEYS
from rules.nutrition.settings import DEFAULT_MEAL_SHARES
from tests.nutrition_helpers import BY_NAME, IN_CELL, MENU, food, handmade_workbook
from tests.support import ROOT

TOFU = food("豆腐", "豆类及制品", True, {"energy_kcal": 80, "protein_g": 8, "fat_g": 4, "carbohydrate_g": 3})
SOY_DAY = (date(2026, 11, 3), "午餐", "豆腐汤", "豆腐", 40)
# Children who ate each day, by class: days differ, so per 人日 differs from a plain mean of days.
PRESENT = {date(2026, 11, 2): (18, 20), date(2026, 11, 3): (10, 12), date(2026, 11, 4): (25, 25)}
SPENT = {date(2026, 10, 1): 30000.0, date(2026, 11, 1): 4200.0}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sync", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def workbook(path):
    """The nutrition tests' hand-made workbook, with 豆腐, 晨午检 and 伙食账 added."""
    handmade_workbook(path)
    book = load_workbook(path)
    book["食谱用料"].append(list(SOY_DAY))
    book["食物成分表"].append([TOFU.name, "", TOFU.group, "是", *(TOFU.values[k] for k in NUTRIENT_KEYS)])
    checks = book.create_sheet("晨午检")
    checks.append(["日期", "班级", "应到人数", "实到人数", "晨检人", "午检人"])
    for day, classes in PRESENT.items():
        for name, present in zip(("小一班", "中一班"), classes, strict=True):
            checks.append([day, name, 25, present, "张医生", "张医生"])
    checks.append([date(2026, 11, 5), "小一班", 25, 22, "张医生", "张医生"])  # a day without a menu: cost only
    account = book.create_sheet("伙食账")
    account.append(["月份", "收入（元）", "支出（元）"])
    for month, spent in SPENT.items():
        account.append([month, spent * 1.01, spent])
    book.save(path)
    return path


def used_rows() -> list[tuple]:
    """What the analysis counts in November: the ingredient rows (the in-cell dish as its cell
    says), foods the table knows."""
    rows = [r for r in MENU if r[:3] != IN_CELL] + [(*IN_CELL, "大米", 50), (*IN_CELL, "青菜", 100), SOY_DAY]
    foods = {**BY_NAME, "豆腐": TOFU}
    return [(day, meal, foods[name], grams) for day, meal, _, name, grams in rows
            if day.month == 11 and name in foods]


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    path = workbook(tmp_path_factory.mktemp("nutrition") / "食堂.xlsx")
    done = run("nutrition", str(path), "--month", "2026-11", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def per_person_day(pick) -> float:
    """Σ over menu days of (实到人数 × that day's amount per child) / Σ 实到人数: per 人日."""
    rows = used_rows()
    eaten = {day: sum(present) for day, present in PRESENT.items()}
    amount = {day: sum(pick(f, g) for d, _, f, g in rows if d == day) for day in eaten}
    return sum(eaten[d] * amount[d] for d in eaten) / sum(eaten.values())


def test_intake_is_per_person_day_from_the_attendance(analysed):
    assert analysed["child_days"] == sum(sum(p) for p in PRESENT.values())
    for key in NUTRIENT_KEYS:
        expected = per_person_day(lambda f, g, key=key: g * (f.values[key] or 0) / 100)
        assert analysed["per_person_day"][key] == pytest.approx(expected, abs=1e-4), key
        assert analysed["per_child_day"][key] == pytest.approx(expected, abs=1e-4), key  # what is judged
    plain = sum(g * f.values["energy_kcal"] / 100 for *_, f, g in used_rows()) / len(PRESENT)
    assert analysed["planned_per_child"]["energy_kcal"] == pytest.approx(plain, abs=1e-4)
    assert abs(plain - analysed["per_person_day"]["energy_kcal"]) > 1  # the weighting shows
    assert "人日" in analysed["basis"]["intake"]


def test_protein_from_animal_foods_and_from_soy(analysed):
    animal = per_person_day(lambda f, g: g * f.values["protein_g"] / 100 if f.group in ("畜禽肉类", "奶类") else 0)
    soy = per_person_day(lambda f, g: g * f.values["protein_g"] / 100 if f.group == "豆类及制品" else 0)
    protein = per_person_day(lambda f, g: g * f.values["protein_g"] / 100)
    sources = analysed["protein_sources"]
    assert sources["animal_g"] == pytest.approx(animal, abs=1e-4) and sources["soy_g"] == pytest.approx(soy, abs=1e-4)
    assert sources["animal_share"] == pytest.approx(animal / protein, abs=1e-4)
    assert sources["soy_share"] == pytest.approx(soy / protein, abs=1e-4)
    assert analysed["quality_protein_share"] == pytest.approx((animal + soy) / protein, abs=1e-4)


def test_meal_energy_shares_are_judged_against_the_configured_split(analysed):
    energy = per_person_day(lambda f, g: g * f.values["energy_kcal"] / 100)
    served = {meal for _, meal, _, _ in used_rows()}
    groups = [(meals, share) for meals, share in DEFAULT_MEAL_SHARES if served & set(meals)]
    in_school = sum(share for _, share in groups)
    judged = {j["meals"]: j for j in analysed["meal_shares_judged"]}
    assert set(judged) == {"+".join(meals) for meals, _ in groups}
    for meals, configured in groups:
        share = sum(_meal_energy(m) for m in meals) / energy
        expected = configured / in_school
        verdict = "偏低" if share < expected - 0.05 else "偏高" if share > expected + 0.05 else "符合"
        got = judged["+".join(meals)]
        assert got["share"] == pytest.approx(share, abs=1e-4) and got["expected"] == pytest.approx(expected, abs=1e-4)
        assert got["verdict"] == verdict


def _meal_energy(meal: str) -> float:
    rows = used_rows()
    eaten = {day: sum(present) for day, present in PRESENT.items()}
    amount = {day: sum(g * f.values["energy_kcal"] / 100 for d, m, f, g in rows if d == day and m == meal) for day in eaten}
    return sum(eaten[d] * amount[d] for d in eaten) / sum(eaten.values())


def test_food_cost_per_child_day_from_the_food_account(analysed):
    child_days = sum(sum(p) for p in PRESENT.values()) + 22  # every November day with 晨午检, menu or not
    assert analysed["food_cost"] == {"months": ["2026-11"], "spent": SPENT[date(2026, 11, 1)], "child_days": child_days,
                                     "per_child_day": round(SPENT[date(2026, 11, 1)] / child_days, 2)}


def test_oversupply_is_flagged_not_passed(tmp_path):
    """Energy or protein above energy_max of the reference is 供给偏多 (a warning), never 达标."""
    path = workbook(tmp_path / "食堂.xlsx")
    book = load_workbook(path)
    for day in PRESENT:  # a generous lunch of meat every day: protein well above the reference
        book["食谱用料"].append([day, "午餐", "红烧肉", "猪肉（瘦）", 150])
    book.save(path)
    config = tmp_path / "houqin.toml"
    config.write_text(f"[sources]\npaths = ['{path.as_posix()}']\n[nutrition]\nenergy_max = 100\n", encoding="utf-8")
    done = run("nutrition", "--config", str(config), "--month", "2026-11", "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    messages = [f["message"] for f in result["findings"]]
    over = {key for key in ("energy_kcal", "protein_g") if result["percent_of_reference"][key] > 100}
    assert over, result["percent_of_reference"]  # the hand-made menu has more protein than the reference
    for key, label in (("energy_kcal", "能量"), ("protein_g", "蛋白质")):
        flagged = any(m.startswith(f"11月{label}摄入") and "高于 100%（供给偏多）" in m for m in messages)
        assert flagged == (key in over), (key, messages)
