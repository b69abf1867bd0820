"""Login tries counted per client address in a sliding window, in memory.

Flask-Limiter would do this, but with its dependencies it costs 2 MB of the installed
environment's 120 MB budget (issue 16) for one counter on one form; this is that counter."""

from __future__ import annotations

import threading
import time
from collections import deque


class Tries:
    """At most `limit` tries per address within `window` seconds."""

    def __init__(self, limit: int = 10, window: float = 600, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self.seen: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def allow(self, address: str) -> bool:
        """Count one try from `address`; False when it is over the limit (not counted then)."""
        now = self.clock()
        with self.lock:
            if len(self.seen) > 10_000:  # a flood of addresses: forget the idle ones
                self.seen = {a: d for a, d in self.seen.items() if d and d[-1] > now - self.window}
            times = self.seen.setdefault(address, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(now)
            return True
