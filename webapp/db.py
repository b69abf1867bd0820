"""The state database for a request: one read-only connection per server thread, kept open
while the database files stay as they were.

Opening SQLite and reading its schema cost more than a page view itself, so a thread keeps its
connection; but a read-only connection kept across a cycle's large write (which may checkpoint
and restart the WAL) can go on answering from the old state, so any change to the database or
its WAL file (a run recorded) opens a fresh one. Two stat calls per request tell."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from flask import Flask, current_app

from sync import state

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


def init_app(app: Flask) -> None:
    state.ensure(app.config["HOUQIN_DB"])  # once: requests then only read
