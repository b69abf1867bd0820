"""The state database for a request: one read-only connection per server thread, kept open.

Opening SQLite and reading its schema cost more than a page view itself; a kept connection
still sees each new run at once (WAL: every statement outside a transaction reads the latest
committed state). A kept connection is dropped when the file under its name is another one
(a corrupt database moved aside and made anew, a deleted one created again) or fails."""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import suppress
from pathlib import Path

from flask import Flask, current_app, request

from sync import state

_local = threading.local()
KEPT = 4  # databases a thread keeps open at once (tests make many; a service has one)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def get_db() -> sqlite3.Connection:
    path: Path = current_app.config["HOUQIN_DB"]
    kept: dict[Path, tuple[sqlite3.Connection, tuple[int, int] | None]] = _local.__dict__.setdefault("connections", {})
    identity = _identity(path)
    connection, opened = kept.get(path, (None, None))
    if connection is not None and opened != identity:
        kept.pop(path)
        connection.close()
        connection = None
    if connection is None:
        while len(kept) >= KEPT:
            kept.pop(next(iter(kept)))[0].close()
        connection = state.connect(path, readonly=True)
        kept[path] = (connection, identity)
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
