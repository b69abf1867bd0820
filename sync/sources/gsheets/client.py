"""gspread's HTTP client with the retry policy Houqin needs, and the service account's key."""

from __future__ import annotations

import json
import random
import time as clock
from typing import Any

from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from requests import Response
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import ConnectTimeout, RequestException
from urllib3.exceptions import NewConnectionError

from sync.sources.base import SourceError

GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")
SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]


# Answers Google gives before processing a request: a write answered so was not applied.
NOT_APPLIED = (429, 503)


def never_sent(exc: RequestException) -> bool:
    """The request never reached the server (no connection): safe to send again."""
    if isinstance(exc, ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, RequestsConnectionError) and isinstance(reason, NewConnectionError)


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with bounded retries and an optional base address.

    Retries only 429 and 5xx, with exponential backoff and jitter, honouring Retry-After; a
    write only when it certainly did not apply (429, 503 refused before processing, or a
    connection never made), since replaying index-based requests could hit someone else's;
    gives up after `attempts` tries or `deadline` seconds, whichever comes first. (gspread's
    own BackOffHTTPClient retries without bound.) `calls` counts requests sent.
    """

    def __init__(self, auth: Any, session: Any = None, *, api_base: str | None = None, attempts: int = 5,
                 base_delay: float = 0.5, max_delay: float = 8.0, deadline: float = 60.0, sleep=clock.sleep):
        super().__init__(auth, session)
        self.api_base = api_base.rstrip("/") if api_base else None
        self.attempts, self.base_delay, self.max_delay, self.deadline = attempts, base_delay, max_delay, deadline
        self.sleep = sleep
        self.calls = 0
        self.rng = random.Random()

    def _address(self, endpoint: str) -> str:
        if self.api_base:
            for host in GOOGLE_HOSTS:
                if endpoint.startswith(host):
                    return self.api_base + endpoint[len(host):]
        return endpoint

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Response:
        started = clock.monotonic()
        writes = method.upper() != "GET"
        for attempt in range(1, self.attempts + 1):
            self.calls += 1
            try:
                return super().request(method, self._address(endpoint), *args, **kwargs)
            except APIError as exc:
                status = exc.response.status_code
                if status != 429 and status < 500:
                    raise
                if writes and status not in NOT_APPLIED:
                    raise  # it may have been applied: the next cycle re-reads and reconciles
                delay = self._delay(attempt, exc.response.headers.get("Retry-After"))
                if attempt == self.attempts or clock.monotonic() - started + delay > self.deadline:
                    raise
            except RequestException as exc:
                if writes and not never_sent(exc):
                    raise
                delay = self._delay(attempt, None)
                if attempt == self.attempts or clock.monotonic() - started + delay > self.deadline:
                    raise
            self.sleep(delay)
        raise AssertionError("unreachable")

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(float(retry_after), self.max_delay)
            except ValueError:
                pass
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return backoff / 2 + self.rng.uniform(0, backoff / 2)


def credentials_from_file(path: str) -> Any:
    """A service account's credentials; the key's contents are never logged or shown."""
    from google.oauth2.service_account import Credentials

    try:
        return Credentials.from_service_account_file(path, scopes=SCOPES)
    except FileNotFoundError:
        raise SourceError(f"找不到 Google 服务账号密钥文件：{path}", f"Service-account key file not found: {path}") from None
    except (ValueError, KeyError, json.JSONDecodeError):
        raise SourceError(f"Google 服务账号密钥文件 {path} 格式不对，请重新下载 JSON 密钥",
                          f"Service-account key file {path} is not a valid JSON key") from None
