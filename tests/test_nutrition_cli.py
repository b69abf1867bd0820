"""`python -m sync nutrition` on real workbooks: a hand-made one whose every JSON figure is
recomputed here, and the demo (text, JSON, and the xlsx report opened by LibreOffice)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from rules.nutrition import NUTRIENT_KEYS
from sync.demo import write_demo
from sync.nutrition.xlsx import CHART_TITLE
from tests.cli_helpers import cli
from tests.nutrition_helpers import IN_CELL, MENU, NOVEMBER, child_ref, expected_figures, handmade_workbook
from tests.support import ROOT, require


def run(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    """The command as staff run it: a fresh process."""
    return subprocess.run([sys.executable, "-m", "sync", *args], cwd=cwd, capture_output=True, text=True, timeout=120)




def test_every_figure_of_the_json_from_a_handmade_workbook(tmp_path):
    path = handmade_workbook(tmp_path / "食堂.xlsx")
    done = run("nutrition", str(path), "--month", "2026-11", "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    refs = [child_ref(4, "男"), child_ref(5, "女"), child_ref(4, None)]
    days, per_day, energy_share, quality_share, meal_share, groups, reference, percent = expected_figures(
        MENU, NOVEMBER, refs, 0.25 + 0.35 + 0.10)
    assert result["period"] == {"from": "2026-11-01", "to": "2026-11-30", "days": days}
    assert set(result) >= {"period", "per_child_day", "reference", "percent_of_reference", "energy_share",
                           "quality_protein_share", "meal_energy_share", "food_groups_g", "unknown_ingredients", "findings"}
    for key in NUTRIENT_KEYS:
        assert result["per_child_day"][key] == pytest.approx(per_day[key], abs=1e-4), key
        expected = reference[key]
        assert result["reference"][key] == (None if expected is None else pytest.approx(expected, abs=1e-4)), key
        expected = percent[key]
        assert result["percent_of_reference"][key] == (None if expected is None else pytest.approx(expected, abs=0.01)), key
    assert result["energy_share"] == pytest.approx(energy_share, abs=1e-4)
    assert result["quality_protein_share"] == pytest.approx(quality_share, abs=1e-4)
    assert result["meal_energy_share"] == pytest.approx(meal_share, abs=1e-4)
    assert result["food_groups_g"] == pytest.approx(groups, abs=1e-4)
    [unknown] = result["unknown_ingredients"]
    assert unknown["name"] == "鸡旦" and unknown["grams"] == 15 and "鸡蛋" in unknown["suggestions"]
    messages = [f["message"] for f in result["findings"]]
    assert f"11月能量摄入为推荐量的 {percent['energy_kcal']:.0f}%，低于 80%" in messages


def test_an_unknown_ingredient_is_a_finding_on_its_cell_and_the_rest_is_still_counted(tmp_path):
    path = handmade_workbook(tmp_path / "食堂.xlsx")
    done = cli("check", str(path), "--today", "2026-11-25", "--format", "json")
    findings = json.loads(done.stdout)["findings"]
    [unknown] = [f for f in findings if f["rule"] == "ingredient_known_food"]
    row = 2 + [r[3] for r in MENU if (r[0], r[1], r[2]) != IN_CELL].index("鸡旦")
    assert unknown["kind"] == "validation" and unknown["sheet"] == "食谱用料" and unknown["cell"] == f"D{row}"
    assert unknown["message"].startswith("食材“鸡旦”不在食物成分表里，这 15 克无法计算营养；是不是：鸡蛋")
    # Every dish has its ingredients (青菜饭's are in its 主要食材 cell): nothing is "缺少用料".
    assert not [f for f in findings if f["rule"] == "menu_ingredients_listed"]
    text = cli("nutrition", str(path), "--month", "2026-11").stdout
    assert "“鸡旦” 共 15 克" in text and "是不是：鸡蛋" in text and "有用料的食谱天数：3 天" in text


def test_a_dish_without_ingredients_is_a_warning(tmp_path):
    path = handmade_workbook(tmp_path / "食堂.xlsx")
    book = load_workbook(path)
    book["每周食谱"].append([date(2026, 11, 5), "午餐", "红烧肉", "五花肉", 80])
    book["每周食谱"].append([date(2026, 11, 5), "午餐", "白开水", "", 100])  # water needs no ingredients
    book.save(path)
    findings = json.loads(cli("check", str(path), "--today", "2026-11-25", "--format", "json").stdout)["findings"]
    [missing] = [f for f in findings if f["rule"] == "menu_ingredients_listed"]
    assert missing["severity"] == "warning" and missing["message"] == "11-05 午餐“红烧肉”缺少用料，无法做营养分析"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder, today=date(2026, 11, 25))
    return folder


def test_the_demo_has_a_fat_month_a_mistyped_ingredient_and_a_dish_without_ingredients(demo):
    october = json.loads(cli("nutrition", str(demo), "--month", "2026-10", "--format", "json").stdout)
    november = json.loads(cli("nutrition", str(demo), "--month", "2026-11", "--format", "json").stdout)
    assert october["energy_share"]["fat"] > 0.35 and 0.30 <= november["energy_share"]["fat"] <= 0.35
    assert any(f["message"].startswith("10月脂肪供能比为 ") and "高于 30%–35%" in f["message"] for f in october["findings"])
    assert [u["name"] for u in november["unknown_ingredients"]] == ["胡箩卜"] and not october["unknown_ingredients"]
    assert october["period"]["days"] >= 15 and november["period"]["days"] >= 15
    assert set(november["meal_energy_share"]) >= {"早餐", "午餐", "午点"}
    check = json.loads(cli("check", str(demo), "--today", "2026-11-25", "--format", "json").stdout)["findings"]
    assert len([f for f in check if f["rule"] == "menu_ingredients_listed"]) == 1
    nutrition_alerts = [f["message"] for f in check if f["rule"].startswith("nutrition.")]
    assert any(m.startswith("10月脂肪供能比") for m in nutrition_alerts)


def test_text_report_on_the_demo(demo):
    done = cli("nutrition", str(demo), "--month", "2026-10")
    assert done.returncode == 0, done.stderr
    for words in ("膳食营养分析 2026-10-01 至 2026-10-31（10月）", "在园推荐量 = 全天推荐量 × 70%", "幼儿健康档案 41 名儿童",
                  "优质蛋白（动物性和大豆类）占蛋白质", "各餐能量：早餐", "10月脂肪供能比为"):
        assert words in done.stdout


@pytest.mark.office
def test_xlsx_report_opens_in_libreoffice_with_its_chart(demo, tmp_path):
    out = tmp_path / "十月营养.xlsx"
    done = run("nutrition", str(demo), "--month", "2026-10", "--format", "xlsx", "--out", str(out))
    assert done.returncode == 0 and out.exists(), done.stderr
    with zipfile.ZipFile(out) as parts:
        assert any(name.startswith("xl/charts/chart") for name in parts.namelist())
    book = load_workbook(out)
    assert book.sheetnames == ["膳食营养分析", "带量食谱", "食物来源"]
    column = [c.value for c in book["膳食营养分析"]["A"] if isinstance(c.value, str)]
    for heading in ("一、平均每人日各类食物摄入量", "二、营养素摄入量与推荐量比较", "三、热能来源分布", "四、蛋白质来源", "五、餐次能量分配",
                    "六、膳食费"):
        assert any(text.startswith(heading) for text in column), heading
    sources = {row[0].value: row[4].value for row in book["食物来源"].iter_rows(min_row=4)}
    assert sources["大米"] == "20444"
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    require(soffice is not None, "LibreOffice (soffice) is not installed")
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    converted = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                                "--outdir", str(tmp_path / "pdf"), str(out)], capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "pdf" / "十月营养.pdf"
    assert converted.returncode == 0 and pdf.exists(), converted.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # The chart's title exists only in the chart: in the PDF, LibreOffice drew the chart.
    assert CHART_TITLE in text.replace(" ", "") and "膳食营养分析表（10月）" in text.replace(" ", "")


@pytest.mark.parametrize("args, words", [
    (["--month", "2026-13"], "月份应写成 YYYY-MM"),
    (["--from", "2026-11-01"], "--from 和 --to 要一起写"),
    (["--month", "2026-11", "--from", "2026-11-01", "--to", "2026-11-30"], "只用一种方式指定时段"),
    (["--from", "2026-11-30", "--to", "2026-11-01"], "早于"),
])
def test_bad_periods_are_one_chinese_message(demo, args, words):
    done = cli("nutrition", str(demo), *args)
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr


def test_a_misspelt_nutrition_setting_names_the_right_one(demo, tmp_path):
    config = tmp_path / "houqin.toml"
    config.write_text(f'[sources]\npaths = ["{demo.as_posix()}"]\n\n[nutrition]\nfat_shares = [25, 30]\n', encoding="utf-8")
    done = cli("nutrition", "--config", str(config))
    assert done.returncode == 2 and "fat_shares" in done.stderr and "是不是 fat_share" in done.stderr


def test_a_quarter_and_a_configured_fat_range(demo, tmp_path):
    config = tmp_path / "houqin.toml"
    config.write_text(f'[sources]\npaths = ["{demo.as_posix()}"]\n\n[nutrition]\nfat_share = [25, 45]\nbasis_note = "脂肪按园所小结 25–45%"\n',
                      encoding="utf-8")
    result = json.loads(cli("nutrition", "--config", str(config), "--from", "2026-10-01", "--to", "2026-12-31",
                            "--format", "json").stdout)
    assert result["period"]["from"] == "2026-10-01" and result["basis"]["note"] == "脂肪按园所小结 25–45%"
    assert "脂肪 25%–45%" in result["basis"]["standards"]
    assert not [f for f in result["findings"] if f["rule"] == "nutrition.fat_share"]
    assert result["findings"] and all(f["message"].startswith("2026年第4季度") for f in result["findings"])


def test_the_report_never_overwrites_a_staff_workbook(demo, tmp_path):
    staff = tmp_path / "食堂管理.xlsx"
    staff.write_bytes((demo / "食堂管理.xlsx").read_bytes())
    before = staff.read_bytes()
    for fmt in ("xlsx", "json"):
        done = cli("nutrition", str(demo), "--month", "2026-11", "--format", fmt, "--out", str(staff))
        assert done.returncode == 2 and "不会覆盖" in done.stderr and staff.read_bytes() == before
    report = tmp_path / "报表.xlsx"
    for _ in range(2):  # its own report it replaces
        assert cli("nutrition", str(demo), "--month", "2026-11", "--format", "xlsx", "--out", str(report)).returncode == 0


def test_a_month_without_ingredients_writes_no_report(demo, tmp_path):
    report = tmp_path / "空.xlsx"
    done = cli("nutrition", str(demo), "--month", "2026-01", "--format", "xlsx", "--out", str(report))
    assert done.returncode == 0 and "没有生成报表" in done.stdout and not report.exists()


def test_a_menu_cell_with_amounts_is_checked_like_ingredient_rows(tmp_path):
    path = handmade_workbook(tmp_path / "食堂.xlsx")
    book = load_workbook(path)
    book["每周食谱"].append([date(2026, 11, 6), "午餐", "肉丝面", "挂面60克、猪肉20克、葱少许", 100])
    book["每周食谱"].append([date(2026, 11, 6), "午点", "水果", "火龙果100克", 100])
    # 11-02's dish is listed in full on 食谱用料: its 主要食材 cell is only a summary and is not judged.
    book["每周食谱"]["D3"] = "大米60克、猪肉（瘦）30克、青菜适量"
    book.save(path)
    findings = json.loads(cli("check", str(path), "--today", "2026-11-25", "--format", "json").stdout)["findings"]
    mine = {(f["cell"], f["severity"], f["message"].split("；")[0].split("（")[0])
            for f in findings if f["rule"] == "ingredient_known_food" and f["sheet"] == "每周食谱"}
    rows = book["每周食谱"].max_row
    assert mine == {(f"D{rows - 1}", "warning", "主要食材里“葱少许”没有写克数，营养分析没有计入"),
                    (f"D{rows}", "error", "食材“火龙果”不在食物成分表里，这 100 克无法计算营养")}
    result = json.loads(cli("nutrition", str(path), "--month", "2026-11", "--format", "json").stdout)
    assert result["period"]["days"] == 4 and [u["name"] for u in result["unknown_ingredients"]] == ["火龙果", "鸡旦"]
