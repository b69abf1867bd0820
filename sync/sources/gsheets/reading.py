"""Reading a Google spreadsheet in one call: cell values as an xlsx read would give them,
sheet ids, and the conditional formats the write-back must respect."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from gspread.exceptions import APIError
from requests.exceptions import RequestException

from rules.model import CellError
from rules.pack.spec import Pack
from rules.tables import build_tables
from sync.sources.base import ReadResult, SourceError
from sync.sources.gsheets.client import RetryingHTTPClient

READ_FIELDS = (
    "properties(title),"
    "sheets(properties(sheetId,title,index,gridProperties(rowCount,columnCount)),"
    "data(startRow,startColumn,rowData(values(effectiveValue,formattedValue,effectiveFormat(numberFormat(type))))),"
    "conditionalFormats)"
)
SHEETS_EPOCH = datetime(1899, 12, 30)
ERROR_CODES = {
    "DIVIDE_BY_ZERO": "#DIV/0!", "REF": "#REF!", "VALUE": "#VALUE!", "NAME": "#NAME?", "NUM": "#NUM!",
    "N_A": "#N/A", "NULL_VALUE": "#NULL!", "ERROR": "#ERROR!", "LOADING": "#LOADING",
}


@dataclass
class SheetState:
    """What one read saw of a sheet: enough to write back without another read."""

    sheet_id: int
    title: str
    column_count: int
    header_row: int = 0
    alert_column: int | None = None
    staff_width: int = 0
    current: dict[int, str] = field(default_factory=dict)
    last_row: int = 0
    rules: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


@dataclass
class SpreadsheetState:
    sheets: dict[str, SheetState]
    sheet_ids: dict[str, int]


def cell_value(cell: dict[str, Any]) -> Any:
    """A Sheets cell as the same Python value an xlsx read would give."""
    value = cell.get("effectiveValue")
    if not value:
        return None
    if "errorValue" in value:
        return CellError(cell.get("formattedValue") or ERROR_CODES.get(value["errorValue"].get("type", ""), "#ERROR!"))
    if "boolValue" in value:
        return value["boolValue"]
    if "stringValue" in value:
        return value["stringValue"]
    number = value.get("numberValue")
    if number is None:
        return None
    kind = cell.get("effectiveFormat", {}).get("numberFormat", {}).get("type")
    if kind in ("DATE", "DATE_TIME", "TIME"):
        moment = SHEETS_EPOCH + timedelta(days=number)
        if kind == "DATE":
            return moment.date()
        if kind == "TIME":
            return moment.time().replace(microsecond=0)
        return moment.replace(microsecond=0)
    return number


def grid_of(sheet: dict[str, Any]) -> list[list[Any]]:
    grid: list[list[Any]] = []
    for block in sheet.get("data", []):
        start_row, start_column = block.get("startRow", 0), block.get("startColumn", 0)
        for offset, row in enumerate(block.get("rowData", [])):
            index = start_row + offset
            while len(grid) <= index:
                grid.append([])
            cells = [None] * start_column + [cell_value(c) for c in row.get("values", [])]
            grid[index] = cells
    return grid


def first_free_column(grid: list[list[Any]], start: int) -> int:
    """The first column from `start` that holds nothing in any row."""
    taken = {i for row in grid for i, value in enumerate(row) if i >= start and value not in (None, "")}
    column = start
    while column in taken:
        column += 1
    return column


def read_spreadsheet(client: RetryingHTTPClient, key: str, name: str, pack: Pack,
                     renamed: dict[str, str]) -> ReadResult:
    """One `spreadsheets.get` for the whole spreadsheet: tables, and what the write needs."""
    try:
        data = client.spreadsheets_get(key, params={"fields": READ_FIELDS})
    except APIError as exc:
        raise SourceError(api_message(key, exc), f"Google spreadsheet {key}: {exc}") from None
    except RequestException as exc:
        raise SourceError(f"连不上 Google 表格服务（{type(exc).__name__}），下次同步再试",
                          f"Cannot reach Google Sheets: {exc}") from None
    grids: list[tuple[str, list[list[Any]]]] = []
    states: dict[str, SheetState] = {}
    for sheet in data.get("sheets", []):
        props = sheet.get("properties", {})
        title = props.get("title", "")
        grid = grid_of(sheet)
        grids.append((title, grid))
        states[title] = SheetState(
            sheet_id=props.get("sheetId", 0), title=title,
            column_count=props.get("gridProperties", {}).get("columnCount", 26),
            rules=list(enumerate(sheet.get("conditionalFormats", []))),
        )
    tables, findings = build_tables(name, grids, pack, known_as=renamed)
    grid_by_title = dict(grids)
    for table in tables:
        state = states[table.sheet]
        table.extra["sheet_id"] = state.sheet_id
        state.header_row = table.header_row
        state.alert_column = table.alert_column
        staff = [i for i, h in enumerate(table.headers) if h and i != table.alert_column]
        # The alert column goes after the last header, but never onto staff's notes in a
        # column without a header: the first column empty in every row, as for workbooks.
        state.staff_width = first_free_column(grid_by_title[table.sheet], (max(staff) + 1) if staff else len(table.headers))
        state.last_row = max(table.numbers, default=table.header_row)
        if table.alert_column is not None:
            grid = grid_by_title[table.sheet]
            for number in range(table.header_row + 1, len(grid) + 1):
                row = grid[number - 1]
                if table.alert_column < len(row) and row[table.alert_column]:
                    state.current[number] = str(row[table.alert_column])
            state.last_row = max(state.last_row, max(state.current, default=0))
    sheet_ids = {s.title: s.sheet_id for s in states.values()}
    return ReadResult(tables=tables, findings=findings, state=SpreadsheetState(sheets=states, sheet_ids=sheet_ids),
                      alert_header=pack.alert_header)


def api_message(key: str, exc: APIError) -> str:
    """Why a read failed, in words for staff."""
    code = exc.response.status_code
    if code == 404:
        return f"找不到 Google 表格 {key}：请检查表格地址"
    if code == 403:
        return f"没有权限打开 Google 表格 {key}：请把表格共享给服务账号的邮箱"
    if code == 429:
        return f"Google 表格 {key} 请求太频繁（配额用完），下次同步再试"
    return f"读取 Google 表格 {key} 失败（{code}），下次同步再试"
