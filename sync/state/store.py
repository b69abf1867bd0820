"""The state database (SQLite, WAL): runs, the latest findings, and each alert's history.

Written once per cycle in one transaction; read by the status page, which never waits for a
sync (WAL lets readers go on while a run is written). The schema is versioned with
`PRAGMA user_version`; each migration upgrades it by one.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from rules.text import mask_ids
from sync.cycle.outcome import RunResult
from sync.output import strict_json

MIGRATIONS = [
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        finished TEXT NOT NULL,
        today TEXT,
        duration REAL NOT NULL,
        status TEXT NOT NULL,              -- ok | failed
        error TEXT,
        errors INTEGER NOT NULL DEFAULT 0,
        warnings INTEGER NOT NULL DEFAULT 0,
        summary TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE source_results (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        source TEXT NOT NULL,
        kind TEXT NOT NULL,
        read_ok INTEGER NOT NULL,
        error TEXT, error_en TEXT,
        write_status TEXT, reason TEXT, reason_en TEXT,
        cells_changed INTEGER NOT NULL DEFAULT 0,
        api_calls INTEGER NOT NULL DEFAULT 0,
        backup TEXT, url TEXT,
        sheet_ids TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX source_results_run ON source_results(run_id);
    CREATE TABLE findings (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        source TEXT NOT NULL, sheet TEXT NOT NULL, sheet_id TEXT NOT NULL DEFAULT '',
        row INTEGER, column_name TEXT, cell TEXT,
        rule TEXT NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL,
        message TEXT NOT NULL, message_en TEXT NOT NULL, value TEXT
    );
    CREATE INDEX findings_filter ON findings(kind, severity, sheet);
    CREATE TABLE alert_periods (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL,
        source TEXT NOT NULL, sheet TEXT NOT NULL, rule TEXT NOT NULL,
        severity TEXT NOT NULL, message TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        resolved_at TEXT
    );
    CREATE INDEX alert_periods_open ON alert_periods(key) WHERE resolved_at IS NULL;
    CREATE INDEX alert_periods_time ON alert_periods(opened_at, resolved_at);
    """,
    # The page lists findings errors first by sheet and row: an index in that order answers it.
    """
    DROP INDEX findings_filter;
    CREATE INDEX findings_order ON findings(kind, severity, sheet, row, cell);
    CREATE INDEX findings_order_all ON findings(severity, sheet, row, cell);
    """,
    # The to-do: who should act and by when; the term's figures kept per run for the 学期报告 page.
    """
    ALTER TABLE findings ADD COLUMN owner TEXT NOT NULL DEFAULT '';
    ALTER TABLE findings ADD COLUMN due TEXT;
    CREATE INDEX findings_todo ON findings(owner, severity, due);
    CREATE TABLE term_reports (run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE, body TEXT NOT NULL);
    """,
    # Login sessions of the status page (webapp/sessions.py): ended at logout.
    """
    CREATE TABLE web_sessions (id TEXT PRIMARY KEY, created TEXT NOT NULL);
    """,
    # The notification outbox and send log (sync/notify/outbox.py). IF NOT EXISTS: databases
    # from before this migration may have them already.
    """
CREATE TABLE IF NOT EXISTS notify_items (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    period_id INTEGER NOT NULL,            -- alert_periods.id: one opening of one alert
    queued_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', -- pending | sent | counted | resolved
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT,
    done_at TEXT,
    UNIQUE (channel, period_id)
);
CREATE INDEX IF NOT EXISTS notify_items_pending ON notify_items(channel) WHERE state = 'pending';
CREATE TABLE IF NOT EXISTS notify_people (
    key TEXT PRIMARY KEY,                  -- an alert's key, and everyone its row names
    people TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notify_sends (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    service TEXT NOT NULL,                 -- service and masked address, never the URL
    bot TEXT NOT NULL,                     -- a hash telling bots apart for the rate limit
    kind TEXT NOT NULL,                    -- alerts | digest | test
    at TEXT NOT NULL,
    ok INTEGER NOT NULL,
    reason TEXT,
    items INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS notify_sends_bot ON notify_sends(bot, at);
CREATE TABLE IF NOT EXISTS notify_digests (
    channel TEXT NOT NULL,
    day TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (channel, day)
);
    """,
    # The 设置 sheets (sync/cycle/settings_sheet.py): each setting's last effective value and
    # the value the sheet last set validly; every change seen; the page's view per run.
    """
CREATE TABLE settings_state (
    key TEXT PRIMARY KEY,                  -- rule.setting(.entry)
    shown TEXT NOT NULL,                   -- the effective value as the sheet writes it
    sheet_value TEXT,                      -- JSON: the value the sheet set, while it sets one
    place TEXT NOT NULL DEFAULT ''
);
CREATE TABLE settings_changes (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    label TEXT NOT NULL,                   -- "库存 过期和临期物品 · 食品提前提醒天数"
    place TEXT NOT NULL,                   -- the cell, or the config line
    old TEXT NOT NULL,
    new TEXT NOT NULL,
    seen TEXT NOT NULL
);
CREATE INDEX settings_changes_seen ON settings_changes(seen);
CREATE TABLE settings_views (run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE, body TEXT NOT NULL);
CREATE TABLE settings_digested (channel TEXT PRIMARY KEY, last_change INTEGER NOT NULL);
    """,
    # A send that may have arrived (no answer by the deadline) is resent at most once: `unsure`
    # counts those. A process sending an item first claims it (`claim`, until `claimed_until`),
    # so two `run`s at once never send it twice (sync/notify/outbox.py).
    """
    ALTER TABLE notify_items ADD COLUMN unsure INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE notify_items ADD COLUMN claim TEXT;
    ALTER TABLE notify_items ADD COLUMN claimed_until TEXT;
    ALTER TABLE notify_sends ADD COLUMN unsure INTEGER NOT NULL DEFAULT 0;
    """,
]

