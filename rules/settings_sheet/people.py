"""通知人员: 姓名, 手机号, 企业微信账号, 接收哪些表. Replaces the config's `[notify.people]`
when the sheet is there: a new teacher is added to the notifications by the principal.

A person is @mentioned by phone on DingTalk and by account on WeCom (sync/notify/compose.py
takes one contact per person: the phone when given, else the account). 接收哪些表 names the
sheets whose every alert @mentions that person, besides the rows that name them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rules.kinds.settings import suggestion
from rules.model import Finding
from rules.pack.spec import Pack
from rules.settings_sheet.row import Row
from rules.tables import match_sheet
from rules.text import listed
from rules.validate import TypedTable

HEADERS = ("姓名", "手机号", "企业微信账号", "接收哪些表")
EVERY_SHEET = ("全部", "所有表", "*")
_PHONE = re.compile(r"1\d{10}")
_ACCOUNT = re.compile(r"[A-Za-z0-9_.@\-]{1,64}")


@dataclass
class People:
    """Who the sheet names: contacts for @mentions, and the sheets each one receives."""

    contacts: dict[str, str] = field(default_factory=dict)
    # Name -> the pack sheet ids whose alerts @mention them (every sheet: "*").
    receives: dict[str, tuple[str, ...]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def read_people(tables: Iterable[TypedTable], pack: Pack) -> People:
    people = People()
    for typed in tables:
        for index in range(len(typed)):
            _person(Row(typed, index, people.findings), pack, people)
    return people


def _person(row: Row, pack: Pack, people: People) -> None:
    name = row.text("姓名")
    if not name or row.refuses(HEADERS, "settings.people"):
        return  # a missing 姓名: validation says so
    phone = re.sub(r"[\s\-]|^\+?86", "", row.text("手机号"))
    account = row.text("企业微信账号")
    if phone and not _PHONE.fullmatch(phone):
        row.say("手机号", "settings.people", f"{name}的手机号“{row.text('手机号')}”应为 11 位手机号码，钉钉无法 @ 他",
                f"{name}: '{row.text('手机号')}' is not an 11-digit mobile number")
        phone = ""
    if account and not _ACCOUNT.fullmatch(account):
        row.say("企业微信账号", "settings.people",
                f"{name}的企业微信账号“{account}”应为字母、数字、下划线（在企业微信管理后台的“账号”一栏）",
                f"{name}: '{account}' is not a WeCom account id")
        account = ""
    if phone or account:
        people.contacts[name] = phone or account
    wanted: list[str] = []
    for part in listed(row.text("接收哪些表")):
        if part in EVERY_SHEET:
            wanted.append("*")
        elif (spec := match_sheet(part, pack)) is not None:
            wanted.append(spec.id)
        else:
            names = sorted({s.name for s in pack.sheets})
            row.say("接收哪些表", "settings.people", f"没有名为“{part}”的表{suggestion(part, names)}", f"No sheet named '{part}'")
    if wanted:
        people.receives[name] = tuple(dict.fromkeys(wanted))
