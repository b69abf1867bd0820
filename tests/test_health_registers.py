"""The health-care registers and the seed's other practices, judged on real workbooks: each
rule fires on its case and stays silent on the clean rows beside it, on the day before, the
day of and the day after its window; the outbreak cluster reaches a real channel at night; the
health watch heads the status page's 今日待办 (outbreaks, classes under observation)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from rules.growth import z_scores
from rules.model import ERROR, WARNING
from sync.config.loader import Config
from sync.config.pack_file import read_pack
from sync.cycle.run import check, run_cycle
from sync.notify.model import Channel
from sync.state import store as state
from tests.notify_helpers import cycle, notify_config, running_bots
from tests.support import text_of

PACK = read_pack()
MONDAY = date(2026, 11, 23)  # a school week: Mon 23 … Fri 27 November 2026


def judge(folder: Path, today: date, **sheets: list[dict[str, Any]]) -> list:
    """Write the sheets into one workbook on disk (headers as the pack names them) and check it."""
    folder.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    for sheet_id, rows in sheets.items():
        spec = PACK.sheet(sheet_id)
        sheet = book.create_sheet(spec.name)
        headers = [f.header for f in spec.fields]
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(f.name) for f in spec.fields])
    book.save(folder / "卫生保健.xlsx")
    return check(Config(paths=[folder]), PACK, today).findings


def of(findings: list, rule: str) -> list:
    return [f for f in findings if f.rule == rule]


def sick(day: date, klass: str, name: str, symptoms: str = "发热", **more: Any) -> dict[str, Any]:
    return {"日期": day, "班级": klass, "幼儿姓名": name, "缺勤原因": "病假", "症状": symptoms, "追踪日期": day, **more}


# --- 缺勤登记 --------------------------------------------------------------------------------


def test_three_sick_with_fever_in_one_class_on_one_day_is_one_cluster(tmp_path):
    rows = [sick(MONDAY, "小一班", n) for n in ("甲", "乙", "丙")] + [sick(MONDAY, "中一班", "丁")]
    found = of(judge(tmp_path / "a", MONDAY + timedelta(days=1), absences=rows), "absence_cluster")
    assert len(found) == 1 and found[0].severity == ERROR
    assert "小一班" in found[0].message and "3 名幼儿" in found[0].message and "24 小时内报告" in found[0].message
    # Two in the class with fever and one elsewhere: no cluster; nor three with different symptoms.
    quiet = [sick(MONDAY, "小一班", "甲"), sick(MONDAY, "小一班", "乙"), sick(MONDAY, "中一班", "丙"),
             sick(MONDAY, "大一班", "子", "咳嗽"), sick(MONDAY, "大一班", "丑", "腹泻"), sick(MONDAY, "大一班", "寅", "呕吐"),
             {"日期": MONDAY, "班级": "大一班", "幼儿姓名": "卯", "缺勤原因": "事假", "症状": "咳嗽"}]
    assert of(judge(tmp_path / "b", MONDAY + timedelta(days=1), absences=quiet), "absence_cluster") == []


def test_five_within_three_school_days_is_a_cluster_and_four_school_days_are_not(tmp_path):
    friday, monday, tuesday = date(2026, 11, 20), MONDAY, MONDAY + timedelta(days=1)
    # Fri, Mon, Tue are three consecutive school days (the weekend between is not).
    rows = [sick(friday, "大一班", "甲", "腹泻"), sick(friday, "大一班", "乙", "腹泻"), sick(monday, "大一班", "丙", "腹泻"),
            sick(tuesday, "大一班", "丁", "腹泻"), sick(tuesday, "大一班", "戊", "腹泻")]
    found = of(judge(tmp_path / "a", tuesday + timedelta(days=1), absences=rows), "absence_cluster")
    assert len(found) == 1 and "5 名幼儿" in found[0].message and "11-20～11-24" in found[0].message
    spread = rows[:3] + [sick(tuesday + timedelta(days=1), "大一班", "丁", "腹泻"), sick(tuesday + timedelta(days=1), "大一班", "戊", "腹泻")]
    spread[2] = sick(friday - timedelta(days=1), "大一班", "丙", "腹泻")  # Thu, Fri, Wed: never 5 within 3 school days
    assert of(judge(tmp_path / "b", tuesday + timedelta(days=2), absences=spread), "absence_cluster") == []


def test_the_fourth_case_of_a_cluster_keeps_its_one_finding(tmp_path):
    three = [sick(MONDAY, "小一班", n) for n in ("甲", "乙", "丙")]
    first = of(judge(tmp_path, MONDAY, absences=three), "absence_cluster")
    again = of(judge(tmp_path, MONDAY, absences=three + [sick(MONDAY, "小一班", "丁")]), "absence_cluster")
    assert len(first) == len(again) == 1 and first[0].key == again[0].key and "4 名幼儿" in again[0].message


@pytest.mark.parametrize(("today", "severity"), [(MONDAY, WARNING), (MONDAY + timedelta(days=1), WARNING),
                                                 (MONDAY + timedelta(days=2), ERROR)])
def test_a_sick_absence_is_traced_by_the_end_of_the_next_school_day(tmp_path, today, severity):
    rows = [sick(MONDAY, "小一班", "甲", 追踪日期=None), sick(MONDAY, "小一班", "乙"),
            {"日期": MONDAY, "班级": "小一班", "幼儿姓名": "丙", "缺勤原因": "事假"}]
    found = of(judge(tmp_path, today, absences=rows), "absence_traced")
    assert [(f.severity, f.row) for f in found] == [(severity, 2)]
    assert severity == WARNING or "未追踪病因" in found[0].message


def test_a_friday_absence_may_be_traced_on_monday(tmp_path):
    friday = date(2026, 11, 27)
    rows = [sick(friday, "小一班", "甲", 追踪日期=None)]
    assert [f.severity for f in of(judge(tmp_path / "a", friday + timedelta(days=3), absences=rows), "absence_traced")] == [WARNING]
    assert [f.severity for f in of(judge(tmp_path / "b", friday + timedelta(days=4), absences=rows), "absence_traced")] == [ERROR]


def test_a_morning_check_shortfall_needs_each_absent_child_registered(tmp_path):
    checks = [{"日期": MONDAY, "班级": "小一班", "应到人数": 20, "实到人数": 18},
              {"日期": MONDAY, "班级": "中一班", "应到人数": 20, "实到人数": 19},
              {"日期": MONDAY + timedelta(days=1), "班级": "小一班", "应到人数": 20, "实到人数": 15}]  # today: not yet
    absences = [{"日期": MONDAY, "班级": "小一班", "幼儿姓名": "甲", "缺勤原因": "事假"},
                {"日期": MONDAY, "班级": "中一班", "幼儿姓名": "乙", "缺勤原因": "事假"}]
    found = of(judge(tmp_path, MONDAY + timedelta(days=1), health_checks=checks, absences=absences), "absences_registered")
    assert [(f.row, f.severity) for f in found] == [(2, WARNING)] and "缺勤未逐一登记" in found[0].message


def test_back_after_an_infectious_disease_needs_the_certificate(tmp_path):
    rows = [sick(MONDAY, "小一班", "甲", "皮疹", 诊断="手足口病", 返园日期=MONDAY + timedelta(days=15), 复课证明="无"),
            sick(MONDAY, "小一班", "乙", "皮疹", 诊断="手足口病", 返园日期=MONDAY + timedelta(days=15), 复课证明="有"),
            sick(MONDAY, "小一班", "丙", "咳嗽", 诊断="上呼吸道感染", 返园日期=MONDAY + timedelta(days=2))]
    found = of(judge(tmp_path, MONDAY + timedelta(days=20), absences=rows), "absence_return_certificate")
    assert [f.row for f in found] == [2] and "没有复课证明" in found[0].message


# --- 传染病登记 ------------------------------------------------------------------------------


def case(**more: Any) -> dict[str, Any]:
    return {"发病日期": MONDAY, "班级": "中一班", "幼儿姓名": "甲", "病名": "手足口病", "报告日期": MONDAY,
            "班级消毒日期": MONDAY, **more}


@pytest.mark.parametrize(("back", "certificate", "fires"), [(13, "有", True), (14, "有", False), (15, "有", False),
                                                            (14, "无", True), (14, None, True)])
def test_isolation_period_from_the_packs_table(tmp_path, back, certificate, fires):
    rows = [case(返园日期=MONDAY + timedelta(days=back), 复课证明=certificate)]
    found = of(judge(tmp_path, MONDAY + timedelta(days=20), infections=rows), "infection_isolation")
    assert bool(found) is fires
    if fires and back == 13:
        assert "早于隔离期满" in found[0].message and "14 天" in found[0].message


def test_every_isolation_value_says_its_source():
    table = next(r for s in PACK.sheets for r in s.rules if r.id == "infection_isolation").params["table"]
    assert {"手足口病", "水痘", "流行性腮腺炎", "猩红热", "流感", "诺如病毒感染", "细菌性痢疾", "急性出血性结膜炎", "麻疹", "风疹"} <= set(table)
    assert all(row["source"].strip() for row in table.values())


@pytest.mark.parametrize(("report", "today", "severity"), [(1, 5, None), (2, 5, ERROR), (None, 1, WARNING), (None, 2, ERROR)])
def test_infectious_disease_reported_within_a_day(tmp_path, report, today, severity):
    rows = [case(报告日期=MONDAY + timedelta(days=report) if report is not None else None)]
    found = of(judge(tmp_path, MONDAY + timedelta(days=today), infections=rows), "infection_reported")
    assert [f.severity for f in found] == ([severity] if severity else [])


@pytest.mark.parametrize(("record", "fires"), [(None, True), (("活动室", 1), False), (("寝室", 0), True),
                                               (("活动室", 2), True), (("活动室", 0), False)])
def test_the_class_is_disinfected_on_the_day_or_the_next_school_day(tmp_path, record, fires):
    rows = [case(班级消毒日期=None)]
    disinfection = [{"日期": MONDAY + timedelta(days=record[1]), "消毒对象": record[0], "执行人": "陈阿姨"}] if record else []
    found = of(judge(tmp_path, MONDAY + timedelta(days=5), infections=rows, disinfection=disinfection), "infection_disinfected")
    assert bool(found) is fires
    # Its own column on the day does as well.
    assert of(judge(tmp_path / "own", MONDAY + timedelta(days=5), infections=[case()]), "infection_disinfected") == []


# --- 体格检查 and 常见病登记 -------------------------------------------------------------------

# Published WHO Child Growth Standards (2006) table values: (sex, age in months, kind, value, z).
WHO_TABLE = [
    ("男", 36, "weight", 14.3, 0), ("男", 36, "weight", 11.3, -2), ("男", 36, "weight", 18.3, 2),
    ("女", 36, "weight", 13.9, 0), ("女", 36, "weight", 10.8, -2), ("女", 36, "weight", 18.1, 2),
    ("男", 48, "height", 103.3, 0), ("男", 48, "height", 94.9, -2),
    ("男", 60, "height", 110.0, 0), ("男", 60, "height", 100.7, -2), ("女", 60, "height", 109.4, 0), ("女", 60, "height", 99.9, -2),
]


@pytest.mark.parametrize(("sex", "months", "what", "value", "z"), WHO_TABLE)
def test_the_growth_library_agrees_with_the_published_who_tables(sex, months, what, value, z):
    birth = date(2020, 1, 15)
    measured = birth + timedelta(days=round(months * 30.4375))
    scores = z_scores(sex, birth, measured, value if what == "weight" else None, value if what == "height" else None)
    got = scores.weight_for_age if what == "weight" else scores.height_for_age
    # The tables print one decimal: a tabulated value sits within a few hundredths of its z.
    assert got == pytest.approx(z, abs=0.05)


def exam(name: str, birth: date, measured: date, **more: Any) -> dict[str, Any]:
    return {"幼儿姓名": name, "班级": "中一班", "性别": "男", "出生日期": birth, "体检日期": measured, **more}


BIRTH = date(2022, 6, 1)  # 4 years 5 months at the exam below
EXAM = date(2026, 11, 2)


def test_an_overweight_child_needs_case_management_within_thirty_days(tmp_path):
    heavy = exam("胖胖", BIRTH, EXAM, 身高=103.0, 体重=20.6)
    plain = exam("平平", BIRTH, EXAM, 身高=105.0, 体重=17.0, 血红蛋白=125)
    for day, severity in [(EXAM + timedelta(days=29), WARNING), (EXAM + timedelta(days=30), WARNING),
                          (EXAM + timedelta(days=31), ERROR)]:
        found = of(judge(tmp_path / str(day), day, growth=[heavy, plain]), "growth_evaluation")
        assert [(f.row, f.severity) for f in found] == [(2, severity)], day
        assert "超重" in found[0].message and "Z 值 +" in found[0].message
    followed = [{"幼儿姓名": "胖胖", "疾病": "超重", "发现日期": EXAM, "专案": "是", "转归": "在管"}]
    assert of(judge(tmp_path / "ok", EXAM + timedelta(days=40), growth=[heavy, plain], common_diseases=followed),
              "growth_evaluation") == []


def test_weight_for_height_bands_from_the_library():
    low, over, obese = (z_scores("男", BIRTH, EXAM, w, 103.0).weight_for_height for w in (13.0, 20.6, 23.0))
    assert low < -2 < 2 < over < 3 < obese


@pytest.mark.parametrize(("birth", "haemoglobin", "fires"), [(BIRTH, 110, False), (BIRTH, 109, True),
                                                             (date(2021, 6, 1), 115, False), (date(2021, 6, 1), 114, True)])
def test_anaemia_cut_offs_by_age(tmp_path, birth, haemoglobin, fires):
    rows = [exam("甲", birth, EXAM, 血红蛋白=haemoglobin)]
    found = of(judge(tmp_path, EXAM + timedelta(days=3), growth=rows), "growth_evaluation")
    assert bool(found) is fires and (not fires or "贫血" in found[0].message)


@pytest.mark.parametrize(("last", "severity"), [(-22, None), (-23, WARNING), (-30, WARNING), (-31, ERROR)])
def test_case_review_by_its_period(tmp_path, last, severity):
    today = MONDAY
    rows = [{"幼儿姓名": "甲", "疾病": "贫血", "发现日期": today - timedelta(days=90), "专案": "是",
             "上次复查日期": today + timedelta(days=last), "转归": "在管"},
            {"幼儿姓名": "乙", "疾病": "贫血", "发现日期": today - timedelta(days=90), "专案": "是",
             "上次复查日期": today + timedelta(days=last), "转归": "治愈"}]
    found = of(judge(tmp_path, today, common_diseases=rows), "case_review")
    assert [f.severity for f in found] == ([severity] if severity else [])


def test_nutritional_diseases_need_case_management_and_weak_children_a_row(tmp_path):
    rows = [{"幼儿姓名": "甲", "疾病": "肥胖", "发现日期": MONDAY, "专案": "否"},
            {"幼儿姓名": "乙", "疾病": "龋齿", "发现日期": MONDAY, "专案": "否"}]
    children = [{"姓名": "甲", "班级": "小一班", "出生日期": BIRTH, "入园日期": date(2025, 9, 1), "体弱儿": "是"},
                {"姓名": "丙", "班级": "小一班", "出生日期": BIRTH, "入园日期": date(2025, 9, 1), "体弱儿": "是"},
                {"姓名": "丁", "班级": "小一班", "出生日期": BIRTH, "入园日期": date(2025, 9, 1), "体弱儿": "否"}]
    found = judge(tmp_path, MONDAY, common_diseases=rows, children=children)
    assert [f.row for f in of(found, "case_management")] == [2]
    assert [f.message for f in of(found, "weak_child_registered")] == ["丙 是体弱儿，但没有常见病登记"]


# --- 伤害登记, 健康证 ------------------------------------------------------------------------


@pytest.mark.parametrize(("told", "today", "severity"), [(1, 5, None), (2, 5, ERROR), (None, 0, WARNING), (None, 2, ERROR)])
def test_parents_told_of_an_injury_by_the_next_day(tmp_path, told, today, severity):
    at = datetime.combine(MONDAY + timedelta(days=told), time(17, 30)) if told is not None else None
    rows = [{"日期": MONDAY, "幼儿姓名": "甲", "伤害类型": "跌倒", "处理": "冷敷", "就医": "否", "家长告知时间": at}]
    found = of(judge(tmp_path, MONDAY + timedelta(days=today), injuries=rows), "injury_parents_told")
    assert [f.severity for f in found] == ([severity] if severity else [])


@pytest.mark.parametrize(("valid", "severity"), [(31, None), (30, WARNING), (0, WARNING), (-1, ERROR)])
def test_health_certificate_validity(tmp_path, valid, severity):
    rows = [{"姓名": "陈阿姨", "岗位": "厨师", "有效期至": MONDAY + timedelta(days=valid)}]
    found = of(judge(tmp_path, MONDAY, health_certificates=rows), "certificate_valid")
    assert [f.severity for f in found] == ([severity] if severity else [])
    assert severity != ERROR or "应暂停上岗" in found[0].message


@pytest.mark.parametrize(("exam_days_ago", "severity"), [(334, None), (335, WARNING), (365, WARNING), (366, ERROR)])
def test_health_certificate_without_a_date_lasts_a_year_from_the_exam(tmp_path, exam_days_ago, severity):
    rows = [{"姓名": "陈阿姨", "岗位": "厨师", "体检日期": MONDAY - timedelta(days=exam_days_ago)}]
    found = of(judge(tmp_path, MONDAY, health_certificates=rows), "certificate_yearly")
    assert [f.severity for f in found] == ([severity] if severity else [])


def test_kitchen_and_care_staff_named_elsewhere_need_a_certificate(tmp_path):
    certificates = [{"姓名": "陈阿姨", "岗位": "厨师", "有效期至": MONDAY + timedelta(days=200)}]
    disinfection = [{"日期": MONDAY, "消毒对象": "餐具", "执行人": "陈阿姨"}, {"日期": MONDAY, "消毒对象": "玩具", "执行人": "孙阿姨"},
                    {"日期": MONDAY, "消毒对象": "寝室", "执行人": "孙阿姨"}]
    responsibility = [{"姓名": "刘师傅", "岗位": "门卫", "责任区域": "大门", "签订日期": MONDAY}]
    found = of(judge(tmp_path, MONDAY, health_certificates=certificates, disinfection=disinfection,
                     responsibility=responsibility), "certificate_on_file")
    assert [f.message for f in found] == ["孙阿姨 没有健康证记录（消毒执行人，见「消毒记录」）"]


# --- the rest of the seed's practices ---------------------------------------------------------


@pytest.mark.parametrize(("reported", "today", "severity"), [(0, 6, WARNING), (0, 7, WARNING), (0, 8, ERROR), (0, 4, None)])
def test_a_repair_is_due_seven_days_after_it_is_reported(tmp_path, reported, today, severity):
    rows = [{"报修日期": MONDAY, "项目": "水龙头", "位置": "盥洗室"},
            {"报修日期": MONDAY, "项目": "灯管", "位置": "寝室", "完成日期": MONDAY, "验收人": "赵园长"}]
    found = of(judge(tmp_path, MONDAY + timedelta(days=today), repairs=rows), "repair_default_deadline")
    assert [(f.row, f.severity) for f in found] == ([(2, severity)] if severity else [])


def test_repairs_pickups_self_checks_committee_and_gate_row_rules(tmp_path):
    found = judge(
        tmp_path, MONDAY + timedelta(days=1),
        repairs=[{"报修日期": MONDAY, "项目": "灯管", "位置": "寝室", "完成日期": MONDAY},
                 {"报修日期": MONDAY, "项目": "门锁", "位置": "大门", "完成日期": MONDAY, "验收人": "赵园长"}],
        pickups=[{"日期": MONDAY, "幼儿姓名": "甲", "接送人": "外婆", "家长确认方式": "电话"},
                 {"日期": MONDAY, "幼儿姓名": "乙", "接送人": "舅舅", "家长确认方式": "微信", "核实人": "李老师"}],
        self_checks=[{"日期": MONDAY, "责任区域": "厨房", "责任人": "陈阿姨", "检查结果": "有隐患", "隐患描述": "插座松动"},
                     {"日期": MONDAY, "责任区域": "大门", "责任人": "刘师傅", "检查结果": "正常"}],
        menu_committee=[{"日期": MONDAY, "议题": "食谱", "家长代表": 0}, {"日期": MONDAY, "议题": "点心", "家长代表": 2}],
        gate_duty=[{"日期": MONDAY, "值班人": "刘师傅", "离园后巡查": "否"}],
        assessments=[{"月份": "2026-11", "姓名": "刘师傅", "得分": 59}, {"月份": "2026-11", "姓名": "陈阿姨", "得分": 60}],
    )
    assert [f.row for f in of(found, "repair_accepted")] == [2]
    assert [f.row for f in of(found, "pickup_confirmed")] == [2] and "代接未经家长确认" in of(found, "pickup_confirmed")[0].message
    assert [f.row for f in of(found, "self_check_hazard")] == [2]
    assert [f.row for f in of(found, "committee_parents")] == [2]
    assert [f.row for f in of(found, "gate_patrol")] == [2]
    assert [f.row for f in of(found, "assessment_score")] == [2]


@pytest.mark.parametrize(("today", "severity"), [(date(2026, 9, 22), None), (date(2026, 9, 23), WARNING),
                                                 (date(2026, 9, 30), WARNING), (date(2026, 10, 1), ERROR)])
def test_parent_letter_on_road_safety_in_the_terms_first_thirty_days(tmp_path, today, severity):
    rows = [{"日期": date(2026, 9, 5), "类型": "告家长书", "主题": "秋季传染病预防"},
            {"日期": date(2026, 9, 6), "类型": "安全宣传栏", "主题": "交通安全"}]  # a board, not a letter
    found = [f for f in of(judge(tmp_path, today, bulletins=rows), "parent_letter_topics") if "交通安全" in f.message]
    assert [f.severity for f in found] == ([severity] if severity else [])


# --- the outbreak reaches the channel at night ------------------------------------------------


@pytest.fixture
def bots(monkeypatch):
    yield from running_bots(monkeypatch)


def test_a_cluster_is_sent_at_once_in_quiet_hours_once_per_cluster(bots, tmp_path):
    folder = tmp_path / "books"
    night = datetime.combine(MONDAY, time(23, 30))
    # A channel that wants nothing at once, in quiet hours: the outbreak still goes out.
    channel = Channel(name="企业微信群", url="wecombot://wecomkey-1234", immediate="none")
    config = notify_config(folder, tmp_path / "state.sqlite3", channel, quiet_hours=(time(21, 0), time(7, 0)))
    rows = [sick(MONDAY, "小一班", n) for n in ("甲", "乙", "丙")] + [
        {"日期": MONDAY, "班级": "中一班", "幼儿姓名": "子", "缺勤原因": "病假", "症状": "咳嗽"}]  # untraced: an ordinary error
    judge(folder, MONDAY, absences=rows)
    cycle(config, MONDAY + timedelta(days=2), now=night)
    sent = bots.by("wecom")
    assert len(sent) == 1 and "疑似聚集性疫情" in sent[0].text and "小一班" in sent[0].text and "未追踪" not in sent[0].text
    # A fourth case the same day: the same cluster, nothing new sent.
    judge(folder, MONDAY, absences=rows + [sick(MONDAY, "小一班", "丁")])
    cycle(config, MONDAY + timedelta(days=2), now=night + timedelta(minutes=10))
    assert len(bots.by("wecom")) == 1
    # A cluster in another class is a new one.
    judge(folder, MONDAY, absences=rows + [sick(MONDAY, "小一班", "丁")] + [sick(MONDAY, "大一班", n) for n in ("寅", "卯", "辰")])
    cycle(config, MONDAY + timedelta(days=2), now=night + timedelta(minutes=20))
    sent = bots.by("wecom")
    assert len(sent) == 2 and "大一班" in sent[1].text and "疑似聚集性疫情" in sent[1].text


# --- the term figures -------------------------------------------------------------------------


def report_json(folder: Path, *extra: str) -> dict:
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "sync", "report", str(folder), "--today", "2026-11-25", "--format", "json", *extra],
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["figures"]


def test_the_report_gives_the_registers_figures_with_their_rows_and_only_inside_the_window(tmp_path):
    from sync.demo import write_demo

    write_demo(tmp_path / "books", today=date(2026, 11, 25))
    figures = report_json(tmp_path / "books")
    present = figures["attendance_rate"]
    assert 0.85 < present["value"] < 1 and present["denominator"] > present["numerator"] > 0 and present["rows"]
    assert set(present["parts"]) == {"小一班", "中一班", "大一班"} and all(present["parts"]["小一班"].values())
    assert figures["infectious_cases"]["parts"]["by_disease"] == {"水痘": 1, "流感": 1, "手足口病": 1}
    assert figures["growth_overweight_rate"]["numerator"] == 1 and figures["growth_anaemia_rate"]["numerator"] == 1
    assert figures["injuries"]["value"] == 4 and figures["repairs_done"]["parts"]["cost"] == 435
    assert figures["committee_held"]["denominator"] >= 2 and figures["letter_topics_covered"]["missing"]
    # A window in 1900 counts none of those rows.
    old = report_json(tmp_path / "books", "--from", "1900-01-01", "--to", "1900-06-30")
    assert old["attendance_rate"]["denominator"] == 0 and old["infectious_cases"]["value"] == 0
    assert old["injuries"]["value"] == 0 and old["repairs_done"]["denominator"] == 0 and old["growth_exam_rate"]["numerator"] == 0


# --- the status page's health watch -----------------------------------------------------------


def infection(klass: str, name: str, onset: date, disease: str = "手足口病") -> dict[str, Any]:
    return {"发病日期": onset, "班级": klass, "幼儿姓名": name, "病名": disease, "报告日期": onset, "班级消毒日期": onset}


def observed(folder: Path, today: date, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    judge(folder, today, infections=rows)
    return run_cycle(Config(paths=[folder]), today=today, write=False, pack=PACK).summary["observations"]


@pytest.mark.parametrize(("days", "watched"), [(-1, False), (0, True), (7, True), (8, False)])
def test_a_class_is_under_observation_from_the_case_to_the_end_of_its_period(tmp_path, days, watched):
    # 手足口病: 7 days of medical observation for the class after its last case (the pack's table).
    found = observed(tmp_path, MONDAY + timedelta(days=days), [infection("中一班", "甲", MONDAY)])
    expected = [{"class": "中一班", "disease": "手足口病", "last_case": MONDAY.isoformat(),
                 "until": (MONDAY + timedelta(days=7)).isoformat()}]
    assert found == (expected if watched else [])


def test_the_last_case_of_a_class_sets_the_end_and_each_class_is_watched_on_its_own(tmp_path):
    rows = [infection("中一班", "甲", MONDAY), infection("中一班", "乙", MONDAY + timedelta(days=3)),
            infection("大一班", "丙", MONDAY - timedelta(days=1))]
    found = observed(tmp_path, MONDAY + timedelta(days=8), rows)
    # 中一班 runs from its second case; 大一班's ended on 29 November, 7 days after its case.
    assert found == [{"class": "中一班", "disease": "手足口病", "last_case": (MONDAY + timedelta(days=3)).isoformat(),
                      "until": (MONDAY + timedelta(days=10)).isoformat()}]


SCRIPT_CLASS = "<b>中一班</b>"


def record_health(folder: Path, db: Path, today: date) -> None:
    """A cluster in 小一班 and a case of 手足口病 in a class whose name looks like markup, through a
    real cycle into the state database."""
    judge(folder, today, absences=[sick(MONDAY, "小一班", n) for n in ("甲", "乙", "丙")],
          infections=[infection(SCRIPT_CLASS, "丁", MONDAY)])
    state.record_run(db, run_cycle(Config(paths=[folder]), today=today, write=False, pack=PACK))


def test_outbreaks_and_observed_classes_head_the_to_do_escaped(make_app, tmp_path):
    app = make_app(lambda db: record_health(tmp_path / "books", db, MONDAY + timedelta(days=1)))
    page = app.test_client().get("/").get_data(as_text=True)
    assert page.index('id="health-watch"') < page.index('id="todo"')
    watch = page[page.index('id="health-watch"'):page.index('id="todo"')]
    words = text_of(watch)
    assert "疑似聚集性疫情（应在 24 小时内报告属地疾控机构）" in words
    assert "疑似聚集性疫情：小一班 11-23 有 3 名幼儿因发热请病假" in words
    assert "缺勤登记" in words  # where the signal is: the workbook, sheet and row
    assert "医学观察中的班级" in words
    assert "手足口病：最后一例 2026-11-23 发病，观察至 2026-11-30" in words
    # Staff text is shown as text, never as markup.
    assert "&lt;b&gt;中一班&lt;/b&gt;" in watch and SCRIPT_CLASS not in page
    english = text_of(app.test_client().get("/?lang=en").get_data(as_text=True))
    assert "Suspected outbreaks (report to the local CDC within 24 hours)" in english
    assert "under observation until 2026-11-30" in english


def test_no_health_watch_when_nothing_is_open(make_app, tmp_path):
    # The same class a week and a day after its case, the cluster's children back: nothing to watch.
    def record(db: Path) -> None:
        folder = tmp_path / "books"
        judge(folder, MONDAY + timedelta(days=8), infections=[infection("中一班", "丁", MONDAY)])
        state.record_run(db, run_cycle(Config(paths=[folder]), today=MONDAY + timedelta(days=8), write=False, pack=PACK))

    page = make_app(record).test_client().get("/").get_data(as_text=True)
    assert 'id="health-watch"' not in page and 'id="todo"' in page
