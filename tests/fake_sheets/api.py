"""The fake's endpoints: spreadsheets.get, values get/batchGet/update/batchUpdate/append/clear,
spreadsheets.batchUpdate, and the Drive files calls gspread makes."""

from __future__ import annotations

import copy
import re
from typing import Any

from tests.fake_sheets.server import (
    DATE_PATTERNS,
    ApiError,
    Box,
    Cell,
    FakeSheets,
    Sheet,
    Spreadsheet,
    _delete,
    _insert,
    apply_mask,
    column_letters,
    formatted,
    parse_box,
    parse_mask,
    rendered,
    trimmed,
    typed_value,
    user_entered,
)

SHEETS = "/v4/spreadsheets/"
DRIVE = "/drive/v3/files"


def first(query: dict[str, list[str]], name: str, default: str = "") -> str:
    return query.get(name, [default])[0]


def route(fake: FakeSheets, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
    if path.startswith(DRIVE):
        return drive(fake, method, path[len(DRIVE):].strip("/"), query, body)
    if not path.startswith(SHEETS):
        raise ApiError(404, "Not found", "NOT_FOUND")
    rest = path[len(SHEETS):]
    match = re.match(r"^([^/:]+)(.*)$", rest)
    key, tail = match[1], match[2]
    spreadsheet = fake.spreadsheet(key)
    if tail == "" and method == "GET":
        return 200, get_spreadsheet(spreadsheet, query)
    if tail == ":batchUpdate" and method == "POST":
        fake.before_write()
        return 200, batch_update(fake, spreadsheet, body or {})
    if tail == "/values:batchGet" and method == "GET":
        ranges = query.get("ranges", [])
        return 200, {"spreadsheetId": key, "valueRanges": [get_values(spreadsheet, r, query) for r in ranges]}
    if tail == "/values:batchUpdate" and method == "POST":
        fake.before_write()
        option = body.get("valueInputOption", "RAW")
        responses = [put_values(spreadsheet, item["range"], item.get("values", []), option) for item in body.get("data", [])]
        return 200, {"spreadsheetId": key, "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
                     "totalUpdatedColumns": max([r.get("updatedColumns", 0) for r in responses] or [0]),
                     "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
                     "totalUpdatedSheets": len({r["updatedRange"].split("!")[0] for r in responses}), "responses": responses}
    if tail == "/values:batchClear" and method == "POST":
        cleared = [clear(spreadsheet, r) for r in (body or {}).get("ranges", [])]
        return 200, {"spreadsheetId": key, "clearedRanges": cleared}
    match = re.match(r"^/values/(.+?)(:append|:clear)?$", tail)
    if match:
        text, action = match[1], match[2]
        if action == ":clear" and method == "POST":
            return 200, {"spreadsheetId": key, "clearedRange": clear(spreadsheet, text)}
        if action == ":append" and method == "POST":
            fake.before_write()
            return 200, append(spreadsheet, text, (body or {}).get("values", []), first(query, "valueInputOption", "RAW"))
        if method == "GET":
            return 200, get_values(spreadsheet, text, query)
        if method == "PUT":
            fake.before_write()
            response = put_values(spreadsheet, text, (body or {}).get("values", []), first(query, "valueInputOption", "RAW"))
            return 200, {"spreadsheetId": key, **response}
    raise ApiError(404, "Not found", "NOT_FOUND")


# --- spreadsheets.get ---------------------------------------------------------------------------


def cell_json(cell: Cell) -> dict[str, Any]:
    if cell.value is None and cell.note is None:
        return {}
    out: dict[str, Any] = {}
    if cell.value is not None:
        entered = {"formulaValue": cell.formula} if cell.formula else typed_value(cell.value)
        out["userEnteredValue"] = entered
        out["effectiveValue"] = typed_value(cell.value)
        out["formattedValue"] = formatted(cell)
        if cell.number_format:
            number_format = {"type": cell.number_format, "pattern": DATE_PATTERNS[cell.number_format]}
            out["userEnteredFormat"] = {"numberFormat": number_format}
            out["effectiveFormat"] = {"numberFormat": number_format}
    if cell.note:
        out["note"] = cell.note
    return out


def prune(value: Any) -> Any:
    """Google's JSON leaves out empty lists and objects inside objects (list items stay)."""
    if isinstance(value, dict):
        cleaned = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in ({}, [])}
    if isinstance(value, list):
        return [prune(item) for item in value]
    return value


