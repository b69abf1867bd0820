"""The service's log: the console and a rotating file beside the state database.

Lines are stamped in the deployment's time zone (the office PC may run on UTC) with the level
in Chinese. Only the service process writes the file: a cycle's child process sends its records
through a queue, so two processes never rotate one file (Windows refuses to rename a file that
another process holds open). Known secrets are blanked out before a line is written.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from datetime import datetime
from pathlib import Path

from rules.text import redact
from sync.config.loader import Config

LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 5
LEVELS_ZH = {logging.DEBUG: "调试", logging.INFO: "信息", logging.WARNING: "警告",
             logging.ERROR: "错误", logging.CRITICAL: "严重"}
MASK = "******"


class ZoneFormatter(logging.Formatter):
    """Times in the deployment's zone, as the status page shows them."""

    def __init__(self, zone, fmt: str = "%(asctime)s %(message)s") -> None:
        super().__init__(fmt)
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        return datetime.fromtimestamp(record.created, self.zone).strftime("%Y-%m-%d %H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        record.level_zh = LEVELS_ZH.get(record.levelno, record.levelname)
        return super().format(record)


class SecretFilter(logging.Filter):
    """Blanks the page password and session key wherever they would appear in a line."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 3]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            text = record.getMessage()
            if any(secret in text for secret in self.secrets):
                record.msg, record.args = redact(text, self.secrets, MASK), None
        return True


class ByteSizeRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Rotates by bytes on disk: the library counts characters, and a Chinese character is
    three bytes in UTF-8, so its files would grow to three times the limit."""

    def shouldRollover(self, record: logging.LogRecord) -> bool:  # noqa: N802 - logging's name
        if self.maxBytes <= 0:
            return False
        if self.stream is None:
            self.stream = self._open()
        size = len(self.format(record).encode(self.encoding or "utf-8")) + len(os.linesep)
        self.stream.seek(0, 2)
        position = self.stream.tell()
        return position > 0 and position + size > self.maxBytes


def _reset_root(handlers: list[logging.Handler]) -> None:
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
        old.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(logging.INFO)


def setup_logging(config: Config, log_path: Path | None = None, max_bytes: int = LOG_MAX_BYTES,
                  backups: int = LOG_BACKUPS) -> list[logging.Handler]:
    """Console (when there is one: not under pythonw) plus, when given, the rotating file."""
    secrets = SecretFilter([config.web.password or "", config.web.secret_key or "", *config.notify.secret_values()])
    handlers: list[logging.Handler] = []
    if sys.stderr is not None:
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(ZoneFormatter(config.zone))
        handlers.append(console)
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        file = ByteSizeRotatingFileHandler(log_path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
        file.setFormatter(ZoneFormatter(config.zone, "%(asctime)s %(level_zh)s %(message)s"))
        handlers.append(file)
    for handler in handlers:
        handler.addFilter(secrets)
    _reset_root(handlers)
    return handlers


def log_to_queue(queue) -> None:
    """In a cycle's child process: every record goes to the service process, which writes it."""
    _reset_root([logging.handlers.QueueHandler(queue)])


def listen(queue, handlers: list[logging.Handler]) -> logging.handlers.QueueListener:
    """In the service process: write the children's records through the same handlers."""
    listener = logging.handlers.QueueListener(queue, *handlers, respect_handler_level=True)
    listener.start()
    return listener
