"""After each cycle: queue the alerts it opened, send what is due, and the digest when due.

Nothing here may fail a sync: every problem becomes a logged, recorded failed send, and the
queued alerts wait for the next cycle.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from rules.kinds.health import urgent_rules
from sync.config.loader import Config
from sync.config.pack_file import pack_for
from sync.cycle.outcome import RunResult
from sync.notify import channels, compose, digest, outbox, people
from sync.notify.dispatch import send_logged
from sync.notify.model import Channel
from sync.state import store as state

log = logging.getLogger("houqin")


def notify_after_cycle(config: Config, result: RunResult, now: datetime | None = None, digests: bool = False) -> None:
    """What `run` and the service do once the run is recorded (through sync.notify.hook). Never raises.

    Only the service's timer sends the morning digest (`digests`): a `run` by hand or by a
    scheduled task sends what its cycle opened, and `notify digest` is there for the rest."""
    try:
        connection = state.connect(Path(config.state_db))
        try:
            now = now or datetime.now(config.zone)
            outbox.remember_people(connection, result.people)
            outbox.enqueue_opened(connection, config.notify.channels, outbox.stamp(result.finished), now, urgent_for(config))
            deliver(connection, config, now, digests)
        finally:
            connection.close()
    except Exception as exc:  # notifications never fail or block a sync
        log.error("发送通知时出错：%s: %s", type(exc).__name__, exc)


def urgent_for(config: Config) -> set[str]:
    """The rules whose alerts go out at once everywhere, quiet hours or not (an outbreak)."""
    try:
        return urgent_rules(pack_for(config))
    except Exception as exc:  # the cycle has said what is wrong with the pack; no urgent rules then
        log.warning("读取表格定义时出错，疫情提醒按普通提醒发送：%s", exc)
        return set()


def deliver(connection: sqlite3.Connection, config: Config, now: datetime, digests: bool = True) -> None:
    """Send every channel's due alerts and, when due, its digest; quiet hours hold them back,
    except an urgent rule's alert (a suspected outbreak), which goes out whatever the hour."""
    if config.notify.in_quiet_hours(now.time()):
        urgent = urgent_for(config)
        if urgent:
            for channel in config.notify.channels:
                send_alerts(connection, config, channel, now, only=urgent)
        return
    for channel in config.notify.channels:
        send_alerts(connection, config, channel, now)
        if digests and digest.is_due(connection, config, channel, now):
            digest.send_digest(connection, config, channel, now)


def send_alerts(connection: sqlite3.Connection, config: Config, channel: Channel, now: datetime,
                only: set[str] | None = None) -> int:
    """The channel's due alerts (of the rules in `only` when given), batched into at most a few
    messages; returns messages sent."""
    items = outbox.due_items(connection, channel.name, now, only)
    if not items:
        return 0
    parts = compose.alert_parts(items, people.contacts(connection, config), channels.mention_style(channel),
                                channels.body_bytes(channel), digest.page_url(config))
    sent = 0
    for number, part in enumerate(parts):
        outcome = send_logged(connection, channel, "alerts", part.message, now, len(part.items) + len(part.counted))
        if outcome is None:
            break  # the bot's minute is full: the rest wait, untouched
        if not outcome.ok:
            outbox.mark_failed(connection, [i for p in parts[number:] for i in p.items + p.counted], now)
            break
        outbox.mark_done(connection, part.items, "sent", now)
        outbox.mark_done(connection, part.counted, "counted", now)
        sent += 1
    if sent:
        log.info("通知“%s”：已发送 %d 条新问题（%d 条消息）", channel.name,
                 sum(len(p.items) + len(p.counted) for p in parts[:sent]), sent)
    return sent