FINDING_COLUMNS = ("key", "source", "sheet", "sheet_id", "row", "column_name", "cell", "rule", "kind", "severity",
                   "message", "message_en", "value", "owner", "due")


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    """A connection with the schema up to date (read-only ones expect it to exist)."""
    if readonly:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5, check_same_thread=False)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=30, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    # Search matches the text as the page shows it: a masked ID number is not found by its digits.
    connection.create_function("masked", 1, lambda text: mask_ids(text) if isinstance(text, str) else text,
                               deterministic=True)
    connection.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        migrate(connection)
    return connection


@contextmanager
def immediate(connection: sqlite3.Connection) -> Iterator[None]:
    """One write transaction taken at once (BEGIN IMMEDIATE), committed whole or rolled back:
    what it reads no other process can change before it commits (a migration step, an outbox
    claim are each one atomic step across processes)."""
    if connection.in_transaction:
        connection.commit()
    previous = connection.isolation_level
    connection.isolation_level = None  # BEGIN and COMMIT are said here
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    finally:
        connection.isolation_level = previous


def migrate(connection: sqlite3.Connection) -> None:
    """Bring the schema up to date, each migration whole or not at all.

    `executescript` commits every statement on its own, so a power cut (or a second process)
    in the middle of a migration would leave half a schema under the old version number.
    Each step runs in one IMMEDIATE transaction with its version number, re-read inside it."""
    if connection.execute("PRAGMA user_version").fetchone()[0] >= len(MIGRATIONS):
        return
    for number, script in enumerate(MIGRATIONS, start=1):
        with immediate(connection):
            if connection.execute("PRAGMA user_version").fetchone()[0] < number:
                for statement in _statements(script):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {number}")


def _statements(script: str) -> list[str]:
    """A migration's statements (they hold no semicolons of their own)."""
    return [statement for statement in (part.strip() for part in script.split(";")) if statement]


