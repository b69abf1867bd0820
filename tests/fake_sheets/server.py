"""A loopback fake of the parts of the Google Sheets v4 and Drive v3 APIs that gspread and
Houqin use, answering with the same shapes as the real service (checked against gspread's
recorded traffic in tests/test_fake_sheets_cassettes.py).

State lives in memory; the test drives it through `FakeSheets` (add a spreadsheet, look at
values and conditional formats, insert rows as staff would, inject faults, count calls).
"""

from __future__ import annotations

import copy
import itertools
import json
import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from rules.model import column_letter as column_letters

EPOCH = datetime(1899, 12, 30)
DATE_PATTERNS = {"DATE": "yyyy-mm-dd", "DATE_TIME": "yyyy-mm-dd hh:mm:ss", "TIME": "hh:mm:ss"}


@dataclass
class Cell:
    value: Any = None  # str | float | bool | None; dates are serial numbers
    number_format: str | None = None  # DATE | DATE_TIME | TIME
    note: str | None = None
    formula: str | None = None


@dataclass
class Sheet:
    sheet_id: int
    title: str
    index: int
    rows: list[list[Cell]] = field(default_factory=list)
    row_count: int = 1000
    column_count: int = 26
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)

    def cell(self, row: int, column: int) -> Cell:
        while len(self.rows) <= row:
            self.rows.append([])
        cells = self.rows[row]
        while len(cells) <= column:
            cells.append(Cell())
        self.row_count = max(self.row_count, row + 1)
        self.column_count = max(self.column_count, column + 1)
        return cells[column]

    def peek(self, row: int, column: int) -> Cell | None:
        if row < len(self.rows) and column < len(self.rows[row]):
            return self.rows[row][column]
        return None


