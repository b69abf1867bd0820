"""The term's figures as a new workbook: one sheet of figures (each with its numerator and
denominator), one sheet of months with a chart of each monthly series."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill

from sync.output import xlsx_text
from sync.output.files import mark
from sync.report.wording import shown_value

HEADER_FILL = PatternFill("solid", fgColor="FFEEF3FA")


def _header(sheet, names: list[str]) -> None:
    sheet.append(names)
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL


def _monthly(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Month -> series -> value, for every figure kept per month."""
    figures = report["figures"]
    months: dict[str, dict[str, float]] = {}
    for month, part in figures.get("food_account_by_month", {}).get("parts", {}).items():
        months.setdefault(month, {})["伙食费结余占收入（%）"] = round(100 * part["value"], 2) if part["value"] is not None else None
    for month, count in (figures.get("bulletins_per_month", {}).get("value") or {}).items():
        months.setdefault(month, {})["宣传栏更新（次）"] = count
    return dict(sorted(months.items()))


def write_xlsx(report: dict[str, Any], path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "学期数据"
    term = report["term"]
    _header(sheet, ["编号", "项目", "结果", "数值", "分子", "分母", "计入的行数"])
    for figure_id, figure in report["figures"].items():
        value = figure["value"]
        sheet.append([figure_id, figure["label"], shown_value(figure), value if isinstance(value, (int, float)) else None,
                      figure["numerator"], figure["denominator"], len(figure["rows"])])
        if isinstance(value, float) and figure["denominator"] is not None:
            sheet.cell(row=sheet.max_row, column=4).number_format = "0.0%"
    sheet.append([])
    sheet.append(["学期", term["name"], f"{term['start']} 至 {term['end']}", None, None, None, f"统计到 {term['counted_to']}"])
    for letter, width in zip("ABCDEFG", (28, 40, 36, 10, 10, 10, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    months = _monthly(report)
    series = sorted({name for values in months.values() for name in values})
    monthly = book.create_sheet("按月")
    _header(monthly, ["月份", *series])
    for month, values in months.items():
        monthly.append([month, *(values.get(name) for name in series)])
    for offset, name in enumerate(series):
        chart = BarChart()
        chart.title, chart.y_axis.title, chart.legend = name, name, None
        chart.add_data(Reference(monthly, min_col=2 + offset, min_row=1, max_row=1 + len(months)), titles_from_data=True)
        chart.set_categories(Reference(monthly, min_col=1, min_row=2, max_row=1 + len(months)))
        monthly.add_chart(chart, f"{chr(ord('A') + len(series) + 2)}{2 + 16 * offset}")
    mark(book.properties)
    xlsx_text.save(book, path)
    return path
