"""Workbook files as a source: .xlsx/.xlsm read and written; .xls/.ods/.et read only."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rules.alerts import Alert
from rules.pack.spec import Pack
from rules.tables import build_tables, match_sheet
from sync.sources.base import ReadResult, SourceError, WriteOutcome
from sync.sources.xlsx.file_safety import BACKUP_DIR, FileFingerprint, fingerprint_bytes
from sync.sources.xlsx.leftovers import WHOLE_FILE
from sync.sources.xlsx.limits import ReadLimits
from sync.sources.xlsx.reading import workbook_grids
from sync.sources.xlsx.suffixes import WORKBOOK_SUFFIXES, WRITABLE_SUFFIXES

READONLY_REASONS = {
    ".xls": ("旧版 Excel（.xls）格式只能检查，不能安全写回提醒；另存为 .xlsx 后即可写回",
             "Old Excel .xls files are checked but never written; save as .xlsx to get alerts written back"),
    ".ods": ("LibreOffice（.ods）格式只能检查，不能安全写回提醒；另存为 .xlsx 后即可写回",
             ".ods files are checked but never written; save as .xlsx to get alerts written back"),
    ".et": ("WPS（.et）格式只能检查，不能安全写回提醒；在 WPS 中另存为 .xlsx 后即可写回",
            "WPS .et files are checked but never written; save as .xlsx to get alerts written back"),
}


def is_lock_or_temp(path: Path) -> bool:
    """Excel/WPS owner files, LibreOffice locks and hidden files are never workbooks."""
    name = path.name
    return name.startswith(("~$", ".~lock.", ".")) or name.endswith("#")


def discover(paths: Iterable[Path]) -> list[Path]:
    """The workbooks named: files as given, folders by their workbook files (not backups)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if BACKUP_DIR in child.parts or any(p.startswith(".") for p in child.relative_to(path).parts):
                    continue
                suffix = child.suffix.lower()
                if child.is_file() and suffix in WORKBOOK_SUFFIXES and not is_lock_or_temp(child):
                    found.append(child)
        else:
            found.append(path)
    return found


class WorkbookSource:
    """One workbook file on disk (a shared folder is a list of these)."""

    def __init__(self, path: Path, backups: int = 10, limits: ReadLimits | None = None):
        self.path = path
        self.name = str(path)
        self.backups = backups
        self.limits = limits or ReadLimits()
        self.kind = "xlsx" if path.suffix.lower() in WRITABLE_SUFFIXES else "readonly"
        self.state: FileFingerprint | None = None

    def _load(self) -> tuple[bytes, FileFingerprint]:
        try:
            stat = self.path.stat()
            data = self.path.read_bytes()
        except FileNotFoundError:
            raise SourceError(f"找不到工作簿：{self.path}", f"Workbook not found: {self.path}") from None
        except PermissionError:
            raise SourceError(f"没有权限读取工作簿：{self.path}", f"No permission to read workbook: {self.path}") from None
        except IsADirectoryError:
            raise SourceError(f"{self.path} 是文件夹，不是工作簿", f"{self.path} is a folder, not a workbook") from None
        except OSError as exc:
            raise SourceError(f"无法读取工作簿 {self.path}：{exc.strerror}", f"Cannot read workbook {self.path}: {exc}") from None
        return data, fingerprint_bytes(data, stat)

    def read(self, pack: Pack) -> ReadResult:
        """The pack's sheets of this workbook as tables (other sheets are not even parsed)."""
        grids = self.grids(lambda title: match_sheet(title, pack) is not None)
        tables, findings = build_tables(self.name, grids, pack)
        return ReadResult(tables=tables, findings=findings, state=self.state, alert_header=pack.alert_header,
                          also_covers=(WHOLE_FILE,))

    def grids(self, wanted: Callable[[str], bool]) -> list[tuple[str, list[list[Any]]]]:
        """(title, grid) of every sheet `wanted` accepts; grid[0] is sheet row 1.

        Remembers the file's state as read in `self.state`, for a safe write-back later.
        """
        data, self.state = self._load()
        return workbook_grids(self.path, data, self.kind == "xlsx", wanted, self.limits)

    def write(self, read: ReadResult, alerts: dict[str, dict[int, Alert]]) -> WriteOutcome:
        """Hand the alert texts to the zip editor with what the file was when read."""
        suffix = self.path.suffix.lower()
        if self.kind == "readonly":
            zh, en = READONLY_REASONS.get(suffix, ("这种格式只能检查，不能写回提醒", "This format is checked but never written"))
            return WriteOutcome(status="readonly", reason=zh, reason_en=en)
        expected = read.state  # the FileFingerprint taken when the workbook was read
        from sync.sources.xlsx.writing import SheetAlerts, write_alerts  # `check` never writes: not imported

        sheets = {table.sheet: SheetAlerts(header_row=table.header_row, alerts=alerts.get(table.sheet, {}),
                                          header=read.alert_header)
                  for table in read.tables}
        return write_alerts(self.path, sheets, backups=self.backups, expected=expected, limits=self.limits)


def empty_folder(path: Path) -> SourceError:
    """Why a configured path gave no workbook at all: missing, or holding none."""
    if not path.exists():
        return SourceError(f"找不到 {path}：请检查配置里的文件夹或工作簿路径是否写错；在找到之前，原有提醒保持不变",
                           f"{path} does not exist: check the path in the config; open alerts stay open meanwhile")
    return SourceError(f"文件夹 {path} 里没有找到任何工作簿（.xlsx、.xlsm、.xls、.ods、.et）：文件是否被移走了？在找到之前，原有提醒保持不变",
                       f"No workbook found in folder {path}: were the files moved? Open alerts stay open meanwhile")
