"""How Houqin lays out a NEW workbook of the pack (for `init` and `demo`), with openpyxl.

Staff workbooks are never saved through here: this only creates files from scratch.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from rules.pack.spec import FieldSpec, Pack, SheetSpec

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
NUMBER_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "time": "hh:mm", "yearmonth": "yyyy-mm"}
# Enough rows for a term of daily records; dropdowns and formats reach this far.
PREPARED_ROWS = 2000


def _width(spec: FieldSpec) -> float:
    if spec.type in ("date", "yearmonth", "time"):
        return 13
    if spec.type == "datetime":
        return 18
    if spec.type in ("integer", "number", "boolean"):
        return max(10, len(spec.header) * 2.2)
    return max(12, min(30, len(spec.header) * 2.4 + 4))


def add_pack_sheet(workbook: Workbook, spec: SheetSpec, title: str | None = None) -> Worksheet:
    """A sheet with the pack's headers (a title row above them if given), frozen, with
    column widths, date formats and dropdowns for enumerated columns."""
    sheet = workbook.create_sheet(spec.name)
    header_row = 1
    if title:
        sheet.cell(row=1, column=1, value=title).font = TITLE_FONT
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(spec.fields))
        header_row = 2
    for index, field in enumerate(spec.fields, start=1):
        cell = sheet.cell(row=header_row, column=index, value=field.header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _width(field)
        options = field.enum or ((field.true_values[0], field.false_values[0]) if field.type == "boolean" else ())
        if options:
            validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
            validation.error = f"请从下拉列表中选择：{'/'.join(options)}"
            validation.errorTitle = field.name
            validation.showErrorMessage = False  # staff may still type; Houqin reports it kindly
            sheet.add_data_validation(validation)
            validation.add(f"{letter}{header_row + 1}:{letter}{header_row + PREPARED_ROWS}")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.sheet_properties.tabColor = "5B9BD5"
    return sheet


def write_rows(sheet: Worksheet, spec: SheetSpec, rows: list[dict[str, Any]], header_row: int) -> None:
    """Rows by header name; real dates get date formats, text stays text."""
    formats = {i: NUMBER_FORMATS.get(f.type) for i, f in enumerate(spec.fields, start=1)}
    for offset, row in enumerate(rows, start=1):
        for index, field in enumerate(spec.fields, start=1):
            value = row.get(field.name)
            if value is None:
                continue
            cell = sheet.cell(row=header_row + offset, column=index, value=value)
            if isinstance(value, date | datetime | time) and formats[index]:
                cell.number_format = formats[index]


def guide_sheet(workbook: Workbook, pack: Pack) -> Worksheet:
    """The 说明 sheet: what each sheet is for and what each column expects, in plain Chinese."""
    sheet = workbook.create_sheet("说明", 0)
    sheet["A1"] = pack.title or "后勤表格"
    sheet["A1"].font = TITLE_FONT
    sheet["A2"] = ("每张工作表记一类工作。请在表头下面逐行填写；列的顺序可以调整，可以加自己的列。"
                   "“系统提醒”一列由系统自动填写（请不要在这一列写字，下次同步时会被替换），红色表示要马上处理，黄色表示快到期了。日期请写成 2026-11-25 这样。")
    sheet["A2"].alignment = Alignment(wrap_text=True)
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 90
    row = 4
    for spec in pack.sheets:
        sheet.cell(row=row, column=1, value=spec.name).font = HEADER_FONT
        sheet.cell(row=row, column=2, value=spec.description).alignment = Alignment(wrap_text=True)
        row += 1
        required = [f.header for f in spec.fields if f.required]
        if required:
            sheet.cell(row=row, column=2, value="必填列：" + "、".join(required))
            row += 1
        choices = [f"{f.name}（{'/'.join(f.enum)}）" for f in spec.fields if f.enum]
        if choices:
            sheet.cell(row=row, column=2, value="可选项：" + "；".join(choices)).alignment = Alignment(wrap_text=True)
            row += 1
        row += 1
    return sheet
