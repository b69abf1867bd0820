"""The outbox: notification state in the state database, beside runs and alert periods.

An alert is queued once per channel per *opening* (an `alert_periods` row), so one that stays
open is never sent again and one that reopens is a new entry. A queued alert leaves the outbox
when a message carrying it (or counting it, "另有 N 条") was accepted; a failed send keeps it,
with a growing wait before the next try, up to MAX_ATTEMPTS tries. A send with no answer by
the deadline may have arrived: it is sent once more, marked "（重发）", and then never again.
A process claims the alerts it is about to send (BEGIN IMMEDIATE), so two at once never send
the same alert twice; a claim left by a killed process lapses after its lease. Every attempt is logged in `notify_sends`, which the
status page shows and the per-bot rate limit counts.

Its tables are one of the state database's migrations (sync/state/store.py), like every other.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sync.notify.compose import Fixed, Item
from sync.notify.model import Channel
from sync.output import strict_json
from sync.state import store as state_store

# Wait before retrying after the 1st, 2nd, ... failure: the next cycle first, then longer, at
# most an hour; after MAX_ATTEMPTS tries an alert is not sent any more (the page shows it).
BACKOFF_MINUTES = (0, 5, 15, 30, 60)
MAX_ATTEMPTS = 8


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


def _item(row: sqlite3.Row, resend: bool = False) -> Item:
    people = tuple((role, name) for role, name in json.loads(row["people"])) if row["people"] else ()
    return Item(id=row["id"], severity=row["severity"], message=row["message"], source=row["source"], sheet=row["sheet"],
                cell=row["cell"], row=row["row"], opened_at=datetime.fromisoformat(row["opened_at"]), people=people,
                resend=resend)


def claim_due(connection: sqlite3.Connection, channel: str, now: datetime, lease: timedelta,
              only: Collection[str] | None = None) -> tuple[str, list[Item]]:
    """Claim the channel's queued alerts still open, past their wait and claimed by no one
    (or by a process gone past its `lease`), only those of the rules in `only` when given
    (quiet hours let the urgent ones through): (the claim's token, the alerts). Ones fixed
    before they could be sent leave the queue: a message about a problem already gone is noise."""
    token = uuid.uuid4().hex
    with state_store.immediate(connection):
        connection.execute(
            "UPDATE notify_items SET state = 'resolved', done_at = ?, claim = NULL WHERE channel = ? AND state = 'pending' "
            "AND period_id IN (SELECT id FROM alert_periods WHERE resolved_at IS NOT NULL)", (stamp(now), channel))
        rows = connection.execute(
            f"SELECT i.id, i.next_attempt, i.unsure, i.claim, i.claimed_until, p.rule, {_ITEM_COLUMNS} FROM notify_items AS i "
            f"JOIN alert_periods AS p ON p.id = i.period_id {_ITEM_JOINS} WHERE i.channel = ? AND i.state = 'pending' "
            "ORDER BY i.id", (channel,)).fetchall()
        due = [r for r in rows if (not r["next_attempt"] or datetime.fromisoformat(r["next_attempt"]) <= now)
               and (not r["claim"] or datetime.fromisoformat(r["claimed_until"]) <= now)
               and (only is None or r["rule"] in only)]
        connection.executemany("UPDATE notify_items SET claim = ?, claimed_until = ? WHERE id = ?",
                               [(token, stamp(now + lease), r["id"]) for r in due])
    return token, [_item(r, resend=bool(r["unsure"])) for r in due]


def release(connection: sqlite3.Connection, token: str) -> None:
    """Give back what a claim still holds (not tried this cycle): the next cycle takes it."""
    with connection:
        connection.execute("UPDATE notify_items SET claim = NULL, claimed_until = NULL WHERE claim = ?", (token,))


def mark_done(connection: sqlite3.Connection, token: str, ids: list[int], state: str, now: datetime) -> None:
    with connection:
        connection.executemany("UPDATE notify_items SET state = ?, done_at = ?, claim = NULL WHERE id = ? AND claim = ?",
                               [(state, stamp(now), i, token) for i in ids])


def _wait(attempts: int) -> timedelta:
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES) - 1)])


def mark_failed(connection: sqlite3.Connection, token: str, ids: list[int], now: datetime) -> None:
    """One more failed try for these alerts (they did not arrive): the next waits according to
    BACKOFF_MINUTES; after MAX_ATTEMPTS tries an alert is given up (the page still shows it)."""
    with connection:
        for item_id in ids:
            row = connection.execute("SELECT attempts FROM notify_items WHERE id = ? AND claim = ?", (item_id, token)).fetchone()
            if row is None:
                continue
            attempts = row[0] + 1
            state = "pending" if attempts < MAX_ATTEMPTS else "given_up"
            connection.execute("UPDATE notify_items SET attempts = ?, next_attempt = ?, state = ?, done_at = ?, claim = NULL "
                               "WHERE id = ?", (attempts, stamp(now + _wait(attempts - 1)), state,
                                                None if state == "pending" else stamp(now), item_id))


def mark_unsure(connection: sqlite3.Connection, token: str, ids: list[int], now: datetime) -> None:
    """These alerts went out and no answer came in time: they may have arrived. The first time,
    one more send is allowed (marked "（重发）"); the second time they are left unconfirmed."""
    with connection:
        for item_id in ids:
            row = connection.execute("SELECT attempts, unsure FROM notify_items WHERE id = ? AND claim = ?",
                                     (item_id, token)).fetchone()
            if row is None:
                continue
            attempts, unsure = row[0] + 1, row[1] + 1
            state = "pending" if unsure < 2 and attempts < MAX_ATTEMPTS else "unconfirmed"
            connection.execute("UPDATE notify_items SET attempts = ?, unsure = ?, next_attempt = ?, state = ?, done_at = ?, "
                               "claim = NULL WHERE id = ?", (attempts, unsure, stamp(now + _wait(attempts - 1)), state,
                                                              None if state == "pending" else stamp(now), item_id))


def record_send(connection: sqlite3.Connection, channel: str, service: str, bot: str, kind: str, now: datetime,
                ok: bool, reason: str = "", items: int = 0, size: int = 0, unsure: bool = False) -> None:
    with connection:
        connection.execute(
            "INSERT INTO notify_sends (channel, service, bot, kind, at, ok, reason, items, bytes, unsure) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (channel, service, bot, kind, stamp(now), int(ok), reason, items, size, int(unsure)))
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
