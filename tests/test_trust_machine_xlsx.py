"""The staff-habits state machine on an .xlsx file on disk (openpyxl stands for staff's
spreadsheet program between syncs; Houqin's own writing never goes through it)."""

from __future__ import annotations

import re
import zipfile
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import python_calamine
from hypothesis import settings
from openpyxl import Workbook, load_workbook
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from rules.alerts import ALERT_HEADER
from sync.config.loader import Config
from tests.staff_snapshot import snapshot
from tests.support import MACHINE_SETTINGS
from tests.trust_machine import SETTINGS_SHEET, SHEET, StaffSheetMachine, alert_column, houqin_rules

pytestmark = pytest.mark.slow

_BLOCK = re.compile(rb'<(?:\w+:)?conditionalFormatting\b[^>]*\bsqref="([^"]+)"[^>]*>(.*?)</(?:\w+:)?conditionalFormatting>', re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?formula>(.*?)</(?:\w+:)?formula>", re.S)
FILL = PatternFill("solid", start_color="FFDDEBF7")


class XlsxMachine(StaffSheetMachine):
    supports_settings = True

    def t_config(self) -> Config:
        return Config(paths=[self.folder / "表格"], backups=2)

    @property
    def path(self) -> Path:
        return self.folder / "表格" / "安全管理.xlsx"

    def t_create(self, headers, data, title, extra, look_alikes) -> None:
        self.book = None
        (self.folder / "表格").mkdir()
        book = Workbook()
        sheet = book.active
        sheet.title = SHEET
        self.header_row = 2 if title else 1
        width = len(headers) + len(extra)
        if title:
            sheet.cell(1, 1, "2026年安全检查记录").font = Font(bold=True, size=14)
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 2))
        for column, header in enumerate(headers, start=1):
            sheet.cell(self.header_row, column, header).font = Font(bold=True)
        for offset, (name, formula) in enumerate(extra):
            column = len(headers) + offset + 1
            if name:
                sheet.cell(self.header_row, column, name)
            for index in range(len(data)):
                row = self.header_row + 1 + index
                if formula:
                    sheet.cell(row, column, f"=LEN(A{row})*2")
                elif index % 2 == 0:
                    sheet.cell(row, column, f"{name or '记'}{index}")
        for index, values in enumerate(data):
            self._write_row(sheet, self.header_row + 1 + index, headers, values)
        sheet.cell(self.header_row + 1, 1).fill = FILL
        self.staff_rules: list[tuple[str, tuple[str, ...]]] = []
        first = self.header_row + 1
        for number, kind in enumerate(look_alikes):
            letter = get_column_letter(number % len(headers) + 1)
            span = f"{letter}{first}:{letter}{first + 40}"
            if kind == "len":  # =LEN($E2)>0: exactly the shape of Houqin's warning test
                formulas = (f"LEN(${letter}{first})>0",)
                sheet.conditional_formatting.add(span, FormulaRule(formula=list(formulas), fill=FILL))
            elif kind == "error":  # Houqin's very error test, on staff's own column
                formulas = (houqin_rules(letter, first)[0],)
                sheet.conditional_formatting.add(f"A{first}:{letter}1048576", FormulaRule(formula=list(formulas), fill=FILL))
                span = f"A{first}:{letter}1048576"
            else:
                formulas = ("30",)
                sheet.conditional_formatting.add(span, CellIsRule(operator="greaterThan", formula=list(formulas), fill=FILL))
            self.staff_rules.append((span, formulas))
        book.create_sheet("说明").cell(1, 1, "请不要在“系统提醒”列里填写内容")
        book.save(self.path)
        settings_book = Workbook()
        settings_book.active.title = SETTINGS_SHEET
        settings_book.active.append(["规则", "设置项", "值", "默认值", "说明"])
        settings_book.save(self.settings_path)

    @property
    def settings_path(self) -> Path:
        return self.folder / "表格" / "设置.xlsx"

    def t_setting(self, row: int, rule: str, label: str, value: Any) -> None:
        """Staff open 设置.xlsx, type a row and save it (Houqin's alert column comes along)."""
        book = load_workbook(self.settings_path)
        sheet = book[SETTINGS_SHEET]
        for column, text in enumerate((rule, label, value), start=1):
            sheet.cell(row, column, text)
        book.save(self.settings_path)

    def t_settings_alerts(self) -> dict[int, str]:
        grid = python_calamine.CalamineWorkbook.from_path(str(self.settings_path)).get_sheet_by_name(SETTINGS_SHEET).to_python(
            skip_empty_area=False)
        column = alert_column(grid)
        if column is None:
            return {}
        return {n: row[column] for n, row in enumerate(grid, start=1) if n > 1 and column < len(row) and row[column] not in ("", None)}

    def _write_row(self, sheet, number: int, headers: list[str], values: dict) -> None:
        for column, header in enumerate(headers, start=1):
            cell = sheet.cell(number, column, values.get(header))
            if header == "上次检查日期" and not isinstance(values.get(header), str):
                cell.number_format = "yyyy-mm-dd"

    # -- reading back --

    def t_paths(self) -> list[str]:
        return [str(self.folder / "表格")]

    def t_save(self) -> None:
        """Staff press Save: the edits made since the last sync reach the file."""
        if self.book is not None:
            self.book.save(self.path)
            self.book = None

    def _grid(self) -> list[list[Any]]:
        """The sheet's values: from staff's open program between syncs, else from the file."""
        if self.book is not None:
            return [[c.value for c in row] for row in self.book[SHEET].iter_rows()]
        book = python_calamine.CalamineWorkbook.from_path(str(self.path))
        return book.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)

    def t_header_row(self) -> int | None:
        grid = self._grid()
        return next((n for n, row in enumerate(grid[:10], start=1) if ALERT_HEADER in row), None)

    def t_staff(self) -> dict[str, object]:
        taken = {k: v for k, v in snapshot(self.path).items() if "!cf" not in k}
        # Staff's program rewrites Houqin's highlighting of 设置.xlsx in its own words (numeric
        # character references): its cells are staff's, its only rule is Houqin's.
        taken.update({f"设置.xlsx {k}": v for k, v in snapshot(self.settings_path).items() if "!cf" not in k})
        with zipfile.ZipFile(self.path) as archive:
            xml = archive.read("xl/worksheets/sheet1.xml")
        blocks = [(m[1].decode(), tuple(unescape(f.decode()) for f in _FORMULA.findall(m[2]))) for m in _BLOCK.finditer(xml)]
        for rule in self.staff_rules:
            taken[f"cf {rule}"] = blocks.count(rule)
        return taken

    # -- staff's edits, in their spreadsheet program until they save --

    def _sheet(self):
        if self.book is None:
            self.book = load_workbook(self.path)
        return self.book[SHEET]

    def t_insert(self, position: int, row: dict) -> None:
        number = self.header_row + 1 + min(position, self.t_row_count())
        sheet = self._sheet()
        sheet.insert_rows(number)
        self._write_row(sheet, number, self.headers, row)

    def t_delete(self, position: int) -> None:
        number = self._data_rows()[position]
        self._sheet().delete_rows(number)

    def t_sort(self, order: list[int]) -> None:
        numbers = self._data_rows()
        sheet = self._sheet()
        width = sheet.max_column
        rows = [[(sheet.cell(n, c).value, sheet.cell(n, c).number_format) for c in range(1, width + 1)] for n in numbers]
        for target, source in zip(numbers, order, strict=True):
            for c in range(1, width + 1):
                value, number_format = rows[source][c - 1]
                cell = sheet.cell(target, c, value)
                cell.number_format = number_format

    def t_edit(self, position: int, field: str, value: Any) -> None:
        number = self._data_rows()[position]
        cell = self._sheet().cell(number, self.headers.index(field) + 1, value)
        if not isinstance(value, str) and value is not None and field == "上次检查日期":
            cell.number_format = "yyyy-mm-dd"

    def t_rename(self, field: str, name: str) -> None:
        self._sheet().cell(self.header_row, self.headers.index(field) + 1, name)

    def t_move_alert(self, way: str) -> None:
        column = alert_column(self._grid())
        if column is None:
            return
        sheet = self._sheet()
        if way == "insert_before":  # staff insert a column of their own before it
            sheet.insert_cols(column + 1)
            sheet.cell(self.header_row, column + 1, "检查结果备注")
        else:  # staff drag the alert column two columns to the right
            letter = get_column_letter(column + 1)
            sheet.move_range(f"{letter}1:{letter}{sheet.max_row}", cols=2)

    def t_note_right_of_alerts(self, header: str, note: str) -> None:
        column = alert_column(self._grid())
        if column is None or not note:
            return
        numbers = self._data_rows()
        sheet = self._sheet()
        if header:
            sheet.cell(self.header_row, column + 2, header)
        sheet.cell(numbers[0], column + 2, note)

    def t_close(self) -> None:
        self.book = None


TestXlsxMachine = XlsxMachine.TestCase
TestXlsxMachine.settings = settings(**MACHINE_SETTINGS)
