"""No false all-clear: alerts resolve only when their source was read and their sheet present."""

from __future__ import annotations

import shutil
import subprocess
import sys

from openpyxl import load_workbook

from sync.config.loader import Config
from sync.cycle.run import run_cycle
from sync.demo import write_demo
from sync.state import store as state
from tests.support import ROOT, TODAY
from webapp import create_app


def open_keys(db) -> set[str]:
    with state.connect(db) as connection:
        return {row["key"] for row in connection.execute("SELECT key FROM alert_periods WHERE resolved_at IS NULL")}


def test_an_emptied_folder_keeps_every_alert_open_and_the_page_shows_it_in_red(tmp_path):
    folder, db = tmp_path / "表格", tmp_path / "state.sqlite3"
    write_demo(folder, today=TODAY)
    config = Config(paths=[folder], state_db=db)
    state.record_run(db, run_cycle(config, today=TODAY, write=False))
    before = open_keys(db)
    assert len(before) > 20
    moved = tmp_path / "别处"
    shutil.move(folder, moved)
    folder.mkdir()  # someone moved the workbooks away; the folder is empty
    result = run_cycle(config, today=TODAY, write=False)
    assert [s.read_ok for s in result.sources] == [False]
    assert "没有" in result.sources[0].error and str(folder) in result.sources[0].error
    state.record_run(db, result)
    assert open_keys(db) == before
    page = create_app(config, trigger_sync=lambda: True, secret_key="t").test_client().get("/?tab=overview").get_data(as_text=True)
    assert 'class="error-text"' in page and str(folder) in page


def test_a_mistyped_folder_keeps_alerts_open(tmp_path):
    folder, db = tmp_path / "表格", tmp_path / "state.sqlite3"
    write_demo(folder, today=TODAY)
    state.record_run(db, run_cycle(Config(paths=[folder], state_db=db), today=TODAY, write=False))
    before = open_keys(db)
    result = run_cycle(Config(paths=[tmp_path / "表各"], state_db=db), today=TODAY, write=False)
    assert result.sources and not any(s.read_ok for s in result.sources)
    state.record_run(db, result)
    assert open_keys(db) == before


def test_a_sheet_gone_from_its_workbook_keeps_its_alerts_open(tmp_path):
    folder, db = tmp_path / "表格", tmp_path / "state.sqlite3"
    write_demo(folder, today=TODAY)
    config = Config(paths=[folder], state_db=db)
    state.record_run(db, run_cycle(config, today=TODAY, write=False))
    inspections = {k for k in open_keys(db) if "|inspections|" in k}
    assert inspections
    book = load_workbook(folder / "安全管理.xlsx")
    del book["安全检查"]  # staff moved the tab into another workbook not yet in the folder
    book.save(folder / "安全管理.xlsx")
    state.record_run(db, run_cycle(config, today=TODAY, write=False))
    assert inspections <= open_keys(db)


def test_check_on_a_folder_without_workbooks_exits_2_with_one_message(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sync", "check", str(tmp_path), "--today", TODAY.isoformat()],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(tmp_path) in lines[0] and "没有" in lines[0]
    assert "Traceback" not in done.stderr + done.stdout
