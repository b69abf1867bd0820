"""Writing alerts back to a Google spreadsheet: only the alert column, its header and
Houqin's two conditional-format rules, in one `batchUpdate`, none when nothing changed."""

from __future__ import annotations

import re
from typing import Any

from gspread.exceptions import APIError
from requests.exceptions import RequestException

from rules.alerts import Alert, highlight_formulas
from rules.model import column_letter, column_number
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
        answer = client.batch_update(key, {"requests": requests})
        repair = restorations(requests, (answer or {}).get("replies", []))
        if repair:  # rare: staff changed the rules mid-write; theirs go back at once
            client.batch_update(key, {"requests": repair})
    except (APIError, RequestException) as exc:
        return WriteOutcome(status="failed", reason=f"写回 Google 表格失败：{_said(exc)}，下次同步重新读取后再核对",
                            reason_en=f"Writing to Google Sheets failed: {exc}; the next cycle re-reads and reconciles",
                            api_calls=client.calls - before)
    return WriteOutcome(status="written", sheets_changed=changed_sheets, cells_changed=cells,
                        api_calls=client.calls - before)


def _said(exc: Exception) -> str:
    if isinstance(exc, APIError):
        return f"Google 返回 {exc.response.status_code}，可能已经写入也可能没有"
    return f"没有收到答复（{type(exc).__name__}），可能已经写入也可能没有"


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

def _formulas(row: int, column: int) -> tuple[str, str]:
    """Houqin's two conditions for an alert column and first data row (1-based)."""
    error, warning = highlight_formulas(f"${column_letter(column)}{row}")
    return f"={error}", f"={warning}"


_KEYED = re.compile(r"=(?:OR\(LEFT|LEN)\(\$([A-Z]{1,3})(\d+)\b")


def _ours(rule: dict[str, Any], sheet_id: int) -> tuple[str, int, int] | None:
    """(kind, first data row, alert column) when a conditional-format rule is exactly one
    Houqin adds: its formula keyed on an alert cell, its range the data rows from column A
    through that column, its colours. A staff rule that merely looks alike (=LEN($E2)>0 on column E, or
    Houqin's formula with another colour) is never Houqin's."""
    condition = rule.get("booleanRule", {}).get("condition", {})
    values = condition.get("values", [])
    formula = values[0].get("userEnteredValue", "") if len(values) == 1 else ""
    keyed = _KEYED.match(formula)
    if condition.get("type") != "CUSTOM_FORMULA" or not keyed:
        return None
    column, row = column_number(keyed[1]) - 1, int(keyed[2])
    kind = dict(zip(_formulas(row, column), ("error", "warning"), strict=True)).get(formula)
    ranges = [_plain(grid) for grid in rule.get("ranges", [])]
    # Its range: the data rows from column A through the alert column (Sheets widens it when
    # staff insert columns, and re-keys the formula when they move the alert column).
    if kind is None or len(ranges) != 1 or "endRowIndex" in ranges[0] or \
            (ranges[0]["sheetId"], ranges[0]["startRowIndex"], ranges[0]["startColumnIndex"]) != (sheet_id, row - 1, 0) or \
            ranges[0].get("endColumnIndex", 0) <= column:
        return None
    look, wanted = rule["booleanRule"].get("format", {}), _format(kind)
    if _colour(look.get("backgroundColor")) != wanted["backgroundColor"] or \
            _colour(look.get("textFormat", {}).get("foregroundColor")) != wanted.get("textFormat", {}).get("foregroundColor"):
        return None
    return kind, row, column


def _plain(grid: dict[str, Any]) -> dict[str, Any]:
    """A grid range as Houqin writes it; Google's answers leave out fields that are 0."""
    plain = {key: grid.get(key, 0) for key in ("sheetId", "startRowIndex", "startColumnIndex")}
    plain.update({key: grid[key] for key in ("endRowIndex", "endColumnIndex") if key in grid})
    return plain


