"""The outbox: notification state in the state database, beside runs and alert periods.

An alert is queued once per channel per *opening* (an `alert_periods` row), so one that stays
open is never sent again and one that reopens is a new entry. A queued alert leaves the outbox
when a message carrying it (or counting it, "另有 N 条") was accepted; a failed send keeps it,
with a growing wait before the next try. Every attempt is logged in `notify_sends`, which the
status page shows and the per-bot rate limit counts.

Its tables are one of the state database's migrations (sync/state/store.py), like every other.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sync.notify.compose import Fixed, Item
from sync.notify.model import Channel
from sync.output import strict_json

# Wait before retrying after the 1st, 2nd, ... failure: the next cycle first, then longer.
BACKOFF_MINUTES = (0, 5, 15, 30, 60)


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def has_tables(connection: sqlite3.Connection) -> bool:
    """Whether notifications ever ran here (a read-only page cannot create the tables)."""
    return connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'notify_sends'").fetchone() is not None


def remember_people(connection: sqlite3.Connection, people: dict[str, list[tuple[str, str]]]) -> None:
    """Who each current alert's row names, kept for later retries and the digest."""
    with connection:
        connection.execute("DELETE FROM notify_people")
        connection.executemany("INSERT INTO notify_people VALUES (?, ?)",
                               [(key, strict_json.dumps(named)) for key, named in people.items()])


def enqueue_opened(connection: sqlite3.Connection, channels: list[Channel], opened_at: str, now: datetime,
                   urgent: Collection[str] = ()) -> int:
    """Queue the alerts opened at `opened_at` (one run's stamp) for each channel that wants
    them at once, and an alert of an `urgent` rule (an outbreak) for every channel covering its
    sheet, whatever its `immediate` level; an alert already queued for that opening is not
    queued again."""
    rows = connection.execute(
        "SELECT p.id, p.sheet, p.severity, p.rule, f.sheet_id FROM alert_periods AS p "
        "LEFT JOIN (SELECT key, MIN(sheet_id) AS sheet_id FROM findings GROUP BY key) AS f ON f.key = p.key "
        "WHERE p.opened_at = ? AND p.resolved_at IS NULL", (opened_at,)).fetchall()
    queued = [(c.name, row["id"], stamp(now)) for c in channels for row in rows
              if (row["rule"] in urgent and c.covers(row["sheet"], row["sheet_id"] or ""))
              or c.wants(row["severity"], row["sheet"], row["sheet_id"] or "")]
    with connection:
        # What was delivered long ago is only history: kept two months, then let go.
        connection.execute("DELETE FROM notify_items WHERE state != 'pending' AND done_at < ?",
                           (stamp(now - timedelta(days=60)),))
        before = connection.total_changes
        connection.executemany("INSERT OR IGNORE INTO notify_items (channel, period_id, queued_at) VALUES (?, ?, ?)", queued)
        return connection.total_changes - before


_ITEM_COLUMNS = "p.severity, p.message, p.source, p.sheet, p.opened_at, f.cell, f.row, np.people"
# The alert's cell comes from the current findings, who from the people its row named.
_ITEM_JOINS = """
LEFT JOIN (SELECT key, MIN(cell) AS cell, MIN(row) AS row FROM findings GROUP BY key) AS f ON f.key = p.key
LEFT JOIN notify_people AS np ON np.key = p.key
"""


def _item(row: sqlite3.Row) -> Item:
    people = tuple((role, name) for role, name in json.loads(row["people"])) if row["people"] else ()
    return Item(id=row["id"], severity=row["severity"], message=row["message"], source=row["source"], sheet=row["sheet"],
                cell=row["cell"], row=row["row"], opened_at=datetime.fromisoformat(row["opened_at"]), people=people)


def due_items(connection: sqlite3.Connection, channel: str, now: datetime, only: Collection[str] | None = None) -> list[Item]:
    """The channel's queued alerts still open and past their wait (only those of the rules in
    `only` when given: quiet hours let the urgent ones through). Ones fixed before they could
    be sent leave the queue: a message about a problem already gone is noise."""
    with connection:
        connection.execute(
            "UPDATE notify_items SET state = 'resolved', done_at = ? WHERE channel = ? AND state = 'pending' "
            "AND period_id IN (SELECT id FROM alert_periods WHERE resolved_at IS NOT NULL)", (stamp(now), channel))
    rows = connection.execute(
        f"SELECT i.id, i.next_attempt, p.rule, {_ITEM_COLUMNS} FROM notify_items AS i JOIN alert_periods AS p ON p.id = i.period_id "
        f"{_ITEM_JOINS} WHERE i.channel = ? AND i.state = 'pending' ORDER BY i.id", (channel,)).fetchall()
    return [_item(r) for r in rows if (not r["next_attempt"] or datetime.fromisoformat(r["next_attempt"]) <= now)
            and (only is None or r["rule"] in only)]


