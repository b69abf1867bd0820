"""Rendered parts of the status page, kept per state of the database.

Everything the page shows changes only when a cycle records a run, so a part rendered once
is reused until the next run (its key holds the database and the latest run id). One thread
renders a missing part while others asking for it wait, instead of 50 readers all running
the same queries right after a cycle."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

MAX_ENTRIES = 128


class PageCache:
    def __init__(self, size: int = MAX_ENTRIES):
        self.size = size
        self.entries: OrderedDict[Hashable, object] = OrderedDict()
        self.lock = threading.Lock()
        self.filling: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, make: Callable[[], object]) -> object:
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
            filling = self.filling.setdefault(key, threading.Lock())
        with filling:
            with self.lock:
                if key in self.entries:
                    return self.entries[key]
            made = make()
            with self.lock:
                self.entries[key] = made
                while len(self.entries) > self.size:
                    self.entries.popitem(last=False)
                self.filling.pop(key, None)
            return made
