"""The edit that gives one sheet its 系统提醒 column and highlighting, as byte splices.

Worked out in passes over the sheet's XML (sheet_xml.SheetXml: whole when small, slices of
rows when large), never parsed into a tree: first what the sheet already has (its header,
its free columns, its conditional formats, where its rows end), then the cells to change,
row by row. The splices are applied while the sheet is streamed into the new package, so a
1,048,576-row sheet is never held whole.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape, unescape

from rules.alerts import ALERT_HEADER, Alert, highlight_formulas
from rules.model import column_letter
from sync.sources.xlsx.sheet_xml import (
    ATTR_R,
    ATTR_S,
    CELL,
    NotWritable,
    RowScanner,
    SharedStrings,
    SheetXml,
    cell_text,
    cells_of,
    column_index,
    prefix_of,
    shared_index,
)

MAX_ROW = 1048576
MAX_COLUMNS = 16384
# Elements that come after <conditionalFormatting> in CT_Worksheet, in schema order.
_AFTER_CF = ("dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks",
             "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
             "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst")
_STRICT = b"purl.oclc.org/ooxml"



class NewCell:
    """An alert cell's XML, made only as it is written out: a million-row sheet has 226,000
    alert cells, which held as bytes at once would cost some 70 MB beside the alert texts
    they repeat."""

    __slots__ = ("prefix", "letter", "number", "text", "style")

    def __init__(self, prefix: bytes, letter: str, number: int, text: str, style: bytes | None):
        self.prefix, self.letter, self.number, self.text, self.style = prefix, letter, number, text, style

    def xml(self) -> bytes:
        return cell_xml(self.prefix, f"{self.letter}{self.number}", self.text, self.style)


Splice = tuple[int, int, "bytes | NewCell"]  # replace [start, end) of the sheet XML with the bytes


@dataclass
class SheetAlerts:
    """The alerts of one sheet: its header row and the text per data row (others emptied)."""

    header_row: int
    alerts: dict[int, Alert] = field(default_factory=dict)
    header: str = ALERT_HEADER


@dataclass
class SheetEdit:
    """The sheet and its sorted splices; written out piece by piece, never joined."""

    sheet: SheetXml
    splices: list[Splice]
    changed_cells: int

    def chunks(self) -> Iterator[bytes | memoryview]:
        """The edited XML in pieces of about a megabyte: each write into the zip costs a call
        of the compressor and the checksum, and a big sheet has a splice every few rows."""
        batch: list[bytes | memoryview] = []
        size = 0
        for piece in self._pieces():
            batch.append(piece)
            size += len(piece)
            if size >= 1 << 20:
                yield b"".join(batch)
                batch, size = [], 0
        if batch:
            yield b"".join(batch)

    def _pieces(self) -> Iterator[bytes | memoryview]:
        splices = iter(self.splices)
        splice = next(splices, None)
        position = 0  # in the whole XML: what is written up to here
        for offset, piece in self.sheet.slices():
            view = memoryview(piece)  # slices of a view copy nothing
            end = offset + len(piece)
            while splice is not None and splice[0] < end:
                yield view[position - offset:splice[0] - offset]
                yield splice[2] if splice[2].__class__ is not NewCell else splice[2].xml()  # type: ignore[union-attr]
                position = max(position, splice[1])
                splice = next(splices, None)
            if position < end:
                yield view[position - offset:]
            position = max(position, end)
        while splice is not None:  # additions at the very end
            yield splice[2] if splice[2].__class__ is not NewCell else splice[2].xml()  # type: ignore[union-attr]
            splice = next(splices, None)


@dataclass
class _Survey:
    """What the sheet has before any edit (absolute offsets into its XML)."""

    prefix: bytes
    header_cells: list[tuple[int, int, int, bytes, bytes | None]]
    used: set[int]  # columns holding a value, from the first one the alerts could go in
    blocks: list[tuple[int, int, bytes]]  # every <conditionalFormatting> block
    later: int | None  # where the first element that must follow conditional formats starts
    closing: int | None  # where </worksheet> starts
    data_end: tuple[int, int, bool] | None  # </sheetData> (start, start, False) or <sheetData/> (start, end, True)
    dimension: tuple[int, int, bytes] | None  # the span and letters of <dimension ref="A1:J9">'s last column


def edit_sheet(sheet: SheetXml, wanted: SheetAlerts, strings: SharedStrings, dxf_ids: tuple[int, int]) -> SheetEdit | None:
    """The edits that give the sheet its alert column and rules, or None when nothing changes."""
    survey = _survey(sheet, wanted, strings)
    alert_index, last_staff = None, -1
    for column, _, _, attrs, body in survey.header_cells:
        text = cell_text(attrs, body, strings).strip()
        if text == wanted.header:
            alert_index = column
        elif text:
            last_staff = max(last_staff, column)
    if alert_index is None:  # the first column with no value in any row: never write over data
        alert_index = next((c for c in range(last_staff + 1, MAX_COLUMNS) if c not in survey.used), None)
        if alert_index is None:
            raise NotWritable("工作表没有空列可以放“系统提醒”", "No free column for the alerts")
    letter = column_letter(alert_index)
    splices, changed = _cell_splices(sheet, survey, wanted, strings, letter, alert_index)
    cf_edit = _cf_splices(survey, wanted.header_row + 1, letter, dxf_ids, last_staff, alert_index)
    if not splices and cf_edit is None:
        return None
    splices.extend(cf_edit or [])
    if survey.dimension and column_index(survey.dimension[2]) < alert_index:
        splices.append((survey.dimension[0], survey.dimension[1], letter.encode()))
    splices.sort(key=lambda s: (s[0], s[1]))  # in place: a big sheet has a splice every few rows
    return SheetEdit(sheet, splices, changed)


# --- first pass: what the sheet has -------------------------------------------------------------


def _survey(sheet: SheetXml, wanted: SheetAlerts, strings: SharedStrings) -> _Survey:
    head = sheet.head()
    if _STRICT in head[:2000]:
        raise NotWritable("这是“严格 Open XML”格式的工作簿，只能检查，不能安全写入", "Strict Open XML workbooks are not written")
    prefix = prefix_of(head, b"worksheet")
    p = re.escape(prefix)
    block_re = re.compile(rb"<" + p + rb"conditionalFormatting\b.*?</" + p + rb"conditionalFormatting>", re.S)
    later_re = re.compile(rb"<" + p + rb"(?:" + b"|".join(n.encode() for n in _AFTER_CF) + rb")[\s/>]")
    empty_data_re = re.compile(rb"<" + p + rb"sheetData\s*/>")
    dimension_re = re.compile(rb"<" + p + rb'dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
    survey = _Survey(prefix, [], set(), [], None, None, None, None)
    scanner = RowScanner(prefix)
    header_seen = False
    alert_present = False
    valued = _valued_cells(prefix, 0)  # until the header says where staff columns end
    maybe = _maybe_valued(0)
    for offset, piece in sheet.slices():
        if offset == 0 and (dimension := dimension_re.search(piece)) and dimension[3]:
            survey.dimension = (dimension.start(3), dimension.end(3), dimension[3])
        if not header_seen:
            for row in scanner.rows(piece):
                if row.number >= wanted.header_row:
                    header_seen = True
                    if row.number == wanted.header_row:
                        survey.header_cells = cells_of(piece, row)
                    break
            if header_seen:
                strings.load({i for c in survey.header_cells if (i := shared_index(c[3], c[4])) is not None})
                texts = [(c[0], cell_text(c[3], c[4], strings).strip()) for c in survey.header_cells]
                alert_present = any(text == wanted.header for _, text in texts)
                first_free = max((c for c, text in texts if text), default=-1) + 1
                valued, maybe = _valued_cells(prefix, first_free), _maybe_valued(first_free)
        # Most sheets have no reference at all right of the header's columns: then the exact
        # (slower) pattern need not go through the slice.
        unusual = b'\tr="' in piece or b'\nr="' in piece or b'\rr="' in piece
        if not alert_present and (unusual or maybe.search(piece)):
            survey.used.update(column_index(m[1]) for m in valued.finditer(piece))
        # Whatever follows the rows lies past the end of sheetData, in the last slices. Its
        # closing tag is found literally ("</" never occurs in text, "sheetData" may).
        tail_from = 0
        if survey.data_end is None:
            close = piece.find(b"</" + prefix + b"sheetData>")
            if close >= 0:
                survey.data_end = (offset + close, offset + close, False)
                tail_from = close
            elif (empty := empty_data_re.search(piece)) is not None:
                survey.data_end = (offset + empty.start(), offset + empty.end(), True)
                tail_from = empty.end()
        if survey.data_end is not None:
            survey.blocks += [(offset + b.start(), offset + b.end(), b[0]) for b in block_re.finditer(piece, tail_from)]
            if survey.later is None and (later := later_re.search(piece, tail_from)):
                survey.later = offset + later.start()
            if (closing := piece.rfind(b"</" + prefix + b"worksheet>")) >= 0:
                survey.closing = offset + closing
    return survey


def _valued_cells(prefix: bytes, start: int) -> re.Pattern[bytes]:
    """Cells holding a value (or formula) in column `start` (0-based) or any to its right;
    group 1 is the column's letters."""
    return re.compile(rb"<" + re.escape(prefix) + rb'c\b[^>]*\br="(' + _letters_from(start + 1) + rb')\d+"[^>]*>\s*<(?:\w+:)?(?:v|is|f)\b')


