"""Generated 库存 sheets as staff keep them, for the write-back's equivalence tests (edited
in slices or whole, rows looked up or scanned)."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from hypothesis import strategies as st

HEADERS = ["物品名称", "数量", "到期日期"]


@st.composite
def sheets(draw):
    """A 库存 sheet as staff keep it: a title above the header, gaps, notes right of the
    headers in some rows, texts holding "row>" and "</c>"-like characters."""
    header_row = draw(st.integers(1, 3))
    rows = draw(st.lists(st.one_of(
        st.none(),  # an empty row: no <row> element at all
        st.tuples(st.text("食材米面油row>&<\"", min_size=1, max_size=6), st.integers(0, 300),
                  st.one_of(st.none(), st.text("备注已核对>", min_size=1, max_size=4)))),
        max_size=40))
    staff_rule = draw(st.booleans())
    return header_row, rows, staff_rule


def build(path: Path, header_row: int, rows, staff_rule: bool) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("库存")
    if header_row > 1:
        sheet.write(0, 0, "2026年秋季学期库存")
    sheet.write_row(header_row - 1, 0, HEADERS)
    for offset, row in enumerate(rows, start=header_row):
        if row is None:
            continue
        name, amount, note = row
        sheet.write_string(offset, 0, name)
        sheet.write_number(offset, 1, amount)
        if note:
            sheet.write_string(offset, 4, note)  # a note in an unheaded column
    if staff_rule:
        sheet.conditional_format(header_row, 1, header_row + 50, 1,
                                 {"type": "cell", "criteria": "<", "value": 5, "format": book.add_format({"bold": True})})
    book.close()


alert_sets = st.dictionaries(st.integers(1, 60), st.tuples(st.text("过期请处理<&>", min_size=1, max_size=8),
                                                            st.sampled_from(["error", "warning"])), max_size=15)
