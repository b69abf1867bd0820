"""The state database for a request: one read-only connection per server thread, kept open.

Opening SQLite and reading its schema cost more than a page view itself; a kept connection
still sees each new run at once (WAL: every statement outside a transaction reads the latest
committed state)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from flask import Flask, current_app

from sync import state

_local = threading.local()
KEPT = 4  # databases a thread keeps open at once (tests make many; a service has one)


def get_db() -> sqlite3.Connection:
    path: Path = current_app.config["HOUQIN_DB"]
    kept: dict[Path, sqlite3.Connection] = _local.__dict__.setdefault("connections", {})
    connection = kept.get(path)
    if connection is None:
        while len(kept) >= KEPT:
            kept.pop(next(iter(kept))).close()
        connection = kept[path] = state.connect(path, readonly=True)
    return connection


def init_app(app: Flask) -> None:
    state.ensure(app.config["HOUQIN_DB"])  # once: requests then only read
