"""The staff-habits state machine on a Google spreadsheet: real gspread against the loopback
fake of the Sheets API, staff editing through the fake as they would in the Sheets UI."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import settings

from rules.model import column_letter
from sync.config.loader import Config
from tests.fake_sheets import FakeSheets
from tests.fake_sheets.server import to_serial
from tests.gsheets_helpers import google_config
from tests.support import MACHINE_SETTINGS
from tests.trust_machine import SHEET, StaffSheetMachine, alert_column, houqin_rules

pytestmark = pytest.mark.slow

STAFF_GREEN = 1.0  # staff's rules have full green; Houqin's amber (0.92) and red (0.78) do not


def staff_rule(formula: str, column: int, first_index: int, whole_row: bool = False) -> dict:
    grid = {"sheetId": 0, "startRowIndex": first_index, "startColumnIndex": 0 if whole_row else column,
            "endColumnIndex": column + 1}
    return {"ranges": [grid], "booleanRule": {
        "condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": formula}]},
        "format": {"backgroundColor": {"red": 0.6, "green": STAFF_GREEN, "blue": 0.6}}}}


class GoogleMachine(StaffSheetMachine):
    def t_config(self) -> Config:
        return google_config(self.fake, self.key)

    def t_paths(self) -> list[str]:
        return []  # `check` on a Google source goes through a config; see check_json_keys

    def check_json_keys(self, paths: list[str]) -> None:
        config = self.folder / "houqin.toml"
        config.write_text(f'[google]\napi_base = "{self.fake.base_url}"\n'
                          f'[[google.spreadsheets]]\nkey = "{self.key}"\nname = "后勤表格"\n', encoding="utf-8")
        super().check_json_keys(["--config", str(config)])

    def t_create(self, headers, data, title, extra, look_alikes) -> None:
        self.fake = FakeSheets()
        self.header_row = 2 if title else 1
        grid: list[list[Any]] = [["2026年安全检查记录"]] if title else []
        grid.append(list(headers) + [name for name, _ in extra])
        for index, values in enumerate(data):
            row = [values.get(h) for h in headers]
            row += [f"{name or '记'}{index}" if index % 2 == 0 else None for name, _ in extra]
            grid.append(row)
        self.key = self.fake.add_spreadsheet("后勤", {SHEET: grid, "说明": [["请不要在“系统提醒”列里填写内容"]]})
        first = self.header_row  # 0-based index of the first data row
        for number, kind in enumerate(look_alikes):
            column = number % len(headers)
            letter = column_letter(column)
            if kind == "len":  # =LEN($E2)>0 on staff's own column: the shape of Houqin's warning
                rule = staff_rule(f"=LEN(${letter}{first + 1})>0", column, first)
            elif kind == "error":  # Houqin's very error test, whole rows, staff's colour
                rule = staff_rule("=" + houqin_rules(letter, first + 1)[0], column, first, whole_row=True)
            else:
                rule = staff_rule(f"=${letter}{first + 1}>30", column, first)
            self.fake.add_rule(self.key, SHEET, rule)

    def t_save(self) -> None:
        pass  # Sheets saves as staff type

    def _grid(self) -> list[list[Any]]:
        return self.fake.values(self.key, SHEET)

    def t_header_row(self) -> int | None:
        column = alert_column(self._grid())
        return None if column is None else next(n for n, row in enumerate(self._grid(), start=1) if column < len(row)
                                                 and row[column] == "系统提醒")

    def t_staff(self) -> tuple[dict, list]:
        grid = self._grid()
        column = alert_column(grid)
        cells = {(r, c): v for r, row in enumerate(grid) for c, v in enumerate(row) if c != column and v not in (None, "")}
        theirs = [r for r in self.fake.conditional_formats(self.key, SHEET)
                  if r["booleanRule"].get("format", {}).get("backgroundColor", {}).get("green") == STAFF_GREEN]
        return cells, theirs

    def _put(self, number: int, column: int, value: Any) -> None:
        """A cell typed by staff (a date becomes a date, as Sheets parses it)."""
        with self.fake.lock:
            cell = self.fake.spreadsheets[self.key].sheet_by_title(SHEET).cell(number - 1, column)
            if isinstance(value, date | datetime):
                cell.value, cell.number_format = to_serial(value)
            else:
                cell.value = float(value) if isinstance(value, int) and not isinstance(value, bool) else value
                cell.number_format = None
            cell.formula = None

    def t_insert(self, position: int, row: dict) -> None:
        number = self.header_row + 1 + min(position, self.t_row_count())
        self.fake.insert_rows(self.key, SHEET, number - 1)
        for column, header in enumerate(self.headers):
            if row.get(header) not in (None, ""):
                self._put(number, column, row[header])

    def t_delete(self, position: int) -> None:
        self.fake.delete_rows(self.key, SHEET, self._data_rows()[position] - 1)

    def t_sort(self, order: list[int]) -> None:
        numbers = self._data_rows()
        self.fake.reorder_rows(self.key, SHEET, numbers[0] - 1, order)

    def t_edit(self, position: int, field: str, value: Any) -> None:
        self._put(self._data_rows()[position], self.headers.index(field), value)

    def t_rename(self, field: str, name: str) -> None:
        self._put(self.header_row, self.headers.index(field), name)

    def t_move_alert(self, way: str) -> None:
        column = alert_column(self._grid())
        if column is None:
            return
        if way == "insert_before":
            self.fake.insert_columns(self.key, SHEET, column)
            self._put(self.header_row, column, "检查结果备注")
        else:
            self.fake.move_column(self.key, SHEET, column, column + 3)

    def t_note_right_of_alerts(self, header: str, note: str) -> None:
        column = alert_column(self._grid())
        if column is None or not note:
            return
        if header:
            self._put(self.header_row, column + 2, header)
        self._put(self._data_rows()[0], column + 2, note)

    def t_close(self) -> None:
        self.fake.close()


TestGoogleMachine = GoogleMachine.TestCase
TestGoogleMachine.settings = settings(**MACHINE_SETTINGS)