def _maybe_valued(start: int) -> re.Pattern[bytes]:
    """Every reference (` r="K7"`, the usual spelling) in column `start` or right of it, any
    cell's, with a value or not: when none is found, `_valued_cells` finds none either."""
    return re.compile(rb' r="' + _letters_from(start + 1) + rb'\d')


def _letters_from(column: int) -> bytes:
    """A pattern for the letters of every column from `column` (1-based) rightwards."""
    letters = column_letter(column - 1)
    n = len(letters)
    options = [letters]
    for i, char in enumerate(letters):
        if char < "Z":
            options.append(letters[:i] + f"[{chr(ord(char) + 1)}-Z]" + ("[A-Z]" * (n - i - 1)))
    if n < 3:
        options.append(f"[A-Z]{{{n + 1},3}}")
    return ("(?:" + "|".join(options) + ")").encode()


# --- second pass: the cells -----------------------------------------------------------------------


def _cell_splices(sheet: SheetXml, survey: _Survey, wanted: SheetAlerts, strings: SharedStrings, letter: str,
                  alert_index: int) -> tuple[list[Splice], int]:
    """Splices that put each row's alert text (or nothing) in the alert column, and the
    number of data rows whose alert changed."""
    prefix, header_row = survey.prefix, wanted.header_row
    column_cells = re.compile(rb"<" + re.escape(prefix) + rb'c\b[^>]*\br="' + letter.encode() + rb'(\d+)"')
    targets = sorted({header_row} | {r for r in wanted.alerts if r > header_row})
    targeted = set(targets)
    pending = deque(targets)  # rows still to be met, in order: a missing one goes before the next row met
    insert_at: dict[int, int] = {}
    seen: set[int] = set()
    splices: list[Splice] = []
    changed = 0
    scanner = RowScanner(prefix)
    for offset, piece in sheet.slices():
        holding = _holding(piece, column_cells, letter)
        index = scanner.index(piece)
        rows = []
        if index is not None:  # the usual sheet: only the rows to touch are looked at
            numbers, starts = index
            for target in list(pending):
                at = bisect_left(numbers, target)
                if at == len(numbers):
                    break
                pending.popleft()
                if numbers[at] != target:
                    insert_at.setdefault(target, offset + starts[at])
            where = dict(zip(numbers, starts, strict=True))
            wanted_rows = (where.keys() & targeted) | {n for n in where.keys() & holding if n > header_row}
            for number in sorted(wanted_rows):
                rows.append(scanner.row_at(piece, where[number], number))
                seen.add(number)
        for row in scanner.rows(piece) if index is None else ():
            number = row.number
            while pending and pending[0] < number:
                insert_at.setdefault(pending.popleft(), offset + row.start)
            if pending and pending[0] == number:
                pending.popleft()
            if number == header_row or (number > header_row and (number in wanted.alerts or number in holding)):
                rows.append(row)
                seen.add(number)
        # Per row only what the splice needs: its alert cell, and where a new one goes.
        found = [(row, *_alert_cell(piece, row, prefix, letter.encode(), alert_index)) for row in rows]
        strings.load({i for _, e, _ in found if e is not None and (i := shared_index(e[3], e[4])) is not None})
        for row, existing, after in found:
            text = _wanted_text(wanted, row.number)
            old = cell_text(existing[3], existing[4], strings) if existing else ""
            if old == text:
                continue
            splices += _row_splices(piece, offset, prefix, row, existing, after, letter, text)
            changed += row.number != header_row
    missing = [(n, insert_at.get(n)) for n in targets if n not in seen and _wanted_text(wanted, n)]
    if missing:
        splices += _new_rows(survey, missing, wanted, letter)
        changed += sum(n != header_row for n, _ in missing)
    return splices, changed


