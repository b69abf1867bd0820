"""How big a workbook Houqin agrees to parse, checked before python-calamine sees it.

Calamine builds a sheet as one rectangle from its first to its last cell: one stray cell at
XFD1048576 asks for 17 billion cells and aborts the whole process (an allocation failure in
Rust cannot be caught), and a few megabytes of zip can inflate to gigabytes. So, before any
parse: the inflated sizes in the zip directory (calamine and zipfile both refuse a part
larger than the directory says), then every cell reference of the wanted sheets, streamed
in slices. What is refused is that workbook's finding; the others are read as usual.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from rules.model import column_letter, column_number
from sync.sources.base import SourceError
from sync.sources.xlsx.row_slices import row_slices

_MAX_CARRY = 64 << 20  # a "row" longer than this is not a row a person typed


@dataclass(frozen=True)
class ReadLimits:
    """The caps ([limits] in the config); the defaults are far beyond a kindergarten's sheets."""

    max_unzipped_mb: int = 1024  # all parts of one workbook, inflated
    max_rows: int = 1_048_576  # the last row a cell may be in (Excel's own last row)
    max_columns: int = 200  # the last column a cell may be in (GR)
    # Not in the config: how a large sheet is read (slices.py). Sheets with more XML than
    # `sliced_from` bytes are read `slice_bytes` of XML at a time.
    sliced_from: int = 48 << 20
    slice_bytes: int = 16 << 20
    # A smaller sheet whose used range could hold more cells than this (one stray cell at
    # GR1048576 makes 200 million) is read in slices too: calamine lays its range out whole.
    dense_cells: int = 10_000_000


def check_directory(archive: zipfile.ZipFile, path: Path, limits: ReadLimits) -> None:
    """Refuse a workbook whose parts would inflate beyond the cap (a zip bomb, or a file that
    is no kindergarten's record)."""
    total = sum(info.file_size for info in archive.infolist())
    if total > limits.max_unzipped_mb << 20:
        raise SourceError(
            f"工作簿 {path} 解压后有 {total / 2**20:,.0f} MB，超过 Houqin 的上限 {limits.max_unzipped_mb} MB，没有读取"
            f"（可能是损坏或恶意的文件）；如确是正常的表格，可在配置 [limits] max_unzipped_mb 中调大",
            f"Workbook {path} would inflate to {total / 2**20:,.0f} MB, over the {limits.max_unzipped_mb} MB limit; "
            f"not read (raise [limits] max_unzipped_mb if it is a real record)")


class Extent:
    """Finds cell references beyond the caps in sheet XML, quickly on ordinary files, and
    (with `reach`) how far the sheet's cells may reach, for calamine lays out the whole
    rectangle from A1 to the farthest cell.

    Ordinary files write ` r="B7"`; only 2-3 letter columns and long row numbers need a
    closer look, and only references written unusually (another quote, a tab) need the slow
    pattern. With `reach`, rows of six digits count as long: a small sheet's far rows are
    few, and a large sheet (read in slices anyway) is not asked."""

    def __init__(self, limits: ReadLimits, reach: bool = False):
        self.limits = limits
        digits = 6 if reach else len(str(limits.max_rows))
        # calamine takes lower-case letters and columns past XFD (AAAAA1) as they come.
        # One literal start (` r="`) lets the pattern engine skip to each reference.
        self.fast = re.compile(rb' r="([A-Za-z]{2,}|[A-Za-z]?(?=\d{%d}))(\d+)"' % digits)
        self.slow = re.compile(rb'\sr\s*=\s*["\']([A-Za-z]*)(\d+)["\']')
        self.deep = 0  # the farthest row of six digits or more seen
        self.wide = 0  # the farthest column of two letters or more seen

    def beyond(self, xml: bytes) -> str | None:
        """The first reference in `xml` beyond the caps, as A1 text, or None."""
        for match in (self.slow if _unusual(xml) else self.fast).finditer(xml):
            letters, number = [group for group in match.groups() if group is not None]
            row, column = int(number), column_number(letters)
            if row > self.limits.max_rows or column > self.limits.max_columns:
                return (letters.decode() or "A") + number.decode()
            if row >= 100_000 and row > self.deep:
                self.deep = row
            if len(letters) > 1 and column > self.wide:
                self.wide = column
        return None

    @property
    def cells(self) -> int:
        """At most how many cells calamine's rectangle could hold (with `reach`)."""
        return max(self.deep, 99_999) * max(self.wide, 26)