def sheet_json(sheet: Sheet, with_data: bool, box: Box | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": {
        "sheetId": sheet.sheet_id, "title": sheet.title, "index": sheet.index, "sheetType": "GRID",
        "gridProperties": {"rowCount": sheet.row_count, "columnCount": sheet.column_count}}}
    if with_data:
        grid = box_grid(box) if box is not None else sheet.rows
        rows = [[cell_json(c) for c in row] for row in grid]
        row_data = []
        for row in rows:
            while row and not row[-1]:
                row = row[:-1]
            row_data.append({"values": row} if row else {})
        while row_data and not row_data[-1]:
            row_data.pop()
        block: dict[str, Any] = {"rowData": row_data}
        if box is not None and box.row0:
            block["startRow"] = box.row0
        if box is not None and box.col0:
            block["startColumn"] = box.col0
        out["data"] = [block]
    if sheet.conditional_formats:
        out["conditionalFormats"] = copy.deepcopy(sheet.conditional_formats)
    return out


def get_spreadsheet(spreadsheet: Spreadsheet, query: dict[str, list[str]]) -> dict[str, Any]:
    fields = first(query, "fields")
    mask = parse_mask(fields) if fields else {}
    with_data = first(query, "includeGridData", "false").lower() == "true" or "data" in str(mask.get("sheets", {}))
    ranges = query.get("ranges", [])
    if ranges:
        boxes = [parse_box(spreadsheet, text) for text in ranges]
        sheets = [sheet_json(b.sheet, with_data, b) for b in boxes]
    else:
        sheets = [sheet_json(sheet, with_data) for sheet in spreadsheet.sheets]
    out = {
        "spreadsheetId": spreadsheet.key,
        "properties": {"title": spreadsheet.title, "locale": "en_US", "autoRecalc": "ON_CHANGE", "timeZone": "Etc/GMT"},
        "sheets": sheets,
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{spreadsheet.key}/edit",
    }
    return prune(apply_mask(out, mask) if mask else out)


# --- values ---------------------------------------------------------------------------------------


def box_grid(box: Box) -> list[list[Cell]]:
    sheet = box.sheet
    row1 = box.row1 if box.row1 is not None else len(sheet.rows)
    col1 = box.col1 if box.col1 is not None else max([len(r) for r in sheet.rows] + [0])
    return [[sheet.peek(r, c) or Cell() for c in range(box.col0, col1)] for r in range(box.row0, row1)]


def get_values(spreadsheet: Spreadsheet, text: str, query: dict[str, list[str]]) -> dict[str, Any]:
    box = parse_box(spreadsheet, text)
    render = first(query, "valueRenderOption", "FORMATTED_VALUE")
    datetime_render = first(query, "dateTimeRenderOption", "SERIAL_NUMBER")
    grid = trimmed([[rendered(c, render, datetime_render) for c in row] for row in box_grid(box)])
    major = first(query, "majorDimension", "ROWS")
    if major == "COLUMNS" and grid:
        width = max(len(r) for r in grid)
        grid = trimmed([[row[c] if c < len(row) else "" for row in grid] for c in range(width)])
    out: dict[str, Any] = {"range": box.a1(), "majorDimension": major}
    if grid:
        out["values"] = grid
    return out


def put_values(spreadsheet: Spreadsheet, text: str, values: list[list[Any]], option: str) -> dict[str, Any]:
    box = parse_box(spreadsheet, text)
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            new = user_entered(value, option)
            cell = box.sheet.cell(box.row0 + r, box.col0 + c)
            cell.value, cell.formula, cell.number_format = new.value, new.formula, None
    rows = len(values)
    columns = max([len(r) for r in values] + [0])
    end = f"{column_letters(box.col0 + max(columns, 1) - 1)}{box.row0 + max(rows, 1)}"
    start = f"{column_letters(box.col0)}{box.row0 + 1}"
    quoted = "'" + box.sheet.title.replace("'", "''") + "'"
    return {"updatedRange": f"{quoted}!{start}" + (f":{end}" if end != start else ""), "updatedRows": rows,
            "updatedColumns": columns, "updatedCells": sum(len(r) for r in values)}


