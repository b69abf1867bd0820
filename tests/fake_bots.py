"""Loopback stand-ins for the group-bot webhooks (DingTalk, WeCom, Feishu) and a plain JSON
endpoint, checking what the real services check and answering as they answer: HTTP 200 with
an error code in the body when they refuse a message.

- DingTalk: `timestamp` within an hour and `sign` = base64(HMAC-SHA256(secret, "ts\\nsecret"))
  (errcode 310000), 20 messages a minute per bot (130101, "send too fast"), 20,000 bytes.
- WeCom: Markdown content at most 4,096 bytes (40058), 20 a minute per bot (45009).
- Feishu: code 0 / non-zero like the real one.
Apprise's plugins are pointed here by `redirect(monkeypatch)`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

RATE = 20


@dataclass
class Received:
    service: str
    path: str
    query: dict[str, str]
    payload: dict
    answer: dict
    status: int

    @property
    def text(self) -> str:
        """The message as a person would read it, whichever service it went to."""
        p = self.payload
        if self.service == "dingtalk":
            return p.get("markdown", {}).get("text") or p.get("text", {}).get("content", "")
        if self.service == "wecom":
            return p.get("markdown", {}).get("content") or p.get("text", {}).get("content", "")
        if self.service == "feishu":
            card = p.get("card", {})
            return card.get("header", {}).get("title", {}).get("content", "") + "\n" + "\n".join(
                e.get("text", {}).get("content", "") for e in card.get("elements", []))
        return f"{p.get('title', '')}\n{p.get('message', '')}"

    @property
    def ok(self) -> bool:
        return self.status == 200 and not (self.answer.get("errcode") or self.answer.get("code"))


class FakeBots:
    """One loopback server for every bot; `secrets` maps a DingTalk token to its signing secret."""

    def __init__(self, port: int = 0) -> None:
        self.secrets: dict[str, str] = {}
        self.received: list[Received] = []
        self.fail_status: int | None = None  # answer every request with this HTTP status
        self.too_fast = 0
        self._times: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                status, answer, service = fake.answer(parts.path, query, body)
                try:
                    payload = json.loads(body.decode("utf-8"))
                except ValueError:
                    payload = {}
                with fake._lock:
                    fake.received.append(Received(service, parts.path, query, payload, answer, status))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _rate(self, bot: str) -> bool:
        """Whether this request is past the bot's 20 a minute (every request counts, as there)."""
        now = time.monotonic()
        with self._lock:
            times = self._times[bot]
            while times and now - times[0] >= 60:
                times.popleft()
            times.append(now)
            return len(times) > RATE

    def answer(self, path: str, query: dict[str, str], body: bytes) -> tuple[int, dict, str]:
        if path.startswith("/robot/send"):
            service = "dingtalk"
        elif path.startswith("/cgi-bin/webhook/send"):
            service = "wecom"
        elif path.startswith("/open-apis/bot/v2/hook/"):
            service = "feishu"
        else:
            service = "json"
        if self.fail_status:
            return self.fail_status, {"errmsg": "internal error"}, service
        if service == "dingtalk":
            return (200, self._dingtalk(query, body), service)
        if service == "wecom":
            return (200, self._wecom(query, body), service)
        if service == "feishu":
            return 200, {"code": 0, "msg": "success", "data": {}}, service
        return 200, {}, service

    def _dingtalk(self, query: dict[str, str], body: bytes) -> dict:
        token = query.get("access_token", "")
        secret = self.secrets.get(token)
        if secret is not None:
            stamp, sign = query.get("timestamp", ""), query.get("sign", "")
            if not stamp.isdigit() or abs(time.time() * 1000 - int(stamp)) > 3600_000:
                return {"errcode": 310000, "errmsg": "invalid timestamp"}
            expected = base64.b64encode(hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest())
            if not hmac.compare_digest(sign.encode(), expected):
                return {"errcode": 310000, "errmsg": "sign not match"}
        if self._rate("dingtalk:" + token):
            self.too_fast += 1
            return {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
        if len(body) > 20000:
            return {"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"}
        return {"errcode": 0, "errmsg": "ok"}

    def _wecom(self, query: dict[str, str], body: bytes) -> dict:
        payload = json.loads(body.decode("utf-8"))
        if self._rate("wecom:" + query.get("key", "")):
            self.too_fast += 1
            return {"errcode": 45009, "errmsg": "api freq out of limit"}
        if payload.get("msgtype") == "markdown":
            if len(payload["markdown"]["content"].encode("utf-8")) > 4096:
                return {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"}
        elif len(payload.get("text", {}).get("content", "").encode("utf-8")) > 2048:
            return {"errcode": 40058, "errmsg": "content exceed max length 2048"}
        return {"errcode": 0, "errmsg": "ok"}

    def redirect(self, monkeypatch) -> None:
        """Point apprise's DingTalk, WeCom and Feishu plugins at this server."""
        from apprise.plugins.dingtalk import NotifyDingTalk
        from apprise.plugins.feishu import NotifyFeishu
        from apprise.plugins.wecombot import NotifyWeComBot

        monkeypatch.setattr(NotifyDingTalk, "notify_url", self.base + "/robot/send?access_token={token}")
        monkeypatch.setattr(NotifyWeComBot, "notify_url", self.base + "/cgi-bin/webhook/send?key={key}")
        monkeypatch.setattr(NotifyFeishu, "notify_url", self.base + "/open-apis/bot/v2/hook/{token}/")

    def by(self, service: str) -> list[Received]:
        return [r for r in self.received if r.service == service]
