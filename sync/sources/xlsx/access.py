"""Whether Houqin may replace a workbook file at all, and the true reason when it may not.

Checked before anything is written: a link, a read-only file, a folder nobody may write in.
Permission bits are read directly rather than asked of `os.access`, which says yes to an
administrator even where staff marked a file read-only on purpose.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sync.sources.base import WriteOutcome

_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def write_refusal(path: Path) -> WriteOutcome | None:
    """Why this workbook must not be replaced (a WriteOutcome to report), or None."""
    if path.is_symlink():
        target = os.readlink(path)
        return WriteOutcome("readonly", f"{path.name} 是指向 {target} 的链接（快捷方式），只检查不写回，以免把链接换成普通文件；"
                                        "如需写回提醒，请把原文件放进这个文件夹",
                            f"{path.name} is a link to {target}: checked, never replaced; put the file itself in the folder")
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # gone or unreadable: the write itself says so
    if not mode & _WRITE_BITS:
        return WriteOutcome("readonly", f"{path.name} 设为了只读，只检查不写回；如需写回提醒，请在文件属性里取消“只读”",
                            f"{path.name} is read-only: checked, never written; clear its read-only flag to get alerts")
    return folder_refusal(path.parent)


def folder_refusal(folder: Path) -> WriteOutcome | None:
    """A folder Houqin cannot create files in: no write could ever finish there."""
    try:
        mode = folder.stat().st_mode
    except OSError:
        return None
    if not mode & _WRITE_BITS or not os.access(folder, os.W_OK | os.X_OK):
        return folder_outcome(folder)
    return None


def folder_outcome(folder: Path) -> WriteOutcome:
    return WriteOutcome("skipped", f"文件夹 {folder} 是只读的（或运行后勤程序的账户没有写入权限），提醒无法写回；"
                                   "请给这个账户该文件夹的写入权限",
                        f"Folder {folder} is read-only (or the service's account may not write there); alerts not written")
