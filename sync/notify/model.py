"""What the `[notify]` section decides: channels, people, digest time, quiet hours.

A channel's URL holds a bot's token or an SMTP password: it is kept expanded here but never
printed; pages and logs name a channel by its `name` and a masked address (channels.describe).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

LEVELS = ("error", "warning", "none")


@dataclass
class Channel:
    """One place alerts go: a group bot, a mailbox, a webhook."""

    name: str
    url: str = field(repr=False)  # secret: tokens, passwords
    sheets: tuple[str, ...] = ("*",)
    immediate: str = "error"
    digest: bool = True
    # Values taken from the environment: hidden wherever text about this channel is shown.
    secrets: tuple[str, ...] = field(default=(), repr=False)

    @property
    def scheme(self) -> str:
        return self.url.split("://", 1)[0].lower()

    def wants(self, severity: str, sheet: str, sheet_id: str = "") -> bool:
        """Whether an alert of this severity on this sheet is sent at once to this channel."""
        if self.immediate == "none" or (self.immediate == "error" and severity != "error"):
            return False
        return self.covers(sheet, sheet_id)

    def covers(self, sheet: str, sheet_id: str = "") -> bool:
        return "*" in self.sheets or sheet in self.sheets or (bool(sheet_id) and sheet_id in self.sheets)


@dataclass
class NotifySettings:
    channels: list[Channel] = field(default_factory=list)
    # Person as named in the sheets -> phone number (DingTalk, WeCom) or WeCom user id.
    people: dict[str, str] = field(default_factory=dict)
    digest_time: time | None = time(7, 30)
    quiet_hours: tuple[time, time] | None = (time(21, 0), time(7, 0))

    def in_quiet_hours(self, moment: time) -> bool:
        if not self.quiet_hours:
            return False
        start, end = self.quiet_hours
        return start <= moment < end if start <= end else (moment >= start or moment < end)
