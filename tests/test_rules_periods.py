"""Period rules, the school calendar, configurable defaults, stable keys, rules that cannot run."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest

from rules.calendar import SchoolCalendar
from rules.engine import Settings, evaluate
from rules.tables import build_table
from rules.validate import validate
from sync.config.loader import Term
from tests.rules_helpers import of, run, with_rule
from tests.support import ROOT

WED = date(2026, 11, 25)


def test_holidays_and_adjusted_weekends():
    calendar = SchoolCalendar()
    assert not calendar.is_school_day(date(2026, 10, 1))   # National Day
    assert calendar.is_school_day(date(2026, 10, 10))      # a Saturday worked in exchange
    assert not calendar.is_school_day(date(2026, 11, 28))  # an ordinary Saturday
    assert not calendar.is_school_day(date(2026, 8, 3))    # summer holiday: outside any term
    assert calendar.missing_years == set()
    assert calendar.is_school_day(date(2027, 3, 1))        # 2027: not in the package yet, Monday
    assert calendar.missing_years == {2027}
    zh, en = calendar.warnings()
    assert "2027 年的法定节假日数据缺失" in zh[0] and "2027" in en[0]
    assert not SchoolCalendar(extra_holidays=[date(2027, 3, 1)]).is_school_day(date(2027, 3, 1))


def checks(day: date, classes=("小一班", "中一班")):
    return [{"日期": day, "班级": c, "应到人数": 20, "实到人数": 19} for c in classes]


def test_daily_health_checks_skip_holidays_and_count_adjusted_weekends(pack):
    today = date(2026, 10, 12)
    rows = checks(date(2026, 9, 29)) + checks(date(2026, 9, 30))   # then the National Day holiday (10-01..07)
    rows += checks(date(2026, 10, 8))
    rows += checks(date(2026, 10, 9))[:1]                           # 中一班 forgot the 9th
    rows += checks(date(2026, 10, 10))[1:]                          # the Saturday worked: 小一班 forgot
    found = of(run(pack, {"health_checks": rows}, today), "daily_health_checks")
    assert sorted(f.message for f in found) == ["中一班 2026-10-09 缺晨检记录", "小一班 2026-10-10 缺晨检记录"]


def test_health_checks_in_2027_fall_back_to_weekdays_and_say_so(pack):
    today = date(2027, 1, 13)
    rows = checks(date(2027, 1, 11))  # Tuesday the 12th missing
    tables = []
    spec = pack.sheet("health_checks")
    grid = [[f.name for f in spec.fields]] + [[r.get(f.name) for f in spec.fields] for r in rows]
    table, _ = build_table("园.xlsx", spec.name, grid, spec, "系统提醒")
    typed, _ = validate(table, spec, today)
    tables.append(typed)
    findings, summary = evaluate(tables, pack, Settings(today=today))
    assert {f.message for f in of(findings, "daily_health_checks")} == {"小一班 2027-01-12 缺晨检记录", "中一班 2027-01-12 缺晨检记录"}
    assert any("2027" in w for w in summary["calendar_warnings"])


def test_classes_come_from_children_or_the_config(pack):
    children = [{"姓名": "甲", "班级": "大一班", "出生日期": date(2021, 1, 1), "入园日期": date(2024, 9, 1),
                 "入园体检日期": date(2024, 8, 1), "接种证查验": "已查验", "上次体检日期": WED}]
    rows = checks(date(2026, 11, 23)) + checks(date(2026, 11, 24))
    found = of(run(pack, {"health_checks": rows, "children": children}, WED), "daily_health_checks")
    assert {f.message for f in found} == {"大一班 2026-11-23 缺晨检记录", "大一班 2026-11-24 缺晨检记录"}
    found = of(run(pack, {"health_checks": rows}, WED, classes=["小一班"]), "daily_health_checks")
    assert found == []


def disinfection(day: date, things) -> list[dict]:
    return [{"日期": day, "消毒对象": t, "执行人": "陈阿姨"} for t in things]


DAILY = ["餐具", "毛巾水杯", "活动室", "门把手扶手", "空气"]


def test_disinfection_daily_weekly_and_outbreak_mode(pack):
    rows = []
    for offset in range(16):
        day = date(2026, 11, 9) + timedelta(days=offset)
        if day.weekday() < 5:
            rows += disinfection(day, DAILY)
    rows += disinfection(date(2026, 11, 9), ["玩具", "寝室"]) + disinfection(date(2026, 11, 16), ["寝室"])
    findings = of(run(pack, {"disinfection": rows}, WED), "disinfection_frequency")
    assert [f.message for f in findings] == ["玩具 第47周（11-16～11-22）缺消毒记录"]
    outbreak = of(run(pack, {"disinfection": rows}, WED, outbreak_mode=True), "disinfection_frequency")
    messages = {f.message for f in outbreak}
    assert "餐具 2026-11-24 只有 1 次消毒记录，每天应有 2 次" in messages
    assert "玩具 2026-11-24 缺消毒记录" in messages  # weekly objects become daily


def menu(day: date, dish: str, meal: str = "午餐") -> dict:
    return {"日期": day, "餐次": meal, "菜品名称": dish, "带量": 50}


def test_no_repeat_within_a_calendar_week(pack):
    rows = [menu(date(2026, 11, 23), "番茄炒蛋"), menu(date(2026, 11, 25), " 番茄炒蛋 "),
            menu(date(2026, 11, 30), "番茄炒蛋"),                            # next week: fine
            menu(date(2026, 11, 23), "米饭"), menu(date(2026, 11, 24), "米饭")]  # allow-listed
    found = of(run(pack, {"menu": rows}, WED), "menu_no_repeat")
    assert [f.row for f in found] == [3] and "11-23" in found[0].message


def test_adding_a_dish_to_the_allow_list_changes_the_findings(pack):
    rows = [menu(date(2026, 11, 23), "苹果", "午点"), menu(date(2026, 11, 24), "苹果", "午点")]
    assert of(run(pack, {"menu": rows}, WED), "menu_no_repeat")
    relaxed = with_rule("menu_no_repeat", allow=["米饭", "白开水", "牛奶", "苹果"])
    assert of(run(relaxed, {"menu": rows}, WED), "menu_no_repeat") == []


def test_forbidden_dishes(pack):
    rows = [menu(WED, "凉拌生黄瓜"), menu(WED, "冷荤拼盘"), menu(WED, "拌黄瓜")]
    assert [f.row for f in of(run(pack, {"menu": rows}, WED), "menu_forbidden")] == [2, 3]


def test_next_week_menu_from_thursday(pack):
    rows = [menu(date(2026, 11, 23), "番茄炒蛋")]
    assert of(run(pack, {"menu": rows}, WED), "menu_next_week") == []
    thursday = of(run(pack, {"menu": rows}, date(2026, 11, 26)), "menu_next_week")
    assert [f.message for f in thursday] == ["下周（11-30～12-06）食谱尚未制定"]
    planned = rows + [menu(date(2026, 11, 30), "清蒸鱼")]
    assert of(run(pack, {"menu": planned}, date(2026, 11, 26)), "menu_next_week") == []


def test_every_dish_served_on_a_past_school_day_has_a_sample(pack):
    dishes = [menu(date(2026, 11, 23), "米饭"), menu(date(2026, 11, 24), "鱼"), menu(WED, "鸡")]
    kept = datetime(2026, 11, 23, 11, 30)
    samples = [{"日期": date(2026, 11, 23), "餐次": "午餐", "菜品名称": "米饭", "留样量": 150, "留样时间": kept,
                "销毁时间": kept + timedelta(hours=49), "留样人": "陈阿姨"}]
    found = of(run(pack, {"menu": dishes, "samples": samples}, WED), "sample_for_every_dish")
    assert [(f.sheet, f.row) for f in found] == [("每周食谱", 3)]  # today's lunch is not judged yet
    assert "缺少留样记录" in found[0].message


def drills(*rows):
    return [{"日期": d, "演练类型": t, "疏散用时": 90} for d, t in rows]


def test_a_drill_every_quarter(pack):
    today = date(2026, 12, 20)
    assert of(run(pack, {"drills": drills((date(2026, 9, 10), "火灾疏散"))}, date(2026, 12, 16)), "drill_every_quarter") == []
    found = of(run(pack, {"drills": drills((date(2026, 9, 10), "火灾疏散"))}, today), "drill_every_quarter")
    assert [(f.severity, f.message) for f in found] == [("warning", "2026年第4季度还没有应急演练记录，本季度只剩 11 天")]
    after = of(run(pack, {"drills": drills((date(2026, 9, 10), "火灾疏散"))}, date(2027, 1, 5)), "drill_every_quarter")
    assert [f.severity for f in after] == ["error"]


def test_drill_types_each_term(pack):
    rows = drills((date(2026, 9, 10), "火灾疏散"), (date(2026, 10, 10), "地震"))
    assert of(run(pack, {"drills": rows}, date(2026, 12, 20)), "drill_types_each_term") == []  # 31 days left
    late = of(run(pack, {"drills": rows}, date(2026, 12, 21)), "drill_types_each_term")
    assert [f.severity for f in late] == ["warning"] and "反恐防暴" in late[0].message
    after = of(run(pack, {"drills": rows}, date(2027, 3, 1)), "drill_types_each_term")
    assert [f.severity for f in after] == ["error"]


def test_responsibility_letters_each_term(pack):
    rows = [{"姓名": "甲", "签订日期": date(2026, 9, 2)}, {"姓名": "乙", "签订日期": date(2026, 3, 1)}, {"姓名": "丙"}]
    early = run(pack, {"responsibility": rows}, date(2026, 9, 30))
    assert {f.row: f.severity for f in of(early, "responsibility_signed")} == {3: "warning", 4: "warning"}
    later = run(pack, {"responsibility": rows}, date(2026, 10, 1))
    assert {f.row: f.severity for f in of(later, "responsibility_signed")} == {3: "error", 4: "error"}


def test_asset_stocktake_each_term(pack):
    rows = [{"资产编号": "Z1", "名称": "钢琴", "保管人": "王", "上次盘点日期": date(2026, 6, 20)},
            {"资产编号": "Z2", "名称": "冰箱", "保管人": "陈", "上次盘点日期": date(2026, 1, 10)},
            {"资产编号": "Z3", "名称": "电视", "保管人": "张", "上次盘点日期": date(2026, 1, 10), "购置日期": date(2026, 5, 1)}]
    found = {f.row: f.severity for f in of(run(pack, {"assets": rows}, WED), "asset_stocktake")}
    assert found == {3: "error"}  # missed last spring; Z3 was bought during that term
    late = {f.row: f.severity for f in of(run(pack, {"assets": rows[:1]}, date(2026, 12, 25)), "asset_stocktake")}
    assert late == {2: "warning"}  # last 30 days of the autumn term


def test_weekly_meeting_and_monthly_bulletins(pack):
    meetings = [{"日期": date(2026, 11, 2), "主题": "培训"}, {"日期": date(2026, 11, 16), "主题": "例会"}]
    found = of(run(pack, {"meetings": meetings}, WED), "weekly_meeting")
    assert [f.message for f in found] == ["第46周（11-09～11-15）缺后勤例会记录"]
    bulletins = [{"日期": date(2026, 9, 5), "类型": "保健宣传栏", "主题": "a"}, {"日期": date(2026, 9, 6), "类型": "安全宣传栏", "主题": "b"},
                 {"日期": date(2026, 10, 5), "类型": "保健宣传栏", "主题": "c"}]
    found = of(run(pack, {"bulletins": bulletins}, WED), "bulletin_monthly")
    assert [f.message for f in found] == ["安全宣传栏 2026年10月没有更新记录"]


def test_schema_window_and_config_override_change_the_findings(pack):
    row = {"物品名称": "酸奶", "类别": "食品", "数量": 3, "到期日期": WED + timedelta(days=5)}
    assert of(run(pack, {"stock": [row]}, WED), "stock_expiry")
    narrower = with_rule("stock_expiry", warn_days={"食品": 3, "物资": 30})
    assert of(run(narrower, {"stock": [row]}, WED), "stock_expiry") == []
    overridden = run(pack, {"stock": [row]}, WED, rule_settings={"stock_expiry": {"warn_days": {"食品": 3}}})
    assert of(overridden, "stock_expiry") == []
    disabled = run(pack, {"stock": [row]}, WED, rule_settings={"stock_expiry": {"enabled": False}})
    assert of(disabled, "stock_expiry") == []


def test_custom_terms_from_the_config():
    calendar = SchoolCalendar(terms=[Term("秋季", date(2026, 8, 31), date(2027, 1, 15))])
    assert calendar.current_term(date(2027, 1, 20)).name == "秋季"
    assert calendar.is_school_day(date(2026, 8, 31)) and not calendar.is_school_day(date(2027, 1, 18))


def test_a_rule_that_cannot_run_says_so_once_and_the_others_still_run(pack):
    spec = pack.sheet("samples")
    headers = ["日期", "菜品名称", "留样人", "留样时间"]  # 留样量 and 销毁时间 missing
    grid = [headers, [date(2026, 11, 24), "米饭", "陈阿姨", datetime(2026, 11, 24, 11)]]
    table, _ = build_table("园.xlsx", spec.name, grid, spec, "系统提醒")
    typed, _ = validate(table, spec, WED)
    findings, _ = evaluate([typed], pack, Settings(today=WED))
    cannot = [f for f in findings if f.rule in ("sample_weight", "sample_duration")]
    assert len(of(findings, "sample_weight")) == 1 and len(of(findings, "sample_duration")) == 1
    assert all(f.row is None and "无法检查" in f.message for f in cannot)
    assert "留样量" in of(findings, "sample_weight")[0].message


def test_an_unparseable_date_is_skipped_by_rules_not_guessed(pack):
    rows = [{"编号": "A1", "检查对象": "滑梯", "责任人": "刘", "上次检查日期": "2026-02-30"}]
    findings = run(pack, {"inspections": rows}, WED)
    assert of(findings, "inspection_due") == []


def test_year_assumed_for_a_date_without_one_is_said(pack):
    rows = [{"编号": "A1", "检查对象": "滑梯", "责任人": "刘", "上次检查日期": "10月1日", "检查周期": 30}]
    found = of(run(pack, {"inspections": rows}, WED), "inspection_due")
    assert "未写年份，按 2026 年计算" in found[0].message


def test_stable_key_when_a_row_is_inserted_above(pack):
    def keys(rows):
        return {f.key for f in of(run(pack, {"stock": rows}, WED), "stock_expiry")}

    milk = {"物品名称": "牛奶", "类别": "食品", "数量": 3, "入库日期": date(2026, 11, 1), "到期日期": date(2026, 11, 20)}
    rice = {"物品名称": "大米", "类别": "食品", "数量": 3, "入库日期": date(2026, 11, 1), "到期日期": date(2027, 11, 20)}
    before = keys([rice, milk])
    after = keys([{"物品名称": "新到的面", "类别": "食品", "数量": 1, "到期日期": date(2027, 1, 1)}, rice, milk])
    assert before == after and len(before) == 1


@pytest.fixture(scope="module")
def demo_json(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    subprocess.run([sys.executable, "-m", "sync", "demo", "--dir", str(folder), "--today", "2026-11-25"], cwd=ROOT, check=True,
                   capture_output=True)

    def check(day: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "sync", "check", str(folder), "--today", day, "--format", "json"],
                              cwd=ROOT, capture_output=True, text=True)
        return json.loads(done.stdout)

    return check


def test_the_demo_makes_every_rule_fire(demo_json, pack):
    declared = {rule.id for sheet in pack.sheets for rule in sheet.rules}
    # A rule's findings may be validation findings on a cell (an unknown ingredient), hence no filter on kind.
    wednesday = {f["rule"] for f in demo_json("2026-11-25")["findings"]}
    # Next week's menu is only due from Thursday; everything else fires on the Wednesday itself.
    assert declared - wednesday == {"menu_next_week"}
    thursday = {f["rule"] for f in demo_json("2026-11-26")["findings"]}
    assert declared <= thursday
    summary = demo_json("2026-11-25")["summary"]
    assert summary["coverage"]["入园体检率"]["total"] == 42 and summary["coverage"]["入园体检率"]["percent"] < 100