def append(spreadsheet: Spreadsheet, text: str, values: list[list[Any]], option: str) -> dict[str, Any]:
    box = parse_box(spreadsheet, text)
    last = len(trimmed([[c.value for c in row] for row in box.sheet.rows]))
    target = Box(box.sheet, last, box.col0, None, None)
    quoted = "'" + box.sheet.title.replace("'", "''") + "'"
    updates = put_values(spreadsheet, f"{quoted}!{column_letters(target.col0)}{last + 1}", values, option)
    return {"spreadsheetId": spreadsheet.key, "tableRange": box.a1(), "updates": {"spreadsheetId": spreadsheet.key, **updates}}


def clear(spreadsheet: Spreadsheet, text: str) -> str:
    box = parse_box(spreadsheet, text)
    for row in box_grid(box):
        for cell in row:
            cell.value, cell.formula, cell.number_format = None, None, None
    return box.a1()


# --- spreadsheets.batchUpdate -------------------------------------------------------------------


def grid_start(spreadsheet: Spreadsheet, request: dict[str, Any]) -> tuple[Sheet, int, int]:
    if "start" in request:
        start = request["start"]
        return spreadsheet.sheet_by_id(start.get("sheetId", 0)), start.get("rowIndex", 0), start.get("columnIndex", 0)
    grid = request["range"]
    return spreadsheet.sheet_by_id(grid.get("sheetId", 0)), grid.get("startRowIndex", 0), grid.get("startColumnIndex", 0)


def set_cell_data(cell: Cell, data: dict[str, Any], fields: str) -> None:
    wanted = {f.strip() for f in fields.split(",")} if fields and fields != "*" else {"userEnteredValue", "note"}
    if any(f.startswith("userEnteredValue") for f in wanted):
        entered = data.get("userEnteredValue") or {}
        if "formulaValue" in entered:
            cell.value, cell.formula = entered["formulaValue"], entered["formulaValue"]
        else:
            value = next(iter(entered.values()), None)
            cell.value = float(value) if isinstance(value, int) and not isinstance(value, bool) else value
            cell.formula = None
        cell.number_format = None
    if "note" in wanted:
        cell.note = data.get("note")


