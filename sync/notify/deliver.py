"""After each cycle: queue the alerts it opened, send what is due, and the digest when due.

Nothing here may fail a sync: every problem becomes a logged, recorded failed send, and the
queued alerts wait for the next cycle.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from rules.kinds.outbreaks import urgent_rules
from sync.config.loader import Config
from sync.config.pack_file import pack_for
from sync.cycle.outcome import RunResult
from sync.notify import channels, compose, digest, outbox, people
from sync.notify.deadline import Stop
from sync.notify.dispatch import send_logged
from sync.notify.model import Channel
from sync.state import store as state

log = logging.getLogger("houqin")


def notify_after_cycle(config: Config, result: RunResult, now: datetime | None = None, digests: bool = False,
                       stop: Stop | None = None) -> None:
    """What `run` and the service do once the run is recorded (through sync.notify.hook). Never raises.

    Only the service's timer sends the morning digest (`digests`): a `run` by hand or by a
    scheduled task sends what its cycle opened, and `notify digest` is there for the rest.
    `stop` set (the service is stopping): nothing more is sent, what is queued waits."""
    try:
        connection = state.connect(Path(config.state_db))
        try:
            now = now or datetime.now(config.zone)
            outbox.remember_people(connection, result.people)
            urgent = urgent_for(config)  # the pack read once per cycle, for the queue and quiet hours
            outbox.enqueue_opened(connection, config.notify.channels, outbox.stamp(result.finished), now, urgent)
            deliver(connection, config, now, digests, stop, urgent)
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


def _stopping(stop: Stop | None) -> bool:
    return stop is not None and stop.is_set()


def deliver(connection: sqlite3.Connection, config: Config, now: datetime, digests: bool = True,
            stop: Stop | None = None, urgent: set[str] | None = None) -> None:
    """Send every channel's due alerts and, when due, its digest; quiet hours hold them back,
    except an urgent rule's alert (a suspected outbreak), which goes out whatever the hour.
    A channel that did not answer in time gets nothing more this cycle: the cycle waits for
    each channel at most one deadline (`[notify] send_timeout`)."""
    if config.notify.in_quiet_hours(now.time()):
        urgent = urgent_for(config) if urgent is None else urgent
        for channel in config.notify.channels if urgent else ():
            if _stopping(stop):
                return
            send_alerts(connection, config, channel, now, stop, only=urgent)
        return
    for channel in config.notify.channels:
        if _stopping(stop):
            return
        answered = send_alerts(connection, config, channel, now, stop)
        if answered and digests and not _stopping(stop) and digest.is_due(connection, config, channel, now):
            digest.send_digest(connection, config, channel, now, stop)


def lease(config: Config) -> timedelta:
    """How long a claim on a channel's alerts holds: every part's deadline and some room. A
    process killed while sending leaves its claim; another takes the alerts after this."""
    return timedelta(seconds=compose.MAX_PARTS * config.notify.send_timeout + 60)


def send_alerts(connection: sqlite3.Connection, config: Config, channel: Channel, now: datetime,
                stop: Stop | None = None, only: set[str] | None = None) -> bool:
    """The channel's due alerts (of the rules in `only` when given), batched into at most a few
    messages. False when the channel did not answer one of them in time (the cycle should not
    wait for it again)."""
    token, items = outbox.claim_due(connection, channel.name, now, lease(config), only)
    if not items:
        return True
    answered, sent = True, 0
    try:
        parts = compose.alert_parts(items, people.contacts(connection, config), channels.mention_style(channel),
                                    channels.body_bytes(channel), digest.page_url(config))
        for number, part in enumerate(parts):
            if _stopping(stop):
                break
            outcome = send_logged(connection, channel, "alerts", part.message, now, len(part.items) + len(part.counted),
                                  config.notify.send_timeout, stop)
            if outcome is None:
                break  # the bot's minute is full: the rest wait, untouched
            if outcome.unsure:
                outbox.mark_unsure(connection, token, part.items + part.counted, now)
                answered = False
                break  # the rest were not tried: released below, for the next cycle
            if not outcome.ok:
                outbox.mark_failed(connection, token, [i for p in parts[number:] for i in p.items + p.counted], now)
                break
            outbox.mark_done(connection, token, part.items, "sent", now)
            outbox.mark_done(connection, token, part.counted, "counted", now)
            sent += 1
    finally:
        outbox.release(connection, token)
    if sent:
        log.info("通知“%s”：已发送 %d 条新问题（%d 条消息）", channel.name,
                 sum(len(p.items) + len(p.counted) for p in parts[:sent]), sent)
    return answered
