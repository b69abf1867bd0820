"""The write-back finds the rows it touches by their numbers instead of going through every
row, and a row's alert cell by its reference instead of going through every cell (issue 26). Whatever the sheet, the workbook that comes out must be exactly the one the
row-by-row scan makes; sheets whose rows are not as spreadsheet programs write them (no r=,
r= not first, numbers out of order) take the scan."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.alerts import Alert
from sync.sources.xlsx import sheet_edit
from sync.sources.xlsx.limits import ReadLimits
from sync.sources.xlsx.sheet_xml import RowScanner
from sync.sources.xlsx.writing import SheetAlerts, write_alerts
from tests.staff_workbooks import members
from tests.xlsx_write_helpers import alert_sets, build, sheets

SHEET = "xl/worksheets/sheet1.xml"
# Text in a cell that reads like the references the lookup searches for.
LOOKALIKE = b'<c r="F{row}" t="inlineStr"><is><t> r="D3" r="D{row}" &lt;row r="9"&gt;</t></is></c>'


def with_inline_text(path: Path, rows: list[int]) -> None:
    """Put the look-alike text into the given rows, as a writer that keeps text inline would."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = parts[SHEET]
    for row in rows:
        xml = re.sub(rb'(<row r="%d"[^>]*>.*?)(</row>)' % row, lambda m, row=row: m[1] + LOOKALIKE.replace(b"{row}", b"%d" % row) + m[2],
                     xml, count=1, flags=re.S)
    parts[SHEET] = xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def scanned(monkeypatch: pytest.MonkeyPatch):
    """The row-by-row scan and every cell of a row looked at, as every sheet took it before."""
    monkeypatch.setattr(RowScanner, "index", lambda self, xml: None)
    monkeypatch.setattr(sheet_edit, "_quick_alert_cell", lambda *args: None)


@given(sheets(), st.lists(alert_sets, min_size=1, max_size=3), st.lists(st.integers(1, 45), max_size=4),
       st.sampled_from([None, 64, 3000]))
def test_rows_found_by_number_come_out_as_the_row_by_row_scan_makes_them(tmp_path_factory, sheet, cycles, lookalikes,
                                                                          slice_bytes):
    folder = tmp_path_factory.mktemp("lookup")
    looked_up, scanned_path = folder / "按行号.xlsx", folder / "逐行.xlsx"
    build(looked_up, *sheet)
    with_inline_text(looked_up, lookalikes)
    shutil.copy(looked_up, scanned_path)
    header_row = sheet[0]
    limits = ReadLimits() if slice_bytes is None else ReadLimits(sliced_from=0, slice_bytes=slice_bytes)
    for alerts in cycles:
        wanted = {"库存": SheetAlerts(header_row, {row + header_row: Alert(f"【错误】{text}", severity)
                                                 for row, (text, severity) in alerts.items()})}
        one = write_alerts(looked_up, wanted, backups=0, limits=limits)
        with pytest.MonkeyPatch.context() as patch:
            scanned(patch)
            other = write_alerts(scanned_path, wanted, backups=0, limits=limits)
        assert (one.status, one.cells_changed) == (other.status, other.cells_changed)
        assert members(looked_up) == members(scanned_path)


@pytest.mark.parametrize("xml", [
    b'<row r="1"><c r="A1"/></row><row><c r="A2"/></row>',  # a row without its number
    b'<row spans="1:2" r="1"></row><row r="2"></row>',  # r= not the first attribute
    b'<row r="2"></row><row r="1"></row>',  # numbers out of order
    b'<row r="1"></row><row r="1"></row>',  # a number twice
])
def test_rows_not_written_the_usual_way_are_not_looked_up(xml):
    assert RowScanner(b"").index(xml) is None


def test_rows_written_the_usual_way_are_looked_up_and_numbered_on_across_slices():
    scanner = RowScanner(b"x:")
    first = b'<x:row r="3" spans="1:2"><x:c r="A3"/></x:row><x:row r="7"/>'
    assert scanner.index(first) == ([3, 7], [0, first.index(b'<x:row r="7"')])
    assert scanner.row_at(first, 0, 3).end == first.index(b'<x:row r="7"')
    assert scanner.index(b'<x:row r="5"></x:row>') is None  # before the last slice's last row
    assert scanner.index(b'<x:row r="8"></x:row><x:rowBreaks count="1"/>') == ([8], [0])  # no row