def ensure(path: Path) -> None:
    """Create the database (and its schema) if it does not exist yet."""
    connect(path).close()


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def record_run(path: Path, result: RunResult) -> int:
    """Store one cycle: its sources, its findings (replacing the last run's), and the
    opening and resolving of alerts. A source that could not be read keeps its alerts open."""
    connection = connect(path)
    try:
        with connection:
            errors = sum(1 for f in result.findings if f.severity == "error")
            cursor = connection.execute(
                "INSERT INTO runs (started, finished, today, duration, status, errors, warnings, summary) "
                "VALUES (?, ?, ?, ?, 'ok', ?, ?, ?)",
                (_stamp(result.started), _stamp(result.finished), result.today.isoformat(), result.duration_seconds,
                 errors, len(result.findings) - errors, strict_json.dumps(result.summary, default=str)),
            )
            run_id = cursor.lastrowid
            connection.executemany(
                "INSERT INTO source_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, s.source, s.kind, int(s.read_ok), s.error, s.error_en,
                  s.write.status if s.write else None, s.write.reason if s.write else None,
                  s.write.reason_en if s.write else None, s.write.cells_changed if s.write else 0,
                  s.write.api_calls if s.write else 0, s.write.backup if s.write else None, s.url,
                  strict_json.dumps(s.sheet_ids)) for s in result.sources],
            )
            connection.execute("DELETE FROM findings")
            # Rows made as SQLite takes them: a list of a big sheet's 226,000 would cost 45 MB.
            connection.executemany(
                f"INSERT INTO findings (run_id, {', '.join(FINDING_COLUMNS)}) VALUES ({', '.join('?' * (len(FINDING_COLUMNS) + 1))})",
                ((run_id, f.key, f.source, f.sheet, f.sheet_id, f.row, f.column, f.cell, f.rule, f.kind, f.severity,
                  f.message, f.message_en, f.value, f.owner, f.due.isoformat() if f.due else None) for f in result.findings),
            )
            if result.term_report is not None:
                connection.execute("INSERT INTO term_reports VALUES (?, ?)", (run_id, strict_json.dumps(result.term_report)))
                connection.execute("DELETE FROM term_reports WHERE run_id < ?", (run_id,))
            if result.settings:
                _record_settings(connection, run_id, result)
            unread = {s.source for s in result.sources if not s.read_ok}
            _update_periods(connection, result, unread)
            # Old runs' details are not needed for the page; keep the history rows lean.
            connection.execute("DELETE FROM source_results WHERE run_id < ?", (run_id - 500,))
        return run_id
    finally:
        connection.close()


def _record_settings(connection: sqlite3.Connection, run_id: int, result: RunResult) -> None:
    """The 设置 view of this run, and a change row for every setting whose value moved."""
    connection.execute("INSERT INTO settings_views VALUES (?, ?)", (run_id, strict_json.dumps(result.settings)))
    connection.execute("DELETE FROM settings_views WHERE run_id < ?", (run_id,))
    known = {row["key"]: row["shown"] for row in connection.execute("SELECT key, shown FROM settings_state")}
    values = result.settings.get("values", {})
    seen = _stamp(result.finished)
    for entry in result.settings.get("entries", []):
        old = known.get(entry["key"], entry["default"] if entry["origin"] == "sheet" else entry["value"])
        if old != entry["value"]:
            connection.execute(
                "INSERT INTO settings_changes (key, label, place, old, new, seen) VALUES (?, ?, ?, ?, ?, ?)",
                (entry["key"], f"{entry['sheet']} {entry['rule']} · {entry['label']}", entry["place"] or "默认值",
                 old, entry["value"], seen))
        sheet_value = strict_json.dumps(values[entry["key"]]) if entry["key"] in values else None
        connection.execute("INSERT OR REPLACE INTO settings_state VALUES (?, ?, ?, ?)",
                           (entry["key"], entry["value"], sheet_value, entry["place"]))


def sheet_values(connection: sqlite3.Connection) -> dict[str, Any]:
    """Setting key -> the value the 设置 sheet last set validly (kept while its row is wrong)."""
    rows = connection.execute("SELECT key, sheet_value FROM settings_state WHERE sheet_value IS NOT NULL")
    return {row["key"]: json.loads(row["sheet_value"]) for row in rows}


def settings_view(connection: sqlite3.Connection) -> dict[str, Any] | None:
    """The 设置 tab's data as the last run that read the sheets left it."""
    row = connection.execute("SELECT body FROM settings_views ORDER BY run_id DESC LIMIT 1").fetchone()
    return json.loads(row["body"]) if row else None


def settings_changes(connection: sqlite3.Connection, limit: int = 50) -> list[dict[str, Any]]:
    """Changes of the settings, newest first."""
    rows = connection.execute("SELECT * FROM settings_changes ORDER BY id DESC LIMIT ?", (limit,))
    return [dict(row) for row in rows]


def settings_changes_for(connection: sqlite3.Connection, channel: str, limit: int = 50) -> list[dict[str, Any]]:
    """The changes a channel's digest has not listed yet, oldest first."""
    row = connection.execute("SELECT last_change FROM settings_digested WHERE channel = ?", (channel,)).fetchone()
    rows = connection.execute("SELECT * FROM settings_changes WHERE id > ? ORDER BY id LIMIT ?",
                              (row["last_change"] if row else 0, limit))
    return [dict(row) for row in rows]


def settings_changes_listed(connection: sqlite3.Connection, channel: str, last_change: int) -> None:
    """A channel's digest listed the changes up to `last_change`: never again."""
    with connection:
        connection.execute("INSERT OR REPLACE INTO settings_digested VALUES (?, ?)", (channel, last_change))


