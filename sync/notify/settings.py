"""Reading the `[notify]` section of houqin.toml: channels as apprise URLs, people, digest
time and quiet hours, each setting checked and named when wrong.

`${NAME}` in a channel URL is taken from the environment, so tokens and passwords need not
be written in the file. Messages about a bad URL name the channel, never repeat the URL.
"""

from __future__ import annotations

import difflib
import os
import re
from datetime import time
from typing import Any, Protocol
from urllib.parse import quote

from sync.notify.model import LEVELS, Channel, NotifySettings

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
CHANNEL_KEYS = ("name", "url", "sheets", "immediate", "digest")


class Reader(Protocol):
    """What sync.config.loader's reader offers: typed lookups and errors that name the setting."""

    def get(self, table: dict[str, Any], key: str, kind: Any, where: str, default: Any = None) -> Any: ...

    def fail(self, where: str, what: str) -> Exception: ...

    def known(self, table: dict[str, Any], keys: set[str], where: str) -> None: ...


def _clock(reader: Reader, value: Any, where: str) -> time:
    found = _CLOCK.match(value) if isinstance(value, str) else None
    if not found:
        raise reader.fail(where, f"时间应写成 07:30 的形式，实际是 {value!r}")
    return time(int(found[1]), int(found[2]))


def expand(url: str, where: str, reader: Reader) -> tuple[str, tuple[str, ...]]:
    """`${NAME}` replaced by the environment variable's value; (url, the values used).

    A value inside the URL is a token, key or password, put in percent-encoded: a secret with
    "/", "@", "#" or "?" would otherwise end its part of the URL early. A value at the very
    start is the URL itself (or its beginning) and goes in as it is."""
    used: list[str] = []

    def value(found: re.Match) -> str:
        text = os.environ.get(found[1])
        if not text:
            raise reader.fail(where, f"环境变量 {found[1]} 没有设置（地址中写了 ${{{found[1]}}}）")
        if found.start() == 0:
            used.append(text)
            return text
        encoded = quote(text, safe="")
        used.extend(dict.fromkeys((text, encoded)))
        return encoded

    return _PLACEHOLDER.sub(value, url), tuple(used)


def read_notify(reader: Reader, section: dict[str, Any]) -> NotifySettings:
    """The `[notify]` table (its keys already checked against sync/config/declaration.py);
    raise the reader's error naming the setting when wrong."""
    settings = NotifySettings()
    if "digest_time" in section:
        text = reader.get(section, "digest_time", str, "notify.")
        settings.digest_time = _clock(reader, text, "notify.digest_time") if text else None
    if "quiet_hours" in section:
        pair = reader.get(section, "quiet_hours", list, "notify.")
        if pair and len(pair) != 2:
            raise reader.fail("notify.quiet_hours", '应写成 ["21:00", "07:00"]（开始、结束），或写 [] 表示不设')
        settings.quiet_hours = (_clock(reader, pair[0], "notify.quiet_hours[0]"),
                                _clock(reader, pair[1], "notify.quiet_hours[1]")) if pair else None
    if settings.digest_time and settings.in_quiet_hours(settings.digest_time):
        raise reader.fail("notify.digest_time", "早报时间落在免打扰时段（quiet_hours）里，请错开")
    if "send_timeout" in section:
        seconds = reader.get(section, "send_timeout", (int, float), "notify.")
        if isinstance(seconds, bool) or not 1 <= seconds <= 600:
            raise reader.fail("notify.send_timeout", f"应在 1 到 600 秒之间，实际是 {seconds!r}")
        settings.send_timeout = float(seconds)
    people = reader.get(section, "people", dict, "notify.", {})
    for person, contact in people.items():
        if not isinstance(contact, str | int) or isinstance(contact, bool):
            raise reader.fail(f"notify.people.{person}", f"应为手机号或企业微信账号，实际是 {contact!r}")
        settings.people[str(person)] = str(contact)
    names: set[str] = set()
    for i, raw in enumerate(reader.get(section, "channels", list, "notify.", [])):
        where = f"notify.channels[{i}]"
        if not isinstance(raw, dict):
            raise reader.fail(where, '每个通知渠道是一个表：[[notify.channels]] name = "园务群" url = "…"')
        reader.known(raw, set(CHANNEL_KEYS), where + ".")
        name = reader.get(raw, "name", str, where + ".", "") or f"渠道{i + 1}"
        if name in names:
            raise reader.fail(where + ".name", f"渠道名“{name}”重复了，每个渠道的名字要不同")
        names.add(name)
        url = reader.get(raw, "url", str, where + ".", "")
        if not url:
            raise reader.fail(where + ".url", "缺少通知地址，例如 dingtalk://SECRET@TOKEN/ 或 wecombot://KEY")
        url, secrets = expand(url.strip(), where + ".url", reader)
        sheets = reader.get(raw, "sheets", list, where + ".", ["*"])
        if not sheets or not all(isinstance(s, str) and s for s in sheets):
            raise reader.fail(where + ".sheets", '应为表名列表，例如 ["库存", "食品留样"]，或 ["*"] 表示全部')
        immediate = reader.get(raw, "immediate", str, where + ".", "error")
        if immediate not in LEVELS:
            raise reader.fail(where + ".immediate", f"应为 error、warning 或 none，实际是 {immediate!r}")
        channel = Channel(name=name, url=url, sheets=tuple(sheets), immediate=immediate,
                          digest=reader.get(raw, "digest", bool, where + ".", True), secrets=secrets)
        from sync.notify.channels import check_url  # apprise is imported only when channels exist

        problem = check_url(channel)
        if problem:
            raise reader.fail(where + ".url", problem)
        settings.channels.append(channel)
    return settings


def check_sheets(settings: NotifySettings, sheet_names: dict[str, str]) -> str | None:
    """A message for the first channel naming a sheet the pack does not have (id -> name given)."""
    known = set(sheet_names) | set(sheet_names.values())
    for i, channel in enumerate(settings.channels):
        for sheet in channel.sheets:
            if sheet != "*" and sheet not in known:
                near = difflib.get_close_matches(sheet, sorted(sheet_names.values()), n=1, cutoff=0.5)  # short names
                hint = f"，是不是想写“{near[0]}”？" if near else ""
                return f"notify.channels[{i}].sheets：没有叫“{sheet}”的表{hint}"
    return None
