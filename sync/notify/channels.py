"""Sending one message to one channel through apprise, and saying why when it fails.

apprise knows ~100 services by URL. Two of its plugins are given a Houqin `send` here:
DingTalk and WeCom group bots answer HTTP 200 with a non-zero `errcode` when they refuse a
message (bad signature, too fast, too long), which apprise 2.3.0 counts as sent; and apprise's
DingTalk signature is URL-encoded twice (its `sign` is quoted, then requests quotes it again),
which the real service rejects. WeCom gets Markdown (4,096 bytes) instead of apprise's text.

apprise's own log lines may carry a token (it logs a misplaced DingTalk secret as a "phone
number"): they never reach Houqin's log. A failure's reason is taken from apprise's result,
with every secret of the channel blanked out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import apprise
import apprise.manager_plugins
import requests
from apprise.plugins.dingtalk import NotifyDingTalk
from apprise.plugins.wecombot import NotifyWeComBot

from rules.text import redact as redact_text
from sync.notify import deadline
from sync.notify.deadline import Stop
from sync.notify.model import TOKEN_HOSTS, Channel
from sync.output import strict_json

_apprise_log = logging.getLogger("apprise")
_apprise_log.propagate = False
_apprise_log.addHandler(logging.NullHandler())

# Messages a minute one bot accepts (DingTalk blocks a bot for 10 minutes past its 20).
RATE_LIMITS = {"dingtalk": 20, "wecombot": 20, "feishu": 100, "lark": 100}
# Bytes of Markdown one message may carry (WeCom: 4,096; DingTalk and Feishu: 20,000 for the
# whole request; e-mail and webhooks have no such limit, but a long message is not read).
BODY_BYTES = {"wecombot": 4000, "dingtalk": 18000, "feishu": 18000, "lark": 18000}
DEFAULT_BODY_BYTES = 18000
SERVICE_NAMES = {"dingtalk": "钉钉", "wecombot": "企业微信", "feishu": "飞书", "lark": "飞书",
                 "mailto": "电子邮件", "mailtos": "电子邮件", "json": "JSON", "jsons": "JSON"}


@dataclass(frozen=True)
class Message:
    """One message as sent: a title, a Markdown body, whom to @mention."""

    title: str
    body: str
    mentions: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.title.encode("utf-8")) + len(self.body.encode("utf-8"))


@dataclass(frozen=True)
class Outcome:
    """What became of one send. `unsure`: no answer within the deadline, after the request
    went out, so the message may have arrived (the outbox resends it at most once)."""

    ok: bool
    reason: str = ""
    unsure: bool = False


def _checked_post(plugin, url: str, payload: dict, params: dict | None = None) -> bool:
    """POST as the Chinese bots expect; success is HTTP 200 *and* errcode 0."""
    plugin.throttle()
    try:
        reply = requests.post(url, data=strict_json.dumps(payload).encode("utf-8"), params=params,
                              headers={"User-Agent": plugin.app_id, "Content-Type": "application/json; charset=utf-8"},
                              verify=plugin.verify_certificate, timeout=plugin.request_timeout,
                              allow_redirects=plugin.redirects)
    except requests.RequestException as exc:
        plugin.logger.warning("无法连接 %s：%s", plugin.service_name, type(exc).__name__)
        return False
    if reply.status_code != 200:
        plugin.logger.warning("%s 答复 HTTP %s", plugin.service_name, reply.status_code)
        return False
    try:
        answer = reply.json()
    except ValueError:
        answer = {}
    code = answer.get("errcode", 0) if isinstance(answer, dict) else 0
    if code:
        plugin.logger.warning("%s 拒收：errcode=%s %s", plugin.service_name, code, str(answer.get("errmsg", ""))[:200])
        return False
    return True


class HouqinDingTalk(NotifyDingTalk):
    """DingTalk with Markdown, @mentions by phone, a correct signature and errcode checked."""

    notify_format = apprise.NotifyFormat.MARKDOWN

    def send(self, body, title="", notify_type=apprise.NotifyType.INFO, body_format=None, **kwargs) -> bool:
        title = " ".join(title.split()) or self.app_desc
        payload = {"msgtype": "markdown", "markdown": {"title": title, "text": f"#### {title}\n\n{body}"},
                   "at": {"atMobiles": list(self.targets), "isAtAll": False}}
        params = None
        if self.secret:
            stamp = str(round(time.time() * 1000))
            digest = hmac.new(self.secret.encode(), f"{stamp}\n{self.secret}".encode(), hashlib.sha256).digest()
            params = {"timestamp": stamp, "sign": base64.b64encode(digest).decode()}  # requests quotes it once
        return _checked_post(self, self.notify_url.format(token=self.token), payload, params)


class HouqinWeComBot(NotifyWeComBot):
    """WeCom group bot with Markdown (4,096 bytes) and errcode checked."""

    notify_format = apprise.NotifyFormat.MARKDOWN
    title_maxlen = 250
    body_maxlen = 4096

    def send(self, body, title="", notify_type=apprise.NotifyType.INFO, **kwargs) -> bool:
        content = f"**{title}**\n{body}" if title else body
        return _checked_post(self, self.api_url, {"msgtype": "markdown", "markdown": {"content": content}})


_OVERRIDES = {"dingtalk": HouqinDingTalk, "wecombot": HouqinWeComBot}


def _asset() -> apprise.AppriseAsset:
    """apprise's settings for one plugin: send in the calling thread, with no timeout of its own.
    Otherwise apprise 2.3.0 runs a send with a timeout (`service_timeout`, 60 s) in its thread
    pool and abandons it there, and Python waits for that pool's threads at exit: a `run`
    whose send trickles would never end. Houqin's deadline (sync/notify/deadline.py) runs the
    send in a daemon thread instead, which a process does not wait for."""
    return apprise.AppriseAsset(async_mode=False, service_timeout=0)


def instantiate(channel: Channel, mentions: tuple[str, ...] = ()):
    """The apprise plugin object for a channel (None when apprise cannot read the URL)."""
    _hidden.values.update(channel.hidden_everywhere())
    plugin_class = _OVERRIDES.get(channel.scheme)
    if plugin_class is None:
        return apprise.Apprise.instantiate(channel.url, asset=_asset())
    arguments = plugin_class.parse_url(channel.url)
    if not arguments:
        return None
    try:
        plugin = plugin_class(**arguments, asset=_asset())
    except (apprise.exception.AppriseException, TypeError):
        return None
    if isinstance(plugin, HouqinDingTalk) and mentions:
        plugin.targets = [m for m in mentions if m.isdigit()] + list(plugin.targets)
    return plugin


def check_url(channel: Channel) -> str | None:
    """Why a channel's URL cannot be used, in words that do not repeat the URL; None when fine."""
    said = _Said()
    _apprise_log.addHandler(said)
    try:
        plugin = instantiate(channel)
    finally:
        _apprise_log.removeHandler(said)
    if plugin is None:
        if channel.scheme not in apprise.manager_plugins.NotificationManager():
            return (f"apprise 不认识 {channel.scheme}:// 这种通知地址（渠道“{channel.name}”）；"
                    "写法见 https://appriseit.com/services/ ，例如 dingtalk://SECRET@TOKEN/、wecombot://KEY")
        detail = redact("；".join(line for line in said.lines if not line.startswith("Could not load")), channel)
        return f"{channel.scheme}:// 地址写得不对（渠道“{channel.name}”）{('：' + detail) if detail else ''}；写法见 https://appriseit.com/services/"
    if channel.scheme == "dingtalk":
        path = [p for p in urlsplit(channel.url).path.split("/") if p]
        if any(not p.lstrip("+").isdigit() for p in path):
            return (f"钉钉地址的写法是 dingtalk://SECRET@TOKEN/（加签密钥在 @ 前，渠道“{channel.name}”）；"
                    "TOKEN 后面只能跟要 @ 的手机号")
    return None


