"""The morning digest: once per school day per channel, at `digest_time`, outside quiet hours.

School days are the rules' own (rules.calendar): no digest on weekends, holidays or between
terms. A failed digest is tried again on later cycles the same day.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from rules.calendar import SchoolCalendar
from sync.config.loader import Config
from sync.notify import channels, compose, outbox, people
from sync.notify.channels import Message, Outcome
from sync.notify.deadline import Stop
from sync.notify.dispatch import send_logged
from sync.notify.model import Channel

RETRY_AFTER = timedelta(minutes=5)


def school_calendar(config: Config) -> SchoolCalendar:
    return SchoolCalendar(terms=config.terms, autumn=config.autumn, spring=config.spring,
                          extra_holidays=config.extra_holidays, extra_workdays=config.extra_workdays)


def is_due(connection: sqlite3.Connection, config: Config, channel: Channel, now: datetime) -> bool:
    settings = config.notify
    if not channel.digest or settings.digest_time is None or now.time() < settings.digest_time:
        return False
    if settings.in_quiet_hours(now.time()) or not school_calendar(config).is_school_day(now.date()):
        return False
    last = outbox.last_digest(connection, channel.name)
    if last and last[0] == now.date().isoformat():
        return False
    failed = outbox.last_failure(connection, channel.name, "digest")
    return failed is None or now - failed >= RETRY_AFTER


def send_digest(connection: sqlite3.Connection, config: Config, channel: Channel, now: datetime,
                stop: Stop | None = None) -> Outcome | None:
    """Compose and send one channel's digest for `now`'s day; recorded as that day's digest when
    sent, and also when it may have arrived (no answer in time): a digest is never sent twice."""
    last = outbox.last_digest(connection, channel.name)
    since = max(last[1], now - timedelta(days=7)) if last and last[1] < now else now - timedelta(days=1)
    items = [i for i in outbox.open_items(connection) if channel.covers(i.sheet)]
    fixed = [f for f in outbox.fixed_since(connection, since) if channel.covers(f.sheet)]
    part = compose.digest_parts(now.date(), now, items, fixed, people.contacts(connection, config),
                                channels.mention_style(channel), channels.body_bytes(channel), page_url(config))
    changes, last_change = people.setting_changes(connection, channel.name)
    message = with_setting_changes(part.message, changes)
    outcome = send_logged(connection, channel, "digest", message, now, len(items), config.notify.send_timeout, stop)
    if outcome is not None and (outcome.ok or outcome.unsure):
        outbox.mark_digest(connection, channel.name, now.date().isoformat(), now)
        people.changes_listed(connection, channel.name, last_change)
    return outcome


def with_setting_changes(message: Message, changes: list[str]) -> Message:
    """The digest with what the 设置 sheets changed since the channel's last digest: once each."""
    if not changes:
        return message
    return Message(message.title, message.body + "\n\n" + "\n".join(f"设置变更：{line}" for line in changes),
                   message.mentions)


def page_url(config: Config) -> str | None:
    return config.web.public_url
