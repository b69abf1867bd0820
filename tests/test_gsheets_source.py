"""A Google spreadsheet as a source: real gspread over HTTP to the loopback fake of the API."""

from __future__ import annotations

import time

import pytest

from rules.alerts import ALERT_HEADER
from sync.config.loader import Config
from sync.cycle.run import check, run_cycle
from sync.demo import write_demo
from tests.gsheets_helpers import google_config, upload_folder
from tests.support import TODAY


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder, today=TODAY)
    return folder


def comparable(findings):
    """Findings without where they came from: the same data must give the same findings."""
    items = [(f.sheet, f.row, f.column, f.cell, f.rule, f.severity, f.message, f.value) for f in findings
             if f.rule != "sheet.missing"]
    return sorted(items, key=lambda item: tuple(str(part) for part in item))


def reads_and_writes(fake):
    reads = [c for c in fake.calls if c[0] == "GET"]
    writes = [c for c in fake.calls if c[0] in ("POST", "PUT")]
    return len(reads), len(writes)


def test_same_findings_as_the_workbooks(fake, demo_folder, pack):
    key = upload_folder(fake, demo_folder)
    from_sheets = check(google_config(fake, key), pack, TODAY)
    from_files = check(Config(paths=[demo_folder]), pack, TODAY)
    assert not from_sheets.failed
    assert len(from_sheets.findings) > 20
    assert comparable(from_sheets.findings) == comparable(from_files.findings)


def test_one_read_and_at_most_one_write_per_cycle(fake, demo_folder, pack):
    key = upload_folder(fake, demo_folder)
    config = google_config(fake, key)
    fake.reset_calls()
    first = run_cycle(config, today=TODAY, pack=pack)
    assert first.sources[0].write.status == "written"
    assert reads_and_writes(fake) == (1, 1)
    fake.reset_calls()
    second = run_cycle(config, today=TODAY, pack=pack)
    assert second.sources[0].write.status == "unchanged"
    assert reads_and_writes(fake) == (1, 0)


def test_alerts_and_highlighting_are_written_to_the_alert_column_only(fake, demo_folder, pack):
    key = upload_folder(fake, demo_folder)
    before = {title: [row[:] for row in fake.values(key, title)] for title in ("安全检查", "库存")}
    run_cycle(google_config(fake, key), today=TODAY, pack=pack)
    for title, old in before.items():
        new = fake.values(key, title)
        header = next(i for i, row in enumerate(new) if ALERT_HEADER in row)
        column = new[header].index(ALERT_HEADER)
        for r, row in enumerate(old):
            for c, value in enumerate(row):
                if c != column:
                    assert (new[r][c] if c < len(new[r]) else None) == value, (title, r, c)
        alerts = [row[column] for row in new[header + 1:] if len(row) > column and row[column]]
        assert alerts and all(a.startswith(("【错误】", "【提醒】")) for a in alerts)
    rules = fake.conditional_formats(key, "安全检查")
    formulas = [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in rules]
    assert len(formulas) == 2 and "【错误】" in formulas[0] and formulas[1].startswith("=LEN(")
    run_cycle(google_config(fake, key), today=TODAY, pack=pack)
    assert len(fake.conditional_formats(key, "安全检查")) == 2  # found again, not duplicated


def test_a_fixed_problem_clears_its_alert(fake, demo_folder, pack):
    key = upload_folder(fake, demo_folder)
    config = google_config(fake, key)
    run_cycle(config, today=TODAY, pack=pack)
    grid = fake.values(key, "安全检查")
    header = next(i for i, row in enumerate(grid) if "编号" in row)
    code, column = grid[header].index("编号"), grid[header].index(ALERT_HEADER)
    row = next(i for i, r in enumerate(grid) if r[code] == "AQ-008")  # the row with 2026-02-30
    assert "2026-02-30" in grid[row][column]
    checked = grid[header].index("上次检查日期")
    fake.set_cell(key, "安全检查", f"{chr(65 + checked)}{row + 1}", "2026-11-20")
    run_cycle(config, today=TODAY, pack=pack)
    after = fake.values(key, "安全检查")[row]
    assert len(after) <= column or not after[column] or "2026-02-30" not in after[column]


def test_row_inserted_between_read_and_write(fake, demo_folder, pack):
    key = upload_folder(fake, demo_folder)
    config = google_config(fake, key)
    grid = fake.values(key, "安全检查")
    header = next(i for i, row in enumerate(grid) if "编号" in row)

    def staff_inserts_a_row():
        fake.insert_rows(key, "安全检查", header + 2, 1)
        fake.set_cell(key, "安全检查", f"A{header + 3}", "AQ-099")

    staff_before = None
    fake.on_next_write(staff_inserts_a_row)
    run_cycle(config, today=TODAY, pack=pack)
    staff_before = fake.values(key, "安全检查")
    run_cycle(config, today=TODAY, pack=pack)
    after = fake.values(key, "安全检查")
    column = after[header].index(ALERT_HEADER)
    for r, row in enumerate(staff_before):
        for c, value in enumerate(row):
            if c != column:
                assert (after[r][c] if c < len(after[r]) else None) == value
    # Every alert is back on its own row: the expected texts of a fresh check match the sheet.
    expected = {f.row for f in check(config, pack, TODAY).findings if f.sheet == "安全检查" and f.row}
    with_alerts = {r + 1 for r, row in enumerate(after) if r > header and len(row) > column and row[column]}
    assert with_alerts == expected


def test_flaky_api_cycles_complete_or_fail_within_bounded_time(fake, demo_folder, pack):
    key = upload_folder(fake, demo_folder)
    config = google_config(fake, key)
    fake.faults(rate=0.3, statuses=(429, 503), retry_after=0.05, seed=7)
    outcomes = []
    for _ in range(6):
        started = time.monotonic()
        result = run_cycle(config, today=TODAY, pack=pack)
        assert time.monotonic() - started < 60
        source = result.sources[0]
        outcomes.append(source.write.status if source.read_ok else "read failed")
    assert "written" in outcomes or "unchanged" in outcomes
    fake.faults(rate=0.0)
    run_cycle(config, today=TODAY, pack=pack)
    grid = fake.values(key, "安全检查")
    header = next(i for i, row in enumerate(grid) if "编号" in row)
    column = grid[header].index(ALERT_HEADER)
    expected = {f.row for f in check(config, pack, TODAY).findings if f.sheet == "安全检查" and f.row}
    assert {r + 1 for r, row in enumerate(grid) if r > header and len(row) > column and row[column]} == expected


def test_unknown_spreadsheet_is_one_clear_failure(fake, pack):
    result = check(google_config(fake, "no-such-key"), pack, TODAY)
    assert result.failed and "找不到 Google 表格" in result.failed[0].error


def test_sheet_names_mapped_in_the_config(fake, pack):
    from sync.config.loader import GoogleSpreadsheet

    grid = [["编号", "检查对象", "责任人", "上次检查日期"], ["A1", "滑梯", "刘师傅", "2026-02-30"]]
    key = fake.add_spreadsheet("后勤", {"Safety 2026": grid})
    config = google_config(fake, key)
    assert not [f for f in check(config, pack, TODAY).findings if f.rule == "validation.type"]  # not recognised
    config.google.spreadsheets = [GoogleSpreadsheet(key=key, sheet_names={"安全检查": "Safety 2026"})]
    found = [f for f in check(config, pack, TODAY).findings if f.rule == "validation.type"]
    assert [(f.sheet, f.cell) for f in found] == [("Safety 2026", "D2")]  # the tab staff see
