"""Never silence an alert: period rules in a term without records, absurd numbers, unique
keys, no false all-clear, a misnamed column (issue 11's alert breaks, one test each)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date

from rules.engine import Settings, evaluate
from rules.tables import build_table
from rules.validate import validate
from tests.rules_helpers import of, run
from tests.support import ROOT, TODAY


def test_weekly_meetings_missed_all_term_are_reported_although_the_term_has_no_record(pack):
    # The last meeting was written down in June; the autumn term began in September.
    rows = [{"日期": date(2026, 6, 15), "主题": "期末总结", "主持人": "赵园长"}]
    found = of(run(pack, {"meetings": rows}, TODAY), "weekly_meeting")
    weeks = [f for f in found if "周" in f.message]
    assert len(weeks) >= 10  # every school week of the term so far
    assert any("11-16" in f.message for f in weeks)  # the week before today's


def test_a_quarter_without_a_drill_is_reported_although_the_term_has_no_record(pack):
    rows = [{"日期": date(2026, 5, 10), "演练类型": "消防疏散", "参与人数": 120, "组织人": "刘师傅"}]
    found = of(run(pack, {"drills": rows}, TODAY), "drill_every_quarter")
    assert [f.message for f in found] == ["2026年第3季度没有应急演练记录（每季度至少一次）"]


def test_daily_checks_missing_since_term_start_are_reported(pack):
    rows = [{"日期": date(2026, 6, 30), "班级": "小一班", "应到人数": 20, "实到人数": 19}]
    found = of(run(pack, {"health_checks": rows}, date(2026, 9, 8)), "daily_health_checks")
    assert sorted(f.message for f in found) == [f"小一班 2026-09-0{d} 缺晨检记录" for d in (1, 2, 3, 4, 7)]


def judged(pack, sheet_id: str, rows: list[dict]) -> list:
    """Validation and rule findings of one sheet of the pack, as a cycle would give them."""
    spec = pack.sheet(sheet_id)
    headers = [f.name for f in spec.fields]
    table, problems = build_table("园.xlsx", spec.name, [headers] + [[r.get(h) for h in headers] for r in rows], spec, "系统提醒")
    typed, invalid = validate(table, spec, TODAY)
    findings, _ = evaluate([typed], pack, Settings(today=TODAY))
    return problems + invalid + findings


def inspection(code: str, what: str, every, last: date) -> dict:
    return {"编号": code, "检查对象": what, "类别": "消防器材", "责任人": "刘师傅", "检查周期": every, "上次检查日期": last}


def test_an_absurd_inspection_period_is_a_finding_on_its_cell_and_later_rows_still_get_alerts(pack):
    rows = [inspection("A1", "滑梯", 99999999, date(2026, 11, 1)), inspection("A2", "秋千", 7, date(2026, 11, 20)),
            inspection("A3", "灭火器", 30, date(2026, 9, 1))]
    findings = judged(pack, "inspections", rows)
    absurd = [f for f in findings if f.row == 2 and f.column == "检查周期"]
    assert absurd and absurd[0].kind == "validation" and "99999999" in absurd[0].message
    assert [f.row for f in of(findings, "inspection_due") if f.severity == "error"] == [4]  # the extinguisher
    assert not [f for f in findings if f.row is None and "无法运行" in f.message]


def test_an_absurd_shelf_life_is_a_finding_and_the_expired_milk_below_still_gets_its_alert(pack):
    rows = [{"物品名称": "大米", "类别": "食品", "数量": 5, "生产日期": date(2026, 11, 1), "保质期": 3000000},
            {"物品名称": "牛奶", "类别": "食品", "数量": 5, "到期日期": date(2026, 11, 1)}]
    findings = judged(pack, "stock", rows)
    assert [f.row for f in findings if f.column == "保质期" and f.kind == "validation"] == [2]
    assert [f.row for f in of(findings, "stock_expiry") if f.severity == "error"] == [3]


def test_demo_keys_are_unique_in_check_json(tmp_path):
    subprocess.run([sys.executable, "-m", "sync", "demo", "--dir", str(tmp_path), "--today", TODAY.isoformat()],
                   cwd=ROOT, check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-m", "sync", "check", str(tmp_path), "--today", TODAY.isoformat(),
                           "--format", "json"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 1, done.stderr
    keys = [f["key"] for f in json.loads(done.stdout)["findings"]]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert len(keys) > 20 and duplicates == []


def inspection_keys(pack, rows: list[dict], order: list[str] | None = None) -> dict[str, str]:
    spec = pack.sheet("inspections")
    headers = order or [f.name for f in spec.fields]
    grid = [headers] + [[row.get(h) for h in headers] for row in rows]
    table, _ = build_table("园.xlsx", spec.name, grid, spec, "系统提醒")
    typed, problems = validate(table, spec, TODAY)
    findings, _ = evaluate([typed], pack, Settings(today=TODAY))
    # What each key stands for: the message, less the cell reference that moves with the row.
    return {f.key: re.sub(r"（[A-Z]+\d+）", "", f.message) for f in findings + problems if f.row}


def test_keys_without_key_columns_are_unique_and_follow_rows_that_move_or_columns_reordered(pack):
    rows = [{"检查对象": "灭火器", "类别": "消防器材", "责任人": "刘师傅", "上次检查日期": date(2026, 9, 1)},
            {"检查对象": "滑梯", "类别": "大型玩具", "责任人": "刘师傅", "上次检查日期": date(2026, 8, 1)},
            {"检查对象": "灭火器", "类别": "消防器材", "责任人": "刘师傅", "上次检查日期": date(2026, 9, 1)}]
    keys = inspection_keys(pack, rows)
    overdue = [k for k, m in keys.items() if "检查" in m]
    assert len(overdue) >= 3 and len(set(overdue)) == len(overdue)
    moved = inspection_keys(pack, [rows[1], rows[0], rows[2]])
    assert moved == keys
    names = [f.name for f in pack.sheet("inspections").fields]
    assert inspection_keys(pack, rows, order=list(reversed(names))) == keys


def test_a_misnamed_column_names_the_header_and_the_nearest_known_name(pack):
    spec = pack.sheet("stock")
    grid = [["物品名称", "类别", "数量", "到期日"], ["牛奶", "食品", 5, date(2026, 11, 1)]]
    table, problems = build_table("园.xlsx", "库存", grid, spec, "系统提醒")
    typed, more = validate(table, spec, TODAY)
    findings, _ = evaluate([typed], pack, Settings(today=TODAY))
    messages = [f.message for f in problems + more + findings]
    assert any("“到期日”是不是“到期日期”？" in m for m in messages), messages
