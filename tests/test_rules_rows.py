"""Row rules at their boundaries: due today, inside the window, one day over."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from tests.rules_helpers import of, run

TODAY = date(2026, 11, 25)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def inspection(**row):
    return {"编号": "A1", "检查对象": "滑梯", "类别": "大型玩具", "责任人": "刘师傅", "检查结果": "正常", **row}


@pytest.mark.parametrize(("last", "cycle", "severity", "words"), [
    (days(-26), 30, None, None),                 # due in 4 days: outside the 3-day window
    (days(-27), 30, "warning", "还有 3 天到期"),   # exactly the warning window
    (days(-30), 30, "warning", "今天到期"),        # due today is not yet late
    (days(-31), 30, "error", "已逾期 1 天"),       # one day over
    (days(-8), 7, "error", "已逾期 1 天"),         # the row's own cycle wins
])
def test_inspection_due(pack, last, cycle, severity, words):
    found = of(run(pack, {"inspections": [inspection(上次检查日期=last, 检查周期=cycle)]}, TODAY), "inspection_due")
    if severity is None:
        assert found == []
    else:
        assert [f.severity for f in found] == [severity]
        assert words in found[0].message and "“滑梯”" in found[0].message


def test_fire_equipment_defaults_to_monthly(pack):
    row = inspection(类别="消防器材", 检查对象="灭火器", 上次检查日期=days(-31))
    found = of(run(pack, {"inspections": [row]}, TODAY), "inspection_due")
    assert found[0].severity == "error" and "“灭火器”安全检查已逾期 1 天" in found[0].message


def test_hazard_needs_description_and_deadline_then_rectification_and_review(pack):
    rows = [
        inspection(编号="A1", 上次检查日期=days(-1), 检查结果="有隐患"),
        inspection(编号="A2", 检查对象="护栏", 上次检查日期=days(-1), 检查结果="有隐患", 隐患描述="松动", 整改期限=days(-1)),
        inspection(编号="A3", 检查对象="秋千", 上次检查日期=days(-1), 检查结果="有隐患", 隐患描述="磨损", 整改期限=days(2)),
        inspection(编号="A4", 检查对象="门", 上次检查日期=days(-1), 检查结果="有隐患", 隐患描述="坏", 整改期限=days(3)),
        inspection(编号="A5", 检查对象="燃气", 上次检查日期=days(-1), 检查结果="有隐患", 隐患描述="老化", 整改期限=days(-9),
                   整改完成日期=days(-8)),
        inspection(编号="A6", 检查对象="电线", 上次检查日期=days(-1), 检查结果="有隐患", 隐患描述="老化", 整改期限=days(-9),
                   整改完成日期=days(-7)),
    ]
    findings = run(pack, {"inspections": rows}, TODAY)
    details = of(findings, "hazard_details")
    assert len(details) == 1 and "隐患描述、整改期限" in details[0].message
    overdue = {f.row: f.severity for f in of(findings, "rectification_overdue")}
    assert overdue == {3: "error", 4: "warning"}  # 2 days left is inside the window, 3 is not
    review = of(findings, "rectification_review")
    assert [f.row for f in review] == [6] and "整改后未复查，未形成闭环" in review[0].message  # 8 days, not 7


@pytest.mark.parametrize(("category", "expires", "expected"), [
    ("食品", days(8), None), ("食品", days(7), "warning"), ("食品", days(0), "warning"), ("食品", days(-1), "error"),
    ("物资", days(31), None), ("物资", days(30), "warning"),
])
def test_stock_expiry_windows(pack, category, expires, expected):
    row = {"物品名称": "牛奶", "类别": category, "数量": 3, "到期日期": expires}
    found = of(run(pack, {"stock": [row]}, TODAY), "stock_expiry")
    assert [f.severity for f in found] == ([expected] if expected else [])
    if expected == "error":
        assert "已过期 1 天" in found[0].message and "请立即清理" in found[0].message


def test_expiry_from_production_date_and_shelf_life_and_empty_stock(pack):
    rows = [
        {"物品名称": "面粉", "类别": "食品", "数量": 2, "生产日期": days(-180), "保质期": 180},  # expires today
        {"物品名称": "饼干", "类别": "食品", "数量": 0, "到期日期": days(-30)},                 # used up: fine
        {"物品名称": "食用油", "类别": "食品", "数量": 1},                                      # no way to tell
    ]
    found = of(run(pack, {"stock": rows}, TODAY), "stock_expiry")
    assert [(f.row, f.severity) for f in found] == [(2, "warning"), (4, "error")]
    assert "今天到期" in found[0].message and "没有到期日期" in found[1].message


def test_low_stock(pack):
    rows = [{"物品名称": "大米", "数量": 9, "最低库存": 10}, {"物品名称": "面", "数量": 10, "最低库存": 10}]
    found = of(run(pack, {"stock": rows}, TODAY), "stock_minimum")
    assert [f.row for f in found] == [2] and "低于最低库存" in found[0].message


@pytest.mark.parametrize(("grams", "fires"), [(125, False), (124.9, True), ("125克", False)])
def test_sample_weight(pack, grams, fires):
    row = {"日期": days(-1), "菜品名称": "米饭", "留样人": "陈阿姨", "留样量": grams}
    assert bool(of(run(pack, {"samples": [row]}, TODAY), "sample_weight")) is fires


@pytest.mark.parametrize(("kept", "fires"), [(timedelta(hours=48), False), (timedelta(hours=47, minutes=59), True)])
def test_sample_kept_48_hours(pack, kept, fires):
    start = datetime(2026, 11, 20, 11, 30)
    row = {"日期": date(2026, 11, 20), "菜品名称": "米饭", "留样人": "陈阿姨", "留样时间": start, "销毁时间": start + kept}
    found = of(run(pack, {"samples": [row]}, TODAY), "sample_duration")
    assert bool(found) is fires
    if fires:
        assert "47 小时 59 分" in found[0].message


def test_health_check_counts_and_measures(pack):
    rows = [
        {"日期": days(-1), "班级": "小一班", "应到人数": 20, "实到人数": 20},
        {"日期": days(-1), "班级": "中一班", "应到人数": 20, "实到人数": 21, "异常情况": "发热"},
    ]
    findings = run(pack, {"health_checks": rows}, TODAY)
    assert [f.row for f in of(findings, "attendance_count")] == [3]
    assert [f.row for f in of(findings, "abnormal_measures")] == [3]


def child(**row):
    return {"姓名": "小明", "班级": "小一班", "出生日期": date(2022, 5, 1), "入园日期": date(2026, 9, 1),
            "入园体检日期": date(2026, 8, 20), "接种证查验": "已查验", "上次体检日期": days(-10), **row}


def test_admission_exam_and_its_order(pack):
    rows = [child(姓名="甲", 入园体检日期=None), child(姓名="乙", 入园体检日期=date(2026, 9, 2)), child(姓名="丙")]
    findings = run(pack, {"children": rows}, TODAY)
    assert [f.row for f in of(findings, "admission_exam")] == [2]
    assert [f.row for f in of(findings, "exam_before_admission")] == [3]


@pytest.mark.parametrize(("admitted", "fires"), [(days(-30), False), (days(-31), True)])
def test_vaccination_certificate_within_30_days(pack, admitted, fires):
    row = child(入园日期=admitted, 入园体检日期=admitted - timedelta(days=5), 接种证查验="未查验")
    assert bool(of(run(pack, {"children": [row]}, TODAY), "vaccination_certificate")) is fires


def test_catch_up_vaccination_warning_then_error_after_the_admission_year(pack):
    rows = [child(姓名="甲", 需补种疫苗="麻腮风"), child(姓名="乙", 需补种疫苗="乙脑", 入园日期=date(2025, 9, 1),
                                                  入园体检日期=date(2025, 8, 1)),
            child(姓名="丙", 需补种疫苗="水痘", 补种完成日期=days(-3))]
    found = {f.row: f.severity for f in of(run(pack, {"children": rows}, TODAY), "catch_up_vaccination")}
    assert found == {2: "warning", 3: "error"}


@pytest.mark.parametrize(("birth", "last", "expected"), [
    (date(2024, 6, 1), date(2026, 5, 24), "error"),  # under 3: every 6 months, due 2026-11-24
    (date(2024, 6, 1), days(-170), "warning"),   # under 3: due in 13 days
    (date(2021, 6, 1), days(-183), None),        # over 3: every 12 months
    (date(2021, 6, 1), days(-352), "warning"),   # due in exactly 14 days
    (date(2021, 6, 1), days(-350), None),        # 16 days: outside the window
])
def test_periodic_exam_by_age(pack, birth, last, expected):
    row = child(出生日期=birth, 上次体检日期=last)
    found = of(run(pack, {"children": [row]}, TODAY), "periodic_exam")
    assert [f.severity for f in found] == ([expected] if expected else [])


def test_weak_child_follow_up(pack):
    rows = [child(姓名="甲", 体弱儿="是", 下次随访日期=days(-1)), child(姓名="乙", 体弱儿="是"),
            child(姓名="丙", 体弱儿="是", 下次随访日期=days(0)), child(姓名="丁", 体弱儿="否")]
    found = {f.row: f.severity for f in of(run(pack, {"children": rows}, TODAY), "weak_child_followup")}
    assert found == {2: "error", 3: "warning"}


@pytest.mark.parametrize(("seconds", "fires"), [(120, False), (121, True)])
def test_evacuation_time(pack, seconds, fires):
    row = {"日期": days(-3), "演练类型": "火灾疏散", "疏散用时": seconds}
    assert bool(of(run(pack, {"drills": [row]}, TODAY), "drill_evacuation_time")) is fires


def test_expenses_need_signatures_receipt_and_two_people(pack):
    rows = [
        {"日期": days(-5), "事项": "滑梯维修", "金额": 100, "经手人": "刘", "验收人": "王", "收据": "有", "状态": "已报销"},
        {"日期": days(-5), "事项": "图书", "金额": 100, "经手人": "刘", "验收人": "王", "园长签字": "赵", "收据": "无", "状态": "待报销"},
        {"日期": days(-5), "事项": "灯管", "金额": 100, "经手人": "刘", "验收人": "刘", "园长签字": "赵", "收据": "有", "状态": "已报销"},
    ]
    findings = run(pack, {"expenses": rows}, TODAY)
    assert [f.row for f in of(findings, "reimbursed_complete")] == [2]
    assert "缺少签字或收据，不应报销" in of(findings, "reimbursed_complete")[0].message
    assert [f.row for f in of(findings, "pending_complete")] == [3]
    assert [f.row for f in of(findings, "separation_of_duties")] == [4]


def test_visitors(pack):
    rows = [
        {"日期": days(-1), "姓名": "甲", "事由": "送货", "进园时间": time(9), "离园时间": time(10)},
        {"日期": days(-1), "姓名": "乙", "事由": "维修", "进园时间": time(9), "批准人": "赵"},
        {"日期": days(0), "姓名": "丙", "事由": "维修", "进园时间": time(9), "批准人": "赵"},
        {"日期": days(-2), "姓名": "丁", "事由": "检查", "进园时间": time(15), "离园时间": time(14), "批准人": "赵",
         "证件号": "350582198803150011"},
    ]
    findings = run(pack, {"visitors": rows}, TODAY)
    assert [f.row for f in of(findings, "visitor_approved")] == [2]
    assert [f.row for f in of(findings, "visitor_left")] == [3]  # today's visitor may still be here
    assert [f.row for f in of(findings, "visitor_times")] == [5]
    # Times read as staff typed them, without seconds they never wrote.
    assert "离园时间 14:00 早于进园时间 15:00" in of(findings, "visitor_times")[0].message
    assert all("350582198803150011" not in f.message for f in findings)


@pytest.mark.parametrize(("balance", "fires"), [(2000.0, False), (2000.01, False), (2000.02, True)])
def test_balance_is_income_minus_spending(pack, balance, fires):
    row = {"月份": "2026-10", "收入": 100000.0, "支出": 98000.0, "结余": balance, "公示日期": date(2026, 11, 3)}
    assert bool(of(run(pack, {"food_account": [row]}, TODAY), "balance_computed")) is fires


@pytest.mark.parametrize(("spend", "fires"), [(98000.0, False), (97990.0, True)])
def test_food_account_two_percent_per_month_and_term(pack, spend, fires):
    row = {"月份": "2026-10", "收入": 100000.0, "支出": spend, "公示日期": date(2026, 11, 3)}
    findings = of(run(pack, {"food_account": [row]}, TODAY), "surplus_limit")
    assert {f.severity for f in findings} == ({"warning", "error"} if fires else set())


def test_food_account_published_within_ten_days_of_month_end(pack):
    rows = [{"月份": "2026-10", "收入": 1.0, "支出": 1.0}, {"月份": "2026-11", "收入": 1.0, "支出": 1.0}]
    assert [f.row for f in of(run(pack, {"food_account": rows}, TODAY), "account_published")] == [2]
    assert of(run(pack, {"food_account": rows[:1]}, date(2026, 11, 10)), "account_published") == []
    assert of(run(pack, {"food_account": rows[:1]}, date(2026, 11, 11)), "account_published") != []
