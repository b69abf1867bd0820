"""The term summary from a term's workbook built by hand: every figure's numerator and
denominator against values this test computes from its own rows, through the real command."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta

import chinese_calendar
from openpyxl import load_workbook

from tests.documents_helpers import write_term_workbook
from tests.rules_helpers import pack_data, rule_params
from tests.support import ROOT

TODAY = date(2026, 11, 25)
TERM_START, TERM_END = date(2026, 9, 1), date(2027, 1, 20)
d = date
dt = datetime

CHILDREN = [  # 姓名 班级 出生日期 入园日期 入园体检日期 接种证查验 需补种疫苗 补种完成日期 上次体检日期 体弱儿 下次随访日期
    ("李一", "大一班", d(2021, 3, 1), d(2024, 9, 1), d(2024, 8, 20), "已查验", None, None, d(2026, 10, 10), "否", None),
    ("王二", "大一班", d(2021, 5, 1), d(2024, 9, 1), None, "未查验", "麻疹", d(2026, 10, 1), d(2025, 9, 1), "是", d(2026, 12, 1)),
    ("张三", "小一班", d(2023, 6, 1), d(2026, 9, 1), d(2026, 8, 25), "已查验", "乙脑", None, None, "是", d(2026, 11, 1)),
    ("赵四", "小一班", d(2024, 1, 1), d(2026, 9, 1), d(2026, 8, 28), "已查验", None, None, d(2026, 3, 1), "否", None),
    ("钱五", "小一班", d(2022, 2, 2), d(2025, 2, 20), d(2025, 2, 10), "已查验", "百白破", d(2025, 5, 1), d(2026, 9, 15), "是", None),
]
CLASSES = ["大一班", "小一班"]
INSPECTIONS = [  # 编号 检查对象 类别 责任人 检查周期 上次检查日期 检查结果 隐患描述 整改期限 整改完成日期 复查日期
    ("A1", "滑梯", "大型玩具", "刘师傅", 30, d(2026, 11, 10), "正常", None, None, None, None),
    ("A2", "灭火器", "消防器材", "刘师傅", None, d(2026, 10, 1), "正常", None, None, None, None),
    ("A3", "配电箱", "电器线路", "王老师", 15, d(2026, 11, 15), "有隐患", "漏电", d(2026, 11, 20), d(2026, 11, 18), d(2026, 11, 19)),
    ("A4", "护栏", "门窗护栏", "王老师", 30, d(2026, 11, 1), "有隐患", "松动", d(2026, 11, 10), d(2026, 11, 12), None),
    ("A5", "秋千", "大型玩具", "赵园长", 30, d(2026, 11, 5), "有隐患", "链条磨损", d(2026, 11, 30), None, None),
    ("A6", "旧滑梯", "大型玩具", "赵园长", 30, d(2026, 5, 1), "有隐患", "开裂", d(2026, 5, 10), d(2026, 5, 9), d(2026, 5, 11)),
]
MENU = [(d(2026, 11, 16), "午餐", "番茄炒蛋"), (d(2026, 11, 16), "午餐", "米饭"), (d(2026, 11, 17), "午餐", "红烧肉"),
        (d(2026, 11, 18), "午餐", "番茄炒蛋"), (d(2026, 11, 23), "午餐", "青菜"), (d(2026, 11, 25), "午餐", "清蒸鱼")]
SAMPLES = [  # 日期 餐次 菜品名称 留样量 留样时间 销毁时间 留样人
    (d(2026, 11, 16), "午餐", "番茄炒蛋", 130, dt(2026, 11, 16, 11), dt(2026, 11, 18, 12), "陈阿姨"),
    (d(2026, 11, 16), "午餐", "米饭", 100, dt(2026, 11, 16, 11), dt(2026, 11, 18, 12), "陈阿姨"),
    (d(2026, 11, 17), "午餐", "红烧肉", 150, dt(2026, 11, 17, 11), dt(2026, 11, 18, 11), "陈阿姨"),
    (d(2026, 11, 18), "午餐", "番茄炒蛋", 125, dt(2026, 11, 18, 11), dt(2026, 11, 20, 11), "陈阿姨"),
]
FOOD_ACCOUNT = [(d(2026, 8, 1), 20000, 19000), (d(2026, 9, 1), 30000, 29500), (d(2026, 10, 1), 30000, 29200),
                (d(2026, 11, 1), 31000, 30900)]
DRILLS = [(d(2026, 9, 15), "火灾疏散"), (d(2026, 10, 20), "地震"), (d(2026, 11, 11), "火灾疏散"), (d(2026, 6, 1), "防溺水"),
          (d(2026, 12, 10), "反恐防暴")]
LETTERS = [("赵园长", "园长", d(2026, 9, 5)), ("刘师傅", "门卫", d(2026, 9, 10)), ("陈阿姨", "厨师", d(2026, 3, 1)),
           ("孙阿姨", "保育员", None)]
ASSETS = [  # 资产编号 名称 保管人 购置日期 上次盘点日期 状态
    ("ZC1", "钢琴", "王老师", d(2020, 1, 1), d(2026, 11, 20), "在用"), ("ZC2", "电视机", "王老师", d(2020, 1, 1), d(2026, 3, 1), "在用"),
    ("ZC3", "空调", "刘师傅", None, None, "维修"), ("ZC4", "旧桌子", "刘师傅", d(2015, 1, 1), d(2026, 11, 20), "报废"),
    ("ZC5", "新电脑", "赵园长", d(2026, 12, 1), None, "在用"),
]
EXPENSES = [  # 日期 事项 金额 经手人 验收人 园长签字 收据 状态
    (d(2026, 9, 10), "买菜", 100, "陈阿姨", "李老师", "赵园长", "有", "已报销"),
    (d(2026, 10, 10), "修滑梯", 500, "刘师傅", None, "赵园长", "有", "已报销"),
    (d(2026, 11, 1), "文具", 50, "陈阿姨", "李老师", "赵园长", "无", "已报销"),
    (d(2026, 11, 2), "灯泡", 20, "刘师傅", "李老师", None, "有", "待报销"),
    (d(2026, 6, 1), "上学期的", 10, "陈阿姨", "李老师", "赵园长", "有", "已报销"),
]
VISITORS = [(d(2026, 9, 20), "钱先生", "维修公司", "修空调", "赵园长"), (d(2026, 10, 9), "孙女士", "教育局", "检查", None),
            (d(2026, 11, 3), "周先生", "送货", "送菜", "刘师傅"), (d(2026, 6, 3), "吴先生", "旧事", "旧事", None)]
MEETINGS = [d(2026, 11, 2), d(2026, 11, 9), d(2026, 11, 23)]
BULLETINS = [(d(2026, 9, 5), "保健宣传栏"), (d(2026, 9, 6), "安全宣传栏"), (d(2026, 10, 8), "保健宣传栏"),
             (d(2026, 11, 3), "安全宣传栏"), (d(2026, 11, 4), "告家长书"), (d(2026, 6, 1), "保健宣传栏")]
CHECK_DAYS = [d(2026, 11, 2) + timedelta(days=i) for i in range(23)]  # 11-02 .. 11-24 (yesterday)
SKIPPED_CHECK, NO_NOON = ("小一班", d(2026, 11, 10)), ("大一班", d(2026, 11, 12))
DISHES_SKIPPED = d(2026, 11, 5)
TOY_WEEKS = [d(2026, 11, 3), d(2026, 11, 17)]
INGREDIENTS = [(day, meal, dish, food, grams) for day, meal, dish in MENU for food, grams in (("大米", 50), ("鸡蛋", 20))]


def school_days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1) if chinese_calendar.is_workday(start + timedelta(days=i))]


def health_rows() -> list[tuple]:
    rows = []
    for day in school_days(CHECK_DAYS[0], CHECK_DAYS[-1]) + [TODAY]:
        for name in CLASSES:
            if (name, day) != SKIPPED_CHECK:
                rows.append((day, name, 20, 19, "张医生", None if (name, day) == NO_NOON else "张医生"))
    return rows


def disinfection_rows() -> list[tuple]:
    rows = [(day, "餐具", "蒸汽", "陈阿姨") for day in school_days(CHECK_DAYS[0], CHECK_DAYS[-1]) if day != DISHES_SKIPPED]
    return rows + [(day, "玩具", "浸泡", "孙阿姨") for day in TOY_WEEKS]


SHEETS = {
    "幼儿健康档案": (["姓名", "班级", "出生日期", "入园日期", "入园体检日期", "接种证查验", "需补种疫苗", "补种完成日期", "上次体检日期",
                "体弱儿", "下次随访日期"], CHILDREN),
    "安全检查": (["编号", "检查对象", "类别", "责任人", "检查周期（天）", "上次检查日期", "检查结果", "隐患描述", "整改期限", "整改完成日期",
              "复查日期"], INSPECTIONS),
    "每周食谱": (["日期", "餐次", "菜品名称"], MENU),
    "食品留样": (["日期", "餐次", "菜品名称", "留样量（克）", "留样时间", "销毁时间", "留样人"], SAMPLES),
    "伙食账": (["月份", "收入（元）", "支出（元）"], FOOD_ACCOUNT),
    "应急演练": (["日期", "演练类型"], DRILLS),
    "安全责任书": (["姓名", "岗位", "签订日期"], LETTERS),
    "固定资产": (["资产编号", "名称", "保管人", "购置日期", "上次盘点日期", "状态"], ASSETS),
    "报销登记": (["日期", "事项", "金额（元）", "经手人", "验收人", "园长签字", "收据", "状态"], EXPENSES),
    "外来人员登记": (["日期", "姓名", "单位", "事由", "批准人"], VISITORS),
    "后勤例会": (["日期", "主题"], [(day, "例会") for day in MEETINGS]),
    "宣传栏": (["日期", "类型", "主题"], [(day, kind, "宣传") for day, kind in BULLETINS]),
    "晨午检": (["日期", "班级", "应到人数", "实到人数", "晨检人", "午检人"], health_rows()),
    "消毒记录": (["日期", "消毒对象", "消毒方式", "执行人"], disinfection_rows()),
    "食谱用料": (["日期", "餐次", "菜品名称", "食材", "每人用量（克）"], INGREDIENTS),
}


def report_json(path) -> dict:
    done = subprocess.run([sys.executable, "-m", "sync", "report", str(path), "--today", TODAY.isoformat(), "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def plus_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, day.day)  # the test's days are all ≤ 28


def expected() -> dict[str, tuple]:
    """(numerator, denominator) of every figure, from the rows above."""
    in_term = lambda day: day is not None and TERM_START <= day <= TODAY  # noqa: E731 - a short predicate
    children = CHILDREN
    periodic_done = [c for c in children if in_term(c[8])]
    periodic_late = [c for c in children if not in_term(c[8]) and
                     plus_months(c[8] or c[4], 6 if plus_months(c[2], 36) > TODAY else 12) < TODAY]
    weak = [c for c in children if c[9] == "是"]
    days = school_days(CHECK_DAYS[0], CHECK_DAYS[-1])
    frequency = rule_params(pack_data(), "disinfection_frequency")["members"]["frequency"]
    daily = [o for o, f in frequency.items() if f == "school_day"]
    weeks_owed = sorted({day - timedelta(days=day.weekday()) for day in days if day - timedelta(days=day.weekday() - 6) < TODAY})
    toy_weeks = {day - timedelta(days=day.weekday()) for day in TOY_WEEKS}
    hazards = [r for r in INSPECTIONS if r[6] == "有隐患" and any(in_term(x) for x in (r[5], r[8], r[9]))]
    rectified = [r for r in hazards if r[9]]
    served = [m for m in MENU if SAMPLES[0][0] <= m[0] < TODAY and chinese_calendar.is_workday(m[0])]
    good = [m for m in served if any(s[:3] == m and s[3] >= 125 and (s[5] - s[4]).total_seconds() >= 48 * 3600 for s in SAMPLES)]
    allowed = set(rule_params(pack_data(), "menu_no_repeat")["allow"])
    menu_weeks: dict[date, Counter] = {}
    for day, _, dish in MENU:
        if dish not in allowed:
            menu_weeks.setdefault(day - timedelta(days=day.weekday()), Counter())[dish] += 1
    months = [m for m in FOOD_ACCOUNT if TERM_START <= m[0] <= TERM_END]
    paid = [e for e in EXPENSES if in_term(e[0]) and e[7] == "已报销"]
    assets = [a for a in ASSETS if a[5] != "报废" and (a[3] is None or a[3] <= TODAY)]
    visitors = [v for v in VISITORS if in_term(v[0])]
    meeting_weeks = sorted({m - timedelta(days=m.weekday()) for m in MEETINGS})
    met_from = [w for w in weeks_owed if w >= MEETINGS[0] - timedelta(days=MEETINGS[0].weekday())]
    return {
        "admission_exam_rate": (sum(c[4] is not None for c in children), len(children)),
        "vaccination_check_rate": (sum(c[5] == "已查验" for c in children), len(children)),
        "catch_up_completion_rate": (sum(c[7] is not None for c in children if c[6]), sum(1 for c in children if c[6])),
        "periodic_exam_rate": (len(periodic_done), len(periodic_done) + len(periodic_late)),
        "weak_children_followed": (sum(1 for c in weak if c[10] and c[10] >= TODAY), len(weak)),
        "morning_check_completeness": (len(days) * len(CLASSES) - 1, len(days) * len(CLASSES)),
        "noon_check_completeness": (len(days) * len(CLASSES) - 2, len(days) * len(CLASSES)),
        "disinfection_completeness": (len(days) - 1 + len(toy_weeks & set(weeks_owed)),
                                      len(daily) * len(days) + (len(frequency) - len(daily)) * len(weeks_owed)),
        "sample_compliance": (len(good), len(served)),
        "menu_non_repetition": (sum(1 for c in menu_weeks.values() if max(c.values()) == 1), len(menu_weeks)),
        "food_account_term_ratio": (sum(m[1] - m[2] for m in months), sum(m[1] for m in months)),
        "inspections_on_time": (sum(1 for r in INSPECTIONS if r[5] + timedelta(days=r[4] or 30) >= TODAY), len(INSPECTIONS)),
        "hazards_found": (len(hazards), None),
        "hazards_rectified_on_time": (sum(1 for r in hazards if r[9] and r[9] <= r[8]), len(hazards)),
        "hazards_rechecked": (sum(1 for r in rectified if r[10]), len(rectified)),
        "drills_by_type": (sum(1 for r in DRILLS if in_term(r[0])), None),
        "responsibility_signed_rate": (sum(1 for r in LETTERS if r[2] and TERM_START <= r[2] <= TERM_END), len(LETTERS)),
        "asset_stocktake_rate": (sum(1 for a in assets if a[4] and TERM_START <= a[4] <= TERM_END), len(assets)),
        "expenses_complete_rate": (sum(1 for e in paid if all(e[3:6]) and e[6] == "有"), len(paid)),
        "visitors_approved_rate": (sum(1 for v in visitors if v[4]), len(visitors)),
        "meetings_per_week": (sum(1 for w in met_from if w in meeting_weeks), len(met_from)),
        "bulletins_per_month": (sum(1 for b in BULLETINS if in_term(b[0]) and b[1] != "告家长书"), None),
        "parent_letters": (sum(1 for b in BULLETINS if in_term(b[0]) and b[1] == "告家长书"), None),
        "meetings_held": (len(MEETINGS), None),
        "food_account_published": (0, 0),  # the sheet has no 公示日期 column: nothing is said either way
    }


def test_every_figure_of_a_hand_built_term(tmp_path):
    path = tmp_path / "后勤.xlsx"
    write_term_workbook(path, SHEETS)
    report = report_json(path)
    assert report["term"]["name"] == "2026年秋季学期" and report["term"]["start"] == TERM_START.isoformat()
    figures = report["figures"]
    for figure_id, (numerator, denominator) in expected().items():
        figure = figures[figure_id]
        assert (figure["numerator"], figure["denominator"]) == (numerator, denominator), figure_id
        if denominator:
            assert abs(figure["value"] - numerator / denominator) < 1e-9, figure_id
    # Mappings and signed ratios, as the issue names them.
    term_drills = Counter(kind for day, kind in DRILLS if TERM_START <= day <= TODAY)
    assert figures["drills_by_type"]["value"] == dict(term_drills)
    assert figures["drills_by_quarter"]["value"] == dict(Counter(f"{day.year}年第{(day.month - 1) // 3 + 1}季度"
                                                               for day, _ in DRILLS if TERM_START <= day <= TODAY))
    income = sum(m[1] for m in FOOD_ACCOUNT[1:])
    assert abs(figures["food_account_term_ratio"]["value"] - sum(m[1] - m[2] for m in FOOD_ACCOUNT[1:]) / income) < 1e-12
    assert figures["food_account_by_month"]["value"] == {f"{m[0]:%Y-%m}": (m[1] - m[2]) / m[1] for m in FOOD_ACCOUNT[1:]}
    assert figures["bulletins_per_month"]["value"] == {"2026-09": 2, "2026-10": 1, "2026-11": 1}  # the letter is not a board
    # Traceable: the rows a figure counts are the sheet rows of the children with an exam.
    counted = {(r["sheet"], r["row"]) for r in figures["admission_exam_rate"]["rows"]}
    assert counted == {("幼儿健康档案", n + 2) for n, c in enumerate(CHILDREN) if c[4] is not None}
    assert "王二 大一班" in figures["admission_exam_rate"]["missing"]
    assert f"{SKIPPED_CHECK[0]} {SKIPPED_CHECK[1]}" in figures["morning_check_completeness"]["missing"]
    assert {"地震"} <= set(figures["drills_by_type"]["value"]) and figures["drills_by_type"]["missing"] == ["反恐防暴"]


def test_a_term_asked_by_name_or_dates_and_a_misspelt_one(tmp_path):
    path = tmp_path / "后勤.xlsx"
    write_term_workbook(path, SHEETS)
    base = [sys.executable, "-m", "sync", "report", str(path), "--today", TODAY.isoformat(), "--format", "json"]
    spring = subprocess.run([*base, "--term", "2026年春季学期"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert spring.returncode == 0, spring.stderr
    figures = json.loads(spring.stdout)["figures"]
    assert figures["drills_by_type"]["value"] == {"防溺水": 1}  # 2026-06-01, the spring term
    custom = subprocess.run([*base, "--from", "2026-11-01", "--to", "2026-11-30"], cwd=ROOT, capture_output=True, text=True,
                            encoding="utf-8")
    assert json.loads(custom.stdout)["figures"]["drills_by_type"]["value"] == {"火灾疏散": 1}
    wrong = subprocess.run([*base, "--term", "2026秋季学期"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert wrong.returncode == 2 and "是不是“2026年秋季学期”" in wrong.stderr and "Traceback" not in wrong.stderr


def test_the_workbook_has_every_figure_and_a_chart_of_each_monthly_series(tmp_path):
    path = tmp_path / "后勤.xlsx"
    write_term_workbook(path, SHEETS)
    figures = report_json(path)["figures"]
    out = tmp_path / "学期数据.xlsx"
    done = subprocess.run([sys.executable, "-m", "sync", "report", str(path), "--today", TODAY.isoformat(), "--format", "xlsx",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    book = load_workbook(out)
    sheet = book["学期数据"]
    rows = {r[6]: r for r in sheet.iter_rows(min_row=4, values_only=True) if r[6] in figures}  # the hidden id column
    assert set(rows) == set(figures) and sheet.column_dimensions["G"].hidden
    for figure_id, figure in figures.items():
        assert rows[figure_id][0] == figure["label"]
        assert (rows[figure_id][3], rows[figure_id][4]) == (figure["numerator"], figure["denominator"]), figure_id
    monthly = book["按月"]
    assert [r[0] for r in monthly.iter_rows(min_row=4, values_only=True) if r[0]] == ["2026-09", "2026-10", "2026-11"]
    assert len(monthly._charts) == len([c for c in monthly[3] if c.value]) - 1 >= 2


def test_nutrition_figures_over_the_terms_menu_days(tmp_path):
    path = tmp_path / "后勤.xlsx"
    write_term_workbook(path, SHEETS)
    figures = report_json(path)["figures"]
    with (ROOT / "rules" / "nutrition" / "data" / "food_composition_usda_sr.csv").open(encoding="utf-8") as handle:
        foods = {row["名称"]: row for row in csv.DictReader(handle)}
    days = {day for day, *_ in INGREDIENTS if TERM_START <= day <= TODAY}
    used = [(foods[food], grams) for day, _, _, food, grams in INGREDIENTS if day in days]
    energy = sum(grams * float(food["能量kcal"]) / 100 for food, grams in used) / len(days)
    protein = sum(grams * float(food["蛋白质g"]) / 100 for food, grams in used) / len(days)
    quality = sum(grams * float(food["蛋白质g"]) / 100 for food, grams in used if food["优质蛋白"] == "是") / len(days)
    assert figures["nutrition_energy_of_reference"]["numerator"] == round(energy, 1)
    assert figures["nutrition_protein_of_reference"]["numerator"] == round(protein, 1)
    assert figures["nutrition_quality_protein_share"]["numerator"] == round(quality, 1)
    assert abs(figures["nutrition_quality_protein_share"]["value"] - quality / protein) < 1e-3
    assert figures["nutrition_energy_of_reference"]["parts"]["days"] == len(days)
    # The reference is the nutrition analysis's own (the children's mix): the same as `nutrition` says.
    done = subprocess.run([sys.executable, "-m", "sync", "nutrition", str(path), "--from", TERM_START.isoformat(), "--to",
                           TODAY.isoformat(), "--format", "json"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    reference = json.loads(done.stdout)["reference"]
    assert abs(figures["nutrition_energy_of_reference"]["denominator"] - reference["energy_kcal"]) <= 0.05 + 1e-9


def test_findings_name_who_should_act_and_by_when(tmp_path):
    """The to-do's grouping: a row's 责任人 (or 经手人, 执行人, 保管人) and the due date the rule judged."""
    path = tmp_path / "后勤.xlsx"
    write_term_workbook(path, SHEETS)
    done = subprocess.run([sys.executable, "-m", "sync", "check", str(path), "--today", TODAY.isoformat(), "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120)
    findings = json.loads(done.stdout)["findings"]
    people = {"安全检查": {n + 2: r[3] for n, r in enumerate(INSPECTIONS)}, "固定资产": {n + 2: r[2] for n, r in enumerate(ASSETS)},
              "报销登记": {n + 2: r[3] for n, r in enumerate(EXPENSES)}}
    on_rows = [f for f in findings if f["sheet"] in people and f["row"]]
    assert on_rows and all(f["owner"] == people[f["sheet"]][f["row"]] for f in on_rows)
    assert all(f["owner"] == "" for f in findings if f["row"] is None)
    extinguisher = next(f for f in on_rows if f["rule"] == "inspection_due" and f["row"] == 3)  # A2, checked 10-01
    assert extinguisher["due"] == (INSPECTIONS[1][5] + timedelta(days=30)).isoformat() and extinguisher["severity"] == "error"