class _Said(logging.Handler):
    """apprise's complaints while reading a URL, to tell the IT helper what is wrong with it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def bot_id(channel: Channel) -> str:
    """Which bot a channel posts through (two channels may share one), without its token."""
    plugin = instantiate(channel)
    identity = repr(plugin.url_identifier) if plugin is not None else channel.url
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]


def describe(channel: Channel) -> str:
    """The channel's service, and the server for those whose host is no secret: for pages and logs."""
    service = SERVICE_NAMES.get(channel.scheme, channel.scheme)
    if channel.scheme in TOKEN_HOSTS:
        return service
    host = urlsplit(channel.url).hostname or ""
    return f"{service} {host}".strip()


def redact(text: str, channel: Channel) -> str:
    """Text about a channel with its token, secret, key and password blanked out."""
    return redact_text(text, channel.secret_parts(), shortest=1)


class _HideSecrets(logging.Filter):
    """urllib3 logs each request's URL at DEBUG, a bot's token with it: blanked out there."""

    def __init__(self) -> None:
        super().__init__()
        self.values: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(value in message for value in self.values):
            record.msg, record.args = redact_text(message, self.values, shortest=1), ()
        return True


_hidden = _HideSecrets()
logging.getLogger("urllib3.connectionpool").addFilter(_hidden)


def rate_limit(channel: Channel) -> int | None:
    return RATE_LIMITS.get(channel.scheme)


def body_bytes(channel: Channel) -> int:
    return BODY_BYTES.get(channel.scheme, DEFAULT_BODY_BYTES)


def mention_style(channel: Channel) -> str:
    """How a person is @mentioned in this channel's text: by phone (DingTalk), by WeCom
    account (<@id>), or by name."""
    return {"dingtalk": "phone", "wecombot": "wecom"}.get(channel.scheme, "name")


def send(channel: Channel, message: Message, timeout: float = 20.0, stop: Stop | None = None) -> Outcome:
    """Send one message, waiting at most `timeout` seconds for the whole exchange (less when
    `stop` is set); never raises (a channel's failure is a result, not an error)."""
    answered, outcome = deadline.within(lambda: _send_now(channel, message, timeout), timeout, stop)
    if answered and outcome is not None:
        return outcome
    return Outcome(False, f"{timeout:g} 秒内没有答复，消息可能已经送到（未确认）", unsure=True)


def _send_now(channel: Channel, message: Message, timeout: float) -> Outcome:
    try:
        plugin = instantiate(channel, message.mentions)
        if plugin is None:
            return Outcome(False, "通知地址无效")
        # apprise's read timeout is per read and shorter than the deadline: a bot answering
        # after 5 s would count as failed though the message arrived, and be sent again. The
        # deadline (outside) decides instead; the socket's timeout only frees the thread later.
        plugin.socket_read_timeout = timeout + 5
        sender = apprise.Apprise(asset=_asset())
        sender.add(plugin)
        result = sender.notify(body=message.body, title=message.title, body_format=apprise.NotifyFormat.MARKDOWN,
                               log_level=logging.WARNING)
        if result:
            return Outcome(True)
        reasons = [entry.message for entry in result.logs() if entry.level in ("WARNING", "ERROR", "CRITICAL")]
        return Outcome(False, redact("；".join(dict.fromkeys(reasons)) or "发送失败", channel)[:300])
    except Exception as exc:  # a plugin's bug must not stop the cycle or the other channels
        return Outcome(False, redact(f"发送出错：{type(exc).__name__}: {exc}", channel)[:300])
