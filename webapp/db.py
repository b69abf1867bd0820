"""The state database for a request: one read-only connection per server thread, kept open
while the database files stay as they were.

Opening SQLite and reading its schema cost more than a page view itself, so a thread keeps its
connection; but a read-only connection kept across a cycle's large write (which may checkpoint
and restart the WAL) can go on answering from the old state, so any change to the database or
its WAL file (a run recorded) opens a fresh one. Two stat calls per request tell.
A connection that fails (the database damaged or gone under the page) is dropped too."""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import suppress
from pathlib import Path

from flask import Flask, current_app, request

from sync.state import store as state

_local = threading.local()
KEPT = 4  # databases a thread keeps open at once (tests make many; a service has one)


def _files(path: Path) -> tuple:
    """What changes whenever a run is written: the database's and its WAL's size and time."""
    stamps = []
    for name in (str(path), f"{path}-wal"):
        try:
            found = os.stat(name)
            stamps.append((found.st_size, found.st_mtime_ns))
        except OSError:
            stamps.append(None)
    return tuple(stamps)


def get_db() -> sqlite3.Connection:
    path: Path = current_app.config["HOUQIN_DB"]
    kept: dict[Path, tuple[sqlite3.Connection, tuple]] = _local.__dict__.setdefault("connections", {})
    files = _files(path)
    found = kept.get(path)
    if found is not None and found[1] == files:
        return found[0]
    if found is not None:
        kept.pop(path)[0].close()
    while len(kept) >= KEPT:
        kept.pop(next(iter(kept)))[0].close()
    connection = state.connect(path, readonly=True)
    kept[path] = (connection, files)
    return connection


def forget_db() -> None:
    """Drop this thread's connection to the app's database (after it failed)."""
    kept = _local.__dict__.get("connections", {})
    entry = kept.pop(current_app.config["HOUQIN_DB"], None)
    if entry is not None:
        with suppress(sqlite3.Error):
            entry[0].close()


def init_app(app: Flask) -> None:
    with suppress(sqlite3.Error, OSError):  # read-only or damaged: the service says why (/healthz)
        state.ensure(app.config["HOUQIN_DB"])  # once: requests then only read

    @app.errorhandler(sqlite3.Error)
    def unreadable(error: sqlite3.Error):
        """The database gone or damaged under the page: a 503 that says so, not a 500."""
        forget_db()
        message = f"状态数据库暂时无法读取（{error}），同步服务正在处理；请稍后刷新"
        if request.path.startswith("/api/") or request.path == "/healthz":
            return {"status": "failing", "reason": message, "error": message}, 503
        return message, 503, {"Content-Type": "text/plain; charset=utf-8"}