def mark_done(connection: sqlite3.Connection, ids: list[int], state: str, now: datetime) -> None:
    with connection:
        connection.executemany("UPDATE notify_items SET state = ?, done_at = ? WHERE id = ?",
                               [(state, stamp(now), i) for i in ids])


def mark_failed(connection: sqlite3.Connection, ids: list[int], now: datetime) -> None:
    """One more failed try for these alerts; the next try waits according to BACKOFF_MINUTES."""
    with connection:
        for item_id in ids:
            (attempts,) = connection.execute("SELECT attempts FROM notify_items WHERE id = ?", (item_id,)).fetchone()
            wait = BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES) - 1)]
            connection.execute("UPDATE notify_items SET attempts = ?, next_attempt = ? WHERE id = ?",
                               (attempts + 1, stamp(now + timedelta(minutes=wait)), item_id))


def record_send(connection: sqlite3.Connection, channel: str, service: str, bot: str, kind: str, now: datetime,
                ok: bool, reason: str = "", items: int = 0, size: int = 0) -> None:
    with connection:
        connection.execute(
            "INSERT INTO notify_sends (channel, service, bot, kind, at, ok, reason, items, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (channel, service, bot, kind, stamp(now), int(ok), reason, items, size))
        connection.execute("DELETE FROM notify_sends WHERE id < (SELECT MAX(id) FROM notify_sends) - 2000")


def sends_last_minute(connection: sqlite3.Connection, bot: str, now: datetime) -> int:
    """Requests made to one bot in the minute before `now` (failed ones reached it too)."""
    recent = connection.execute("SELECT at FROM notify_sends WHERE bot = ? ORDER BY id DESC LIMIT 200", (bot,)).fetchall()
    return sum(1 for (at,) in recent if now - datetime.fromisoformat(at) < timedelta(seconds=60))


def last_digest(connection: sqlite3.Connection, channel: str) -> tuple[str, datetime] | None:
    row = connection.execute("SELECT day, sent_at FROM notify_digests WHERE channel = ? ORDER BY day DESC LIMIT 1",
                             (channel,)).fetchone()
    return (row["day"], datetime.fromisoformat(row["sent_at"])) if row else None


def mark_digest(connection: sqlite3.Connection, channel: str, day: str, now: datetime) -> None:
    with connection:
        connection.execute("INSERT OR REPLACE INTO notify_digests VALUES (?, ?, ?)", (channel, day, stamp(now)))


def last_failure(connection: sqlite3.Connection, channel: str, kind: str) -> datetime | None:
    row = connection.execute("SELECT at, ok FROM notify_sends WHERE channel = ? AND kind = ? ORDER BY id DESC LIMIT 1",
                             (channel, kind)).fetchone()
    return datetime.fromisoformat(row["at"]) if row and not row["ok"] else None


def open_items(connection: sqlite3.Connection) -> list[Item]:
    """Every current finding (errors and warnings) with the time its alert opened, for the
    digest: counted as the page counts them."""
    rows = connection.execute(
        "SELECT p.id, f.severity, f.message, f.source, f.sheet, p.opened_at, f.cell, f.row, np.people "
        "FROM findings AS f JOIN alert_periods AS p ON p.key = f.key AND p.resolved_at IS NULL "
        "LEFT JOIN notify_people AS np ON np.key = f.key ORDER BY p.id, f.row, f.cell")
    return [_item(r) for r in rows]


def fixed_since(connection: sqlite3.Connection, since: datetime) -> list[Fixed]:
    rows = connection.execute(
        "SELECT sheet, message, resolved_at FROM alert_periods WHERE resolved_at IS NOT NULL ORDER BY resolved_at DESC, id DESC "
        "LIMIT 500").fetchall()
    fixed = [Fixed(r["sheet"], r["message"], datetime.fromisoformat(r["resolved_at"])) for r in rows]
    return [f for f in fixed if f.resolved_at >= since]


def last_sends(connection: sqlite3.Connection, per_channel: int = 5) -> dict[str, list[dict[str, Any]]]:
    """The latest attempts per channel, newest first, for the status page."""
    found: dict[str, list[dict[str, Any]]] = {}
    for row in connection.execute("SELECT * FROM notify_sends ORDER BY id DESC LIMIT 500"):
        rows = found.setdefault(row["channel"], [])
        if len(rows) < per_channel:
            rows.append(dict(row))
    return found


def pending_counts(connection: sqlite3.Connection) -> dict[str, int]:
    return dict(connection.execute(
        "SELECT channel, COUNT(*) FROM notify_items WHERE state = 'pending' GROUP BY channel").fetchall())
