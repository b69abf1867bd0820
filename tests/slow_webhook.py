"""A loopback JSON webhook that misbehaves as slow channels do, for the tests and bench/.

Modes (settable while it runs): "ok" answers at once; "fail" answers HTTP 500; "late" answers
200 after `delay` seconds; "hang" reads the request and never answers (until closed);
"trickle" sends its headers at once, then the body one byte every `delay` seconds for
`length` bytes. Every request is recorded with its body as it arrived, before any waiting, so
a test counts what reached the channel whatever the sender made of the answer.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SlowWebhook:
    def __init__(self, mode: str = "ok", delay: float = 2.0, length: int = 1000) -> None:
        self.mode, self.delay, self.length = mode, delay, length
        self.received: list[dict] = []
        self.authorizations: list[str] = []  # each request's Authorization header
        self.modes: list[str] = []  # how each request was answered
        self._lock = threading.Lock()
        self._closed = threading.Event()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    payload = json.loads(body.decode("utf-8"))
                except ValueError:
                    payload = {}
                with hook._lock:
                    hook.received.append(payload)
                    hook.authorizations.append(self.headers.get("Authorization", ""))
                    mode, delay, length = hook.mode, hook.delay, hook.length
                    hook.modes.append(mode)
                with contextlib.suppress(OSError):  # the sender gave up and closed the connection
                    hook._answer(self, mode, delay, length)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False  # a trickling answer must not hold up close()

            def handle_error(self, request, client_address):  # a sender that gave up: expected here
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"json://127.0.0.1:{self.port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _answer(self, handler: BaseHTTPRequestHandler, mode: str, delay: float, length: int) -> None:
        if mode == "hang":
            self._closed.wait()
            return
        if mode == "late" and self._closed.wait(delay):
            return
        status = 500 if mode == "fail" else 200
        data = b"{}" if mode != "trickle" else b" " * length
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        if mode != "trickle":
            handler.wfile.write(data)
            return
        handler.wfile.flush()
        for _ in range(length):
            if self._closed.wait(delay):
                return
            handler.wfile.write(b" ")
            handler.wfile.flush()

    def set(self, mode: str, delay: float | None = None) -> None:
        with self._lock:
            self.mode = mode
            if delay is not None:
                self.delay = delay

    def texts(self, delivered: bool = False) -> list[str]:
        """What each request carried, title and message together, as a reader would see it;
        with `delivered`, only what was not refused (a 500 means the group never saw it)."""
        with self._lock:
            return [f"{p.get('title', '')}\n{p.get('message', '')}" for p, m in zip(self.received, self.modes, strict=True)
                    if not (delivered and m == "fail")]

    def close(self) -> None:
        self._closed.set()
        self.server.shutdown()
        self.server.server_close()


def wait_for(predicate, seconds: float = 10.0) -> bool:
    """Poll until `predicate()` holds (for a background send to land), at most `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
