"""Alert history across cycles: opened, resolved with the time it was open, opened again."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.model import Finding
from sync.cycle.outcome import RunResult, SourceResult
from sync.sources.base import WriteOutcome
from sync.state import store as state

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 20, 8, 0, tzinfo=ZONE)


def finding(key: str, source: str = "园.xlsx", severity: str = "error", message: str = "“灭火器”安全检查已逾期 3 天") -> Finding:
    return Finding(source=source, sheet="安全检查", row=4, column="上次检查日期", cell="G4", rule=key.split("|")[-1],
                   kind="rule", severity=severity, message=message, message_en="overdue", value=None, key=key,
                   sheet_id="inspections")


def run(at: datetime, findings: list[Finding], unreadable: tuple[str, ...] = ()) -> RunResult:
    sources = [SourceResult(source="园.xlsx", kind="xlsx", read_ok="园.xlsx" not in unreadable,
                            write=WriteOutcome("written"))]
    return RunResult(started=at, finished=at + timedelta(seconds=2), today=at.date(), findings=findings,
                     sources=sources, summary={"errors": len(findings)})


def periods(path, key):
    with state.connect(path) as connection:
        return state.periods_for(connection, key)


def test_fixed_problem_is_resolved_with_its_time_open_and_reopens_as_new(tmp_path):
    db = tmp_path / "state.sqlite3"
    key = "园.xlsx|inspections|A1|inspection_due"
    state.record_run(db, run(START, [finding(key)]))
    state.record_run(db, run(START + timedelta(hours=1), [finding(key)]))
    assert [p["resolved_at"] for p in periods(db, key)] == [None]
    state.record_run(db, run(START + timedelta(days=3), []))
    first = periods(db, key)
    assert len(first) == 1 and first[0]["resolved_at"].startswith("2026-11-23T08:00:02")
    assert round(first[0]["days_open"], 2) == 3.0
    state.record_run(db, run(START + timedelta(days=5), [finding(key)]))
    again = periods(db, key)
    assert len(again) == 2 and again[0]["resolved_at"] and again[1]["resolved_at"] is None
    with state.connect(db) as connection:
        assert [r["key"] for r in state.recently_resolved(connection)] == [key]


def test_an_unreadable_workbook_does_not_resolve_its_alerts(tmp_path):
    db = tmp_path / "state.sqlite3"
    key = "园.xlsx|inspections|A1|inspection_due"
    state.record_run(db, run(START, [finding(key)]))
    state.record_run(db, run(START + timedelta(hours=1), [], unreadable=("园.xlsx",)))
    assert periods(db, key)[0]["resolved_at"] is None


def test_an_alert_naming_several_workbooks_resolves_only_when_all_of_them_were_read(tmp_path):
    """"No workbook has the 安全检查 sheet" names every workbook of the folder: when one of them
    cannot be read, the sheet may be in it, so the alert stays open; read both, and it resolves.
    Alerts of a workbook not read at all this time (another folder's) are left alone."""
    db = tmp_path / "state.sqlite3"
    both = "园.xlsx、食堂.xlsx"
    missing = finding(f"{both}|（全部）|sheet.missing", source=both)
    elsewhere = finding("旧文件夹/库存.xlsx|stock|牛奶|stock_expiry", source="旧文件夹/库存.xlsx")

    def cycle(at: datetime, findings: list[Finding], unreadable: tuple[str, ...] = ()) -> None:
        sources = [SourceResult(source=name, kind="xlsx", read_ok=name not in unreadable, write=WriteOutcome("written"))
                   for name in ("园.xlsx", "食堂.xlsx")]
        state.record_run(db, RunResult(started=at, finished=at + timedelta(seconds=2), today=at.date(), findings=findings,
                                       sources=sources, summary={}))

    cycle(START, [missing, elsewhere])
    cycle(START + timedelta(hours=1), [], unreadable=("食堂.xlsx",))
    assert periods(db, missing.key)[0]["resolved_at"] is None
    cycle(START + timedelta(hours=2), [])
    assert periods(db, missing.key)[0]["resolved_at"] is not None
    assert periods(db, elsewhere.key)[0]["resolved_at"] is None


def test_findings_are_those_of_the_latest_run_and_filterable(tmp_path):
    db = tmp_path / "state.sqlite3"
    state.record_run(db, run(START, [finding("a|x|1|r1"), finding("a|x|2|r2", severity="warning", message="快到期")]))
    state.record_run(db, run(START + timedelta(hours=1), [finding("a|x|2|r2", severity="warning", message="快到期")]))
    with state.connect(db) as connection:
        rows, total = state.findings(connection, {})
        assert total == 1 and rows[0]["message"] == "快到期"
        assert state.findings(connection, {"severity": "error"})[1] == 0
        assert state.findings(connection, {"q": "到期"})[1] == 1
        series = state.open_alerts_per_day(connection, date(2026, 11, 21), days=3)
        assert series == [(date(2026, 11, 19), 0), (date(2026, 11, 20), 1), (date(2026, 11, 21), 1)]


def test_schema_version_and_wal(tmp_path):
    db = tmp_path / "state.sqlite3"
    state.ensure(db)
    with state.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == len(state.MIGRATIONS)
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_failed_cycle_is_recorded(tmp_path):
    db = tmp_path / "state.sqlite3"
    state.record_failed_run(db, START, START + timedelta(seconds=1), "表格定义文件有误")
    with state.connect(db) as connection:
        latest = state.latest_run(connection)
        assert latest["status"] == "failed" and latest["error"] == "表格定义文件有误"


def test_fixing_a_workbook_resolves_its_alert_after_the_next_cycle(tmp_path):
    from openpyxl import load_workbook

    from sync.config.loader import Config
    from sync.cycle.run import run_cycle
    from sync.demo import write_demo

    folder = tmp_path / "demo"
    write_demo(folder, today=date(2026, 11, 25))
    config = Config(paths=[folder], state_db=tmp_path / "state.sqlite3")
    state.record_run(config.state_db, run_cycle(config, today=date(2026, 11, 25)))
    key = next(f.key for f in run_cycle(config, today=date(2026, 11, 25), write=False).findings
               if f.rule == "stock_expiry" and "纯牛奶" in f.message)
    book = load_workbook(folder / "食堂管理.xlsx")  # the demo is Houqin's own file; staff would use Excel
    sheet = book["库存"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "纯牛奶")
    sheet.cell(row, 4, 0)  # the expired milk is thrown away: no stock left
    book.save(folder / "食堂管理.xlsx")
    state.record_run(config.state_db, run_cycle(config, today=date(2026, 11, 25)))
    history = periods(config.state_db, key)
    assert len(history) == 1 and history[0]["resolved_at"] is not None and history[0]["days_open"] >= 0


def test_a_migration_that_fails_half_way_leaves_no_half_schema(tmp_path, monkeypatch):
    """A power cut or a mistake in the middle of a migration: the database stays at the old
    version with none of the new step's changes, and a later start can run the step whole."""
    db = tmp_path / "state.sqlite3"
    state.ensure(db)
    version = len(state.MIGRATIONS)
    monkeypatch.setattr(state, "MIGRATIONS", [*state.MIGRATIONS, "CREATE TABLE half (a); CREATE TABLE broken ("])
    with pytest.raises(sqlite3.OperationalError):
        state.ensure(db)
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == version
    assert connection.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchall() == []
    connection.close()
    monkeypatch.setattr(state, "MIGRATIONS", [*state.MIGRATIONS[:-1], "CREATE TABLE half (a); CREATE TABLE whole (b)"])
    state.ensure(db)
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == version + 1
    connection.close()
