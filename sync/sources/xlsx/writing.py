"""Writing alerts into an .xlsx without round-tripping it through a spreadsheet library.

Only what Houqin owns is edited inside the zip: in the sheet's XML the 系统提醒 cells (inline
text, never formulas) and one <conditionalFormatting> block holding its two rules; in the
styles part, two <dxf> entries appended once. Every other member is copied unchanged, in the
same order with the same names, dates and compression. Edits splice bytes (sheet_edit.py);
the sheet is never parsed into a tree, and one with more than 48 MB of XML
(`ReadLimits.sliced_from`) is never held whole: a 1,048,576-row sheet costs a 16 MB slice of
rows at a time, not its 485 MB of XML.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import zipfile
from pathlib import Path

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
from sync.sources.xlsx.limits import ReadLimits
from sync.sources.xlsx.parts import rels_part, sheet_parts, target_member, workbook_part
from sync.sources.xlsx.sheet_edit import SheetAlerts, SheetEdit, edit_sheet
from sync.sources.xlsx.sheet_xml import NotWritable, SharedStrings, SheetXml, prefix_of
from sync.sources.xlsx.suffixes import WRITABLE_SUFFIXES

__all__ = ["FileFingerprint", "SheetAlerts", "write_alerts", "writable_reason"]

# Excel's own "light red fill with dark red text" and "yellow fill with dark yellow text".
DXF_ERROR = b'<dxf><font><color rgb="FF9C0006"/></font><fill><patternFill><bgColor rgb="FFFFC7CE"/></patternFill></fill></dxf>'
DXF_WARNING = b'<dxf><font><color rgb="FF9C5700"/></font><fill><patternFill><bgColor rgb="FFFFEB9C"/></patternFill></fill></dxf>'
# Elements after <dxfs> in CT_Stylesheet.
_AFTER_DXFS = ("tableStyles", "colors", "extLst")


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
        raise NotWritable("工作簿样式部件不完整，不能安全写入", "Styles part has no closing tag")
    return at


def _styles_with_dxfs(styles: bytes) -> tuple[bytes | None, tuple[int, int]]:
    """(new styles XML or None if unchanged, (error dxf id, warning dxf id))."""
    prefix = prefix_of(styles, b"styleSheet")
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
    rels = rels_part(wb)
    if rels in archive.NameToInfo:
        for target in re.findall(rb'Type="[^"]*/styles"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Type="[^"]*/styles"',
                                 archive.read(rels)):
            name = (target[0] or target[1]).decode()
            member = target_member(wb, name)
            if member in archive.NameToInfo:
                return member
    return None


def writable_reason(path: Path) -> str | None:
    """Why Houqin will not write this file, in plain Chinese; None when it may."""
    suffix = path.suffix.lower()
    if suffix not in WRITABLE_SUFFIXES:
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


def _rebuild(archive: zipfile.ZipFile, replaced: dict[str, bytes | SheetEdit], handle) -> None:
    """The same zip with some members' contents replaced, written to `handle`: order, names,
    dates and compression kept; an edited sheet is streamed piece by piece."""
    with zipfile.ZipFile(handle, "w") as target:
        for info in archive.infolist():
            clone = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            clone.compress_type = info.compress_type
            clone.external_attr, clone.create_system, clone.comment = info.external_attr, info.create_system, info.comment
            new = replaced.get(info.filename)
            if isinstance(new, SheetEdit):
                # Deflate's fastest level: a quarter of the default's time on a large sheet, for
                # a file about a seventh larger (Excel's next save packs it as it likes).
                clone._compresslevel = 1  # noqa: SLF001 - zipfile's per-member level (compress_level from 3.13)
                with target.open(clone, "w") as stream:
                    for piece in new.chunks():
                        stream.write(piece)
            elif new is not None:
                target.writestr(clone, new)
            else:
                with archive.open(info) as source, target.open(clone, "w") as stream:
                    shutil.copyfileobj(source, stream, 1 << 20)


def write_alerts(path: Path, sheets: dict[str, SheetAlerts], *, backups: int = 10,
                 expected: FileFingerprint | None = None, limits: ReadLimits | None = None) -> WriteOutcome:
    """Write each sheet's alert column and highlighting into the workbook, safely.

    Nothing is written when no alert text changed, when the workbook is open in Excel, WPS or
    LibreOffice, or when it changed since it was read (`expected`); every case says why.
    A sheet with more XML than `limits.sliced_from` is edited a slice of rows at a time.
    """
    suffix = path.suffix.lower()
    if suffix not in WRITABLE_SUFFIXES:
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
            return _write_locked(path, sheets, backups, expected, limits or ReadLimits())
    except FolderBusy:
        return WriteOutcome("skipped", "另一个后勤程序正在写入这个文件夹的表格（一个文件夹只应由一个后勤程序管理），"
                                       "本次不写入，下次同步再写",
                            "Another Houqin is writing in this folder; will write next cycle")
    except PermissionError:  # not even the lock could be made: nothing can be written here
        return folder_outcome(path.parent)
    except OSError as exc:
        return WriteOutcome("failed", f"写入失败：{exc.strerror or exc}，原文件未改动", f"Write failed: {exc}; original untouched")


def _write_locked(path: Path, sheets: dict[str, SheetAlerts], backups: int,
                  expected: FileFingerprint | None, limits: ReadLimits) -> WriteOutcome:
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
            replaced, changed_sheets, cells = _plan(archive, sheets, data, limits)
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


def _plan(archive: zipfile.ZipFile, sheets: dict[str, SheetAlerts], data: bytes, limits: ReadLimits) -> tuple[dict[str, bytes | SheetEdit], list[str], int]:
    """What to replace in the package: edited sheets and, if needed, the styles part."""
    parts, styles_name = _check_package(archive)
    new_styles, dxf_ids = _styles_with_dxfs(archive.read(styles_name))
    strings_name = next((n for n in archive.NameToInfo if n.lower().endswith("sharedstrings.xml")), None)
    strings = SharedStrings(archive.read(strings_name) if strings_name else None)
    replaced: dict[str, bytes | SheetEdit] = {}
    changed_sheets, cells = [], 0
    for title, wanted in sheets.items():
        member = parts.get(title)
        if member is None or "/chartsheets/" in member:
            continue
        edit = edit_sheet(SheetXml(archive, data, member, limits.sliced_from, limits.slice_bytes), wanted, strings, dxf_ids)
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
