"""`notify test` and `notify digest`: send now, and say per channel what happened."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

from sync.config.loader import Config
from sync.errors import EXIT_FAILED, EXIT_OK
from sync.errors import EXIT_FINDINGS as EXIT_SOME_FAILED
from sync.notify import channels, compose, digest
from sync.notify.channels import Outcome
from sync.notify.dispatch import send_logged
from sync.notify.model import Channel
from sync.state import store as state


def _report(channel: Channel, outcome: Outcome | None) -> bool:
    where = f"{channel.name}（{channels.describe(channel)}）"
    if outcome is None:
        print(f"{where}：这一分钟已发满 {channels.rate_limit(channel)} 条，请过一分钟再试")
    elif outcome.ok:
        print(f"{where}：已发送")
    elif outcome.unsure:
        print(f"{where}：未确认——{outcome.reason}")
    else:
        print(f"{where}：发送失败——{outcome.reason}")
    return outcome is not None and outcome.ok


def _no_channels(config: Config) -> bool:
    if config.notify.channels:
        return False
    print(f"{config.origin} 里没有通知渠道：请在 [[notify.channels]] 中填写 name 和 url（见 houqin.example.toml）",
          file=sys.stderr)
    return True


def notify_test(config: Config) -> int:
    """A test message to every channel; exit 1 when any did not get it."""
    if _no_channels(config):
        return EXIT_FAILED
    connection = state.connect(Path(config.state_db))
    try:
        now = datetime.now(config.zone)
        results = [_report(c, send_logged(connection, c, "test", compose.test_message(c.name, now), now,
                                              timeout=config.notify.send_timeout))
                   for c in config.notify.channels]
    finally:
        connection.close()
    return EXIT_OK if all(results) else EXIT_SOME_FAILED


def notify_digest(config: Config, today: date | None = None) -> int:
    """The morning digest now (for `today`, default the real day), whatever the time or day."""
    if _no_channels(config):
        return EXIT_FAILED
    connection = state.connect(Path(config.state_db))
    try:
        if state.latest_ok_run(connection) is None:
            print("还没有同步过，没有可以汇总的提醒：请先运行 run 或 serve", file=sys.stderr)
            return EXIT_FAILED
        now = datetime.now(config.zone)
        if today is not None:
            now = datetime.combine(today, now.timetz())
        wanted = [c for c in config.notify.channels if c.digest]
        results = [_report(c, digest.send_digest(connection, config, c, now)) for c in wanted]
    finally:
        connection.close()
    if not wanted:
        print("没有渠道收早报（每个渠道都写了 digest = false）", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK if all(results) else EXIT_SOME_FAILED
