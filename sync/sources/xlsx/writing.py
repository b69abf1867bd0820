"""Writing alerts into an .xlsx without round-tripping it through a spreadsheet library.

Only what Houqin owns is edited inside the zip: in the sheet's XML the 系统提醒 cells (inline
text, never formulas) and one <conditionalFormatting> block holding its two rules; in the
styles part, two <dxf> entries appended once. Every other member is copied unchanged, in the
same order with the same names, dates and compression. Edits splice bytes; the sheet is
never parsed into a tree, so a 100,000-row sheet costs little time and memory.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import zipfile
import zlib
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from rules.alerts import ALERT_HEADER, Alert, highlight_formulas
from sync.sources.base import WriteOutcome
from sync.sources.xlsx.access import folder_outcome, write_refusal
from sync.sources.xlsx.file_safety import (
    FileFingerprint,
    FolderBusy,
    SavedMeanwhile,
    find_lock,
    fingerprint_bytes,
    folder_lock,
    note_path,
    short_name,
    store_backup,
    swap_in,
    swap_step,
    temporary_beside,
)
from sync.sources.xlsx.parts import sheet_parts, workbook_part

__all__ = ["FileFingerprint", "SheetAlerts", "write_alerts", "writable_reason"]

# Excel's own "light red fill with dark red text" and "yellow fill with dark yellow text".
DXF_ERROR = b'<dxf><font><color rgb="FF9C0006"/></font><fill><patternFill><bgColor rgb="FFFFC7CE"/></patternFill></fill></dxf>'
DXF_WARNING = b'<dxf><font><color rgb="FF9C5700"/></font><fill><patternFill><bgColor rgb="FFFFEB9C"/></patternFill></fill></dxf>'
MAX_ROW = 1048576

# Elements that come after <conditionalFormatting> in CT_Worksheet, in schema order.
_AFTER_CF = ("dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks",
             "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
             "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst")
# Elements after <dxfs> in CT_Stylesheet.
_AFTER_DXFS = ("tableStyles", "colors", "extLst")
_STRICT = b"purl.oclc.org/ooxml"


@dataclass
class SheetAlerts:
    """The alerts of one sheet: its header row and the text per data row (others emptied)."""

    header_row: int
    alerts: dict[int, Alert] = field(default_factory=dict)
    header: str = ALERT_HEADER


class NotWritable(Exception):
    """The file can be read and checked, but not safely written; the message says why."""

    def __init__(self, zh: str, en: str):
        super().__init__(zh)
        self.zh, self.en = zh, en


# --- reading bits of XML without parsing the whole part ------------------------------------


def _prefix(xml: bytes, root: bytes) -> bytes:
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
                self._texts[index] = _run_text(match[0])
            if index >= last:
                break

    def text(self, index: int) -> str:
        self.load({index})
        return self._texts.get(index, "")


def _run_text(xml: bytes) -> str:
    """Text of <t> runs (skipping phonetic <rPh> runs), unescaped."""
    xml = re.sub(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", b"", xml, flags=re.S)
    parts = re.findall(rb"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", xml, re.S)
    return unescape(b"".join(parts).decode("utf-8"))


_CELL = re.compile(rb"<(?P<p>\w+:)?c\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</(?P=p)?c>)", re.S)
_ATTR_R = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ATTR_T = re.compile(rb'\bt="(\w+)"')
_ATTR_S = re.compile(rb'\bs="(\d+)"')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


def _column_number(letters: bytes) -> int:
    """0-based column index of a cell reference's letters."""
    return column_index_from_string(letters.decode()) - 1


