"""The state database for a request: opened once per request, closed at teardown."""

from __future__ import annotations

import sqlite3
from contextlib import suppress

from flask import Flask, current_app, g, request

from sync import state


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = state.connect(current_app.config["HOUQIN_DB"], readonly=True)
    return g.db


def close_db(_error: BaseException | None = None) -> None:
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def init_app(app: Flask) -> None:
    with suppress(sqlite3.Error, OSError):  # read-only or damaged: the service says why (/healthz)
        state.ensure(app.config["HOUQIN_DB"])  # once: requests then only read
    app.teardown_appcontext(close_db)

    @app.errorhandler(sqlite3.Error)
    def unreadable(error: sqlite3.Error):
        """The database gone or damaged under the page: a 503 that says so, not a 500."""
        message = f"状态数据库暂时无法读取（{error}），同步服务正在处理；请稍后刷新"
        if request.path.startswith("/api/") or request.path == "/healthz":
            return {"status": "failing", "reason": message, "error": message}, 503
        return message, 503, {"Content-Type": "text/plain; charset=utf-8"}