def _alert_cell(piece: bytes, row, prefix: bytes, letter: bytes, alert_index: int):
    """The row's cell in the alert column (or None), and where a new one would go: before
    the first cell right of that column (None: at the row's end)."""
    quick = _quick_alert_cell(piece, row, prefix, letter, alert_index)
    if quick is not None:
        return quick
    cells = cells_of(piece, row)
    existing = next((c for c in cells if c[0] == alert_index), None)
    after = next((c[1] for c in cells if c[0] > alert_index), None)
    return existing, after


def _quick_alert_cell(piece: bytes, row, prefix: bytes, letter: bytes, alert_index: int):
    """`_alert_cell` by literal searches, for a row written the usual way (` r="K7"` cells in
    column order); None when the row needs every cell looked at."""
    start, end = row.open_end, row.end
    if row.self_closing:
        return None, None
    odd = (b"r='", b'\tr="', b'\nr="', b'\rr="', b"r =", b"<" + prefix + b"c>", b"<" + prefix + b"c/>")
    if any(piece.find(spelling, start, end) >= 0 for spelling in odd):
        return None
    opener = b"<" + prefix + b"c "
    at = piece.find(b' r="' + letter + b"%d" % row.number + b'"', start, end)
    if at >= 0:
        cell_start = piece.rfind(opener, start, at)
        cell = CELL.match(piece, cell_start) if cell_start >= 0 else None
        if cell is None or not cell.start("attrs") <= at < cell.end("attrs") or cell.end() > end:
            return None  # the reference's text sits in some cell's value: look at every cell
        return (alert_index, cell.start(), cell.end(), cell["attrs"], cell["body"]), None
    last = piece.rfind(opener, start, end)
    cell = CELL.match(piece, last) if last >= 0 else None
    ref = ATTR_R.search(cell["attrs"]) if cell is not None and cell.end() <= end else None
    if ref is None or column_index(ref[1]) >= alert_index:
        return None
    return None, None  # the last cell is left of the alert column: the new one goes at the end


