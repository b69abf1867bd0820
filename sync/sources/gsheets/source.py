"""Google spreadsheets as a source, through real gspread, within the API quota.

Per spreadsheet and cycle: one `spreadsheets.get` with a field mask (values with their number
formats, sheet ids and conditional formats together), and at most one
`spreadsheets.batchUpdate`, none when no alert text changed. Only the alert column, its
header and Houqin's two conditional-format rules are ever written.
"""

from __future__ import annotations

import json
import random
import time as clock
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from requests import Response
from requests.exceptions import RequestException

from rules.alerts import ERROR_TAG, Alert, highlight_formulas
from rules.model import CellError, column_letter
from rules.pack.spec import Pack
from rules.tables import build_tables
from sync.config import Config, GoogleSpreadsheet
from sync.sources.base import WriteOutcome
from sync.sources.base import ReadResult, SourceError

GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")
SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
READ_FIELDS = (
    "properties(title),"
    "sheets(properties(sheetId,title,index,gridProperties(rowCount,columnCount)),"
    "data(startRow,startColumn,rowData(values(effectiveValue,formattedValue,effectiveFormat(numberFormat(type))))),"
    "conditionalFormats)"
)
SHEETS_EPOCH = datetime(1899, 12, 30)
RED = {"red": 0.96, "green": 0.78, "blue": 0.78}
AMBER = {"red": 1.0, "green": 0.92, "blue": 0.61}
DARK_RED = {"red": 0.6, "green": 0.0, "blue": 0.0}
ERROR_CODES = {
    "DIVIDE_BY_ZERO": "#DIV/0!", "REF": "#REF!", "VALUE": "#VALUE!", "NAME": "#NAME?", "NUM": "#NUM!",
    "N_A": "#N/A", "NULL_VALUE": "#NULL!", "ERROR": "#ERROR!", "LOADING": "#LOADING",
}


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with bounded retries and an optional base address.

    Retries only 429 and 5xx, with exponential backoff and jitter, honouring Retry-After;
    gives up after `attempts` tries or `deadline` seconds, whichever comes first. (gspread's
    own BackOffHTTPClient retries without bound.) `calls` counts requests sent.
    """

    def __init__(self, auth: Any, session: Any = None, *, api_base: str | None = None, attempts: int = 5,
                 base_delay: float = 0.5, max_delay: float = 8.0, deadline: float = 60.0, sleep=clock.sleep):
        super().__init__(auth, session)
        self.api_base = api_base.rstrip("/") if api_base else None
        self.attempts, self.base_delay, self.max_delay, self.deadline = attempts, base_delay, max_delay, deadline
        self.sleep = sleep
        self.calls = 0
        self.rng = random.Random()

    def _address(self, endpoint: str) -> str:
        if self.api_base:
            for host in GOOGLE_HOSTS:
                if endpoint.startswith(host):
                    return self.api_base + endpoint[len(host):]
        return endpoint

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Response:
        started = clock.monotonic()
        for attempt in range(1, self.attempts + 1):
            self.calls += 1
            try:
                return super().request(method, self._address(endpoint), *args, **kwargs)
            except APIError as exc:
                status = exc.response.status_code
                if status != 429 and status < 500:
                    raise
                delay = self._delay(attempt, exc.response.headers.get("Retry-After"))
                if attempt == self.attempts or clock.monotonic() - started + delay > self.deadline:
                    raise
            except RequestException:
                delay = self._delay(attempt, None)
                if attempt == self.attempts or clock.monotonic() - started + delay > self.deadline:
                    raise
            self.sleep(delay)
        raise AssertionError("unreachable")

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(float(retry_after), self.max_delay)
            except ValueError:
                pass
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return backoff / 2 + self.rng.uniform(0, backoff / 2)


def credentials_from_file(path: str) -> Any:
    """A service account's credentials; the key's contents are never logged or shown."""
    from google.oauth2.service_account import Credentials

    try:
        return Credentials.from_service_account_file(path, scopes=SCOPES)
    except FileNotFoundError:
        raise SourceError(f"找不到 Google 服务账号密钥文件：{path}", f"Service-account key file not found: {path}") from None
    except (ValueError, KeyError, json.JSONDecodeError):
        raise SourceError(f"Google 服务账号密钥文件 {path} 格式不对，请重新下载 JSON 密钥",
                          f"Service-account key file {path} is not a valid JSON key") from None


def google_sources(config: Config, auth: Any = None) -> list[GoogleSheetsSource]:
    """One source per configured spreadsheet, sharing one HTTP client."""
    if auth is None and config.google.api_base and not config.google.credentials:
        # An emulator or the tests' loopback fake: no Google account involved.
        from google.auth.credentials import AnonymousCredentials

        auth = AnonymousCredentials()
    if auth is None:
        if not config.google.credentials:
            raise SourceError("配置了 Google 表格，但没有提供服务账号密钥（[google] credentials 或环境变量 HOUQIN_GOOGLE_CREDENTIALS）",
                              "Google spreadsheets are configured but no service-account key is given")
        auth = credentials_from_file(config.google.credentials)
    client = RetryingHTTPClient(auth, api_base=config.google.api_base)
    return [GoogleSheetsSource(sheet, client) for sheet in config.google.spreadsheets]


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


class GoogleSheetsSource:
    """One Google spreadsheet, by key."""

    kind = "gsheets"

    def __init__(self, settings: GoogleSpreadsheet, client: RetryingHTTPClient):
        self.settings = settings
        self.client = client
        self.key = settings.key
        self.name = settings.name or f"Google 表格 {settings.key}"
        self.url = f"https://docs.google.com/spreadsheets/d/{settings.key}/edit"

    def _titles(self) -> dict[str, str]:
        """Spreadsheet tab title -> the pack sheet name it stands for, from the config's mapping."""
        return {title: name for name, title in self.settings.sheet_names.items()}

    def read(self, pack: Pack) -> ReadResult:
        try:
            data = self.client.spreadsheets_get(self.key, params={"fields": READ_FIELDS})
        except APIError as exc:
            raise SourceError(self._api_message(exc), f"Google spreadsheet {self.key}: {exc}") from None
        except RequestException as exc:
            raise SourceError(f"连不上 Google 表格服务（{type(exc).__name__}），下次同步再试",
                              f"Cannot reach Google Sheets: {exc}") from None
        renamed = self._titles()
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
        tables, findings = build_tables(self.name, grids, pack, known_as=renamed)
        grid_by_title = dict(grids)
        for table in tables:
            state = states[table.sheet]
            table.extra["sheet_id"] = state.sheet_id
            state.header_row = table.header_row
            state.alert_column = table.alert_column
            staff = [i for i, h in enumerate(table.headers) if h and i != table.alert_column]
            state.staff_width = (max(staff) + 1) if staff else len(table.headers)
            state.last_row = max(table.numbers, default=table.header_row)
            if table.alert_column is not None:
                grid = grid_by_title[table.sheet]
                for number in range(table.header_row + 1, len(grid) + 1):
                    row = grid[number - 1]
                    if table.alert_column < len(row) and row[table.alert_column]:
                        state.current[number] = str(row[table.alert_column])
                state.last_row = max(state.last_row, max(state.current, default=0))
        sheet_ids = {s.title: s.sheet_id for s in states.values()}
        return ReadResult(tables=tables, findings=findings, state=SpreadsheetState(sheets=states, sheet_ids=sheet_ids))

    def _api_message(self, exc: APIError) -> str:
        code = exc.response.status_code
        if code == 404:
            return f"找不到 Google 表格 {self.key}：请检查表格地址"
        if code == 403:
            return f"没有权限打开 Google 表格 {self.key}：请把表格共享给服务账号的邮箱"
        if code == 429:
            return f"Google 表格 {self.key} 请求太频繁（配额用完），下次同步再试"
        return f"读取 Google 表格 {self.key} 失败（{code}），下次同步再试"

    def write(self, read: ReadResult, alerts: dict[str, dict[int, Alert]]) -> WriteOutcome:
        state: SpreadsheetState = read.state
        requests: list[dict[str, Any]] = []
        changed_sheets: list[str] = []
        cells = 0
        for table in read.tables:
            sheet = state.sheets[table.sheet]
            wanted = {row: alert.text for row, alert in alerts.get(table.sheet, {}).items()}
            sheet_requests, count = self._sheet_requests(sheet, wanted)
            if sheet_requests:
                requests.extend(sheet_requests)
                changed_sheets.append(table.sheet)
                cells += count
        if not requests:
            return WriteOutcome(status="unchanged", reason="提醒没有变化", reason_en="No alert changed")
        before = self.client.calls
        try:
            self.client.batch_update(self.key, {"requests": requests})
        except (APIError, RequestException) as exc:
            return WriteOutcome(status="failed", reason=f"写回 Google 表格失败：{exc}，下次同步再试",
                                reason_en=f"Writing to Google Sheets failed: {exc}", api_calls=self.client.calls - before)
        return WriteOutcome(status="written", sheets_changed=changed_sheets, cells_changed=cells,
                            api_calls=self.client.calls - before)

    def _sheet_requests(self, sheet: SheetState, wanted: dict[int, str]) -> tuple[list[dict[str, Any]], int]:
        """Requests for one sheet: alert header, changed alert cells, the two rules."""
        requests: list[dict[str, Any]] = []
        column = sheet.alert_column if sheet.alert_column is not None else sheet.staff_width
        if column >= sheet.column_count:
            requests.append({"appendDimension": {"sheetId": sheet.sheet_id, "dimension": "COLUMNS",
                                                 "length": column + 1 - sheet.column_count}})
        if sheet.alert_column is None:
            requests.append(_set_text(sheet.sheet_id, sheet.header_row - 1, column, "系统提醒"))
        changed = 0
        for row in sorted(set(wanted) | set(sheet.current)):
            if row <= sheet.header_row:
                continue
            text = wanted.get(row, "")
            if sheet.current.get(row, "") != text:
                requests.append(_set_text(sheet.sheet_id, row - 1, column, text))
                changed += 1
        if changed == 0 and sheet.alert_column is not None and self._rules_ok(sheet, column):
            return [], 0
        requests.extend(self._rule_requests(sheet, column))
        return requests, changed

    @staticmethod
    def _formulas(sheet: SheetState, column: int) -> tuple[str, str]:
        error, warning = highlight_formulas(f"${column_letter(column)}{sheet.header_row + 1}")
        return f"={error}", f"={warning}"

    @staticmethod
    def _ours(rule: dict[str, Any]) -> str | None:
        """'error' or 'warning' when a conditional-format rule is one Houqin added."""
        values = rule.get("booleanRule", {}).get("condition", {}).get("values", [])
        formula = values[0].get("userEnteredValue", "") if values else ""
        if formula.startswith("=OR(LEFT(") and ERROR_TAG["zh"] in formula:
            return "error"
        if formula.startswith("=LEN($") and formula.endswith(")>0"):
            return "warning"
        return None

    def _rules_ok(self, sheet: SheetState, column: int) -> bool:
        expected = dict(zip(("error", "warning"), self._formulas(sheet, column), strict=True))
        found = [(self._ours(rule), rule) for _, rule in sheet.rules]
        found = [(kind, rule) for kind, rule in found if kind]
        if sorted(kind for kind, _ in found) != ["error", "warning"]:
            return False
        return all(rule["booleanRule"]["condition"]["values"][0]["userEnteredValue"] == expected[kind] for kind, rule in found)

    def _rule_requests(self, sheet: SheetState, column: int) -> list[dict[str, Any]]:
        """Delete Houqin's old rules (highest index first) and add the two current ones at the top."""
        requests: list[dict[str, Any]] = []
        if self._rules_ok(sheet, column):
            return requests
        for index, rule in sorted(sheet.rules, key=lambda pair: -pair[0]):
            if self._ours(rule):
                requests.append({"deleteConditionalFormatRule": {"sheetId": sheet.sheet_id, "index": index}})
        error, warning = self._formulas(sheet, column)
        grid_range = {"sheetId": sheet.sheet_id, "startRowIndex": sheet.header_row, "startColumnIndex": 0,
                      "endColumnIndex": column + 1}
        # Index 0 first for the warning, then the error above it: the first matching rule wins.
        for formula, fill, font in ((warning, AMBER, None), (error, RED, DARK_RED)):
            fmt: dict[str, Any] = {"backgroundColor": fill}
            if font:
                fmt["textFormat"] = {"foregroundColor": font}
            requests.append({"addConditionalFormatRule": {"index": 0, "rule": {
                "ranges": [grid_range],
                "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": formula}]},
                                "format": fmt}}}})
        return requests


def _set_text(sheet_id: int, row_index: int, column_index: int, text: str) -> dict[str, Any]:
    """One cell set to text (stringValue: never a formula, whatever it quotes)."""
    value = {"userEnteredValue": {"stringValue": text}} if text else {}
    return {"updateCells": {
        "start": {"sheetId": sheet_id, "rowIndex": row_index, "columnIndex": column_index},
        "rows": [{"values": [value]}], "fields": "userEnteredValue",
    }}

