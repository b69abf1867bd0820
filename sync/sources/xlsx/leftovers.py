"""Finishing an interrupted write at the start of every cycle.

A write killed half-way (power cut, task manager) can leave the original set aside as
`.NAME.houqin-old-…` and a temporary `.NAME.houqin-….tmp`. Under the folder lock no other
Houqin is mid-write, so every such file is a leftover: the original goes back to its name
when the name is free, is kept in the backup folder (and both are reported) when a newer
file stands there, and temporaries are removed. Nothing is ever deleted that is the only
copy of staff's work.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from rules.model import Finding
from sync.sources.xlsx.file_safety import (
    BACKUP_DIR,
    STALE_BACKUP_LIMIT,
    FolderBusy,
    folder_lock,
    store_backup,
)

WHOLE_FILE = "（整个文件）"  # the "sheet" of a finding about a workbook file as a whole
_ASIDE = re.compile(r"\.(?P<name>.+)\.houqin-old-\d+-\d+")
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.houqin-\d+-\d+\.tmp")
_NOTE = re.compile(r"\.(?P<name>.+)\.houqin-name")


def recover_folders(paths: Iterable[Path]) -> list[Finding]:
    """Tidy every folder named (and its subfolders); findings say what staff should know."""
    findings: list[Finding] = []
    for folder in _folders(paths):
        try:
            with folder_lock(folder):
                findings.extend(recover_folder(folder))
        except (FolderBusy, OSError):
            continue  # another Houqin is writing there (its files are not leftovers), or no access
    return findings


def _folders(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        top = path if path.is_dir() else path.parent
        if not top.is_dir():
            continue
        found.append(top)
        if path.is_dir():
            with contextlib.suppress(OSError):
                found.extend(p for p in sorted(top.rglob("*")) if p.is_dir() and not _hidden(p.relative_to(top)))
    return list(dict.fromkeys(found))


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts) or BACKUP_DIR in relative.parts


def recover_folder(folder: Path) -> list[Finding]:
    """Leftovers of one folder; the caller holds the folder lock."""
    entries = sorted(p for p in folder.iterdir() if p.name.startswith(".") and p.is_file())
    notes = {m["name"]: p for p in entries if (m := _NOTE.fullmatch(p.name))}
    temporaries = [p for p in entries if _TEMPORARY.fullmatch(p.name)]
    asides: dict[Path, list[Path]] = {}
    for entry in entries:
        found = _ASIDE.fullmatch(entry.name)
        if found:
            original = _original_name(found["name"], notes)
            asides.setdefault(folder / original, []).append(entry)
    findings: list[Finding] = []
    for path, group in asides.items():
        group.sort(key=lambda p: p.stat().st_mtime_ns)
        findings.extend(_settle(path, group, temporaries))
    for temporary in temporaries:
        with contextlib.suppress(OSError):
            temporary.unlink()
    for note in notes.values():
        with contextlib.suppress(OSError):
            note.unlink()
    return findings


def _original_name(short: str, notes: dict[str, Path]) -> str:
    note = notes.get(short)
    if note is not None:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            return note.read_text(encoding="utf-8").strip() or short
    return short


def _settle(path: Path, asides: list[Path], temporaries: list[Path]) -> list[Finding]:
    """The newest set-aside original back at a free name; every other one into the backups."""
    findings: list[Finding] = []
    if not path.exists():
        newest = asides.pop()
        os.rename(newest, path)
        findings.append(_finding(path, "file.restored", newest,
                                 f"上次写入提醒时程序被中断，{path.name} 曾被临时改名为 {newest.name}，现已恢复原名，内容未变",
                                 f"{path.name} was left as {newest.name} by an interrupted write and has been restored"))
    # The temporary is still a second name of the file at `path`: that swap had finished.
    finished = any(_same_file(t, path) for t in temporaries)
    for aside in asides:
        if _same_file(aside, path):
            aside.unlink()  # a second name of the file already in place
            continue
        backup = store_backup(path, aside, keep=STALE_BACKUP_LIMIT)
        if finished:
            continue
        where = f"{BACKUP_DIR}/{backup.name}" if backup else BACKUP_DIR
        findings.append(_finding(
            path, "file.kept_both", aside,
            f"发现上次写入中断时留下的旧版本 {aside.name}，而 {path.name} 已是另一份文件：两份都保留，"
            f"旧版本已移到 {where}；如果最近的修改不见了，请从那里找回",
            f"An interrupted write left {aside.name} beside a different {path.name}: both kept, the older one in {where}"))
    return findings


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _finding(path: Path, rule: str, aside: Path, zh: str, en: str) -> Finding:
    return Finding(source=str(path), sheet=WHOLE_FILE, row=None, column=None, cell=None, rule=rule,
                   kind="validation", severity="warning", message=zh, message_en=en, value=None,
                   key=f"{path}|*|{aside.name}|{rule}", sheet_id="*")
