"""The 设置 sheets in a cycle: what staff set there, applied over the config for this check.

The tables are read like every other sheet (any workbook of the sources may hold them, a
设置.xlsx in the shared folder is the usual place); rules/settings_sheet/ turns them into
overrides and findings (written back into the wrong row's 系统提醒 like any other). The
values a row set last time come from the state database, so that a row typed wrong keeps
the rule on its last valid value; the config is copied, never changed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rules.model import Finding
from rules.pack.spec import Pack
from rules.settings_sheet import CALENDAR, CUSTOM, PEOPLE, RULES, SHEET_IDS
from rules.settings_sheet.calendar_sheet import read_calendar
from rules.settings_sheet.custom import Custom, extended, read_custom
from rules.settings_sheet.people import read_people
from rules.settings_sheet.rule_settings import read_rule_settings
from rules.validate import TypedTable
from sync.config.loader import Config
from sync.state import store as state


@dataclass
class Applied:
    """A cycle's config with the sheets' settings, and what the page and the state keep."""

    config: Config
    findings: list[Finding] = field(default_factory=list)
    # For the state database and the page's 设置 tab (strict JSON).
    view: dict[str, Any] = field(default_factory=dict)
    # Name -> sheet ids whose alerts @mention them (通知人员's 接收哪些表), for rules.owners.
    receives: dict[str, tuple[str, ...]] = field(default_factory=dict)


def previous_values(config: Config) -> dict[str, Any]:
    """The values the sheet set in the last recorded run; {} without a database yet."""
    path = Path(config.state_db)
    if not path.exists():
        return {}
    try:
        with contextlib.closing(state.connect(path, readonly=True)) as connection:
            return state.sheet_values(connection)
    except sqlite3.Error:  # an older database, or one being mended: defaults this once
        logging.getLogger("houqin").debug("设置表：读不到上次的有效值", exc_info=True)
        return {}


__all__ = ["Applied", "apply", "custom_registers", "extended", "previous_values"]


def custom_registers(pack: Pack, tables: list[TypedTable]) -> Custom:
    """The registers the 自定义表 rows define (none without the sheet)."""
    return read_custom([t for t in tables if t.table.sheet_id == CUSTOM], pack)


def apply(config: Config, pack: Pack, tables: list[TypedTable], previous: dict[str, Any] | None = None,
          custom: Custom | None = None) -> Applied:
    """The config for this cycle with what the settings sheets say, and their findings."""
    def of(sheet_id: str) -> list[TypedTable]:
        return [t for t in tables if t.table.sheet_id == sheet_id]

    custom = custom_registers(pack, tables) if custom is None else custom
    rules = read_rule_settings(of(RULES), pack, config.rule_settings, config.settings_locked,
                               previous if previous is not None else previous_values(config))
    changed = dataclasses.replace(config, rule_settings=rules.overrides)
    view: dict[str, Any] = {"entries": [dataclasses.asdict(e) for e in rules.entries], "values": rules.values,
                            "locked": list(config.settings_locked), "present": any(of(s) for s in SHEET_IDS)}
    applied = Applied(config=changed, findings=[*custom.findings, *rules.findings], view=view)
    if custom.sheets:
        view["custom"] = custom.lines
    if of(CALENDAR):
        calendar = read_calendar(of(CALENDAR))
        applied.findings.extend(calendar.findings)
        if calendar.terms:
            changed.terms = calendar.terms
        changed.extra_holidays = sorted({*config.extra_holidays, *calendar.holidays})
        changed.extra_workdays = sorted({*config.extra_workdays, *calendar.workdays})
        if calendar.classes:
            changed.classes = calendar.classes
        view["calendar"], view["areas"] = calendar.lines, calendar.areas
    if of(PEOPLE):  # the sheet replaces [notify.people], even when it lists nobody yet
        people = read_people(of(PEOPLE), pack)
        changed.notify = dataclasses.replace(config.notify, people=people.contacts)
        view["people"], applied.receives = people.contacts, people.receives
        applied.findings.extend(people.findings)
    return applied
