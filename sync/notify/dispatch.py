"""One send, with the per-bot rate limit checked first and the attempt logged in the outbox."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime

from sync.notify import channels, outbox
from sync.notify.channels import Message, Outcome
from sync.notify.deadline import Stop
from sync.notify.model import Channel

log = logging.getLogger("houqin")


def send_logged(connection: sqlite3.Connection, channel: Channel, kind: str, message: Message, now: datetime,
                items: int = 0, timeout: float = 20.0, stop: Stop | None = None) -> Outcome | None:
    """Send (waiting at most `timeout` seconds) and record; None (nothing sent) when the bot has
    had its fill this minute, so the message waits for a later cycle instead of being refused."""
    bot = channels.bot_id(channel)
    limit = channels.rate_limit(channel)
    if limit is not None and outbox.sends_last_minute(connection, bot, now) >= limit:
        log.info("通知“%s”：这一分钟已发 %d 条，达到上限，其余下次再发", channel.name, limit)
        return None
    outcome = channels.send(channel, message, timeout, stop)
    outbox.record_send(connection, channel.name, channels.describe(channel), bot, kind, now, outcome.ok,
                       outcome.reason, items, message.size, outcome.unsure)
    if outcome.unsure:
        log.warning("通知“%s”：%s（下次最多重发一次）", channel.name, outcome.reason)
    elif not outcome.ok:
        log.warning("通知“%s”发送失败：%s（稍后重试）", channel.name, outcome.reason)
    return outcome