def _cell_text(attrs: bytes, body: bytes | None, strings: SharedStrings) -> str:
    if not body:
        return ""
    kind = _ATTR_T.search(attrs)
    kind = kind[1] if kind else b"n"
    if kind == b"inlineStr":
        return _run_text(body)
    value = re.search(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", body, re.S)
    if value is None:
        return ""
    if kind == b"s":
        try:
            return strings.text(int(value[1]))
        except ValueError:
            return ""
    return unescape(value[1].decode("utf-8"))


@dataclass
class _Row:
    number: int
    start: int  # offset of "<row" in the sheet XML
    end: int  # offset just past "</row>" or "/>"
    open_end: int  # offset just past the opening tag's ">"
    self_closing: bool


def _rows(xml: bytes, prefix: bytes, wanted: set[int]) -> dict[int, _Row]:
    """The <row> elements of sheetData with the wanted numbers (rows without r= are numbered
    in order). Only those are kept: a 100,000-row sheet is scanned, not stored."""
    rows: dict[int, _Row] = {}
    opener = re.compile(rb"<" + re.escape(prefix) + rb"row\b([^>]*?)(/?)>")
    close = b"</" + prefix + b"row>"
    number = 0
    position = 0
    last = max(wanted, default=0)
    while True:
        match = opener.search(xml, position)
        if match is None:
            break
        found = _ROW_NUMBER.search(match[1])
        number = int(found[1]) if found else number + 1
        if match[2]:
            end, self_closing = match.end(), True
        else:
            end = xml.find(close, match.end())
            if end < 0:
                raise NotWritable("工作表内容不完整（缺少行结束标记），不能安全写入", "Sheet XML has an unterminated row")
            end, self_closing = end + len(close), False
        if number in wanted:
            rows[number] = _Row(number, match.start(), end, match.end(), self_closing)
        if number > last and found:
            break
        position = end
    return rows


def _first_row_after(xml: bytes, prefix: bytes, number: int) -> int | None:
    """Offset of the first row numbered above `number`, for placing a new row."""
    for match in re.finditer(rb"<" + re.escape(prefix) + rb"row\b([^>]*?)/?>", xml):
        found = _ROW_NUMBER.search(match[1])
        if found and int(found[1]) > number:
            return match.start()
    return None


def _cells_of(xml: bytes, row: _Row) -> list[tuple[int, int, int, bytes, bytes | None]]:
    """(column index, start, end, attrs, body) of each cell of a row, offsets into the XML."""
    if row.self_closing:
        return []
    cells = []
    for match in _CELL.finditer(xml, row.open_end, row.end):
        ref = _ATTR_R.search(match["attrs"])
        if ref is None:
            raise NotWritable("工作表中有不带位置的单元格，不能安全写入", "Sheet has cells without references")
        cells.append((_column_number(ref[1]), match.start(), match.end(), match["attrs"], match["body"]))
    return cells


# --- the edit ----------------------------------------------------------------------------------


def _cell_xml(prefix: bytes, ref: str, text: str, style: bytes | None) -> bytes:
    style_attr = b' s="' + style + b'"' if style else b""
    if not text:
        return b"<" + prefix + b'c r="' + ref.encode() + b'"' + style_attr + b"/>"
    clean = "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)
    body = escape(clean).encode("utf-8")
    return (b"<" + prefix + b'c r="' + ref.encode() + b'"' + style_attr + b' t="inlineStr"><' + prefix + b"is><" + prefix
            + b't xml:space="preserve">' + body + b"</" + prefix + b"t></" + prefix + b"is></" + prefix + b"c>")


def _cf_block(prefix: bytes, last_column: str, first_row: int, alert_column: str, dxf_error: int, dxf_warning: int,
              priority: int) -> bytes:
    error, warning = (escape(f, {'"': "&quot;"}).encode() for f in highlight_formulas(f"${alert_column}{first_row}"))
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


def _ours(block: bytes) -> bool:
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


@dataclass
class _SheetEdit:
    """The original sheet XML and sorted splices; written out piece by piece, never joined."""

    xml: bytes
    splices: list[tuple[int, int, bytes]]
    changed_cells: int

    def chunks(self):
        view = memoryview(self.xml)  # slices of a view copy nothing
        position = 0
        for start, end, text in self.splices:
            yield view[position:start]
            yield text
            position = end
        yield view[position:]


def _shared_index(attrs: bytes, body: bytes | None) -> int | None:
    kind = _ATTR_T.search(attrs)
    if not body or not kind or kind[1] != b"s":
        return None
    value = re.search(rb"<(?:\w+:)?v>\s*(\d+)\s*</(?:\w+:)?v>", body)
    return int(value[1]) if value else None


def _edit_sheet(xml: bytes, wanted: SheetAlerts, strings: SharedStrings, dxf_ids: tuple[int, int]) -> _SheetEdit | None:
    """The edits that give the sheet its alert column and rules, or None when nothing changes."""
    prefix = _prefix(xml, b"worksheet")
    if _STRICT in xml[:2000]:
        raise NotWritable("这是“严格 Open XML”格式的工作簿，只能检查，不能安全写入", "Strict Open XML workbooks are not written")
    header = _rows(xml, prefix, {wanted.header_row}).get(wanted.header_row)
    header_cells = _cells_of(xml, header) if header else []
    strings.load({i for c in header_cells if (i := _shared_index(c[3], c[4])) is not None})
    alert_index = None
    last_staff = -1
    for column, _, _, attrs, body in header_cells:
        text = _cell_text(attrs, body, strings).strip()
        if text == wanted.header:
            alert_index = column
        elif text:
            last_staff = max(last_staff, column)
    if alert_index is None:
        alert_index = _free_column(xml, last_staff + 1, prefix)
    letter = get_column_letter(alert_index + 1)
    # Rows to look at: those wanting an alert, and those holding one now.
    column_cells = re.compile(rb"<" + re.escape(prefix) + rb'c\b[^>]*\br="' + letter.encode() + rb'(\d+)"')
    current_rows = {int(m[1]) for m in column_cells.finditer(xml, header.end if header else 0)}
    targets = sorted({r for r in current_rows | set(wanted.alerts) if r > wanted.header_row} | {wanted.header_row})
    rows = _rows(xml, prefix, set(targets))
    existing_cells: dict[int, tuple[list, tuple | None]] = {}
    needed: set[int] = set()
    for number, row in rows.items():
        cells = _cells_of(xml, row)
        existing = next((c for c in cells if c[0] == alert_index), None)
        existing_cells[number] = (cells, existing)
        if existing is not None and (index := _shared_index(existing[3], existing[4])) is not None:
            needed.add(index)
    strings.load(needed)
    splices: list[tuple[int, int, bytes]] = []
    changed = 0
    for number in targets:
        text = wanted.header if number == wanted.header_row else (wanted.alerts[number].text if number in wanted.alerts else "")
        row = rows.get(number)
        if row is None:
            if text:  # a row with no cells at all: add it where it belongs
                new_row = (b"<" + prefix + b'row r="' + str(number).encode() + b'">'
                           + _cell_xml(prefix, f"{letter}{number}", text, None) + b"</" + prefix + b"row>")
                splices.append(_row_insert_splice(xml, prefix, number, new_row))
                changed += number != wanted.header_row
            continue
        cells, existing = existing_cells[number]
        old = _cell_text(existing[3], existing[4], strings) if existing else ""
        if old == text:
            continue
        style_match = _ATTR_S.search(existing[3]) if existing else None
        style = style_match[1] if style_match else None
        new_cell = _cell_xml(prefix, f"{letter}{number}", text, style)
        if existing is not None:
            if not text and style is None:
                new_cell = b""
            splices.append((existing[1], existing[2], new_cell))
        elif row.self_closing:
            opening = xml[row.start:row.end - 2].rstrip(b"/").rstrip()
            splices.append((row.start, row.end, _without_spans(opening) + b">" + new_cell + b"</" + prefix + b"row>"))
        else:
            after = next((c for c in cells if c[0] > alert_index), None)
            position = after[1] if after else row.end - len(b"</" + prefix + b"row>")
            splices.append((position, position, new_cell))
            opening = xml[row.start:row.open_end]
            if b"spans=" in opening:
                splices.append((row.start, row.open_end, _without_spans(opening[:-1]) + b">"))
        if number != wanted.header_row:
            changed += 1
    cf_edit = _cf_splice(xml, prefix, wanted.header_row + 1, letter, dxf_ids, last_staff, alert_index)
    if not splices and cf_edit is None:
        return None
    if cf_edit is not None:
        splices.extend(cf_edit)
    dimension = _dimension_splice(xml, prefix, alert_index)
    if dimension:
        splices.append(dimension)
    return _SheetEdit(xml, sorted(splices, key=lambda s: (s[0], s[1])), changed)


def _row_insert_splice(xml: bytes, prefix: bytes, number: int, new_row: bytes) -> tuple[int, int, bytes]:
    """Where a new row element goes: before the next row, or at the end of sheetData."""
    at = _first_row_after(xml, prefix, number)
    if at is not None:
        return at, at, new_row
    empty = re.search(rb"<" + re.escape(prefix) + rb"sheetData\s*/>", xml)
    if empty:
        return empty.start(), empty.end(), b"<" + prefix + b"sheetData>" + new_row + b"</" + prefix + b"sheetData>"
    end = xml.find(b"</" + prefix + b"sheetData>")
    if end < 0:
        raise NotWritable("工作表没有数据区，不能安全写入", "Sheet XML has no sheetData")
    return end, end, new_row


def _without_spans(opening: bytes) -> bytes:
    return re.sub(rb'\sspans="[^"]*"', b"", opening)


def _free_column(xml: bytes, start: int, prefix: bytes) -> int:
    """The first column from `start` with no staff value in any row: never write over data."""
    column = start
    while column < 16384:
        letter = get_column_letter(column + 1).encode()
        pattern = re.compile(rb"<" + re.escape(prefix) + rb'c\b[^>]*\br="' + letter + rb'\d+"[^>]*>\s*<(?:\w+:)?(?:v|is|f)\b')
        if not pattern.search(xml):
            return column
        column += 1
    raise NotWritable("工作表没有空列可以放“系统提醒”", "No free column for the alerts")


def _cf_splice(xml: bytes, prefix: bytes, first_row: int, letter: str, dxf_ids: tuple[int, int], last_staff: int,
               alert_index: int) -> list[tuple[int, int, bytes]] | None:
    """Replace or add Houqin's conditional-formatting block; None when it is already right."""
    block_re = re.compile(rb"<" + re.escape(prefix) + rb"conditionalFormatting\b.*?</" + re.escape(prefix)
                          + rb"conditionalFormatting>", re.S)
    blocks = list(block_re.finditer(xml))
    mine = [b for b in blocks if _ours(b[0])]
    others = [b for b in blocks if not _ours(b[0])]
    priorities = [int(p) for b in others for p in re.findall(rb'priority="(\d+)"', b[0])]
    # After staff's own rules: theirs keep their priority and their look where both apply.
    priority = max(priorities, default=0) + 1
    last_column = get_column_letter(max(alert_index, last_staff) + 1)
    block = _cf_block(prefix, last_column, first_row, letter, dxf_ids[0], dxf_ids[1], priority)
    if len(mine) == 1 and mine[0][0] == block:
        return None
    splices = [(b.start(), b.end(), b"") for b in mine]
    if mine:
        splices[0] = (mine[0].start(), mine[0].end(), block)
        return splices
    if others:
        at = others[-1].end()
    else:
        at = _insert_position(xml, prefix, _AFTER_CF, b"</" + prefix + b"worksheet>")
    return [(at, at, block)]


def _insert_position(xml: bytes, prefix: bytes, later: tuple[str, ...], fallback: bytes) -> int:
    positions = []
    for name in later:
        match = re.search(rb"<" + re.escape(prefix) + name.encode() + rb"[\s/>]", xml)
        if match:
            positions.append(match.start())
    if positions:
        return min(positions)
    at = xml.rfind(fallback)
    if at < 0:
        raise NotWritable("工作表结构不完整，不能安全写入", "Sheet XML has no closing tag")
    return at


def _dimension_splice(xml: bytes, prefix: bytes, alert_index: int) -> tuple[int, int, bytes] | None:
    match = re.search(rb"<" + re.escape(prefix) + rb'dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"', xml)
    if not match or not match[3]:
        return None
    if _column_number(match[3]) >= alert_index:
        return None
    start, end = match.span(3)
    return start, end, get_column_letter(alert_index + 1).encode()


def _styles_with_dxfs(styles: bytes) -> tuple[bytes | None, tuple[int, int]]:
    """(new styles XML or None if unchanged, (error dxf id, warning dxf id))."""
    prefix = _prefix(styles, b"styleSheet")
    dxfs = re.search(rb"<" + re.escape(prefix) + rb"dxfs\b[^>]*?(?:/>|>(.*?)</" + re.escape(prefix) + rb"dxfs>)", styles, re.S)
    ours = [d.replace(b"<", b"<" + prefix).replace(b"<" + prefix + b"/", b"</" + prefix) for d in (DXF_ERROR, DXF_WARNING)]
    if dxfs is None:
        at = _insert_position(styles, prefix, _AFTER_DXFS, b"</" + prefix + b"styleSheet>")
        block = b"<" + prefix + b'dxfs count="2">' + b"".join(ours) + b"</" + prefix + b"dxfs>"
        return styles[:at] + block + styles[at:], (0, 1)
    body = dxfs[1] or b""
    existing = re.findall(rb"<" + re.escape(prefix) + rb"dxf\b.*?</" + re.escape(prefix) + rb"dxf>|<" + re.escape(prefix)
                          + rb"dxf/>", body, re.S)
    ids = []
    added = []
    for dxf in ours:
        if dxf in existing:
            ids.append(existing.index(dxf))
        else:
            ids.append(len(existing) + len(added))
            added.append(dxf)
    if not added:
        return None, (ids[0], ids[1])
    count = len(existing) + len(added)
    new_block = b"<" + prefix + b'dxfs count="' + str(count).encode() + b'">' + body + b"".join(added) + b"</" + prefix + b"dxfs>"
    return styles[:dxfs.start()] + new_block + styles[dxfs.end():], (ids[0], ids[1])


def _styles_member(archive: zipfile.ZipFile) -> str | None:
    wb = workbook_part(archive)
    rels = f"{os.path.dirname(wb)}/_rels/{os.path.basename(wb)}.rels"
    if rels in archive.NameToInfo:
        for target in re.findall(rb'Type="[^"]*/styles"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Type="[^"]*/styles"',
                                 archive.read(rels)):
            name = (target[0] or target[1]).decode()
            member = name.lstrip("/") if name.startswith("/") else os.path.normpath(os.path.join(os.path.dirname(wb), name))
            if member in archive.NameToInfo:
                return member
    return None


def writable_reason(path: Path) -> str | None:
    """Why Houqin will not write this file, in plain Chinese; None when it may."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        return f"{suffix} 格式只能检查，不能写回提醒"
    try:
        with zipfile.ZipFile(path) as archive:
            _check_package(archive)
    except NotWritable as exc:
        return exc.zh
    except (zipfile.BadZipFile, OSError):
        return "文件不是有效的 .xlsx（可能设有密码或已损坏），只能检查，不能写回"
    return None


def _check_package(archive: zipfile.ZipFile) -> tuple[dict[str, str], str]:
    if any(info.flag_bits & 0x1 for info in archive.infolist()):
        raise NotWritable("工作簿中有加密的部件，不能安全写入", "Encrypted members")
    names = [info.filename for info in archive.infolist()]
    if len(names) != len(set(names)):
        raise NotWritable("工作簿中有重名的部件，不能安全写入", "Duplicate zip members")
    parts = sheet_parts(archive)
    styles = _styles_member(archive)
    if styles is None:
        raise NotWritable("工作簿缺少样式部件，无法加上高亮，只能检查", "No styles part to hold the highlight styles")
    return parts, styles


# --- the whole write -----------------------------------------------------------------------------


def _rebuild(archive: zipfile.ZipFile, replaced: dict[str, bytes | _SheetEdit], handle) -> None:
    """The same zip with some members' contents replaced, written to `handle`: order, names,
    dates and compression kept; an edited sheet is streamed piece by piece."""
    with zipfile.ZipFile(handle, "w") as target:
        for info in archive.infolist():
            clone = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            clone.compress_type = info.compress_type
            clone.external_attr, clone.create_system, clone.comment = info.external_attr, info.create_system, info.comment
            new = replaced.get(info.filename)
            if isinstance(new, _SheetEdit):
                with target.open(clone, "w") as stream:
                    for piece in new.chunks():
                        stream.write(piece)
            elif new is not None:
                target.writestr(clone, new)
            else:
                with archive.open(info) as source, target.open(clone, "w") as stream:
                    shutil.copyfileobj(source, stream, 1 << 20)


def write_alerts(path: Path, sheets: dict[str, SheetAlerts], *, backups: int = 10,
                 expected: FileFingerprint | None = None) -> WriteOutcome:
    """Write each sheet's alert column and highlighting into the workbook, safely.

    Nothing is written when no alert text changed, when the workbook is open in Excel, WPS or
    LibreOffice, or when it changed since it was read (`expected`); every case says why.
    """
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        return WriteOutcome("readonly", f"{suffix} 格式只能检查，不能写回提醒；另存为 .xlsx 后即可写回",
                            f"{suffix} files are checked but never written")
    refusal = write_refusal(path)
    if refusal is not None:
        return refusal
    lock = find_lock(path)
    if lock is not None:
        zh, en = lock.reason()
        return WriteOutcome("skipped", zh, en)
    try:
        with folder_lock(path.parent):
            swap_step(1)
            return _write_locked(path, sheets, backups, expected)
    except FolderBusy:
        return WriteOutcome("skipped", "另一个后勤程序正在写入这个文件夹的表格（一个文件夹只应由一个后勤程序管理），"
                                       "本次不写入，下次同步再写",
                            "Another Houqin is writing in this folder; will write next cycle")
    except PermissionError:  # not even the lock could be made: nothing can be written here
        return folder_outcome(path.parent)
    except OSError as exc:
        return WriteOutcome("failed", f"写入失败：{exc.strerror or exc}，原文件未改动", f"Write failed: {exc}; original untouched")


def _write_locked(path: Path, sheets: dict[str, SheetAlerts], backups: int,
                  expected: FileFingerprint | None) -> WriteOutcome:
    try:
        stat = path.stat()
        data = path.read_bytes()
    except PermissionError:
        return WriteOutcome("skipped", "文件正被占用，下次同步再写入", "File is busy; will write next cycle")
    except FileNotFoundError:
        return WriteOutcome("aborted", "文件已被移走或改名，下次同步再试", "File was moved or renamed")
    seen = fingerprint_bytes(data, stat)
    if expected is not None and seen != expected:
        return WriteOutcome("aborted", "读取后文件又被修改过，本次不写入，下次同步再检查",
                            "The file changed after it was read; will retry next cycle")
    temporary = None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            replaced, changed_sheets, cells = _plan(archive, sheets, data)
            if not replaced:
                return WriteOutcome("unchanged", "提醒没有变化，未改动文件", "No alert changed; file untouched")
            temporary = temporary_beside(path)
            with open(temporary, "wb") as handle:
                _rebuild(archive, replaced, handle)
                handle.flush()
                os.fsync(handle.fileno())
        del data, replaced
        with contextlib.suppress(OSError):
            shutil.copymode(path, temporary)
        swap_step(2)
        outcome = _swap(path, temporary, expected or seen, backups, changed_sheets, cells)
        temporary = None if outcome.status == "written" else temporary
        return outcome
    except NotWritable as exc:
        return WriteOutcome("readonly", exc.zh, exc.en)
    except zipfile.BadZipFile:
        return WriteOutcome("readonly", "文件不是有效的 .xlsx（可能设有密码或已损坏），只能检查，不能写回",
                            "Not a valid .xlsx package (password-protected or damaged)")
    except PermissionError:
        if temporary is not None and not temporary.exists():  # the temporary could not even be made
            return folder_outcome(path.parent)
        return WriteOutcome("skipped", "文件正被占用（可能有人打开着），下次同步再写入", "File is busy; will write next cycle")
    except OSError as exc:
        return WriteOutcome("failed", f"写入失败：{exc.strerror or exc}，原文件未改动", f"Write failed: {exc}; original untouched")
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()


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


def _plan(archive: zipfile.ZipFile, sheets: dict[str, SheetAlerts], data: bytes) -> tuple[dict[str, bytes | _SheetEdit], list[str], int]:
    """What to replace in the package: edited sheets and, if needed, the styles part."""
    parts, styles_name = _check_package(archive)
    new_styles, dxf_ids = _styles_with_dxfs(archive.read(styles_name))
    strings_name = next((n for n in archive.NameToInfo if n.lower().endswith("sharedstrings.xml")), None)
    strings = SharedStrings(archive.read(strings_name) if strings_name else None)
    replaced: dict[str, bytes | _SheetEdit] = {}
    changed_sheets, cells = [], 0
    for title, wanted in sheets.items():
        member = parts.get(title)
        if member is None or "/chartsheets/" in member:
            continue
        edit = _edit_sheet(_read_member(data, archive, member), wanted, strings, dxf_ids)
        if edit is not None:
            replaced[member] = edit
            changed_sheets.append(title)
            cells += edit.changed_cells
    if replaced and new_styles is not None:
        replaced[styles_name] = new_styles
    return replaced, changed_sheets, cells


def _swap(path: Path, temporary: Path, expected: FileFingerprint, backups: int, changed_sheets: list[str],
          cells: int) -> WriteOutcome:
    if find_lock(path) is not None:
        return WriteOutcome("aborted", "写入前发现文件刚被打开，本次不写入，下次同步再试",
                            "The file was opened just before writing; will retry")
    try:
        aside = swap_in(path, temporary, expected)
    except SavedMeanwhile:
        return WriteOutcome("aborted", "写入时发现文件刚被保存过，以老师保存的为准，下次同步再写入提醒",
                            "Staff saved the file meanwhile; their version stands, alerts next cycle")
    except FileNotFoundError:
        return WriteOutcome("aborted", "文件已被移走或改名，下次同步再试", "File was moved or renamed")
    try:
        backup = store_backup(path, aside, backups)
    except OSError:  # the new file is in place; the original stays aside until the next cycle tidies it
        backup = None
    with contextlib.suppress(OSError):  # else tidied at the next cycle
        temporary.unlink()
    swap_step(7)
    if short_name(path.name) != path.name:
        with contextlib.suppress(OSError):
            note_path(path).unlink(missing_ok=True)
    swap_step(8)
    return WriteOutcome("written", sheets_changed=changed_sheets, cells_changed=cells, backup=str(backup) if backup else None)
