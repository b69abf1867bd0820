"""Write-back for workbook files: decide whether a file may be written, then hand the
alert texts to the zip editor (sync/xlsx_write.py) with what the file was when read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rules.alerts import Alert
from sync.outcome import WriteOutcome
from sync.sources import ReadResult

if TYPE_CHECKING:
    from sync.xlsx_source import WorkbookSource

READONLY_REASONS = {
    ".xls": ("旧版 Excel（.xls）格式只能检查，不能安全写回提醒；另存为 .xlsx 后即可写回",
             "Old Excel .xls files are checked but never written; save as .xlsx to get alerts written back"),
    ".ods": ("LibreOffice（.ods）格式只能检查，不能安全写回提醒；另存为 .xlsx 后即可写回",
             ".ods files are checked but never written; save as .xlsx to get alerts written back"),
    ".et": ("WPS（.et）格式只能检查，不能安全写回提醒；在 WPS 中另存为 .xlsx 后即可写回",
            "WPS .et files are checked but never written; save as .xlsx to get alerts written back"),
}


def write_workbook(source: WorkbookSource, read: ReadResult, alerts: dict[str, dict[int, Alert]]) -> WriteOutcome:
    suffix = source.path.suffix.lower()
    if source.kind == "readonly":
        zh, en = READONLY_REASONS.get(suffix, ("这种格式只能检查，不能写回提醒", "This format is checked but never written"))
        return WriteOutcome(status="readonly", reason=zh, reason_en=en)
    from sync.xlsx_write import SheetAlerts, write_alerts

    expected = read.state  # the FileFingerprint taken when the workbook was read
    sheets = {table.sheet: SheetAlerts(header_row=table.header_row, alerts=alerts.get(table.sheet, {})) for table in read.tables}
    return write_alerts(source.path, sheets, backups=source.backups, expected=expected)