def batch_update(fake: FakeSheets, spreadsheet: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    replies = []
    # Google applies all or nothing: work on a copy, swap it in at the end.
    working = copy.deepcopy(spreadsheet)
    for request in body.get("requests", []):
        (kind, payload), = request.items()
        replies.append(apply_request(fake, working, kind, payload))
    fake.spreadsheets[spreadsheet.key] = working
    return {"spreadsheetId": spreadsheet.key, "replies": replies}


def apply_request(fake: FakeSheets, spreadsheet: Spreadsheet, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    if kind == "updateCells":
        sheet, row0, col0 = grid_start(spreadsheet, payload)
        for r, row in enumerate(payload.get("rows", [])):
            for c, data in enumerate(row.get("values", [])):
                set_cell_data(sheet.cell(row0 + r, col0 + c), data, payload.get("fields", "*"))
        return {}
    if kind == "repeatCell":
        grid = payload["range"]
        sheet = spreadsheet.sheet_by_id(grid.get("sheetId", 0))
        for r in range(grid.get("startRowIndex", 0), grid.get("endRowIndex", sheet.row_count)):
            for c in range(grid.get("startColumnIndex", 0), grid.get("endColumnIndex", sheet.column_count)):
                set_cell_data(sheet.cell(r, c), payload.get("cell", {}), payload.get("fields", "*"))
        return {}
    if kind == "addConditionalFormatRule":
        rule = copy.deepcopy(payload["rule"])
        sheet = spreadsheet.sheet_by_id(rule["ranges"][0].get("sheetId", 0))
        sheet.conditional_formats.insert(payload.get("index", len(sheet.conditional_formats)), rule)
        return {}
    if kind == "updateConditionalFormatRule":
        sheet = spreadsheet.sheet_by_id(payload.get("sheetId", payload.get("rule", {}).get("ranges", [{}])[0].get("sheetId", 0)))
        index = payload["index"]
        if index >= len(sheet.conditional_formats):
            raise ApiError(400, f"Invalid requests: No conditional format at index {index}", "INVALID_ARGUMENT")
        old = sheet.conditional_formats.pop(index)
        sheet.conditional_formats.insert(payload.get("newIndex", index), copy.deepcopy(payload.get("rule", old)))
        return {"updateConditionalFormatRule": {"newIndex": payload.get("newIndex", index), "newRule": payload.get("rule", old),
                                                "oldIndex": index, "oldRule": old}}
    if kind == "deleteConditionalFormatRule":
        sheet = spreadsheet.sheet_by_id(payload.get("sheetId", 0))
        index = payload["index"]
        if index >= len(sheet.conditional_formats):
            raise ApiError(400, f"Invalid requests: No conditional format at index {index}", "INVALID_ARGUMENT")
        return {"deleteConditionalFormatRule": {"rule": sheet.conditional_formats.pop(index)}}
    if kind in ("insertDimension", "deleteDimension"):
        grid = payload["range"]
        sheet = spreadsheet.sheet_by_id(grid.get("sheetId", 0))
        action = _insert if kind == "insertDimension" else _delete
        action(sheet, grid["dimension"], grid["startIndex"], grid["endIndex"])
        return {}
    if kind == "appendDimension":
        sheet = spreadsheet.sheet_by_id(payload.get("sheetId", 0))
        if payload["dimension"] == "ROWS":
            sheet.row_count += payload["length"]
        else:
            sheet.column_count += payload["length"]
        return {}
    if kind == "updateSheetProperties":
        properties = payload["properties"]
        sheet = spreadsheet.sheet_by_id(properties.get("sheetId", 0))
        if "title" in properties:
            sheet.title = properties["title"]
        grid = properties.get("gridProperties", {})
        sheet.row_count = grid.get("rowCount", sheet.row_count)
        sheet.column_count = grid.get("columnCount", sheet.column_count)
        return {}
    if kind == "addSheet":
        properties = payload.get("properties", {})
        title = properties.get("title") or f"Sheet{len(spreadsheet.sheets) + 1}"
        if any(s.title == title for s in spreadsheet.sheets):
            raise ApiError(400, f'Invalid requests[0].addSheet: A sheet with the name "{title}" already exists.',
                           "INVALID_ARGUMENT")
        grid = properties.get("gridProperties", {})
        sheet = Sheet(sheet_id=properties.get("sheetId", 100000 + len(spreadsheet.sheets) * 17), title=title,
                      index=len(spreadsheet.sheets), row_count=grid.get("rowCount", 1000),
                      column_count=grid.get("columnCount", 26))
        spreadsheet.sheets.append(sheet)
        return {"addSheet": sheet_json(sheet, False)}
    if kind == "deleteSheet":
        spreadsheet.sheets = [s for s in spreadsheet.sheets if s.sheet_id != payload["sheetId"]]
        return {}
    raise ApiError(400, f"Invalid JSON payload received. Unknown name \"{kind}\"", "INVALID_ARGUMENT")


# --- Drive --------------------------------------------------------------------------------------


def drive(fake: FakeSheets, method: str, rest: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
    if method == "POST" and not rest:
        spreadsheet = fake.new_spreadsheet((body or {}).get("name", "Untitled spreadsheet"))
        return 200, {"kind": "drive#file", "id": spreadsheet.key, "name": spreadsheet.title,
                     "mimeType": "application/vnd.google-apps.spreadsheet"}
    if method == "GET" and not rest:
        files = [{"id": s.key, "name": s.title, "createdTime": "2026-11-01T00:00:00.000Z",
                  "modifiedTime": "2026-11-25T00:00:00.000Z"} for s in fake.spreadsheets.values()]
        text = first(query, "q")
        wanted = re.search(r"name\s*=\s*'((?:[^'\\]|\\.)*)'", text)
        if wanted:
            files = [f for f in files if f["name"] == wanted[1].replace("\\'", "'")]
        return 200, {"kind": "drive#fileList", "incompleteSearch": False, "files": files}
    if rest:
        spreadsheet = fake.spreadsheet(rest)
        if method == "DELETE":
            del fake.spreadsheets[rest]
            return 204, None
        if method == "GET":
            return 200, {"id": spreadsheet.key, "name": spreadsheet.title, "createdTime": "2026-11-01T00:00:00.000Z",
                         "modifiedTime": "2026-11-25T00:00:00.000Z"}
    raise ApiError(404, "File not found", "NOT_FOUND")