def _colour(colour: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if colour is None else {key: colour.get(key, 0) for key in ("red", "green", "blue")}


def _grid_range(sheet_id: int, first_index: int, column: int) -> dict[str, Any]:
    return {"sheetId": sheet_id, "startRowIndex": first_index, "startColumnIndex": 0, "endColumnIndex": column + 1}


def _format(kind: str) -> dict[str, Any]:
    if kind == "error":
        return {"backgroundColor": RED, "textFormat": {"foregroundColor": DARK_RED}}
    return {"backgroundColor": AMBER}


def _rule(sheet: SheetState, column: int, kind: str) -> dict[str, Any]:
    formula = dict(zip(("error", "warning"), _formulas(sheet.header_row + 1, column), strict=True))[kind]
    return {"ranges": [_grid_range(sheet.sheet_id, sheet.header_row, column)],
            "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": formula}]},
                            "format": _format(kind)}}


def _rules_ok(sheet: SheetState, column: int) -> bool:
    """Exactly Houqin's two rules, error above warning, keyed on this column and header, and
    reaching no further than it."""
    mine = [(found, rule) for _, rule in sheet.rules if (found := _ours(rule, sheet.sheet_id))]
    first = sheet.header_row + 1
    return [found for found, _ in mine] == [("error", first, column), ("warning", first, column)] and \
        all(_plain(rule["ranges"][0]).get("endColumnIndex") == column + 1 for _, rule in mine)


def _rule_requests(sheet: SheetState, column: int) -> list[dict[str, Any]]:
    """Delete Houqin's old rules (highest index first) and add the two current ones at the top."""
    requests: list[dict[str, Any]] = []
    if _rules_ok(sheet, column):
        return requests
    for index, rule in sorted(sheet.rules, key=lambda pair: -pair[0]):
        if _ours(rule, sheet.sheet_id):
            requests.append({"deleteConditionalFormatRule": {"sheetId": sheet.sheet_id, "index": index}})
    # Index 0 first for the warning, then the error above it: the first matching rule wins.
    for kind in ("warning", "error"):
        requests.append({"addConditionalFormatRule": {"index": 0, "rule": _rule(sheet, column, kind)}})
    return requests


def restorations(requests: list[dict[str, Any]], replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Requests that put back any staff rule a delete by index removed because staff added or
    removed a rule between Houqin's read and its write (the reply names the rule removed).

    Each goes back where it stood among the rules that were there: the position is counted
    over the rules the batch left and added, which needs no knowledge of the rules after it."""
    restored: list[dict[str, Any]] = []
    sheets = {r[k]["sheetId"] if k != "addConditionalFormatRule" else r[k]["rule"]["ranges"][0]["sheetId"]
              for r in requests for k in r if "ConditionalFormatRule" in k}
    for sheet_id in sheets:
        items: list[int | None] = list(range(max(_indexes(requests, sheet_id), default=-1) + 1))
        wrong: list[tuple[int, dict[str, Any]]] = []
        for request, reply in zip(requests, replies, strict=False):
            if "deleteConditionalFormatRule" in request and request["deleteConditionalFormatRule"]["sheetId"] == sheet_id:
                label = items.pop(request["deleteConditionalFormatRule"]["index"])
                removed = (reply or {}).get("deleteConditionalFormatRule", {}).get("rule")
                if removed is not None and not _ours(removed, sheet_id) and label is not None:
                    wrong.append((label, removed))
            elif "addConditionalFormatRule" in request and \
                    request["addConditionalFormatRule"]["rule"]["ranges"][0]["sheetId"] == sheet_id:
                items.insert(request["addConditionalFormatRule"].get("index", 0), None)
        for label, rule in sorted(wrong, key=lambda pair: pair[0]):
            at = sum(1 for item in items if item is None or item < label)
            items.insert(at, label)
            restored.append({"addConditionalFormatRule": {"index": at, "rule": rule}})
    return restored


def _indexes(requests: list[dict[str, Any]], sheet_id: int) -> list[int]:
    return [r["deleteConditionalFormatRule"]["index"] for r in requests
            if "deleteConditionalFormatRule" in r and r["deleteConditionalFormatRule"]["sheetId"] == sheet_id]


def _set_text(sheet_id: int, row_index: int, column_index: int, text: str) -> dict[str, Any]:
    """One cell set to text (stringValue: never a formula, whatever it quotes)."""
    value = {"userEnteredValue": {"stringValue": text}} if text else {}
    return {"updateCells": {
        "start": {"sheetId": sheet_id, "rowIndex": row_index, "columnIndex": column_index},
        "rows": [{"values": [value]}], "fields": "userEnteredValue",
    }}
