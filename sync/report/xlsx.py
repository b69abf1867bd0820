"""The term's figures as a new workbook that prints on A4: one sheet of figures (each with its
numerator and denominator), one sheet of months with a chart of each monthly series, each
chart on a page of its own; both titled with the kindergarten's name and the term."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from sync.output import xlsx_text
from sync.output.files import mark
from sync.output.printed import fit_a4, page_break_before, title_rows, titled
from sync.report.wording import shown_value

HEADER_FILL = PatternFill("solid", fgColor="FFEEF3FA")
COLUMNS = ("项目", "结果", "数值", "分子", "分母", "计入的行数", "编号")
WIDTHS = (40, 34, 9, 11, 11, 10, 26)
ID_COLUMN = "G"  # the figure's id, for a program reading the file back; hidden, so it never prints
CHART_CM = (12, 24)  # height, width: within one landscape page at the width the sheet is fitted to
ROW_PT = 15  # the chart's rows get this height set (Excel's default; LibreOffice's is lower)
CHART_ROWS = 28  # rows a chart's page holds: 12 cm is 340 pt, 23 rows of 15 pt, with room to spare


def _header(sheet, row: int, names: list[str] | tuple[str, ...]) -> None:
    for column, name in enumerate(names, start=1):
        cell = sheet.cell(row=row, column=column, value=name)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _monthly(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Month -> series -> value, for every figure kept per month."""
    figures = report["figures"]
    months: dict[str, dict[str, float]] = {}
    for month, part in figures.get("food_account_by_month", {}).get("parts", {}).items():
        months.setdefault(month, {})["伙食费结余占收入（%）"] = round(100 * part["value"], 2) if part["value"] is not None else None
    for month, count in (figures.get("bulletins_per_month", {}).get("value") or {}).items():
        months.setdefault(month, {})["宣传栏更新（次）"] = count
    return dict(sorted(months.items()))


def _titles(report: dict[str, Any], what: str) -> list[str]:
    term = report["term"]
    return [titled(report.get("school", ""), f"{term['name']}{what}"),
            f"学期 {term['start']} 至 {term['end']}，统计到 {term['counted_to']}"]


def _figures_sheet(sheet, report: dict[str, Any]) -> None:
    sheet.title = "学期数据"
    header = title_rows(sheet, _titles(report, "后勤工作数据"), len(COLUMNS) - 1)
    _header(sheet, header, COLUMNS)
    for figure_id, figure in report["figures"].items():
        value = figure["value"]
        sheet.append([figure["label"], shown_value(figure, with_counts=False),
                      value if isinstance(value, (int, float)) else None,
                      figure["numerator"], figure["denominator"], len(figure["rows"]), figure_id])
        row = sheet.max_row
        for column in (1, 2):
            sheet.cell(row=row, column=column).alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(value, float) and figure["denominator"] is not None:
            sheet.cell(row=row, column=3).number_format = "0.0%"
    for letter, width in zip("ABCDEFG", WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions[ID_COLUMN].hidden = True
    sheet.freeze_panes = f"A{header + 1}"
    fit_a4(sheet, landscape=False, repeat=f"{header}:{header}")


def _months_sheet(sheet, report: dict[str, Any]) -> None:
    months = _monthly(report)
    series = sorted({name for values in months.values() for name in values})
    width = max(2, 1 + len(series))
    header = title_rows(sheet, _titles(report, "按月统计"), max(width, 6))
    _header(sheet, header, ["月份", *series])
    for month, values in months.items():
        sheet.append([month, *(values.get(name) for name in series)])
    last = header + len(months)
    sheet.column_dimensions["A"].width = 14
    for offset in range(len(series)):
        sheet.column_dimensions[chr(ord("B") + offset)].width = 22
    at = last + 2
    for offset, name in enumerate(series):
        chart = BarChart()
        chart.title, chart.y_axis.title, chart.legend = name, name, None
        chart.height, chart.width = CHART_CM
        chart.add_data(Reference(sheet, min_col=2 + offset, min_row=header, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=header + 1, max_row=last))
        chart.x_axis.delete = chart.y_axis.delete = False  # else LibreOffice and Excel draw no axis labels
        page_break_before(sheet, at)  # one chart a page: none is cut in half
        sheet.add_chart(chart, f"A{at}")
        for row in range(at, at + CHART_ROWS):
            sheet.row_dimensions[row].height = ROW_PT
        at += CHART_ROWS
    fit_a4(sheet, landscape=True)


def write_xlsx(report: dict[str, Any], path: Path) -> Path:
    book = Workbook()
    _figures_sheet(book.active, report)
    _months_sheet(book.create_sheet("按月"), report)
    mark(book.properties)
    xlsx_text.save(book, path)
    return path
