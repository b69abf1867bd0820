"""The one call `run` and the service make after recording a cycle. Light on purpose: apprise
and the rest of notifications load only when a channel is configured."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sync.config.loader import Config
from sync.cycle.outcome import RunResult

if TYPE_CHECKING:
    from sync.notify.deadline import Stop


def after_cycle(config: Config, result: RunResult, now: datetime | None = None, digests: bool = False,
                stop: Stop | None = None) -> None:
    """Queue and send what this cycle opened (and the digest, from the service). Never raises;
    waits for each channel at most `[notify] send_timeout`, and no more once `stop` is set."""
    if not config.notify.channels:
        return
    from sync.notify.deliver import notify_after_cycle

    notify_after_cycle(config, result, now, digests, stop)
