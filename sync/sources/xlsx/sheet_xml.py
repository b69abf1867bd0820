"""Reading bits of a sheet's XML without parsing it: its rows, their cells, shared strings,
and the sheet part itself as slices of rows (kept whole when small).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape

from rules.model import column_number
from sync.sources.xlsx.row_slices import row_slices


class NotWritable(Exception):
    """The file can be read and checked, but not safely written; the message says why."""

    def __init__(self, zh: str, en: str):
        super().__init__(zh)
        self.zh, self.en = zh, en


def prefix_of(xml: bytes, root: bytes) -> bytes:
    """The namespace prefix (b"x:") the part's root element is written with, or b""."""
    match = re.search(rb"<(\w+:)?" + root + rb"[\s>]", xml)
    return match[1] or b"" if match else b""


class SharedStrings:
    """Shared strings by index, decoding only those asked for, in one pass over the part."""

    _ITEM = re.compile(rb"<(?:\w+:)?si\b(?:[^>]*/>|.*?</(?:\w+:)?si>)", re.S)

    def __init__(self, xml: bytes | None):
        self.xml = xml or b""
        self._texts: dict[int, str] = {}

    def load(self, indexes: set[int]) -> None:
        wanted = indexes - self._texts.keys()
        if not wanted:
            return
        last = max(wanted)
        for index, match in enumerate(self._ITEM.finditer(self.xml)):
            if index in wanted:
                self._texts[index] = run_text(match[0])
            if index >= last:
                break

    def text(self, index: int) -> str:
        self.load({index})
        return self._texts.get(index, "")