def _holding(piece: bytes, column_cells: re.Pattern[bytes], letter: str) -> set[int]:
    """The rows that may hold a cell in the alert column: every one that does, perhaps a few
    more (text that reads like a reference), which are looked at closely and left alone.
    A reference written the usual way (` r="K7"`) is found by its literal start."""
    if b'\tr="' in piece or b'\nr="' in piece or b'\rr="' in piece:
        return {int(m[1]) for m in column_cells.finditer(piece)}
    return {int(m) for m in re.findall(rb' r="' + letter.encode() + rb'(\d+)"', piece)}


def _wanted_text(wanted: SheetAlerts, number: int) -> str:
    if number == wanted.header_row:
        return wanted.header
    alert = wanted.alerts.get(number)
    return alert.text if alert else ""


def _row_splices(piece: bytes, offset: int, prefix: bytes, row, existing, after: int | None, letter: str,
                 text: str) -> list[Splice]:
    style_match = ATTR_S.search(existing[3]) if existing else None
    style = style_match[1] if style_match else None
    new_cell = NewCell(prefix, letter, row.number, text, style)
    if existing is not None:
        return [(offset + existing[1], offset + existing[2], b"" if not text and style is None else new_cell)]
    if row.self_closing:
        opening = piece[row.start:row.end - 2].rstrip(b"/").rstrip()
        return [(offset + row.start, offset + row.end,
                 _without_spans(opening) + b">" + new_cell.xml() + b"</" + prefix + b"row>")]
    position = after if after is not None else row.end - len(b"</" + prefix + b"row>")
    splices = [(offset + position, offset + position, new_cell)]
    opening = piece[row.start:row.open_end]
    if b"spans=" in opening:  # Excel's hint of the row's first and last cell: now wrong
        splices.append((offset + row.start, offset + row.open_end, _without_spans(opening[:-1]) + b">"))
    return splices


def _new_rows(survey: _Survey, missing: list[tuple[int, int | None]], wanted: SheetAlerts, letter: str) -> list[Splice]:
    """Rows with no cells at all that now get an alert: each goes before the next row, or
    at the end of sheetData."""
    prefix = survey.prefix

    def row_xml(number: int) -> bytes:
        return (b"<" + prefix + b'row r="' + str(number).encode() + b'">'
                + cell_xml(prefix, f"{letter}{number}", _wanted_text(wanted, number), None) + b"</" + prefix + b"row>")

    splices = [(at, at, row_xml(n)) for n, at in missing if at is not None]
    at_end = b"".join(row_xml(n) for n, at in missing if at is None)
    if at_end:
        if survey.data_end is None:
            raise NotWritable("工作表没有数据区，不能安全写入", "Sheet XML has no sheetData")
        start, end, empty = survey.data_end
        if empty:
            at_end = b"<" + prefix + b"sheetData>" + at_end + b"</" + prefix + b"sheetData>"
        splices.append((start, end, at_end))
    return splices


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_xml(prefix: bytes, ref: str, text: str, style: bytes | None) -> bytes:
    """An inline-text cell (or an empty styled one), never a formula."""
    style_attr = b' s="' + style + b'"' if style else b""
    if not text:
        return b"<" + prefix + b'c r="' + ref.encode() + b'"' + style_attr + b"/>"
    clean = _CONTROL.sub("", text)  # XML 1.0 allows no other control characters
    body = escape(clean, quote=False).encode("utf-8")
    return (b"<" + prefix + b'c r="' + ref.encode() + b'"' + style_attr + b' t="inlineStr"><' + prefix + b"is><" + prefix
            + b't xml:space="preserve">' + body + b"</" + prefix + b"t></" + prefix + b"is></" + prefix + b"c>")


