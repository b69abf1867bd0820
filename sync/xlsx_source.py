"""Workbook files as a source: .xlsx/.xlsm read and written; .xls/.ods/.et read only.

Reading goes through python-calamine (fast, and it knows the Chinese built-in date formats).
It reports spreadsheet error values as empty cells, so the sheet XML is scanned for
`t="e"` cells as well: a #REF! must be a finding, not a silently blank cell.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import python_calamine

from rules.alerts import Alert
from rules.model import CellError
from rules.schema import Pack
from rules.tables import build_tables, match_sheet
from sync.file_safety import FileFingerprint, fingerprint_bytes
from sync.outcome import WriteOutcome
from sync.sources import ReadResult, SourceError
from sync.xlsx_parts import sheet_parts

WRITABLE_SUFFIXES = {".xlsx", ".xlsm"}
READONLY_SUFFIXES = {".xls", ".ods", ".et"}
BACKUP_DIR = ".houqin-backups"

_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_CELL_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</")


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
                if child.is_file() and suffix in WRITABLE_SUFFIXES | READONLY_SUFFIXES and not is_lock_or_temp(child):
                    found.append(child)
        else:
            found.append(path)
    return found


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (char - 64)
    return index - 1


def _error_cells(xml: bytes) -> list[tuple[int, int, str]]:
    """(row index, column index, error text) of every error-valued cell in a sheet's XML."""
    if b't="e"' not in xml:
        return []
    cells: list[tuple[int, int, str]] = []
    for match in _ERROR_CELL.finditer(xml):
        ref = _CELL_REF.search(match[1])
        value = _CELL_VALUE.search(match[2])
        if ref and value:
            cells.append((int(ref[2]) - 1, _column_index(ref[1]), value[1].decode("utf-8", "replace")))
    return cells


def _put_errors(grid: list[list[Any]], errors: list[tuple[int, int, str]]) -> None:
    for row, column, text in errors:
        while len(grid) <= row:
            grid.append([])
        cells = grid[row]
        if len(cells) <= column:
            cells.extend([""] * (column + 1 - len(cells)))
        cells[column] = CellError(text)


class _ErrorScan:
    """Finds error-valued cells of some sheets in a background thread."""

    def __init__(self, data: bytes, titles: list[str]):
        self._errors: dict[str, list[tuple[int, int, str]]] = {}
        self._thread = threading.Thread(target=self._run, args=(data, titles), daemon=True)
        self._thread.start()

    def _run(self, data: bytes, titles: list[str]) -> None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                parts = sheet_parts(archive)
                for title in titles:
                    if title in parts:
                        self._errors[title] = _error_cells(archive.read(parts[title]))
        except Exception:  # noqa: BLE001 - a part map calamine could read past: error values stay blank
            self._errors.clear()

    def result(self) -> dict[str, list[tuple[int, int, str]]]:
        self._thread.join()
        return self._errors


class WorkbookSource:
    """One workbook file on disk (a shared folder is a list of these)."""

    def __init__(self, path: Path, backups: int = 10):
        self.path = path
        self.name = str(path)
        self.backups = backups
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
        return data, fingerprint_bytes(self.path, data, stat)

    def read(self, pack: Pack) -> ReadResult:
        """The pack's sheets of this workbook as tables (other sheets are not even parsed)."""
        grids = self.grids(lambda title: match_sheet(title, pack) is not None)
        tables, findings = build_tables(self.name, grids, pack)
        return ReadResult(tables=tables, findings=findings, state=self.state)

    def grids(self, wanted: Callable[[str], bool]) -> list[tuple[str, list[list[Any]]]]:
        """(title, grid) of every sheet `wanted` accepts; grid[0] is sheet row 1.

        Remembers the file's state as read in `self.state`, for a safe write-back later.
        """
        data, self.state = self._load()
        if not data:
            raise SourceError(f"工作簿 {self.path} 是空文件（0 字节）", f"Workbook {self.path} is an empty file")
        try:
            workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except python_calamine.PasswordError:
            raise SourceError(f"工作簿 {self.path} 设有打开密码，无法读取；请取消密码后再放入文件夹",
                              f"Workbook {self.path} is password-protected") from None
        except Exception as exc:  # calamine raises several kinds for one cause: a file it cannot parse
            raise SourceError(f"无法读取工作簿 {self.path}：文件已损坏，或不是 Excel/WPS 表格（{type(exc).__name__}）",
                              f"Cannot read workbook {self.path}: damaged or not a spreadsheet ({exc})") from None
        titles = [title for title in workbook.sheet_names if wanted(title)]
        # The error-value scan unzips the sheet XML; zlib lets go of the GIL, so it runs
        # beside calamine's parse instead of after it.
        scan = _ErrorScan(data, titles) if self.kind == "xlsx" and titles else None
        grids: list[tuple[str, list[list[Any]]]] = []
        for title in titles:
            try:
                grid = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
            except Exception as exc:  # a damaged part: say which sheet, never a traceback
                raise SourceError(f"无法读取工作簿 {self.path} 的工作表「{title}」：{exc}",
                                  f"Cannot read sheet '{title}' of {self.path}: {exc}") from None
            grids.append((title, grid))
        if scan is not None:
            errors = scan.result()
            for title, grid in grids:
                _put_errors(grid, errors.get(title, []))
        return grids

    def write(self, read: ReadResult, alerts: dict[str, dict[int, Alert]]) -> WriteOutcome:
        from sync.writeback import write_workbook

        return write_workbook(self, read, alerts)