def _unusual(xml: bytes) -> bool:
    """Whether a reference in `xml` may be written otherwise than ` r="B7"`: `r='B7'`, a tab or
    line break before the `r`, or a space before the `=`."""
    return (_holds(xml, b"r='", 2) or _holds(xml, b"\tr=", 0) or _holds(xml, b"\nr=", 0)
            or _holds(xml, b"\rr=", 0) or b"r =" in xml)


def _holds(xml: bytes, needle: bytes, rare: int, tries: int = 32) -> bool:
    """`needle in xml`, found by jumping to each occurrence of its byte at `rare` (a quote or
    a line break: absent or few in sheet XML, and a single byte is found at memchr speed);
    where that byte is not rare after all, the plain search."""
    char = needle[rare:rare + 1]
    at = xml.find(char, rare)
    for _ in range(tries):
        if at < 0:
            return False
        if xml.startswith(needle, at - rare):
            return True
        at = xml.find(char, at + 1)
    return needle in xml


def sheet_slices(archive: zipfile.ZipFile, member: str, path: Path, title: str, limits: ReadLimits,
                 extent: Extent | None = None) -> Iterator[bytes]:
    """The sheet's XML in slices that end at a row's end, each checked against the caps
    before it is handed on; a stray far cell is refused naming the sheet and the cell."""
    extent = extent or Extent(limits)
    with archive.open(member) as stream:
        for piece in row_slices(stream, limits.slice_bytes, _MAX_CARRY):
            far = extent.beyond(piece)
            if far is not None:
                raise _too_wide(path, title, far, limits)
            yield piece


def _too_wide(path: Path, title: str, cell: str, limits: ReadLimits) -> SourceError:
    last = f"{column_letter(limits.max_columns - 1)}{limits.max_rows}"
    return SourceError(
        f"工作簿 {path} 的工作表「{title}」在 {cell} 有内容，超出 Houqin 读取的范围（最远到 {last}），没有读取；"
        f"请在表格中按 Ctrl+End 找到这个远处的单元格，删除它所在的行或列后保存",
        f"Sheet '{title}' of {path} has content at {cell}, beyond the readable range (up to {last}); not read. "
        f"Press Ctrl+End in the sheet to find it, delete its row or column and save")


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def check_ods(archive: zipfile.ZipFile, path: Path, limits: ReadLimits) -> None:
    """Refuse an .ods sheet whose cells reach past the caps, or so far apart that calamine's
    rectangle would not fit: a repeated empty row (`number-rows-repeated="1048000"`) costs
    the file a few bytes and calamine a gigabyte per thousand columns. Calamine reads every
    sheet of an .ods when it opens it, so this runs first, streaming content.xml."""
    if "content.xml" not in archive.NameToInfo:
        return
    table = ""
    rows = row_repeat = column = 0
    reach_row = reach_column = 0
    with archive.open("content.xml") as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == _ODS_TABLE + "table":
                    table, rows, reach_row, reach_column = element.get(_ODS_TABLE + "name", ""), 0, 0, 0
                elif tag == _ODS_TABLE + "table-row":
                    row_repeat, column = int(element.get(_ODS_TABLE + "number-rows-repeated", "1")), 0
                continue
            if tag in (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell"):
                repeat = int(element.get(_ODS_TABLE + "number-columns-repeated", "1"))
                if element.get(_ODS_OFFICE + "value-type") or len(element):
                    reach_row, reach_column = rows + row_repeat, max(reach_column, column + repeat)
                column += repeat
                element.clear()
            elif tag == _ODS_TABLE + "table-row":
                rows += row_repeat
                element.clear()
            elif tag == _ODS_TABLE + "table":
                _check_reach(path, table, reach_row, reach_column, limits)
                element.clear()


def _check_reach(path: Path, title: str, rows: int, columns: int, limits: ReadLimits) -> None:
    if rows > limits.max_rows or columns > limits.max_columns:
        raise _too_wide(path, title, f"{column_letter(min(columns, 16384) - 1)}{rows}", limits)
    if rows * columns > limits.dense_cells:
        raise SourceError(
            f"工作簿 {path} 的工作表「{title}」用到了 {rows:,} 行 × {columns} 列，.ods 格式这么大的表格 Houqin 无法安全读取；"
            f"请删除远处多余的单元格，或在 WPS/Excel 中另存为 .xlsx",
            f"Sheet '{title}' of {path} spans {rows:,} rows × {columns} columns, too large to read safely as .ods; "
            f"delete the stray far cells or save it as .xlsx")