def run_text(xml: bytes) -> str:
    """Text of <t> runs (skipping phonetic <rPh> runs), unescaped."""
    xml = re.sub(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", b"", xml, flags=re.S)
    parts = re.findall(rb"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", xml, re.S)
    return unescape(b"".join(parts).decode("utf-8"))


CELL = re.compile(rb"<(?P<p>\w+:)?c\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</(?P=p)?c>)", re.S)
ATTR_R = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
ATTR_T = re.compile(rb'\bt="(\w+)"')
ATTR_S = re.compile(rb'\bs="(\d+)"')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


def column_index(letters: bytes) -> int:
    """0-based column index of a cell reference's letters."""
    return column_number(letters) - 1


def cell_text(attrs: bytes, body: bytes | None, strings: SharedStrings) -> str:
    """The text a cell shows (its shared or inline string, or its value as written)."""
    if not body:
        return ""
    kind = ATTR_T.search(attrs)
    kind = kind[1] if kind else b"n"
    if kind == b"inlineStr":
        return run_text(body)
    value = re.search(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", body, re.S)
    if value is None:
        return ""
    if kind == b"s":
        try:
            return strings.text(int(value[1]))
        except ValueError:
            return ""
    return unescape(value[1].decode("utf-8"))


def shared_index(attrs: bytes, body: bytes | None) -> int | None:
    """The shared-string index a cell refers to, or None."""
    kind = ATTR_T.search(attrs)
    if not body or not kind or kind[1] != b"s":
        return None
    value = re.search(rb"<(?:\w+:)?v>\s*(\d+)\s*</(?:\w+:)?v>", body)
    return int(value[1]) if value else None


@dataclass
class Row:
    """One <row> element: offsets into the XML it was found in."""

    number: int
    start: int  # offset of "<row"
    end: int  # offset just past "</row>" or "/>"
    open_end: int  # offset just past the opening tag's ">"
    self_closing: bool


class RowScanner:
    """The <row> elements of sheetData in document order, across slices: rows without r=
    are numbered on from the one before, as a spreadsheet program does."""

    def __init__(self, prefix: bytes):
        self.opener = re.compile(rb"<" + re.escape(prefix) + rb"row\b([^>]*?)(/?)>")
        self.any_row = re.compile(rb"<" + re.escape(prefix) + rb"row\b")
        self.numbered = re.compile(rb"<" + re.escape(prefix) + rb'row r="(\d+)"')
        self.close = b"</" + prefix + b"row>"
        self.number = 0

    def rows(self, xml: bytes) -> Iterator[Row]:
        position = 0
        while True:
            match = self.opener.search(xml, position)
            if match is None:
                return
            found = _ROW_NUMBER.search(match[1])
            self.number = int(found[1]) if found else self.number + 1
            row = self._row(xml, match, self.number)
            yield row
            position = row.end

    def _row(self, xml: bytes, match: re.Match[bytes], number: int) -> Row:
        if match[2]:
            return Row(number, match.start(), match.end(), match.end(), True)
        end = xml.find(self.close, match.end())
        if end < 0:
            raise NotWritable("工作表内容不完整（缺少行结束标记），不能安全写入", "Sheet XML has an unterminated row")
        return Row(number, match.start(), end + len(self.close), match.end(), False)

    def index(self, xml: bytes) -> tuple[list[int], list[int]] | None:
        """(row numbers, offsets of their "<row") of every row in `xml`, found without going
        through each row in Python, when the rows are as spreadsheet programs write them:
        every one opening with its r= and the numbers rising after the rows before. None
        otherwise (then `rows` is the way). The next slice numbers on from the last row."""
        found = [(int(m[1]), m.start()) for m in self.numbered.finditer(xml)]
        if len(found) != len(self.any_row.findall(xml)):
            return None
        numbers = [number for number, _ in found]
        if any(later <= earlier for earlier, later in zip([self.number, *numbers], numbers, strict=False)):
            return None
        if numbers:
            self.number = numbers[-1]
        return numbers, [start for _, start in found]

    def row_at(self, xml: bytes, start: int, number: int) -> Row:
        """The row whose "<row" is at `start` (an offset `index` gave)."""
        match = self.opener.match(xml, start)
        if match is None:  # pragma: no cover - `index` found "<row" here
            raise NotWritable("工作表内容不完整，不能安全写入", "Sheet XML is incomplete")
        return self._row(xml, match, number)


def cells_of(xml: bytes, row: Row) -> list[tuple[int, int, int, bytes, bytes | None]]:
    """(column index, start, end, attrs, body) of each cell of a row, offsets into the XML."""
    if row.self_closing:
        return []
    cells = []
    for match in CELL.finditer(xml, row.open_end, row.end):
        ref = ATTR_R.search(match["attrs"])
        if ref is None:
            raise NotWritable("工作表中有不带位置的单元格，不能安全写入", "Sheet has cells without references")
        cells.append((column_index(ref[1]), match.start(), match.end(), match["attrs"], match["body"]))
    return cells


class SheetXml:
    """A sheet part's XML, to be gone through more than once: held whole when small, else
    inflated afresh for each pass in slices of rows, so a huge sheet costs one slice."""

    # Held whole at most this much, gone through at most this much at a time: inflating a
    # slice again for each pass costs less than holding a large sheet (a write-back runs
    # beside Excel on an old PC; 100,000 rows are 45 MB of XML). Going through slices holds
    # about four of them at once (the one in hand, the next as it is cut).
    WHOLE_UP_TO = 2 << 20
    SLICE_BYTES = 1 << 20

    def __init__(self, archive: zipfile.ZipFile, data: bytes, name: str, whole_up_to: int, slice_bytes: int):
        self.archive, self.name = archive, name
        self.slice_bytes = min(slice_bytes, self.SLICE_BYTES)
        info = archive.getinfo(name)
        self.whole = _read_member(data, archive, name) if info.file_size <= min(whole_up_to, self.WHOLE_UP_TO) else None

    def slices(self) -> Iterator[tuple[int, bytes]]:
        """(offset of the slice in the whole XML, slice), in order."""
        if self.whole is not None:
            yield 0, self.whole
            return
        offset = 0
        with self.archive.open(self.name) as stream:
            for piece in row_slices(stream, self.slice_bytes):
                yield offset, piece
                offset += len(piece)

    def head(self, size: int = 4096) -> bytes:
        """The part's first bytes (its root element and what precedes the rows)."""
        if self.whole is not None:
            return self.whole[:size]
        with self.archive.open(self.name) as stream:
            return stream.read(size)


def _read_member(data: bytes, archive: zipfile.ZipFile, name: str) -> bytes:
    """A member's contents, inflated in one call: zipfile's own read grows its result piece
    by piece, which briefly takes twice the memory of a large sheet."""
    info = archive.getinfo(name)
    if info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED) or info.flag_bits & 0x1:
        return archive.read(info)
    header = data[info.header_offset:info.header_offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        return archive.read(info)
    start = info.header_offset + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
    raw = data[start:start + info.compress_size]
    # Sized up front: growing the buffer as it inflates would briefly hold two copies.
    content = zlib.decompress(raw, -15, max(info.file_size, 1)) if info.compress_type == zipfile.ZIP_DEFLATED else raw
    if len(content) != info.file_size or zlib.crc32(content) != info.CRC:
        raise zipfile.BadZipFile(f"bad member {name}")
    return content
