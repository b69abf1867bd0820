"""A sheet too big to hold is edited a slice of rows at a time: the workbook that comes out
must be exactly the one an edit of the whole sheet makes, whatever the slices' size."""

from __future__ import annotations

import io
import shutil
import zipfile

import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from rules.alerts import Alert
from sync.sources.xlsx.limits import ReadLimits
from sync.sources.xlsx.row_slices import row_slices
from sync.sources.xlsx.writing import SheetAlerts, write_alerts
from tests.staff_workbooks import members
from tests.xlsx_write_helpers import HEADERS, alert_sets, build, sheets


@given(sheets(), st.lists(alert_sets, min_size=1, max_size=3), st.integers(1, 3000))
def test_a_sheet_edited_in_slices_comes_out_as_if_edited_whole(tmp_path_factory, sheet, cycles, slice_bytes):
    folder = tmp_path_factory.mktemp("sliced")
    whole, sliced = folder / "整表.xlsx", folder / "分片.xlsx"
    build(whole, *sheet)
    shutil.copy(whole, sliced)
    header_row = sheet[0]
    for alerts in cycles:
        wanted = {"库存": SheetAlerts(header_row, {row + header_row: Alert(f"【错误】{text}", severity)
                                                 for row, (text, severity) in alerts.items()})}
        one = write_alerts(whole, wanted, backups=0)
        other = write_alerts(sliced, wanted, backups=0, limits=ReadLimits(sliced_from=0, slice_bytes=slice_bytes))
        assert (one.status, one.cells_changed) == (other.status, other.cells_changed)
        assert members(whole) == members(sliced)


def test_the_big_sheet_path_is_taken_and_staff_cells_survive(tmp_path):
    """A sheet over the threshold really goes through the slices (not a whole read that
    happens to match), and the result opens with every staff value where it was."""
    path = tmp_path / "库存.xlsx"
    build(path, 1, [(f"食材{i}", i, "已核对" if i % 7 == 0 else None) for i in range(2000)], True)
    before = members(path)["xl/worksheets/sheet1.xml"]
    limits = ReadLimits(sliced_from=len(before) // 10, slice_bytes=4096)
    outcome = write_alerts(path, {"库存": SheetAlerts(1, {5: Alert("【错误】过期", "error"), 2001: Alert("【提醒】快到期", "warning")})},
                           backups=0, limits=limits)
    assert outcome.status == "written" and outcome.cells_changed == 2
    from openpyxl import load_workbook

    sheet = load_workbook(path)["库存"]
    # The first column empty in every row: D (the notes in E are staff's).
    assert [c.value for c in sheet[1]][:4] == [*HEADERS, "系统提醒"]
    assert sheet["D5"].value == "【错误】过期" and sheet["D2001"].value == "【提醒】快到期"
    assert sheet["E9"].value == "已核对" and sheet["A2000"].value == "食材1998" and sheet["B2001"].value == 1999


@given(st.lists(st.sampled_from([b'<row r="1">', b"<c><v>1</v></c>", b"</row>", b"<t>arrow></t>", b"<x:row>",
                                 b"</x:row>", b'<row r="2"/>', b"</sheetData>"]), max_size=40), st.integers(1, 64))
def test_row_slices_join_back_and_end_only_at_a_closing_row_tag(parts, size):
    data = b"".join(parts)
    pieces = list(row_slices(io.BytesIO(data), size))
    assert b"".join(pieces) == data
    for piece in pieces[:-1]:
        assert piece.endswith(b"</row>") or piece.endswith(b"</x:row>")


def test_zip_members_other_than_ours_are_copied_byte_for_byte(tmp_path):
    path = tmp_path / "库存.xlsx"
    build(path, 2, [("大米", 3, None)] * 30, False)
    raw_before = {i.filename: (i.CRC, i.compress_size) for i in zipfile.ZipFile(path).infolist()}
    write_alerts(path, {"库存": SheetAlerts(2, {3: Alert("【错误】过期", "error")})}, backups=0,
                 limits=ReadLimits(sliced_from=0, slice_bytes=100))
    raw_after = {i.filename: (i.CRC, i.compress_size) for i in zipfile.ZipFile(path).infolist()}
    changed = {name for name in raw_before if raw_before[name] != raw_after[name]}
    assert changed == {"xl/worksheets/sheet1.xml", "xl/styles.xml"}


def test_the_word_sheetdata_in_a_page_header_does_not_hide_where_the_rows_end(tmp_path):
    """Staff may type anything in a page header, which sits after the rows in the XML."""
    path = tmp_path / "库存.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("库存")
    sheet.write_row(0, 0, HEADERS)
    sheet.write_row(1, 0, ["大米", 3])
    sheet.set_header("&C库存 sheetData row> 检查")
    book.close()
    outcome = write_alerts(path, {"库存": SheetAlerts(1, {2: Alert("【错误】过期", "error")})}, backups=0,
                           limits=ReadLimits(sliced_from=0, slice_bytes=64))
    assert outcome.status == "written", outcome
    xml = members(path)["xl/worksheets/sheet1.xml"]
    assert xml.index(b"<conditionalFormatting") > xml.index(b"</sheetData>")
    assert "过期".encode() in xml and "库存 sheetData row&gt; 检查".encode() in xml
