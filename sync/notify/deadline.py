"""A hard deadline on one send: the whole exchange, not each socket read.

apprise (and requests under it) bound each connect and each read, so a server that sends its
headers and then one byte every two seconds keeps a send going for ever. The send runs in a
daemon thread instead and the caller waits at most `seconds` for it (less when `stop` is set:
the service is shutting down). A send left behind may still reach the channel later, so it is
reported "unsure" (maybe arrived), never "failed": the outbox then resends it at most once.
A daemon thread dies with its process, so a `run` or a service cycle never waits for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol, TypeVar

T = TypeVar("T")
POLL_SECONDS = 0.25  # how often a wait looks at `stop`


class Stop(Protocol):
    """threading.Event or multiprocessing's Event: all a wait needs of either."""

    def is_set(self) -> bool: ...


def within(work: Callable[[], T], seconds: float, stop: Stop | None = None) -> tuple[bool, T | None]:
    """(True, work's result) when `work` returned within `seconds`; (False, None) when it did not
    (or `stop` was set first). `work` must not raise (a send's failure is its result)."""
    result: list[T] = []
    finished = threading.Event()

    def run() -> None:
        try:
            result.append(work())
        finally:
            finished.set()

    threading.Thread(target=run, name="houqin-send", daemon=True).start()
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if finished.wait(max(min(left, POLL_SECONDS), 0)):
            return (True, result[0]) if result else (False, None)
        if left <= 0 or (stop is not None and stop.is_set()):
            return False, None