def _without_spans(opening: bytes) -> bytes:
    return re.sub(rb'\sspans="[^"]*"', b"", opening)


# --- Houqin's conditional format ------------------------------------------------------------------


def _cf_block(prefix: bytes, last_column: str, first_row: int, alert_column: str, dxf_error: int, dxf_warning: int,
              priority: int) -> bytes:
    error, warning = (escape(f, quote=False).replace('"', "&quot;").encode() for f in highlight_formulas(f"${alert_column}{first_row}"))
    p = prefix
    return (b"<" + p + b'conditionalFormatting sqref="A' + str(first_row).encode() + b":" + last_column.encode()
            + str(MAX_ROW).encode() + b'"><' + p + b'cfRule type="expression" dxfId="' + str(dxf_error).encode()
            + b'" priority="' + str(priority).encode() + b'" stopIfTrue="1"><' + p + b"formula>" + error + b"</" + p
            + b"formula></" + p + b'cfRule><' + p + b'cfRule type="expression" dxfId="' + str(dxf_warning).encode()
            + b'" priority="' + str(priority + 1).encode() + b'"><' + p + b"formula>" + warning + b"</" + p
            + b"formula></" + p + b"cfRule></" + p + b"conditionalFormatting>")


_CF_SQREF = re.compile(r'\bsqref="A(\d+):[A-Z]{1,3}' + str(MAX_ROW) + '"')
_CF_FORMULA = re.compile(r"<(?:\w+:)?formula>(.*?)</(?:\w+:)?formula>", re.S)
_CF_RULE = re.compile(r"<(?:\w+:)?cfRule\b")
_KEYED = re.compile(r"LEN\(\$([A-Z]{1,3})(\d+)\)>0")


def is_ours(block: bytes) -> bool:
    """A conditional-format block exactly as Houqin writes it: from a first data row to the
    sheet's last row, Houqin's two tests keyed on one alert cell and nothing else, however
    the writer escaped its text (an lxml-backed writer spells the tag as character
    references). A staff rule that merely looks alike (one of the tests, another range) is
    staff's and is never touched."""
    text = unescape(block.decode("utf-8", "replace"))
    span = _CF_SQREF.search(text)
    formulas = [unescape(f).strip() for f in _CF_FORMULA.findall(text)]
    if span is None or len(_CF_RULE.findall(text)) != 2 or len(formulas) != 2:
        return False
    keyed = _KEYED.fullmatch(formulas[1])
    return bool(keyed) and keyed[2] == span[1] and tuple(formulas) == highlight_formulas(f"${keyed[1]}{keyed[2]}")


def _cf_splices(survey: _Survey, first_row: int, letter: str, dxf_ids: tuple[int, int], last_staff: int,
                alert_index: int) -> list[Splice] | None:
    """Replace or add Houqin's conditional-formatting block; None when it is already right."""
    mine = [b for b in survey.blocks if is_ours(b[2])]
    others = [b for b in survey.blocks if not is_ours(b[2])]
    priorities = [int(p) for b in others for p in re.findall(rb'priority="(\d+)"', b[2])]
    # After staff's own rules: theirs keep their priority and their look where both apply.
    priority = max(priorities, default=0) + 1
    last_column = column_letter(max(alert_index, last_staff))
    block = _cf_block(survey.prefix, last_column, first_row, letter, dxf_ids[0], dxf_ids[1], priority)
    if len(mine) == 1 and mine[0][2] == block:
        return None
    splices = [(start, end, b"") for start, end, _ in mine]
    if mine:
        splices[0] = (mine[0][0], mine[0][1], block)
        return splices
    if others:
        at = others[-1][1]
    elif survey.later is not None:
        at = survey.later
    elif survey.closing is not None:
        at = survey.closing
    else:
        raise NotWritable("工作表结构不完整，不能安全写入", "Sheet XML has no closing tag")
    return [(at, at, block)]
