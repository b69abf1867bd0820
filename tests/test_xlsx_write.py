"""Writing alerts into staff workbooks: nothing of theirs changes, ever."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rules.alerts import Alert
from sync.sources.xlsx.file_safety import BACKUP_DIR, fingerprint
from sync.sources.xlsx.writing import SheetAlerts, writable_reason, write_alerts
from tests.staff_workbooks import HEADER_ROW, ROWS, cells_by_ref, make_staff_workbook, members

SHEET_XML = "xl/worksheets/sheet1.xml"
OURS = {SHEET_XML, "xl/styles.xml"}


def alerts_for(cycle: int) -> dict[int, Alert]:
    """A different handful of alerts each cycle: errors, warnings, text that looks like a formula."""
    rng = random.Random(cycle)
    rows = rng.sample(range(HEADER_ROW + 1, HEADER_ROW + ROWS + 1), rng.randint(0, 8))
    found = {}
    for row in rows:
        if rng.random() < 0.5:
            found[row] = Alert(f"【错误】“食材{row}”已过期 {cycle} 天 <&> 请立即清理", "error")
        else:
            found[row] = Alert(f"【提醒】=SUM(A1:A{cycle}) 还有 {cycle} 天", "warning")
    return found


def outside_alert_column(xml: bytes, column: str) -> dict[str, bytes]:
    return {ref: cell for ref, cell in cells_by_ref(xml).items() if not re.fullmatch(column + r"\d+", ref)}


@pytest.fixture
def staff(tmp_path) -> Path:
    return make_staff_workbook(tmp_path / "库存.xlsx")


def test_twenty_cycles_change_only_what_houqin_owns(staff):
    before = members(staff)
    statuses = []
    for cycle in range(20):
        alerts = alerts_for(cycle) if cycle % 5 else alerts_for(cycle - 1 if cycle else 0)
        outcome = write_alerts(staff, {"库存": SheetAlerts(HEADER_ROW, alerts)}, backups=3)
        statuses.append(outcome.status)
        assert outcome.status in ("written", "unchanged"), outcome
        after = members(staff)
        assert list(after) == list(before)  # same members, same order
        for name, data in before.items():
            if name not in OURS:
                assert after[name] == data, name
        assert outside_alert_column(after[SHEET_XML], "H") == outside_alert_column(before[SHEET_XML], "H")
        xml = after[SHEET_XML]
        assert xml.count(b"<conditionalFormatting") == before[SHEET_XML].count(b"<conditionalFormatting") + 1
        assert b"<f>" not in b"".join(re.findall(rb'<c r="H\d+".*?</c>', xml))  # alerts are text, never formulas
    assert "written" in statuses and "unchanged" in statuses
    styles_before, styles_after = before["xl/styles.xml"], members(staff)["xl/styles.xml"]
    assert styles_after.count(b"<dxf>") == styles_before.count(b"<dxf>") + 2
    assert len(list((staff.parent / BACKUP_DIR).glob("*.xlsx"))) == 3  # bounded


def test_staff_features_survive_and_alerts_read_back(staff):
    alerts = {HEADER_ROW + 1: Alert("【错误】“食材0”已过期", "error"), HEADER_ROW + 2: Alert("【提醒】=1+1", "warning")}
    assert write_alerts(staff, {"库存": SheetAlerts(HEADER_ROW, alerts)}).status == "written"
    xml = members(staff)[SHEET_XML]
    for feature in (b"<mergeCell ", b"<pane ", b"<autoFilter ", b"<protectedRange", b"<dataValidation ", b"x14:dataValidation",
                    b"x14:sparklineGroup", b"x14:dataBar", b"<drawing ", b"<legacyDrawing "):
        assert feature in xml, feature
    book = load_workbook(staff)  # reading only, to see what staff will see
    sheet = book["库存"]
    assert sheet.cell(HEADER_ROW, 8).value == "系统提醒"
    assert sheet.cell(HEADER_ROW + 1, 8).value == "【错误】“食材0”已过期"
    assert sheet.cell(HEADER_ROW + 2, 8).value == "【提醒】=1+1" and sheet.cell(HEADER_ROW + 2, 8).data_type == "s"
    assert sheet.cell(HEADER_ROW + 1, 7).value == f"=D{HEADER_ROW + 1}*3.5"  # staff formula kept
    rules = [(r.formula[0], r.priority) for cf in sheet.conditional_formatting for r in cf.rules if r.type == "expression"]
    assert rules == [('OR(LEFT($H4,4)="【错误】",LEFT($H4,7)="[Error]")', 3), ("LEN($H4)>0", 4)]


def test_cached_formula_values_are_kept(staff):
    before = cells_by_ref(members(staff)[SHEET_XML])
    write_alerts(staff, {"库存": SheetAlerts(HEADER_ROW, {HEADER_ROW + 1: Alert("【错误】x", "error")})})
    after = cells_by_ref(members(staff)[SHEET_XML])
    total = f"G{HEADER_ROW + ROWS + 1}"
    assert b"<v>" in before[total] and after[total] == before[total]


def test_unchanged_alerts_leave_bytes_and_time_alone(staff):
    alerts = {"库存": SheetAlerts(HEADER_ROW, alerts_for(3))}
    write_alerts(staff, alerts)
    os.utime(staff, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    stamp, data = staff.stat().st_mtime_ns, staff.read_bytes()
    assert write_alerts(staff, alerts).status == "unchanged"
    assert staff.stat().st_mtime_ns == stamp and staff.read_bytes() == data


def test_cleared_problems_empty_the_cell(staff):
    write_alerts(staff, {"库存": SheetAlerts(HEADER_ROW, {HEADER_ROW + 1: Alert("【错误】x", "error")})})
    write_alerts(staff, {"库存": SheetAlerts(HEADER_ROW, {})})
    sheet = load_workbook(staff)["库存"]
    assert sheet.cell(HEADER_ROW + 1, 8).value is None and sheet.cell(HEADER_ROW, 8).value == "系统提醒"


def test_the_alert_column_is_found_again_where_staff_moved_it(staff, tmp_path):
    write_alerts(staff, {"库存": SheetAlerts(HEADER_ROW, {HEADER_ROW + 1: Alert("【错误】x", "error")})})
    # Staff insert a column before it in their spreadsheet program.
    book = load_workbook(staff)
    book["库存"].insert_cols(2)
    moved = tmp_path / "moved.xlsx"
    book.save(moved)
    outcome = write_alerts(moved, {"库存": SheetAlerts(HEADER_ROW, {HEADER_ROW + 2: Alert("【提醒】y", "warning")})})
    assert outcome.status == "written"
    sheet = load_workbook(moved)["库存"]
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header.count("系统提醒") == 1 and header.index("系统提醒") == 8
    assert sheet.cell(HEADER_ROW + 1, 9).value is None and sheet.cell(HEADER_ROW + 2, 9).value == "【提醒】y"
    formulas = [r.formula[0] for cf in sheet.conditional_formatting for r in cf.rules if r.type == "expression"]
    assert sum("【错误】" in f for f in formulas) == 1 and any("$I4" in f for f in formulas)


def excel_owner_file(name: str) -> bytes:
    """An Excel/WPS owner file: length-prefixed local-code-page name, UTF-16 copy at 0x36."""
    local = name.encode("gbk")
    data = bytearray(bytes([len(name)]) + local.ljust(53, b" "))
    data += len(name).to_bytes(2, "little") + name.encode("utf-16-le")
    return bytes(data.ljust(165, b"\x00"))


@pytest.mark.parametrize("lock_name", ["~$库存.xlsx", "~$存.xlsx"])
def test_excel_and_wps_owner_files_are_respected_and_named(staff, lock_name):
    before = staff.read_bytes()
    (staff.parent / lock_name).write_bytes(excel_owner_file("张老师"))
    outcome = write_alerts(staff, {"库存": SheetAlerts(HEADER_ROW, alerts_for(1))})
    assert outcome.status == "skipped" and "张老师" in outcome.reason and "下次同步" in outcome.reason
    assert staff.read_bytes() == before


def test_libreoffice_lock_is_respected_and_named_and_stale_ones_said(staff):
    lock = staff.parent / f".~lock.{staff.name}#"
    lock.write_text("王 老师,office-pc,wang,25.11.2026 08:30,file:///home/wang/.config/libreoffice/4;", encoding="utf-8")
    outcome = write_alerts(staff, {"库存": SheetAlerts(HEADER_ROW, alerts_for(1))})
    assert outcome.status == "skipped" and "王 老师" in outcome.reason and "LibreOffice" in outcome.reason
    os.utime(lock, (0, 0))
    stale = write_alerts(staff, {"库存": SheetAlerts(HEADER_ROW, alerts_for(1))})
    assert stale.status == "skipped" and "异常退出" in stale.reason


def test_a_file_changed_since_it_was_read_is_not_written(staff):
    seen = fingerprint(staff)
    with open(staff, "ab") as handle:  # someone saved meanwhile
        handle.write(b"")
    os.utime(staff, ns=(seen.mtime_ns + 10**9, seen.mtime_ns + 10**9))
    outcome = write_alerts(staff, {"库存": SheetAlerts(HEADER_ROW, alerts_for(1))}, expected=seen)
    assert outcome.status == "aborted"


def test_permission_error_means_busy(staff, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise PermissionError("in use")

    # Root ignores file permissions here, so the refusal a shared folder gives is simulated.
    monkeypatch.setattr(os, "rename", refuse)
    before = staff.read_bytes()
    outcome = write_alerts(staff, {"库存": SheetAlerts(HEADER_ROW, alerts_for(1))})
    assert outcome.status == "skipped" and "占用" in outcome.reason
    assert staff.read_bytes() == before
    assert not [p for p in staff.parent.iterdir() if p.name.endswith(".tmp")]


def test_formats_that_cannot_be_written_say_why(tmp_path):
    for suffix in (".xls", ".ods", ".et"):
        path = tmp_path / f"表{suffix}"
        path.write_bytes(b"not really")
        outcome = write_alerts(path, {"库存": SheetAlerts(1, {})})
        assert outcome.status == "readonly" and suffix in outcome.reason
        assert writable_reason(path)
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04garbage")
    assert write_alerts(broken, {"库存": SheetAlerts(1, {2: Alert("【错误】x", "error")})}).status == "readonly"


def test_1904_dated_workbook(tmp_path):
    path = make_staff_workbook(tmp_path / "1904.xlsx", date_1904=True)
    before = members(path)
    assert write_alerts(path, {"库存": SheetAlerts(HEADER_ROW, alerts_for(2) or {4: Alert("【错误】x", "error")})}).status == "written"
    after = members(path)
    assert after["xl/workbook.xml"] == before["xl/workbook.xml"] and b"date1904" in after["xl/workbook.xml"]
    assert outside_alert_column(after[SHEET_XML], "H") == outside_alert_column(before[SHEET_XML], "H")


def test_a_save_landing_during_the_swap_wins(staff, monkeypatch):
    """Staff save in the instant the original is set aside: their file stands, ours is dropped."""
    import sync.sources.xlsx.file_safety as safety

    seen = fingerprint(staff)
    real_link = os.link

    def staff_saves_first(source, target):
        Path(target).write_bytes(b"staff's newer save")
        return real_link(source, target)

    monkeypatch.setattr(safety.os, "link", staff_saves_first)
    outcome = write_alerts(staff, {"库存": SheetAlerts(HEADER_ROW, alerts_for(1))}, expected=seen)
    assert outcome.status == "aborted" and "以老师保存的为准" in outcome.reason
    assert staff.read_bytes() == b"staff's newer save"
    assert any((staff.parent / BACKUP_DIR).iterdir())  # the version read is kept, not lost