def _update_periods(connection: sqlite3.Connection, result: RunResult, unread: set[str]) -> None:
    """Open a period for each new alert key; resolve the open ones this run looked at and no
    longer found. Only the open periods that could change are read: after a huge sheet a
    database may hold hundreds of thousands, and every later cycle would load them all."""
    now = _stamp(result.finished)
    current = {f.key: f for f in result.findings}
    connection.execute("CREATE TEMP TABLE IF NOT EXISTS current_keys (key TEXT PRIMARY KEY)")
    connection.execute("DELETE FROM temp.current_keys")
    connection.executemany("INSERT INTO temp.current_keys VALUES (?)", ((key,) for key in current))
    still_open = {row[0] for row in connection.execute(
        "SELECT p.key FROM alert_periods p JOIN temp.current_keys c ON c.key = p.key WHERE p.resolved_at IS NULL")}
    opened = [(f.key, f.source, f.sheet, f.rule, f.severity, f.message, now) for key, f in current.items() if key not in still_open]
    connection.executemany(
        "INSERT INTO alert_periods (key, source, sheet, rule, severity, message, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?)", opened)
    seen = {s.source: set(s.sheets) for s in result.sources if s.read_ok}
    if seen:
        # A period can resolve only if its source (or one of several it names) was read.
        named = " OR ".join("instr(source, ?) > 0" for _ in seen)
        candidates = connection.execute(
            f"SELECT id, key, source, sheet FROM alert_periods WHERE resolved_at IS NULL AND ({named}) "
            "AND key NOT IN (SELECT key FROM temp.current_keys)", list(seen)).fetchall()
        resolved = [(now, row["id"]) for row in candidates if _was_looked_at(row, seen, unread)]
        connection.executemany("UPDATE alert_periods SET resolved_at = ? WHERE id = ?", resolved)
    connection.execute("DELETE FROM temp.current_keys")


def _was_looked_at(row: sqlite3.Row, seen: dict[str, set[str]], unread: set[str]) -> bool:
    """An alert resolves only when this run read its source and found its sheet there: an
    emptied folder, a mistyped path or a tab gone missing is never an all-clear."""
    sheets = seen.get(row["source"])
    if sheets is not None:  # (a result made without the sheets it saw judges by source alone)
        return not sheets or row["sheet"] in sheets
    # A finding about several sources at once (a sheet no source has): all of them read.
    return bool(seen) and not unread and any(name in row["source"] for name in seen)


def record_failed_run(path: Path, started: datetime, finished: datetime, error: str) -> int:
    """A cycle that could not run at all (bad schema, a bug): recorded, alerts left as they were."""
    connection = connect(path)
    try:
        with connection:
            cursor = connection.execute(
                "INSERT INTO runs (started, finished, duration, status, error) VALUES (?, ?, ?, 'failed', ?)",
                (_stamp(started), _stamp(finished), (finished - started).total_seconds(), error))
        return cursor.lastrowid
    finally:
        connection.close()


# --- queries for the status page and the API ---------------------------------------------------


def latest_run(connection: sqlite3.Connection) -> dict[str, Any] | None:
    row = connection.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return _run(row) if row else None


def latest_ok_run(connection: sqlite3.Connection) -> dict[str, Any] | None:
    row = connection.execute("SELECT * FROM runs WHERE status = 'ok' ORDER BY id DESC LIMIT 1").fetchone()
    return _run(row) if row else None


def _run(row: sqlite3.Row) -> dict[str, Any]:
    run = dict(row)
    run["summary"] = json.loads(run["summary"] or "{}")
    return run


def overview(connection: sqlite3.Connection) -> tuple[dict[str, Any] | None, dict[str, Any] | None, list[dict[str, Any]]]:
    """(latest run, latest successful run, that run's per-source results): what the page opens with."""
    run, ok_run = latest_run(connection), latest_ok_run(connection)
    return run, ok_run, source_results(connection, ok_run["id"]) if ok_run else []


def run_history(connection: sqlite3.Connection, limit: int = 20) -> list[dict[str, Any]]:
    return [_run(row) for row in connection.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))]


