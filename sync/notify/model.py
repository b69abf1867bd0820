"""What the `[notify]` section decides: channels, people, digest time, quiet hours.

A channel's URL holds a bot's token or an SMTP password: it is kept expanded here but never
printed; pages and logs name a channel by its `name` and a masked address (channels.describe).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from urllib.parse import unquote, urlsplit

LEVELS = ("error", "warning", "none")
# Services whose URL carries the token where a host would be: nothing of it is shown.
TOKEN_HOSTS = frozenset({"dingtalk", "wecombot", "feishu", "lark"})
_SECRET_QUERY = frozenset({"token", "access_token", "secret", "key", "apikey", "pass", "password"})


def _token_like(text: str) -> bool:
    """A webhook path or query part that reads like a key: long, letters and digits mixed."""
    return len(text) >= 12 and any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


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

    def secret_parts(self) -> list[str]:
        """Every piece of the URL that may be a token, secret, key or password, longest first."""
        parts = urlsplit(self.url)
        secret = {parts.username, parts.password, *self.secrets, *parts.path.split("/")}
        if self.scheme in TOKEN_HOSTS:
            secret.add(parts.hostname)  # the token is the host part of these URLs
            secret.add(parts.netloc.rsplit("@", 1)[-1])
        for pair in parts.query.split("&"):
            secret.add(pair.partition("=")[2])
        return sorted((s for s in secret if s and len(s) >= 4), key=len, reverse=True)

    def hidden_everywhere(self) -> list[str]:
        """The parts no log line may show, whatever it is about: passwords, tokens, keys and
        values from the environment (narrower than secret_parts, so ordinary words survive)."""
        parts = urlsplit(self.url)
        hidden = {parts.password, *self.secrets}
        if self.scheme in TOKEN_HOSTS:
            hidden |= {parts.hostname, parts.username}
        hidden |= {p for p in parts.path.split("/") if _token_like(p)}
        for pair in parts.query.split("&"):
            name, _, value = pair.partition("=")
            if name.lower() in _SECRET_QUERY or _token_like(value):
                hidden.add(value)
        hidden |= {unquote(h) for h in hidden if h}  # as typed and as sent
        return sorted((s for s in hidden if s and len(s) >= 4), key=len, reverse=True)

    def covers(self, sheet: str, sheet_id: str = "") -> bool:
        return "*" in self.sheets or sheet in self.sheets or (bool(sheet_id) and sheet_id in self.sheets)


@dataclass
class NotifySettings:
    channels: list[Channel] = field(default_factory=list)
    # Person as named in the sheets -> phone number (DingTalk, WeCom) or WeCom user id.
    people: dict[str, str] = field(default_factory=dict)
    digest_time: time | None = time(7, 30)
    quiet_hours: tuple[time, time] | None = (time(21, 0), time(7, 0))
    # Seconds one send may take, the whole exchange: a channel that trickles its answer or
    # never answers is left behind after this, and the cycle goes on (sync/notify/deadline.py).
    send_timeout: float = 20.0

    def secret_values(self) -> list[str]:
        """What no log line may show: every channel's tokens, keys and passwords."""
        return [value for channel in self.channels for value in channel.hidden_everywhere()]

    def in_quiet_hours(self, moment: time) -> bool:
        if not self.quiet_hours:
            return False
        start, end = self.quiet_hours
        return start <= moment < end if start <= end else (moment >= start or moment < end)
