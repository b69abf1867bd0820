"""Login sessions kept on the server (table `web_sessions` of the state database), so that
logging out ends a session for good: a copied cookie is worth nothing afterwards.

The cookie carries a random session id; the database keeps only its SHA-256, so a copy of
the database does not log anyone in either.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

LIFETIME = timedelta(days=30)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _writable(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=10)


def start_session(path: Path) -> str:
    """A new session id, remembered; sessions past their lifetime are forgotten."""
    session_id = secrets.token_urlsafe(32)
    connection = _writable(path)
    try:
        with connection:
            connection.execute("DELETE FROM web_sessions WHERE created < ?", ((_now() - LIFETIME).isoformat(),))
            connection.execute("INSERT INTO web_sessions (id, created) VALUES (?, ?)",
                               (_digest(session_id), _now().isoformat()))
    finally:
        connection.close()
    return session_id


def session_is_valid(connection: sqlite3.Connection, session_id: object) -> bool:
    if not isinstance(session_id, str) or not session_id:
        return False
    row = connection.execute("SELECT created FROM web_sessions WHERE id = ?", (_digest(session_id),)).fetchone()
    return row is not None and datetime.fromisoformat(row[0]) > _now() - LIFETIME


def end_session(path: Path, session_id: object) -> None:
    """Forget a session: its cookie no longer opens the page."""
    if not isinstance(session_id, str):
        return
    connection = _writable(path)
    try:
        with connection:
            connection.execute("DELETE FROM web_sessions WHERE id = ?", (_digest(session_id),))
    finally:
        connection.close()
