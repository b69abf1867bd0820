"""What staff own in a workbook, exactly as stored: every cell's XML (value, formula, style
index) outside Houqin's alert column, each sheet's own conditional formats, the cell styles,
and every zip member Houqin never edits. Two snapshots compare equal when nothing of theirs
changed, byte for byte."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import python_calamine

from rules.alerts import ALERT_HEADER, highlight_formulas
from rules.model import column_letter
from sync.sources.xlsx.parts import sheet_parts
from tests.staff_workbooks import cells_by_ref

_CF_BLOCK = re.compile(rb"<(?:\w+:)?conditionalFormatting\b.*?</(?:\w+:)?conditionalFormatting>", re.S)
_CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", re.S)


def alert_columns(path: Path) -> dict[str, str]:
    """Sheet title -> letters of the column headed 系统提醒 (found in any row, as Houqin does)."""
    found = {}
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for title in book.sheet_names:
        for row in book.get_sheet_by_name(title).to_python(skip_empty_area=False)[:30]:
            if ALERT_HEADER in row:
                found[title] = column_letter(row.index(ALERT_HEADER))
                break
    return found


def snapshot(path: Path) -> dict[str, object]:
    """Everything staff own in the workbook, keyed so that a difference names its place."""
    columns = alert_columns(path)
    taken: dict[str, object] = {}
    with zipfile.ZipFile(path) as archive:
        parts = sheet_parts(archive)
        owned = set(parts.values()) | {n for n in archive.namelist() if n.endswith("styles.xml")}
        for title, member in parts.items():
            xml = archive.read(member)
            letters = columns.get(title)
            for ref, cell in cells_by_ref(xml).items():
                if letters is None or not re.fullmatch(letters + r"\d+", ref):
                    taken[f"{title}!{ref}"] = cell
            for number, block in enumerate(b for b in _CF_BLOCK.findall(xml) if not _is_houqins(b, letters)):
                taken[f"{title}!cf{number}"] = block
        for name in archive.namelist():
            if name.endswith("styles.xml"):
                cell_xfs = _CELL_XFS.search(archive.read(name))
                taken[name] = cell_xfs[0] if cell_xfs else b""
            elif name not in owned:
                taken[name] = archive.read(name)
    return taken


def _is_houqins(block: bytes, letters: str | None) -> bool:
    """Houqin's own block, exactly as it writes it: from the first data row to the sheet's
    last row, its two tests keyed on the alert column's cell, nothing else. A staff rule that
    merely looks alike (another column, another range, a third rule) is staff's."""
    found = re.search(rb'sqref="A(\d+):[A-Z]+1048576"', block)
    if letters is None or found is None or len(re.findall(rb"<(?:\w+:)?cfRule\b", block)) != 2:
        return False
    error, warning = (escape(f, {'"': "&quot;"}).encode() for f in highlight_formulas(f"${letters}{int(found[1])}"))
    return b">" + error + b"<" in block and b">" + warning + b"<" in block


def differences(before: dict[str, object], after: dict[str, object]) -> list[str]:
    """The places where staff's content differs (empty when nothing of theirs changed)."""
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
