"""Reading a workbook's bytes into grids with python-calamine.

Calamine is fast and knows the Chinese built-in date formats, but it reports spreadsheet
error values as empty cells, so the sheet XML is scanned for `t="e"` cells as well: a #REF!
must be a finding, not a silently blank cell.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import python_calamine
from openpyxl.utils.cell import column_index_from_string

from rules.model import CellError
from sync.sources.base import SourceError
from sync.sources.xlsx.parts import sheet_parts

_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_CELL_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</")


def _error_cells(xml: bytes) -> list[tuple[int, int, str]]:
    """(row index, column index, error text) of every error-valued cell in a sheet's XML."""
    if b't="e"' not in xml:
        return []
    cells: list[tuple[int, int, str]] = []
    for match in _ERROR_CELL.finditer(xml):
        ref = _CELL_REF.search(match[1])
        value = _CELL_VALUE.search(match[2])
        if ref and value:
            cells.append((int(ref[2]) - 1, column_index_from_string(ref[1].decode()) - 1, value[1].decode("utf-8", "replace")))
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


def workbook_grids(path: Path, data: bytes, scan_errors: bool,
                   wanted: Callable[[str], bool]) -> list[tuple[str, list[list[Any]]]]:
    """(title, grid) of every sheet `wanted` accepts; grid[0] is sheet row 1."""
    if not data:
        raise SourceError(f"工作簿 {path} 是空文件（0 字节）", f"Workbook {path} is an empty file")
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise SourceError(f"工作簿 {path} 设有打开密码，无法读取；请取消密码后再放入文件夹",
                          f"Workbook {path} is password-protected") from None
    except Exception as exc:  # calamine raises several kinds for one cause: a file it cannot parse
        raise SourceError(f"无法读取工作簿 {path}：文件已损坏，或不是 Excel/WPS 表格（{type(exc).__name__}）",
                          f"Cannot read workbook {path}: damaged or not a spreadsheet ({exc})") from None
    titles = [title for title in workbook.sheet_names if wanted(title)]
    # The error-value scan unzips the sheet XML; zlib lets go of the GIL, so it runs
    # beside calamine's parse instead of after it.
    scan = _ErrorScan(data, titles) if scan_errors and titles else None
    grids: list[tuple[str, list[list[Any]]]] = []
    for title in titles:
        try:
            grid = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
        except Exception as exc:  # a damaged part: say which sheet, never a traceback
            raise SourceError(f"无法读取工作簿 {path} 的工作表「{title}」：{exc}",
                              f"Cannot read sheet '{title}' of {path}: {exc}") from None
        grids.append((title, grid))
    if scan is not None:
        errors = scan.result()
        for title, grid in grids:
            _put_errors(grid, errors.get(title, []))
    return grids
