"""Every figure counts only rows and children inside the report's window: a child from 入园日期
to 离园日期, a later state of a row never counted for an earlier window, the same child twice
once (a finding on the second row)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from openpyxl import Workbook, load_workbook

from tests.cli_helpers import cli

TODAY = date(2026, 11, 20)
LEFT = date(2026, 10, 15)


def workbook(path):
    book = Workbook()
    children = book.active
    children.title = "幼儿健康档案"
    children.append(["姓名", "班级", "出生日期", "入园日期", "离园日期", "入园体检日期", "接种证查验"])
    children.append(["甲", "中一班", date(2021, 3, 1), date(2025, 9, 1), None, date(2025, 8, 20), "已查验"])
    children.append(["乙", "中一班", date(2021, 5, 1), date(2026, 9, 1), None, None, "已查验"])
    children.append(["丙", "大二班", date(2020, 4, 1), date(2025, 9, 1), LEFT, date(2025, 8, 20), "已查验"])
    children.append(["甲", "中一班", date(2021, 3, 1), date(2025, 9, 1), None, date(2025, 8, 20), "已查验"])
    checks = book.create_sheet("晨午检")
    checks.append(["日期", "班级", "应到人数", "实到人数", "晨检人", "午检人"])
    day = date(2026, 9, 1)
    while day < TODAY:
        checks.append([day, "中一班", 2, 2, "王老师", "王老师"])
        day += timedelta(days=1)
    inspections = book.create_sheet("安全检查")
    inspections.append(["编号", "检查对象", "类别", "责任人", "上次检查日期", "检查结果"])
    inspections.append(["A1", "滑梯", "大型玩具", "李师傅", date(2026, 11, 1), "正常"])
    inspections.append(["A2", "灭火器", "消防器材", "李师傅", date(2026, 9, 1), "正常"])
    book.save(path)
    return path


@pytest.fixture
def book(tmp_path):
    return workbook(tmp_path / "保健.xlsx")


def report(book, *args):
    done = cli("report", str(book), "--today", TODAY.isoformat(), "--format", "json", *args)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)["figures"]


def test_a_past_term_does_not_count_a_child_admitted_later(book):
    figures = report(book, "--term", "2025年秋季学期")
    admission = figures["admission_exam_rate"]
    assert admission["denominator"] == 2 and not any("乙" in m for m in admission["missing"])
    this_term = report(book)["admission_exam_rate"]
    assert any("乙" in m for m in this_term["missing"])


def test_a_window_before_any_record_counts_nothing(book):
    figures = report(book, "--from", "1900-01-01", "--to", "1900-12-31")
    counted = {name: f for name, f in figures.items() if f["rows"] or f["denominator"]}
    assert counted == {}
    assert figures["admission_exam_rate"]["value"] is None and figures["inspections_on_time"]["value"] is None


def test_a_child_who_left_is_out_of_the_class_list_after_that_date(book):
    done = cli("check", str(book), "--today", TODAY.isoformat(), "--format", "json")
    result = json.loads(done.stdout)
    missing = [f for f in result["findings"] if "大二班" in f["message"] and "缺晨检记录" in f["message"]]
    days = [date.fromisoformat(f["message"].split()[1]) for f in missing]
    assert days and max(days) <= LEFT and min(days) == date(2026, 9, 1)
    morning = report(book)["morning_check_completeness"]
    late = [m for m in morning["missing"] if m.startswith("大二班") and date.fromisoformat(m.split()[1]) > LEFT]
    assert late == [] and any(m.startswith("大二班") for m in morning["missing"])


def test_the_same_child_twice_is_one_finding_and_counted_once(book):
    done = cli("check", str(book), "--today", TODAY.isoformat(), "--format", "json")
    result = json.loads(done.stdout)
    twice = [f for f in result["findings"] if f["rule"] == "validation.duplicate_row"]
    assert [(f["sheet"], f["row"]) for f in twice] == [("幼儿健康档案", 5)]
    assert "第2行" in twice[0]["message"] and "统计只算一次" in twice[0]["message"]
    coverage = result["summary"]["coverage"]["入园体检率"]
    assert (coverage["count"], coverage["total"]) == (1, 2)  # 甲 once and 乙; 丙 has left


def test_a_leaving_date_before_admission_is_an_error_on_the_row(tmp_path):
    path = workbook(tmp_path / "保健.xlsx")
    book = load_workbook(path)
    book["幼儿健康档案"]["E2"] = date(2025, 8, 1)
    book.save(path)
    done = cli("check", str(path), "--today", TODAY.isoformat(), "--format", "json")
    rows = [f for f in json.loads(done.stdout)["findings"] if f["rule"] == "left_after_admission"]
    assert [(f["row"], f["severity"]) for f in rows] == [(2, "error")] and "早于入园日期" in rows[0]["message"]
