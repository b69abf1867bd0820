"""What goes into a row's 系统提醒 cell: one text per row, errors first.

Shared by every transport (xlsx zip editing, Google Sheets batchUpdate), so staff see the
same words whichever spreadsheet they keep.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rules.model import ERROR, Finding, Severity

ALERT_HEADER = "系统提醒"
# Excel refuses cell text longer than this; a row with that many alerts gets a pointer instead.
MAX_CELL_TEXT = 32767
ERROR_TAG = {"zh": "【错误】", "en": "[Error] "}
WARNING_TAG = {"zh": "【提醒】", "en": "[Warning] "}
SEPARATOR = "\n"


def highlight_formulas(alert_cell: str) -> tuple[str, str]:
    """The two conditional-format conditions keyed on a row's alert cell (`$H2`), without
    the leading '=': (error: the text starts with an error tag, warning: any text at all).
    The error rule comes first and stops there, so a row is red or amber, never both."""
    zh, en = ERROR_TAG["zh"], ERROR_TAG["en"].strip()
    return (f'OR(LEFT({alert_cell},{len(zh)})="{zh}",LEFT({alert_cell},{len(en)})="{en}")',
            f"LEN({alert_cell})>0")


@dataclass(frozen=True)
class Alert:
    """The text of one row's alert cell and the colour it gives the row."""

    text: str
    severity: Severity


def row_alerts(findings: Iterable[Finding], sheet: str, lang: str = "zh") -> dict[int, Alert]:
    """Alert cell text per sheet row number, for the findings of one sheet.

    Findings without a row (a missing column, a missing sheet) belong on the status page,
    not in a cell, and are left out.
    """
    by_row: dict[int, list[Finding]] = {}
    for finding in findings:
        if finding.sheet == sheet and finding.row is not None:
            by_row.setdefault(finding.row, []).append(finding)
    alerts: dict[int, Alert] = {}
    for row, items in by_row.items():
        items.sort(key=lambda f: (f.severity != ERROR, f.cell or "", f.rule))
        lines: list[str] = []
        seen: set[str] = set()
        for item in items:
            tag = ERROR_TAG[lang] if item.severity == ERROR else WARNING_TAG[lang]
            line = tag + (item.message_en if lang == "en" else item.message)
            if line not in seen:
                seen.add(line)
                lines.append(line)
        text = SEPARATOR.join(lines)
        if len(text) > MAX_CELL_TEXT:
            text = text[: MAX_CELL_TEXT - 20] + "…（更多见状态页）"
        severity: Severity = ERROR if any(f.severity == ERROR for f in items) else "warning"
        alerts[row] = Alert(text=text, severity=severity)
    return alerts
