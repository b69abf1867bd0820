"""Reading a workbook's bytes into grids with python-calamine.

Calamine is fast and knows the Chinese built-in date formats, but it reports spreadsheet
error values as empty cells, so the sheet XML is scanned for `t="e"` cells as well: a #REF!
must be a finding, not a silently blank cell. That scan streams each wanted sheet's XML once,
before calamine parses it, and checks its cell references against the caps (limits.py).
"""

from __future__ import annotations

import io
import os
import re
import sys
import zipfile
import zlib
from collections.abc import Callable
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import python_calamine

from rules.model import CellError, column_number
from sync.sources.base import SourceError
from sync.sources.xlsx.limits import Extent, ReadLimits, check_directory, check_ods, sheet_slices
from sync.sources.xlsx.parts import sheet_parts
from sync.sources.xlsx.slices import NotSliceable, SlicedSheet

_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_CELL_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</")
# An encrypted .xlsx is an OLE file holding this stream (what Excel/WPS save with a password).
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _error_cells(xml: bytes) -> list[tuple[int, int, str]]:
    """(row index, column index, error text) of every error-valued cell in a sheet's XML."""
    if b't="e"' not in xml:
        return []
    cells: list[tuple[int, int, str]] = []
    for match in _ERROR_CELL.finditer(xml):
        ref = _CELL_REF.search(match[1])
        value = _CELL_VALUE.search(match[2])
        if ref and value:
            cells.append((int(ref[2]) - 1, column_number(ref[1]) - 1, value[1].decode("utf-8", "replace")))
    return cells


def _put_errors(grid: list[list[Any]], errors: list[tuple[int, int, str]]) -> None:
    for row, column, text in errors:
        while len(grid) <= row:
            grid.append([])
        cells = grid[row]
        if len(cells) <= column:
            cells.extend([""] * (column + 1 - len(cells)))
        cells[column] = CellError(text)


def _is_panic(exc: BaseException) -> bool:
    """Calamine's Rust panics arrive as pyo3's PanicException, which is no `Exception`."""
    return type(exc).__name__ == "PanicException"


def _scan(archive: zipfile.ZipFile, path: Path, titles: list[str], scan_errors: bool,
          limits: ReadLimits) -> tuple[dict[str, list[tuple[int, int, str]]], dict[str, list[list[Any]]]]:
    """One pass over every wanted sheet's XML before calamine parses it whole: its cells
    checked against the caps, its error-valued cells collected, and a large sheet read
    slice by slice (slices.py). Returns (error cells, grids read in slices) by title."""
    try:
        parts = sheet_parts(archive)
    except Exception:  # noqa: BLE001 - a part map calamine may read past: check every sheet part then
        parts = {}
    errors: dict[str, list[tuple[int, int, str]]] = {}
    grids: dict[str, list[list[Any]]] = {}
    unmapped = [t for t in titles if t not in parts]
    try:
        for title in [t for t in titles if t in parts]:
            found = errors.setdefault(title, [])
            large = archive.getinfo(parts[title]).file_size > limits.sliced_from
            sliced = SlicedSheet(archive, parts[title], parts.values()) if large else None
            extent = Extent(limits, reach=not large)
            for piece in sheet_slices(archive, parts[title], path, title, limits, extent):
                if scan_errors:
                    found.extend(_error_cells(piece))
                if sliced is not None:
                    sliced = _add_slice(sliced, piece, path, title, max(extent.wide, 26))
            if not large and extent.cells > limits.dense_cells:
                sliced = _read_sparse(archive, parts, path, title, limits, max(extent.wide, 26))
            if sliced is not None:
                grids[title] = sliced.grid
        for member in [n for n in archive.namelist() if "worksheets/" in n and n.endswith(".xml")] if unmapped else []:
            for _piece in sheet_slices(archive, member, path, unmapped[0], limits):
                pass
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        # e.g. a part longer than the zip directory says (a crafted bomb): damaged, not read
        raise _unreadable(path, exc) from None
    return errors, grids


def _read_sparse(archive: zipfile.ZipFile, parts: dict[str, str], path: Path, title: str,
                 limits: ReadLimits, width: int) -> SlicedSheet:
    """A small sheet with far-flung cells, read in slices so that calamine never lays out
    the empty rectangle between them."""
    sliced: SlicedSheet | None = SlicedSheet(archive, parts[title], parts.values())
    for piece in sheet_slices(archive, parts[title], path, title, limits):
        sliced = _add_slice(sliced, piece, path, title, width) if sliced is not None else None
    if sliced is None:  # rows without numbers: it could only be read whole, which would not fit
        raise SourceError(f"工作簿 {path} 的工作表「{title}」有内容分散在很远的单元格，Houqin 无法安全读取；"
                          f"请在表格中按 Ctrl+End 找到最远的单元格，删除多余的行或列后保存",
                          f"Sheet '{title}' of {path} has cells too far apart to read safely; "
                          f"press Ctrl+End to find the farthest one and delete the extra rows or columns")
    return sliced