@dataclass
class Spreadsheet:
    key: str
    title: str
    sheets: list[Sheet] = field(default_factory=list)

    def sheet_by_title(self, title: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise ApiError(400, f"Unable to parse range: {title}", "INVALID_ARGUMENT")

    def sheet_by_id(self, sheet_id: int) -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise ApiError(400, f"Invalid requests[0]: No grid with id: {sheet_id}", "INVALID_ARGUMENT")


class ApiError(Exception):
    def __init__(self, code: int, message: str, status: str):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


# --- values ----------------------------------------------------------------------------------


def to_serial(value: date | datetime | time) -> tuple[float, str]:
    if isinstance(value, datetime):
        return (value - EPOCH).total_seconds() / 86400, "DATE_TIME"
    if isinstance(value, date):
        return float((value - EPOCH.date()).days), "DATE"
    return (value.hour * 3600 + value.minute * 60 + value.second) / 86400, "TIME"


def formatted(cell: Cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | int) and cell.number_format:
        moment = EPOCH + timedelta(days=value)
        return {"DATE": f"{moment:%Y-%m-%d}", "DATE_TIME": f"{moment:%Y-%m-%d %H:%M:%S}",
                "TIME": f"{moment:%H:%M:%S}"}[cell.number_format]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def typed_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    return {"stringValue": str(value)}


def rendered(cell: Cell, render: str, datetime_render: str) -> Any:
    if cell.value is None:
        return ""
    if render == "FORMULA" and cell.formula:
        return cell.formula
    if render in ("UNFORMATTED_VALUE", "FORMULA"):
        if cell.number_format and datetime_render == "FORMATTED_STRING":
            return formatted(cell)
        value = cell.value
        return int(value) if isinstance(value, float) and value.is_integer() else value
    return formatted(cell)


def user_entered(value: Any, option: str) -> Cell:
    """A value as typed through the API: USER_ENTERED parses numbers and keeps formulas."""
    if option == "USER_ENTERED" and isinstance(value, str):
        if value.startswith("="):
            return Cell(value=value, formula=value)
        try:
            return Cell(value=float(value))
        except ValueError:
            pass
        if value.upper() in ("TRUE", "FALSE"):
            return Cell(value=value.upper() == "TRUE")
    if value == "" or value is None:
        return Cell()
    return Cell(value=value)


# --- ranges ----------------------------------------------------------------------------------

_A1 = re.compile(r"^([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?$")


def column_index(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number - 1


def split_range(text: str) -> tuple[str | None, str]:
    """'Sheet 1'!A1:B2 -> ("Sheet 1", "A1:B2"); quoted titles with '' escapes; bare titles."""
    if text.startswith("'"):
        end = 1
        while True:
            end = text.index("'", end)
            if text[end + 1:end + 2] == "'":
                end += 2
                continue
            break
        title = text[1:end].replace("''", "'")
        rest = text[end + 1:]
        return title, rest[1:] if rest.startswith("!") else ""
    if "!" in text:
        title, cells = text.rsplit("!", 1)
        return title, cells
    if _A1.match(text.upper()) and text:
        return None, text
    return text, ""


@dataclass
class Box:
    sheet: Sheet
    row0: int
    col0: int
    row1: int | None  # exclusive; None = to the end
    col1: int | None

    def a1(self) -> str:
        quoted = "'" + self.sheet.title.replace("'", "''") + "'"
        end_row = self.row1 if self.row1 is not None else max(len(self.sheet.rows), self.row0 + 1)
        end_col = self.col1 if self.col1 is not None else max([len(r) for r in self.sheet.rows] + [self.col0 + 1])
        start = f"{column_letters(self.col0)}{self.row0 + 1}"
        end = f"{column_letters(end_col - 1)}{end_row}"
        return f"{quoted}!{start}" + (f":{end}" if end != start else "")


def parse_box(spreadsheet: Spreadsheet, text: str) -> Box:
    title, cells = split_range(text)
    sheet = spreadsheet.sheet_by_title(title) if title is not None else spreadsheet.sheets[0]
    if not cells:
        return Box(sheet, 0, 0, None, None)
    match = _A1.match(cells.upper())
    if not match:
        raise ApiError(400, f"Unable to parse range: {text}", "INVALID_ARGUMENT")
    c0, r0, c1, r1 = match.groups()
    if match[0].find(":") < 0:
        c1, r1 = c0, r0
    row0 = int(r0) - 1 if r0 else 0
    col0 = column_index(c0) if c0 else 0
    row1 = int(r1) if r1 else None
    col1 = column_index(c1) + 1 if c1 else None
    if row1 is not None and row1 <= row0:
        row0, row1 = row1 - 1, row0 + 1
    if col1 is not None and col1 <= col0:
        col0, col1 = col1 - 1, col0 + 1
    return Box(sheet, row0, col0, row1, col1)


def trimmed(grid: list[list[Any]]) -> list[list[Any]]:
    """Google omits trailing empty cells of each row and trailing empty rows."""
    rows = []
    for row in grid:
        while row and row[-1] in ("", None):
            row = row[:-1]
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


# --- field masks -----------------------------------------------------------------------------


def parse_mask(text: str) -> dict[str, Any]:
    """'sheets(properties,data.rowData.values(effectiveValue))' -> nested dict of wanted keys."""
    tree: dict[str, Any] = {}
    position = 0

    def parse(node: dict[str, Any]) -> None:
        nonlocal position
        while position < len(text):
            match = re.match(r"\s*([\w.]+)\s*", text[position:])
            if not match:
                raise ApiError(400, f"Invalid field selection {text}", "INVALID_ARGUMENT")
            path = match[1].split(".")
            position += match.end()
            target = node
            for part in path[:-1]:
                target = target.setdefault(part, {})
            leaf = target.setdefault(path[-1], {})
            if position < len(text) and text[position] == "(":
                position += 1
                parse(leaf)
                position += 1  # ')'
            if position < len(text) and text[position] == ",":
                position += 1
                continue
            return

    while position < len(text):
        parse(tree)
        if position < len(text) and text[position] in ",)":
            position += 1
    return tree


def apply_mask(value: Any, mask: dict[str, Any]) -> Any:
    if not mask:
        return value
    if isinstance(value, list):
        return [apply_mask(item, mask) for item in value]
    if isinstance(value, dict):
        return {k: apply_mask(v, mask[k]) for k, v in value.items() if k in mask}
    return value


# --- the fake --------------------------------------------------------------------------------


class FakeSheets:
    """The fake service on 127.0.0.1 (a free port), for tests; use as a context manager."""

    def __init__(self):
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.calls: list[tuple[str, str, str]] = []
        self.lock = threading.RLock()
        self._fault_rate = 0.0
        self._fault_statuses: tuple[int, ...] = (429, 503)
        self._retry_after: float | None = None
        self._random = random.Random(0)
        self._next_write: Callable[[], None] | None = None
        self._lost_answer: int | None = None
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def __enter__(self) -> FakeSheets:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- test-facing API --

    def add_spreadsheet(self, title: str, sheets: dict[str, list[list[Any]]]) -> str:
        with self.lock:
            key = f"fake{next(self._ids):04d}" + "x" * 36
            spreadsheet = Spreadsheet(key, title)
            for index, (name, grid) in enumerate(sheets.items()):
                sheet = Sheet(sheet_id=0 if index == 0 else 1000 + index * 7, title=name, index=index)
                for r, row in enumerate(grid):
                    for c, value in enumerate(row):
                        if value is None or value == "":
                            continue
                        cell = sheet.cell(r, c)
                        if isinstance(value, date | datetime | time):
                            cell.value, cell.number_format = to_serial(value)
                        else:
                            cell.value = float(value) if isinstance(value, int) and not isinstance(value, bool) else value
                spreadsheet.sheets.append(sheet)
            self.spreadsheets[key] = spreadsheet
            return key

    def values(self, key: str, title: str) -> list[list[Any]]:
        with self.lock:
            sheet = self.spreadsheets[key].sheet_by_title(title)
            return trimmed([[c.value for c in row] for row in sheet.rows])

    def conditional_formats(self, key: str, title: str) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self.spreadsheets[key].sheet_by_title(title).conditional_formats)

    def set_cell(self, key: str, title: str, a1: str, value: Any) -> None:
        with self.lock:
            box = parse_box(self.spreadsheets[key], f"'{title}'!{a1}")
            cell = box.sheet.cell(box.row0, box.col0)
            cell.value, cell.number_format, cell.formula = value, None, None

    def insert_rows(self, key: str, title: str, index: int, count: int = 1) -> None:
        """Staff insert rows above 0-based row `index`, as in the Sheets UI."""
        with self.lock:
            _insert(self.spreadsheets[key].sheet_by_title(title), "ROWS", index, index + count)

    def add_rule(self, key: str, title: str, rule: dict[str, Any], index: int | None = None) -> None:
        """Staff add a conditional-format rule in the Sheets UI (at the end unless `index`)."""
        with self.lock:
            rules = self.spreadsheets[key].sheet_by_title(title).conditional_formats
            rules.insert(len(rules) if index is None else index, copy.deepcopy(rule))

    def remove_rule(self, key: str, title: str, index: int) -> None:
        """Staff delete a conditional-format rule in the Sheets UI."""
        with self.lock:
            del self.spreadsheets[key].sheet_by_title(title).conditional_formats[index]

    def delete_rows(self, key: str, title: str, index: int, count: int = 1) -> None:
        """Staff delete rows from 0-based row `index`, as in the Sheets UI."""
        with self.lock:
            _delete(self.spreadsheets[key].sheet_by_title(title), "ROWS", index, index + count)

    def reorder_rows(self, key: str, title: str, start: int, order: list[int]) -> None:
        """Staff sort rows `start`.. into `order` (0-based offsets from `start`): cells move, rules stay."""
        with self.lock:
            rows = self.spreadsheets[key].sheet_by_title(title).rows
            while len(rows) < start + len(order):
                rows.append([])
            block = rows[start:start + len(order)]
            rows[start:start + len(order)] = [block[i] for i in order]

    def move_column(self, key: str, title: str, source: int, destination: int) -> None:
        """Staff drag a column (0-based) to before column `destination` of the original grid."""
        with self.lock:
            sheet = self.spreadsheets[key].sheet_by_title(title)
            for row in sheet.rows:
                while len(row) <= max(source, destination):
                    row.append(Cell())
                cell = row.pop(source)
                row.insert(destination - (destination > source), cell)
            order = list(range(max(source, destination) + 1))
            order.insert(destination - (destination > source), order.pop(source))
            moved = {old: new for new, old in enumerate(order)}
            for rule in sheet.conditional_formats:  # Sheets re-keys the rules' references
                _rekey_rule(rule, lambda column: moved.get(column, column))

    def insert_columns(self, key: str, title: str, index: int, count: int = 1) -> None:
        """Staff insert columns before 0-based column `index`, as in the Sheets UI."""
        with self.lock:
            _insert(self.spreadsheets[key].sheet_by_title(title), "COLUMNS", index, index + count)

    def lose_next_write_answer(self, status: int = 500) -> None:
        """The next batchUpdate is applied, but its answer is an error (a timeout at Google's
        front end): the client cannot know that it was applied."""
        self._lost_answer = status

    def faults(self, rate: float = 0.3, statuses: tuple[int, ...] = (429, 503), retry_after: float | None = None,
               seed: int = 0) -> None:
        with self.lock:
            self._fault_rate, self._fault_statuses, self._retry_after = rate, statuses, retry_after
            self._random = random.Random(seed)

    def on_next_write(self, callback: Callable[[], None]) -> None:
        self._next_write = callback

    def reset_calls(self) -> None:
        with self.lock:
            self.calls.clear()

    # -- request handling --

    def maybe_fault(self) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        with self.lock:
            if self._fault_rate and self._random.random() < self._fault_rate:
                status = self._random.choice(self._fault_statuses)
                headers = {}
                if self._retry_after is not None and self._random.random() < 0.5:
                    headers["Retry-After"] = f"{self._retry_after:g}"
                error = ApiError(429, "Quota exceeded for quota metric 'Read requests'", "RESOURCE_EXHAUSTED") \
                    if status == 429 else ApiError(status, "The service is currently unavailable.", "UNAVAILABLE")
                return status, error.body(), headers
        return None

    def before_write(self) -> None:
        callback, self._next_write = self._next_write, None
        if callback is not None:
            callback()

    def spreadsheet(self, key: str) -> Spreadsheet:
        if key not in self.spreadsheets:
            raise ApiError(404, "Requested entity was not found.", "NOT_FOUND")
        return self.spreadsheets[key]

    def new_spreadsheet(self, title: str) -> Spreadsheet:
        key = self.add_spreadsheet(title, {"Sheet1": []})
        return self.spreadsheets[key]


def _insert(sheet: Sheet, dimension: str, start: int, end: int) -> None:
    count = end - start
    if dimension == "ROWS":
        for _ in range(count):
            if start <= len(sheet.rows):
                sheet.rows.insert(start, [])
        sheet.row_count += count
        key0, key1 = "startRowIndex", "endRowIndex"
    else:
        for row in sheet.rows:
            for _ in range(count):
                if start <= len(row):
                    row.insert(start, Cell())
        sheet.column_count += count
        key0, key1 = "startColumnIndex", "endColumnIndex"
    for rule in sheet.conditional_formats:
        for grid in rule.get("ranges", []):
            if grid.get(key0, 0) >= start:
                grid[key0] = grid.get(key0, 0) + count
            if key1 in grid and grid[key1] > start:
                grid[key1] += count
        if dimension == "COLUMNS":
            _rekey_rule(rule, lambda column: column + count if column >= start else column, ranges=False)


_REFERENCE = re.compile(r"\$([A-Z]{1,3})(\$?\d+)")


def _rekey_rule(rule: dict[str, Any], new_column: Callable[[int], int], ranges: bool = True) -> None:
    """Column references of a rule's formulas (and its ranges) after columns moved."""
    for value in rule.get("booleanRule", {}).get("condition", {}).get("values", []):
        if "userEnteredValue" in value:
            value["userEnteredValue"] = _REFERENCE.sub(
                lambda m: f"${column_letters(new_column(column_index(m[1])))}{m[2]}", value["userEnteredValue"])
    if ranges:
        for grid in rule.get("ranges", []):
            if "startColumnIndex" in grid and "endColumnIndex" in grid and grid["endColumnIndex"] - grid["startColumnIndex"] == 1:
                grid["startColumnIndex"] = new_column(grid["startColumnIndex"])
                grid["endColumnIndex"] = grid["startColumnIndex"] + 1


def _delete(sheet: Sheet, dimension: str, start: int, end: int) -> None:
    if dimension == "ROWS":
        del sheet.rows[start:end]
        sheet.row_count = max(1, sheet.row_count - (end - start))
    else:
        for row in sheet.rows:
            del row[start:end]
        sheet.column_count = max(1, sheet.column_count - (end - start))


def _handler_for(fake: FakeSheets) -> type[BaseHTTPRequestHandler]:
    from tests.fake_sheets.api import route

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms stall

        def log_message(self, *_args) -> None:  # keep test output quiet
            return

        def _handle(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            with fake.lock:
                fake.calls.append((method, unquote(parts.path), parts.query))
            fault = fake.maybe_fault()
            if fault is not None:
                status, body, headers = fault
            else:
                try:
                    body_json = json.loads(raw) if raw else None
                    with fake.lock:
                        status, body = route(fake, method, unquote(parts.path), parse_qs(parts.query), body_json)
                        if fake._lost_answer and parts.path.endswith(":batchUpdate"):
                            status, fake._lost_answer = fake._lost_answer, None
                            body = ApiError(status, "Internal error encountered.", "INTERNAL").body()
                    headers = {}
                except ApiError as error:
                    status, body, headers = error.code, error.body(), {}
                except (ValueError, KeyError, IndexError, TypeError) as error:
                    status, body, headers = 400, ApiError(400, f"Invalid request: {error}", "INVALID_ARGUMENT").body(), {}
            data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def do_PUT(self) -> None:
            self._handle("PUT")

        def do_DELETE(self) -> None:
            self._handle("DELETE")

    return Handler
