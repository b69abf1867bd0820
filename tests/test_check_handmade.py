"""`check` on a workbook made the way staff make them: titles, odd headers, every date form."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime

import xlsxwriter

from tests.support import ROOT

SHEET = "2026秋 安全检查表"


def make_workbook(path) -> None:
    book = xlsxwriter.Workbook(str(path))
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    chinese = book.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    sheet = book.add_worksheet(SHEET)
    # Two title rows (one merged) above the header, as staff like them.
    sheet.merge_range("A1:F1", "2026年秋季学期安全检查记录")
    sheet.write("A2", "填表人：刘师傅")
    # Reordered columns, aliases (设备名称 = 检查对象, 负责人 = 责任人), a unit, full-width brackets,
    # spaces around a header, and an extra column of staff's own.
    sheet.write_row(2, 0, ["上次检查日期", " 设备名称 ", "编号", "类别", "负责人", "检查周期(天)", "备注"])
    rows = [
        ("2026-11-20", "滑梯", "A-01", "大型玩具", "刘师傅", 30),
        ("2026/11/19", "秋千", "A-02", " 大型玩具 ", "刘师傅", 30),
        ("2026.11.18", "攀爬架", "A-03", "大型 玩具", "王老师", 30),
        ("2026年11月17日", "灭火器", "A-04", "消防器材", "刘师傅", 30),
        ("2026年11月16号", "消防栓", "A-05", "消防器材", "刘师傅", None),
        ("20261115", "配电箱", "A-06", "电器线路", "刘师傅", 30),
        ("２０２６－１１－１４", "护栏", "A-07", "门窗护栏", "王老师", 30),
        ("11月13日", "大门", "A-08", "设施设备", "赵园长", 30),
        ("2026-02-30", "监控", "A-09", "设施设备", "赵园长", 30),
        (36.5, "伸缩门", "A-10", "设施设备", "刘师傅", 30),
        ("2026-11-12", "电梯", "A-10", "其它", "刘师傅", "三十"),
    ]
    for offset, (checked, name, code, category, person, cycle) in enumerate(rows):
        row = 3 + offset
        if isinstance(checked, float):
            sheet.write_number(row, 0, checked)
        else:
            sheet.write_string(row, 0, checked)
        sheet.write_row(row, 1, [name, code, category, person])
        if cycle is not None:
            sheet.write(row, 5, cycle)
    # A blank row never ends the table; real date cells in both formats count too.
    sheet.write_datetime(15, 0, datetime(2026, 11, 11), dates)
    sheet.write_row(15, 1, ["厨房燃气", "A-12", "设施设备", "陈阿姨", 30])
    sheet.write_datetime(16, 0, datetime(2026, 11, 10), chinese)
    sheet.write_row(16, 1, ["配餐间", "A-13", "设施设备", "陈阿姨"])
    sheet.write_formula(16, 5, "=1/0", None, "#DIV/0!")

    # A sheet missing a required column (留样人) and with a duplicated header.
    samples = book.add_worksheet("食品留样")
    samples.write_row(0, 0, ["日期", "菜品名称", "留样量（克）", "菜品"])
    samples.write_datetime(1, 0, datetime(2026, 11, 24), dates)
    samples.write_row(1, 1, ["米饭", 150, "米饭"])
    book.close()


EXPECTED = [
    # (sheet, cell, rule, severity, value)
    (SHEET, "A12", "validation.type", "error", "2026-02-30"),
    (SHEET, "A13", "validation.type", "error", "36.5"),
    (SHEET, "C14", "validation.unique", "error", "A-10"),
    (SHEET, "D14", "validation.enum", "error", "其它"),
    (SHEET, "F14", "validation.type", "error", "三十"),
    (SHEET, "F17", "validation.type", "error", "#DIV/0!"),
    ("食品留样", "D1", "sheet.duplicate_header", "error", "菜品"),
    ("食品留样", None, "sheet.missing_column", "error", None),
    ("（全部）", None, "sheet.missing", "warning", None),
]


def run_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sync", "check", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_check_reports_exactly_the_expected_findings(tmp_path):
    book = tmp_path / "安全.xlsx"
    make_workbook(book)
    done = run_check(str(book), "--today", "2026-11-25", "--format", "json")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    findings = [f for f in json.loads(done.stdout)["findings"] if f["kind"] == "validation"]
    def order(item):
        return tuple(str(v) for v in item)

    got = sorted(((f["sheet"], f["cell"], f["rule"], f["severity"], f["value"]) for f in findings), key=order)
    assert got == sorted(EXPECTED, key=order)


def test_messages_name_the_cell_the_value_and_what_is_expected(tmp_path):
    book = tmp_path / "安全.xlsx"
    make_workbook(book)
    findings = json.loads(run_check(str(book), "--today", "2026-11-25", "--format", "json").stdout)["findings"]
    by_cell = {f["cell"]: f["message"] for f in findings if f["cell"]}
    assert by_cell["A12"] == "上次检查日期（A12）“2026-02-30”不是有效日期：2月没有30日"
    assert by_cell["A13"] == "上次检查日期（A13）“36.5”是数字，不是日期"
    assert by_cell["C14"] == "编号（C14）“A-10”与 C13 重复，编号不能重复"
    assert "大型玩具/消防器材/设施设备/电器线路/门窗护栏/其他" in by_cell["D14"]
    assert "#DIV/0!" in by_cell["F17"] and "公式" in by_cell["F17"]
    missing = next(f for f in findings if f["rule"] == "sheet.missing_column")
    assert "留样人" in missing["message"] and "食品留样" in missing["message"]


def test_english_messages(tmp_path):
    book = tmp_path / "安全.xlsx"
    make_workbook(book)
    findings = json.loads(run_check(str(book), "--today", "2026-11-25", "--format", "json", "--lang", "en").stdout)["findings"]
    by_cell = {f["cell"]: f["message"] for f in findings if f["cell"]}
    assert by_cell["A12"] == "上次检查日期 (A12) “2026-02-30” is not a valid date: month 2 has no day 30"


def test_every_date_form_is_read_as_the_same_kind_of_date(tmp_path, pack):
    from rules.validate import validate
    from sync.sources.xlsx.source import WorkbookSource

    book = tmp_path / "安全.xlsx"
    make_workbook(book)
    read = WorkbookSource(book).read(pack)
    table = next(t for t in read.tables if t.sheet_id == "inspections")
    assert table.header_row == 3
    typed, _ = validate(table, pack.sheet("inspections"), date(2026, 11, 25))
    checked = dict(zip(typed.numbers, typed.columns["上次检查日期"], strict=True))
    assert [checked[r] for r in range(4, 12)] == [date(2026, 11, d) for d in range(20, 12, -1)]
    assert checked[16] == date(2026, 11, 11) and checked[17] == date(2026, 11, 10)
    assert checked[12] is None and checked[13] is None
    # Enum values with stray spaces are accepted as the option they mean.
    categories = dict(zip(typed.numbers, typed.columns["类别"], strict=True))
    assert categories[5] == "大型玩具" and categories[6] == "大型玩具"
    # The blank row 15 is skipped, the rows after it are still read.
    assert 15 not in typed.numbers and 17 in typed.numbers
