"""The state database for a request: opened once per request, closed at teardown."""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, g

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
    state.ensure(app.config["HOUQIN_DB"])  # once: requests then only read
    app.teardown_appcontext(close_db)