def _add_slice(sliced: SlicedSheet, piece: bytes, path: Path, title: str, width: int) -> SlicedSheet | None:
    """The slice added; None when the sheet cannot be read in slices (calamine reads it whole)."""
    try:
        with _quiet_rust():
            sliced.add(piece, title, width)
        return sliced
    except NotSliceable:
        return None
    except BaseException as exc:
        if not isinstance(exc, Exception) and not _is_panic(exc):
            raise
        raise SourceError(f"无法读取工作簿 {path} 的工作表「{title}」：{exc}",
                          f"Cannot read sheet '{title}' of {path}: {exc}") from None


@contextmanager
def _quiet_rust():
    """Rust prints a panic and its backtrace straight to the process's stderr; the panic is
    reported as this workbook's finding instead, so that output is set aside while calamine runs."""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all (a Windows service): nothing to keep quiet
        yield
        return
    with open(os.devnull, "wb") as sink:
        sys.stderr.flush()
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _open_zip(data: bytes, path: Path, limits: ReadLimits) -> zipfile.ZipFile | None:
    """The package of an .xlsx/.xlsm/.ods, its directory checked; None for other formats."""
    if not data.startswith(b"PK"):
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return None  # calamine says it is damaged, in its words
    check_directory(archive, path, limits)
    # A damaged .ods is left to calamine, which names the damage in its own words.
    with suppress(ElementTree.ParseError, ValueError, zipfile.BadZipFile, zlib.error, EOFError):
        check_ods(archive, path, limits)
    return archive


def _unreadable(path: Path, exc: BaseException, data: bytes = b"") -> SourceError:
    if isinstance(exc, python_calamine.PasswordError) or _ENCRYPTED in data[:1 << 20] or "password" in str(exc).lower():
        return SourceError(f"工作簿 {path} 有密码，Houqin 打不开；请在 Excel/WPS 中取消打开密码后再放入文件夹",
                           f"Workbook {path} is password-protected; Houqin cannot open it")
    return SourceError(f"无法读取工作簿 {path}：文件已损坏，或不是 Excel/WPS 表格（{type(exc).__name__}）",
                       f"Cannot read workbook {path}: damaged or not a spreadsheet ({exc})")


def _calamine(data: bytes, path: Path) -> python_calamine.CalamineWorkbook:
    try:
        with _quiet_rust():
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as exc:  # calamine raises several kinds for one cause: a file it cannot parse
        if not isinstance(exc, Exception) and not _is_panic(exc):
            raise
        raise _unreadable(path, exc, data) from None


def _has_large_sheet(archive: zipfile.ZipFile, limits: ReadLimits) -> bool:
    """Whether some worksheet part is large enough to be read in slices (see _scan)."""
    return any(info.file_size > limits.sliced_from for info in archive.infolist() if "worksheets/" in info.filename)


def workbook_grids(path: Path, data: bytes, scan_errors: bool, wanted: Callable[[str], bool],
                   limits: ReadLimits | None = None) -> list[tuple[str, list[list[Any]]]]:
    """(title, grid) of every sheet `wanted` accepts; grid[0] is sheet row 1.

    Sizes are checked before anything is parsed (limits.py); a failure of calamine, a Rust
    panic included, is this workbook's SourceError, never the end of the run."""
    limits = limits or ReadLimits()
    if not data:
        raise SourceError(f"工作簿 {path} 是空文件（0 字节）", f"Workbook {path} is an empty file")
    archive = _open_zip(data, path, limits)
    workbook: python_calamine.CalamineWorkbook | None = _calamine(data, path)
    titles = [title for title in workbook.sheet_names if wanted(title)]
    if archive is not None and _has_large_sheet(archive, limits):
        # calamine holds its own copy of the file (51 MB for a million rows) while the large
        # sheet is read slice by slice without it: let it go, and open again only if needed.
        workbook = None
    errors, sliced = _scan(archive, path, titles, scan_errors, limits) if archive is not None else ({}, {})
    grids: list[tuple[str, list[list[Any]]]] = []
    for title in titles:
        grid = sliced.pop(title, None)
        if not grid:
            workbook = workbook or _calamine(data, path)
        try:
            if not grid:
                with _quiet_rust():
                    grid = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
        except BaseException as exc:  # a damaged part: say which sheet, never a traceback
            if not isinstance(exc, Exception) and not _is_panic(exc):
                raise
            raise SourceError(f"无法读取工作簿 {path} 的工作表「{title}」：{exc}",
                              f"Cannot read sheet '{title}' of {path}: {exc}") from None
        _put_errors(grid, errors.get(title, []))
        grids.append((title, grid))
    return grids
