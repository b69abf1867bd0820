"""Writing alerts back to a Google spreadsheet: only the alert column, its header and
Houqin's two conditional-format rules, in one `batchUpdate`, none when nothing changed."""

from __future__ import annotations

from typing import Any

from gspread.exceptions import APIError
from openpyxl.utils.cell import get_column_letter
from requests.exceptions import RequestException

from rules.alerts import ERROR_TAG, Alert, highlight_formulas
from sync.sources.base import ReadResult, WriteOutcome
from sync.sources.gsheets.client import RetryingHTTPClient
from sync.sources.gsheets.reading import SheetState, SpreadsheetState

RED = {"red": 0.96, "green": 0.78, "blue": 0.78}
AMBER = {"red": 1.0, "green": 0.92, "blue": 0.61}
DARK_RED = {"red": 0.6, "green": 0.0, "blue": 0.0}


def write_spreadsheet(client: RetryingHTTPClient, key: str, read: ReadResult,
                      alerts: dict[str, dict[int, Alert]]) -> WriteOutcome:
    """At most one `batchUpdate`: the alert cells that changed and Houqin's two rules."""
    state: SpreadsheetState = read.state
    requests: list[dict[str, Any]] = []
    changed_sheets: list[str] = []
    cells = 0
    for table in read.tables:
        sheet = state.sheets[table.sheet]
        wanted = {row: alert.text for row, alert in alerts.get(table.sheet, {}).items()}
        requests_of_sheet, count = sheet_requests(sheet, wanted, read.alert_header)
        if requests_of_sheet:
            requests.extend(requests_of_sheet)
            changed_sheets.append(table.sheet)
            cells += count
    if not requests:
        return WriteOutcome(status="unchanged", reason="提醒没有变化", reason_en="No alert changed")
    before = client.calls
    try:
        client.batch_update(key, {"requests": requests})
    except (APIError, RequestException) as exc:
        return WriteOutcome(status="failed", reason=f"写回 Google 表格失败：{exc}，下次同步再试",
                            reason_en=f"Writing to Google Sheets failed: {exc}", api_calls=client.calls - before)
    return WriteOutcome(status="written", sheets_changed=changed_sheets, cells_changed=cells,
                        api_calls=client.calls - before)


def sheet_requests(sheet: SheetState, wanted: dict[int, str], header: str) -> tuple[list[dict[str, Any]], int]:
    """Requests for one sheet: alert header, changed alert cells, the two rules."""
    requests: list[dict[str, Any]] = []
    column = sheet.alert_column if sheet.alert_column is not None else sheet.staff_width
    if column >= sheet.column_count:
        requests.append({"appendDimension": {"sheetId": sheet.sheet_id, "dimension": "COLUMNS",
                                             "length": column + 1 - sheet.column_count}})
    if sheet.alert_column is None:
        requests.append(_set_text(sheet.sheet_id, sheet.header_row - 1, column, header))
    changed = 0
    for row in sorted(set(wanted) | set(sheet.current)):
        if row <= sheet.header_row:
            continue
        text = wanted.get(row, "")
        if sheet.current.get(row, "") != text:
            requests.append(_set_text(sheet.sheet_id, row - 1, column, text))
            changed += 1
    if changed == 0 and sheet.alert_column is not None and _rules_ok(sheet, column):
        return [], 0
    requests.extend(_rule_requests(sheet, column))
    return requests, changed

def _formulas(sheet: SheetState, column: int) -> tuple[str, str]:
    error, warning = highlight_formulas(f"${get_column_letter(column + 1)}{sheet.header_row + 1}")
    return f"={error}", f"={warning}"

def _ours(rule: dict[str, Any]) -> str | None:
    """'error' or 'warning' when a conditional-format rule is one Houqin added."""
    values = rule.get("booleanRule", {}).get("condition", {}).get("values", [])
    formula = values[0].get("userEnteredValue", "") if values else ""
    if formula.startswith("=OR(LEFT(") and ERROR_TAG["zh"] in formula:
        return "error"
    if formula.startswith("=LEN($") and formula.endswith(")>0"):
        return "warning"
    return None

def _rules_ok(sheet: SheetState, column: int) -> bool:
    expected = dict(zip(("error", "warning"), _formulas(sheet, column), strict=True))
    found = [(_ours(rule), rule) for _, rule in sheet.rules]
    found = [(kind, rule) for kind, rule in found if kind]
    if sorted(kind for kind, _ in found) != ["error", "warning"]:
        return False
    return all(rule["booleanRule"]["condition"]["values"][0]["userEnteredValue"] == expected[kind] for kind, rule in found)

def _rule_requests(sheet: SheetState, column: int) -> list[dict[str, Any]]:
    """Delete Houqin's old rules (highest index first) and add the two current ones at the top."""
    requests: list[dict[str, Any]] = []
    if _rules_ok(sheet, column):
        return requests
    for index, rule in sorted(sheet.rules, key=lambda pair: -pair[0]):
        if _ours(rule):
            requests.append({"deleteConditionalFormatRule": {"sheetId": sheet.sheet_id, "index": index}})
    error, warning = _formulas(sheet, column)
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
