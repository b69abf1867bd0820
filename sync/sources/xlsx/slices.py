"""A large sheet read a slice of rows at a time, so memory follows the values, not calamine.

Calamine parses a whole sheet into one rectangle, and `to_python` then copies every cell
into its own Python object: a 1,048,576-row × 10-column sheet peaks at 1.3 GB before any
checking starts. Here each slice of the sheet's XML (ending at a row's end) is wrapped in
the workbook's own parts (styles, shared strings: so dates and texts come out exactly as
calamine reads them whole) and parsed on its own; equal texts and dates are kept once.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

import python_calamine

_OPEN = re.compile(rb"<(\w+:)?sheetData\b[^>]*?(/?)>")
_CLOSE = re.compile(rb"</(\w+:)?sheetData>")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")
_KEEP_AT_MOST = 500_000  # distinct values remembered per kind; past that, values are not shared
_EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>')


# A row without its r="7": calamine would number it within the slice, not the sheet.
_ROW_WITHOUT_NUMBER = re.compile(rb"<(?:\w+:)?row(?![^>]*\sr=)[\s/>]")


class NotSliceable(Exception):
    """The sheet's rows do not say their numbers: it is read whole."""


_SAFE = {str, date, datetime, time}  # no value of one equals a value of another (1 == 1.0 == True would)


class _Shared:
    """One object per distinct text or date in a column: a sheet repeats the same few hundred
    of each. Works a column at a time, so the lookups run in C (map over dict.setdefault)."""

    def __init__(self) -> None:
        self.kept: dict[int, dict[Any, Any]] = {}

    def rows(self, values: list[list[Any]]) -> list[list[Any]]:
        if not values:
            return values
        columns = []
        for index, column in enumerate(zip(*values, strict=True)):
            kept = self.kept.setdefault(index, {})
            types = set(map(type, column))
            if len(kept) > _KEEP_AT_MOST:  # mostly distinct values: sharing would only cost
                columns.append(column)
            elif types <= _SAFE:
                columns.append(list(map(kept.setdefault, column, column)))
            elif float in types and types <= _SAFE | {float}:
                # Numbers apart from the rest (1.0 == True); a stock count repeats a few hundred.
                floats = self.kept.setdefault(-1 - index, {})
                if len(floats) > _KEEP_AT_MOST:
                    floats = {}
                columns.append([floats.setdefault(v, v) if v.__class__ is float else kept.setdefault(v, v)
                                for v in column])
            elif str in types:
                columns.append([kept.setdefault(v, v) if type(v) is str else v for v in column])
            else:
                columns.append(column)
        return list(map(list, zip(*columns, strict=True)))


class SlicedSheet:
    """The rows of one sheet, built from its XML slices in order."""

    def __init__(self, archive: zipfile.ZipFile, member: str, worksheets: Iterable[str]):
        others = set(worksheets) - {member}
        # Every part but the sheets, stored once: each slice's little workbook reuses them.
        self.parts = {info.filename: (_EMPTY_SHEET if info.filename in others else archive.read(info))
                      for info in archive.infolist() if info.filename != member and not info.is_dir()}
        self.member = member
        self.head: bytes | None = None
        self.tail = b""
        self.grid: list[list[Any]] = []
        self.shared = _Shared()

    def add(self, piece: bytes, title: str, width: int) -> None:
        """Parse one slice (rows ending at a row's end) and append its rows at their places;
        `width` is the farthest column its cells may reach (limits.Extent has seen them)."""
        if self.head is None:
            opening = _OPEN.search(piece)
            if opening is None:
                self.head = b""
                return
            prefix = opening[1] or b""
            self.head = _DIMENSION.sub(b"", piece[:opening.start()]) + b"<" + prefix + b"sheetData>"
            self.tail = b"</" + prefix + b"sheetData></" + prefix + b"worksheet>"
            piece = b"" if opening[2] else piece[opening.end():]
        # Counting is quick; the pattern (prefixed tags too) only when the counts disagree.
        if piece.count(b"<row") != piece.count(b'<row r="') and _ROW_WITHOUT_NUMBER.search(piece):
            raise NotSliceable
        near = piece.find(b"sheetData>")  # a plain search first: the pattern only near the end tag
        closing = _CLOSE.search(piece, max(0, near - 40)) if near >= 0 else None
        if closing is not None:
            piece = piece[:closing.start()]
        if not piece.strip():
            return
        for group in row_groups(piece, width):
            self._parse(group, title)

    def _parse(self, rows: bytes, title: str) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as book:
            for name, data in self.parts.items():
                book.writestr(name, data)
            book.writestr(self.member, self.head + rows + self.tail)
        buffer.seek(0)
        sheet = python_calamine.CalamineWorkbook.from_filelike(buffer).get_sheet_by_name(title)
        values = sheet.to_python(skip_empty_area=True)
        first_row, first_column = sheet.start or (0, 0)
        while len(self.grid) < first_row:
            self.grid.append([])
        if first_column:
            values = [[""] * first_column + row for row in values]
        self.grid.extend(self.shared.rows(values))


_ROW_AT = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"')
CELLS_PER_PARSE = 4_000_000  # what one calamine parse may lay out (about 32 bytes each)


def row_groups(rows: bytes, width: int) -> list[bytes]:
    """The rows cut where calamine would lay out far more cells than they hold: calamine
    makes one rectangle from the first row to the last, so rows 1-2 and a stray row 1048576
    in one parse would cost a million empty rows. A group is cut when its rows spread over
    more than twice their number, or its rectangle would pass CELLS_PER_PARSE."""
    longest = max(1, CELLS_PER_PARSE // max(width, 1))
    starts = [(match.start(), int(match[1])) for match in _ROW_AT.finditer(rows)]
    if not starts:
        return [rows]
    cuts = [0]
    first, count = starts[0][1], 0
    for position, number in starts:
        span = number - first + 1
        if count and (span > longest or span > 2 * (count + 1) + 64):
            cuts.append(position)
            first, count = number, 0
        count += 1
    cuts.append(len(rows))
    return [rows[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if a < b]
