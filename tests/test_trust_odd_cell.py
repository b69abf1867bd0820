"""One odd cell never stops a cycle: a huge 每人用量 is a finding on its cell, the rest goes on,
and nothing Houqin prints or serves holds Infinity or NaN; 主要食材 as cooks write it."""

from __future__ import annotations

import math
from datetime import date

import pytest
from openpyxl import load_workbook

from rules.nutrition import ingredients
from sync.config.loader import Config
from sync.cycle.run import run_cycle
from sync.state import store as state
from tests.cli_helpers import cli
from tests.nutrition_helpers import kitchen, strict

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize("grams", [1e307, 1e306, 2001])
def test_a_huge_amount_is_a_finding_on_its_cell_and_check_goes_on(tmp_path, grams):
    path = kitchen(tmp_path / "食堂.xlsx", grams)
    done = cli("check", str(path), "--today", TODAY.isoformat(), "--format", "json")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    findings = strict(done.stdout)["findings"]
    on_cell = [f for f in findings if f["sheet"] == "食谱用料" and f["cell"] == "E3"]
    assert [f["rule"] for f in on_cell] == ["validation.range"]
    assert "不能大于 2,000" in on_cell[0]["message"]


def test_run_writes_the_alert_into_the_workbook_despite_1e307(tmp_path):
    path = kitchen(tmp_path / "食堂.xlsx", 1e307)
    done = cli("run", str(path), "--today", TODAY.isoformat())
    assert "Traceback" not in done.stderr and "ValueError" not in done.stdout + done.stderr
    sheet = load_workbook(path)["食谱用料"]
    alert = [c.column for c in sheet[1] if c.value == "系统提醒"][0]
    assert "不能大于" in sheet.cell(3, alert).value


def test_nutrition_json_is_strict_and_leaves_the_odd_row_out(tmp_path):
    path = kitchen(tmp_path / "食堂.xlsx", 1e306)
    done = cli("nutrition", str(path), "--month", "2026-11", "--format", "json")
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    result = strict(done.stdout)
    energy = result["per_child_day"]["energy_kcal"]
    assert energy is not None and math.isfinite(energy) and energy < 1000


def test_the_api_and_the_page_never_show_infinity(tmp_path, make_app):
    path = kitchen(tmp_path / "食堂.xlsx", 1e306)

    def record(db):
        state.record_run(db, run_cycle(Config(paths=[path], state_db=db), TODAY, write=False))

    client = make_app(record).test_client()
    status = client.get("/api/status")
    assert status.status_code == 200
    strict(status.get_data(as_text=True))
    assert "%" in client.get("/nutrition").get_data(as_text=True)  # the figures are shown
    for page in ("/", "/nutrition", "/report"):
        answer = client.get(page)
        body = answer.get_data(as_text=True)
        assert answer.status_code == 200, page
        assert "inf%" not in body and "nan%" not in body.lower() and "Infinity" not in body and "e+" not in body


def test_every_number_column_of_the_pack_has_a_plausible_maximum(pack):
    """A cell beyond the maximum is a finding; without one, a typing slip overflows the sums."""
    unbounded = [(s.name, f.name) for s in pack.sheets for f in s.fields
                 if f.type in ("number", "integer") and f.maximum is None and f.exclusive_maximum is None]
    assert unbounded == []
    grams = pack.sheet("menu_ingredients").field("每人用量")
    assert grams.maximum == 2000 == getattr(ingredients, "LARGEST_GRAMS", None)


@pytest.mark.parametrize("text, items, said", [
    ("猪肉20-30克", [("猪肉", 25)], "按中间值 25 克计"),
    ("猪肉20～30g、青菜50克", [("猪肉", 25), ("青菜", 50)], "按中间值 25 克计"),
    ("大米1两", [("大米", 50)], "按 50 克计"),
    ("土豆0.1斤", [("土豆", 50)], "按 50 克计"),
    ("鸡肉0.02千克、鸭肉0.03kg", [("鸡肉", 20), ("鸭肉", 30)], "按 20 克计"),
    ("牛奶200毫升", [("牛奶", 200)], "按 1 毫升约 1 克计"),
    ("豆浆150ml", [("豆浆", 150)], "按 1 毫升约 1 克计"),
    ("猪肉1,000,000克", [], "“猪肉1,000,000克”超过每人 2000 克"),
    ("猪肉1,000克", [("猪肉", 1000)], None),
])
def test_ingredient_text_reads_units_and_ranges_and_says_so(text, items, said):
    read = ingredients.read_ingredient_text(text)
    assert read.items == [(name, float(grams)) for name, grams in items]
    assert all(name != "-" for name, _ in read.items)
    if said:
        assert any(said in note for note in read.assumed + read.refused)


@pytest.mark.parametrize("text, words", [
    ("猪肉20-30克、青菜50克", "“猪肉20-30克”按中间值 25 克计"),
    ("猪肉1,000,000克、青菜50克", "“猪肉1,000,000克”超过每人 2000 克"),
    ("牛奶200毫升", "按 1 毫升约 1 克计"),
])
def test_the_cell_says_how_it_was_counted(tmp_path, text, words):
    path = kitchen(tmp_path / "食堂.xlsx", 80, text)
    done = cli("check", str(path), "--today", TODAY.isoformat(), "--format", "json")
    cell = [f for f in strict(done.stdout)["findings"] if f["sheet"] == "每周食谱" and f["cell"] == "D5"]
    assert any(words in f["message"] for f in cell), cell


def test_the_page_shows_a_figure_that_is_not_finite_as_a_dash(tmp_path, make_app):
    """Whatever figure a future bug makes infinite is stored as null and shown as "-"."""
    path = kitchen(tmp_path / "食堂.xlsx", 60)

    def record(db):
        result = run_cycle(Config(paths=[path], state_db=db), TODAY, write=False)
        month = result.summary["nutrition"]["months"][0]
        month["per_child_day"]["energy_kcal"] = float("inf")
        month["meal_energy_share"]["午餐"] = float("nan")
        month["food_groups_g"] = {group: float("inf") for group in month["food_groups_g"]}
        state.record_run(db, result)

    client = make_app(record).test_client()
    answer = client.get("/nutrition")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "inf" not in body.lower().replace("info", "")
    strict(client.get("/api/status").get_data(as_text=True))
