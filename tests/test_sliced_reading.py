"""A large sheet is read a slice at a time (sync/sources/xlsx/slices.py): whatever the sheet
holds, the rows must be exactly those calamine reads from the whole sheet."""

from __future__ import annotations

from datetime import datetime, timedelta

import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.sources.xlsx.limits import ReadLimits
from sync.sources.xlsx.reading import workbook_grids

CELL = st.one_of(
    st.none(),
    st.text(alphabet="食材大米鸡蛋ab 1-/", max_size=6),
    st.integers(-5, 10_000),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.integers(0, 3000).map(lambda days: datetime(2024, 1, 1) + timedelta(days=days)),
    st.just("#REF!"),
)
ROW = st.tuples(st.integers(0, 3), st.integers(0, 4), st.lists(CELL, max_size=8))  # (rows skipped, first column, cells)


def _trimmed(grid):
    rows = [list(r) for r in grid]
    for r in rows:
        while r and r[-1] in ("", None):
            r.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=40), slice_bytes=st.integers(200, 4000))
def test_rows_read_in_slices_are_the_rows_read_whole(tmp_path, rows, slice_bytes):
    path = tmp_path / "库存.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("库存")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    number = 0
    for skipped, first, cells in rows:
        number += skipped
        for offset, value in enumerate(cells):
            if value == "#REF!":
                sheet.write_formula(number, first + offset, "=#REF!", None, "#REF!")
            elif isinstance(value, datetime):
                sheet.write_datetime(number, first + offset, value, dates)
            elif value is not None:
                sheet.write(number, first + offset, value)
        number += 1
    book.close()
    data = path.read_bytes()
    whole = workbook_grids(path, data, True, lambda title: True)
    sliced = workbook_grids(path, data, True, lambda title: True, ReadLimits(sliced_from=0, slice_bytes=slice_bytes))
    assert [(t, _trimmed(g)) for t, g in sliced] == [(t, _trimmed(g)) for t, g in whole]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 30), st.lists(CELL, min_size=1, max_size=4)),
                     min_size=1, max_size=12),
       per_parse=st.integers(1, 400))
def test_far_apart_rows_read_in_groups_are_the_rows_read_whole(tmp_path, monkeypatch, rows, per_parse):
    """A small sheet whose cells lie far apart is read in row groups (never one rectangle
    from the first to the last): the rows must be those calamine reads whole."""
    from sync.sources.xlsx import slices

    monkeypatch.setattr(slices, "CELLS_PER_PARSE", per_parse)
    path = tmp_path / "库存.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("库存")
    number = 0
    for skipped, first, cells in rows:
        number += skipped
        for offset, value in enumerate(cells):
            if isinstance(value, datetime):
                sheet.write_datetime(number, first + offset, value, book.add_format({"num_format": "yyyy-mm-dd"}))
            elif value is not None and value != "#REF!":
                sheet.write(number, first + offset, value)
        number += 1
    book.close()
    data = path.read_bytes()
    whole = workbook_grids(path, data, True, lambda title: True)
    grouped = workbook_grids(path, data, True, lambda title: True, ReadLimits(dense_cells=0))
    assert [(t, _trimmed(g)) for t, g in grouped] == [(t, _trimmed(g)) for t, g in whole]
