"""The queries behind the status page's to-do: the headline counts, each person's items by
due date, and validation errors by workbook. Each list is limited; the page never carries
20,000 rows (a person's full list is paged)."""

from __future__ import annotations

import sqlite3
from typing import Any

from rules.owners import ROLES

ROLE_WORDS = ROLES  # the columns that name who acts (责任人, 经手人, 执行人, 保管人)
# What the to-do shows of a finding; opened_at says since when it has been open.
ITEM = ("f.key, f.source, f.sheet, f.row, f.cell, f.severity, f.message, f.message_en, f.value, f.owner, f.due, "
        "substr(p.opened_at, 1, 10) AS since")
OPEN_PERIOD = "LEFT JOIN alert_periods AS p ON p.key = f.key AND p.resolved_at IS NULL"
# Errors (overdue, violations) first, then what falls due soonest, then the rest by sheet and row.
TODO_ORDER = "f.severity, f.due IS NULL, f.due, f.sheet, f.row"


def headline(db: sqlite3.Connection) -> dict[str, int]:
    row = db.execute(
        "SELECT COUNT(*) AS total, COALESCE(SUM(kind = 'rule' AND severity = 'error'), 0) AS overdue, "
        "COALESCE(SUM(kind = 'rule'), 0) AS alerts, COALESCE(SUM(kind = 'validation'), 0) AS validation FROM findings").fetchone()
    return dict(row)


def owners(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Each person with open alerts, the unassigned last, busiest (most errors) first."""
    return [dict(r) for r in db.execute(
        "SELECT owner, COUNT(*) AS total, SUM(severity = 'error') AS errors FROM findings WHERE kind = 'rule' "
        "GROUP BY owner ORDER BY owner = '', errors DESC, total DESC, owner")]


def owner_items(db: sqlite3.Connection, owner: str, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    return [dict(r) for r in db.execute(
        f"SELECT {ITEM} FROM findings AS f {OPEN_PERIOD} WHERE f.kind = 'rule' AND f.owner = ? "
        f"ORDER BY {TODO_ORDER} LIMIT ? OFFSET ?", (owner, limit, offset))]


def outbreaks(db: sqlite3.Connection, rules: list[str]) -> list[dict[str, Any]]:
    """Open outbreak signals: the row findings of the urgent rules (`rules`, from the run's
    summary), oldest first. A rule that could not run has no row and is no outbreak."""
    if not rules:
        return []
    marks = ", ".join("?" * len(rules))
    return [dict(r) for r in db.execute(
        f"SELECT {ITEM} FROM findings AS f {OPEN_PERIOD} WHERE f.kind = 'rule' AND f.row IS NOT NULL "
        f"AND f.rule IN ({marks}) ORDER BY since, f.source, f.sheet, f.row", list(rules))]


def validation_groups(db: sqlite3.Connection, limit: int) -> list[dict[str, Any]]:
    """Validation errors by workbook: its count and its first `limit` cells, as staff typed them."""
    groups = []
    for row in db.execute("SELECT source, COUNT(*) AS total FROM findings WHERE kind = 'validation' "
                          "GROUP BY source ORDER BY total DESC, source"):
        items = [dict(r) for r in db.execute(
            f"SELECT {ITEM} FROM findings AS f {OPEN_PERIOD} WHERE f.kind = 'validation' AND f.source = ? "
            "ORDER BY f.sheet, f.row, f.cell LIMIT ?", (row["source"], limit))]
        groups.append({"source": row["source"], "total": row["total"], "items": items})
    return groups


def by_due(items: list[dict[str, Any]], today: str) -> list[tuple[str, str | None, list[dict[str, Any]]]]:
    """Items in groups as the page heads them: ("overdue", None), ("due", date), ("other", None)."""
    groups: list[tuple[str, str | None, list[dict[str, Any]]]] = []
    for item in items:
        if item["severity"] == "error":
            key = ("overdue", None)
        elif item["due"]:
            key = ("due_today", None) if item["due"] <= today else ("due", item["due"])
        else:
            key = ("other", None)
        if not groups or groups[-1][:2] != key:
            groups.append((*key, []))
        groups[-1][2].append(item)
    return groups


def by_sheet(items: list[dict[str, Any]], roles: dict[str, list[str]],
             say: dict[str, str]) -> list[tuple[str, str | None, list[dict[str, Any]]]]:
    """Unassigned items grouped by sheet, each group headed by why nobody is named: the sheet has
    no owner column (`roles` maps a sheet's names to the owner columns the pack gives it), the
    rows leave it blank, or the finding is about no row (a missing day's record). `say` holds the
    three texts, each with one %s for the columns."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for item in items:
        columns = roles.get(item["sheet"])
        choices = list(columns or ROLE_WORDS)
        named = "、".join(choices[:-1]) + ("或" if len(choices) > 1 else "") + choices[-1]
        text = say["not_a_row"] if item["row"] is None and columns else say["owner_blank" if columns else "no_owner_column"]
        why = text % named if "%s" in text else text
        groups.setdefault((item["sheet"], why), []).append(item)
    return [("sheet", f"{sheet}：{why}", rows) for (sheet, why), rows in groups.items()]
