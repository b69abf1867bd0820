"""The state database when its surroundings break: corrupt, read-only, deleted, a full disk.

The service must keep syncing and say what is wrong: a corrupt database is moved aside with
a dated name and a new one created (the alert history starts again, the workbooks are the
record); a read-only one or a full disk is a reason `/healthz` gives with its 503."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from sync.state import store as state

log = logging.getLogger("houqin")

_CORRUPT = ("file is not a database", "database disk image is malformed", "malformed database schema",
            "file is encrypted")


def is_corrupt(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and any(text in str(exc).lower() for text in _CORRUPT)


def reason(path: Path, exc: BaseException) -> str:
    """A plain sentence for the log, the page and /healthz."""
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text or isinstance(exc, PermissionError):
        return f"状态数据库 {path} 是只读的，同步结果无法保存：请检查文件和文件夹的写入权限"
    if any(words in text for words in ("disk is full", "no space", "file too large", "disk i/o error")):
        return f"磁盘已满或出错，状态数据库 {path} 无法写入：请清理磁盘空间，检查磁盘"
    if "unable to open" in text:
        return f"无法打开状态数据库 {path}：请检查文件夹是否存在、是否可写"
    return f"状态数据库 {path} 无法写入：{exc}"


def move_aside(path: Path) -> Path:
    """Rename a corrupt database (and its WAL files) to a dated name beside it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}.损坏-{stamp}{path.suffix}")
    path.replace(aside)
    for extra in ("-wal", "-shm"):
        companion = path.with_name(path.name + extra)
        if companion.exists():
            companion.replace(aside.with_name(aside.name + extra))
    return aside


def _usable(path: Path) -> None:
    """Open (creating or migrating) and look at every page header: corruption shows here."""
    connection = state.connect(path)
    try:
        row = connection.execute("PRAGMA quick_check").fetchone()
        if row is None or row[0] != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed ({row[0] if row else '?'})")
    finally:
        connection.close()


def recover(path: Path) -> tuple[str | None, str | None]:
    """Make the database usable: (note to record, problem that remains), each None if none.

    A corrupt file is moved aside and a new one created; a read-only file, a full disk or a
    missing folder stays a problem that /healthz reports."""
    try:
        _usable(path)
        return None, None
    except sqlite3.Error as exc:
        if not is_corrupt(exc):
            return None, reason(path, exc)
    except OSError as exc:
        return None, reason(path, exc)
    try:
        aside = move_aside(path)
        _usable(path)
    except (OSError, sqlite3.Error) as exc:
        return None, reason(path, exc)
    note = f"状态数据库 {path} 已损坏，已改名保存为 {aside.name}，并新建了一个（之前的提醒历史在旧文件里）"
    log.warning("%s", note)
    return note, None
