"""How a workbook Houqin makes for people prints: A4, fitted to the page's width (so no column
is ever split over two pages), a title with the kindergarten's name and the period on top, the
header rows repeated on every page, and a chart that never straddles a page break."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

TITLE_FONT = Font(bold=True, size=14)
NO_NAME = "（请在设置中填写幼儿园名称）"


def titled(school: str, what: str) -> str:
    """"阳光幼儿园 膳食营养分析表": the name from [school] name, or a reminder to set it."""
    return f"{school.strip() or NO_NAME} {what}"


def title_rows(sheet: Worksheet, lines: list[str], width: int) -> int:
    """The sheet's first rows: a bold title and lines under it, each merged over `width`
    columns. Returns the next free row."""
    for row, text in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = TITLE_FONT if row == 1 else Font()
        cell.alignment = Alignment(horizontal="center" if row == 1 else "left", vertical="center", wrap_text=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    return len(lines) + 1


def fit_a4(sheet: Worksheet, landscape: bool = False, repeat: str | None = None) -> None:
    """A4, one page wide and as many pages tall as it takes; `repeat` the rows ("3:3") printed
    on top of every page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top, sheet.page_margins.bottom, sheet.page_margins.footer = 0.6, 0.8, 0.3
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    if repeat:
        sheet.print_title_rows = repeat


def page_break_before(sheet: Worksheet, row: int) -> None:
    """Start a new printed page at `row` (a chart placed there is never cut by a page's end)."""
    if row > 1:
        sheet.row_breaks.append(Break(id=row - 1))
