"""Whom a notification may @mention, and how: the 通知人员 sheet when the last run read one,
else the config's `[notify.people]`. Read from the state database, so that `notify digest`
in a process of its own @mentions the same people as the service."""

from __future__ import annotations

import sqlite3

from sync.config.loader import Config
from sync.state import store as state


def contacts(connection: sqlite3.Connection, config: Config) -> dict[str, str]:
    """Name -> phone (DingTalk) or WeCom account, for compose.mention."""
    try:
        view = state.settings_view(connection)
    except sqlite3.Error:  # a database from before the 设置 sheets
        view = None
    sheet = (view or {}).get("people")
    return dict(sheet) if isinstance(sheet, dict) else dict(config.notify.people)


def setting_changes(connection: sqlite3.Connection, channel: str) -> tuple[list[str], int | None]:
    """“库存 过期和临期物品 · 食品提前提醒天数 7 → 3（设置.xlsx › 规则设置 › C2）” for each change
    the channel's digest has not listed yet, and the last one's id (to mark them listed)."""
    try:
        changes = state.settings_changes_for(connection, channel)
    except sqlite3.Error:
        return [], None
    lines = [f"{c['label']} {c['old']} → {c['new']}（{c['place']}）" for c in changes]
    return lines, (changes[-1]["id"] if changes else None)


def changes_listed(connection: sqlite3.Connection, channel: str, last: int | None) -> None:
    if last is not None:
        state.settings_changes_listed(connection, channel, last)