def source_results(connection: sqlite3.Connection, run_id: int) -> list[dict[str, Any]]:
    results = []
    # last_read: when the source was last read whole (a source unreadable now may have been fine
    # an hour ago, and staff want to know how old its alerts are).
    for row in connection.execute(
            "SELECT s.*, (SELECT MAX(r.finished) FROM source_results AS o JOIN runs AS r ON r.id = o.run_id "
            "             WHERE o.source = s.source AND o.read_ok = 1) AS last_read "
            "FROM source_results AS s WHERE s.run_id = ? ORDER BY s.source", (run_id,)):
        item = dict(row)
        item["sheet_ids"] = json.loads(item["sheet_ids"] or "{}")
        results.append(item)
    return results


FILTERS = ("source", "sheet", "severity", "kind", "rule")


def findings(connection: sqlite3.Connection, filters: dict[str, str] | None = None, limit: int = 200,
             offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Current findings, filtered (exact source/sheet/severity/kind/rule, text `q`), errors first."""
    where, params = [], []
    for name in FILTERS:
        value = (filters or {}).get(name)
        if value:
            where.append(f"{name} = ?")
            params.append(value)
    text = (filters or {}).get("q")
    if text:
        where.append("(masked(message) LIKE ? ESCAPE '\\' OR masked(message_en) LIKE ? ESCAPE '\\' "
                     "OR masked(value) LIKE ? ESCAPE '\\' OR sheet LIKE ? ESCAPE '\\')")
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"
        params.extend([pattern] * 4)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    total = connection.execute(f"SELECT COUNT(*) FROM findings {clause}", params).fetchone()[0]
    rows = connection.execute(
        f"SELECT {', '.join(FINDING_COLUMNS)} FROM findings {clause} "
        "ORDER BY severity, sheet, row, cell LIMIT ? OFFSET ?", [*params, limit, offset])  # 'error' < 'warning'
    return [dict(r) for r in rows], total


def counts_by_sheet(connection: sqlite3.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in connection.execute(
        "SELECT source, sheet, SUM(severity = 'error') AS errors, SUM(severity = 'warning') AS warnings, "
        "SUM(kind = 'validation') AS validation FROM findings GROUP BY source, sheet ORDER BY source, sheet")]


def distinct_values(connection: sqlite3.Connection, column: str) -> list[str]:
    assert column in FILTERS
    return [r[0] for r in connection.execute(f"SELECT DISTINCT {column} FROM findings ORDER BY {column}")]


def open_alerts_per_day(connection: sqlite3.Connection, today: date, days: int = 42) -> list[tuple[date, int]]:
    """How many alerts were open at the end of each of the last `days` days."""
    start = today - timedelta(days=days - 1)
    rows = connection.execute(
        "SELECT substr(opened_at, 1, 10) AS opened_at, substr(resolved_at, 1, 10) AS resolved_at, COUNT(*) AS n "
        "FROM alert_periods WHERE opened_at < ? AND (resolved_at IS NULL OR resolved_at >= ?) GROUP BY 1, 2",
        ((today + timedelta(days=1)).isoformat(), start.isoformat())).fetchall()
    # A difference array: +1 the day a period opens (or the window starts), -1 the day after
    # it closes; one pass instead of comparing every period with every day.
    changes = [0] * (days + 1)
    for row in rows:
        opened = max(0, (date.fromisoformat(row["opened_at"][:10]) - start).days)
        closed = days if row["resolved_at"] is None else (date.fromisoformat(row["resolved_at"][:10]) - start).days
        if closed > opened:
            changes[opened] += row["n"]
            changes[min(closed, days)] -= row["n"]
    series, running = [], 0
    for offset in range(days):
        running += changes[offset]
        series.append((start + timedelta(days=offset), running))
    return series


def recently_resolved(connection: sqlite3.Connection, limit: int = 20) -> list[dict[str, Any]]:
    rows = connection.execute(
        "SELECT *, julianday(resolved_at) - julianday(opened_at) AS days_open FROM alert_periods "
        "WHERE resolved_at IS NOT NULL ORDER BY resolved_at DESC, id DESC LIMIT ?", (limit,))
    return [dict(r) for r in rows]


def latest_term_report(connection: sqlite3.Connection) -> dict[str, Any] | None:
    """The term's figures as the last run that made them computed them."""
    row = connection.execute("SELECT body FROM term_reports ORDER BY run_id DESC LIMIT 1").fetchone()
    return json.loads(row["body"]) if row else None


def periods_for(connection: sqlite3.Connection, key: str) -> list[dict[str, Any]]:
    rows = connection.execute(
        "SELECT *, julianday(COALESCE(resolved_at, datetime('now'))) - julianday(opened_at) AS days_open "
        "FROM alert_periods WHERE key = ? ORDER BY id", (key,))
    return [dict(r) for r in rows]
