"""The notification outbox as a state machine (hypothesis): alerts open and get fixed, two
channels turn quick, refusing, hung, trickling or late at any moment, time jumps, and cycles
deliver in this process or in two processes at once (tests/notify_worker.py).

After every step, for each channel and each opening of an alert: at most one copy arrived
unmarked and at most one marked "（重发）" (a refused request does not count: the group never
saw it); an alert recorded sent did arrive. No cycle waits for a channel more than once: a
channel that did not answer in time is not tried again in the same cycle (and the cycle's wall
time stays within one deadline per channel, with room for a loaded machine).

Examples: HOUQIN_OUTBOX_EXAMPLES, else 25 under the default profile (under a minute) and
2,000 under HYPOTHESIS_PROFILE=long. Real parts throughout: the state database on disk,
loopback webhooks (tests/slow_webhook.py), apprise, real processes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from sync.config.loader import Config
from sync.notify import compose, outbox
from sync.notify.deliver import deliver
from sync.notify.model import Channel, NotifySettings
from sync.state import store as state
from tests.slow_webhook import SlowWebhook
from tests.support import PROFILE, ROOT

EXAMPLES = int(os.environ.get("HOUQIN_OUTBOX_EXAMPLES", {"long": 2000}.get(PROFILE, 25)))
DEADLINE = 0.25  # seconds: short, so that thousands of examples stay affordable
MODES = {"ok": 0.0, "fail": 0.0, "hang": 0.0, "late": 0.5, "in_time": 0.05, "trickle": 0.1}
ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 25, 10, 0, tzinfo=ZONE)
BLOCK = re.compile(r"\*\*【错误】\*\*(" + compose.RESEND_MARK + r")? (警报\d{4})")
LATER = st.sampled_from([0, 1, 6, 20, 61, 240, 1440])
# One deadline per channel, the DB's own waits and a loaded, shared machine.
CYCLE_ROOM = 2 * DEADLINE + 15.0


class Workers:
    """Two long-lived delivering processes, told to deliver at the same moment."""

    def __init__(self) -> None:
        self.processes = [subprocess.Popen([sys.executable, str(ROOT / "tests" / "notify_worker.py"), "--serve"],
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
                          for _ in range(2)]

    def deliver_together(self, order: dict) -> None:
        line = json.dumps(order) + "\n"
        for process in self.processes:
            process.stdin.write(line)
            process.stdin.flush()
        for process in self.processes:
            assert process.stdout.readline().strip() == "done", "a worker died"

    def close(self) -> None:
        for process in self.processes:
            process.stdin.close()
            process.wait(timeout=30)


WORKERS: Workers | None = None


class OutboxMachine(RuleBasedStateMachine):
    @initialize(modes=st.tuples(st.sampled_from(sorted(MODES)), st.sampled_from(sorted(MODES))), count=st.integers(1, 3))
    def setup(self, modes: tuple[str, str], count: int) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="outbox-"))
        self.db = self.folder / "state.sqlite3"
        self.hooks = [SlowWebhook(), SlowWebhook()]
        self.channels = [Channel(name=f"群{i}", url=hook.url) for i, hook in enumerate(self.hooks)]
        self.config = Config(paths=[], state_db=self.db)
        self.config.notify = NotifySettings(channels=self.channels, quiet_hours=None)
        self.config.notify.send_timeout = DEADLINE
        self.connection = state.connect(self.db)
        self.now = START
        self.opened = 0
        self.open: list[int] = []
        for hook, mode in zip(self.hooks, modes, strict=True):
            hook.set(mode, MODES[mode])
        self.open_alerts(count)

    def teardown(self) -> None:
        if hasattr(self, "connection"):
            self.connection.close()
            for hook in self.hooks:
                hook.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    @rule(count=st.integers(1, 3))
    def open_alerts(self, count: int) -> None:
        """A cycle found new problems: one alert period each, queued for both channels."""
        stamp = outbox.stamp(self.now)
        with self.connection:
            for _ in range(count):
                self.opened += 1
                cursor = self.connection.execute(
                    "INSERT INTO alert_periods (key, source, sheet, rule, severity, message, opened_at) "
                    "VALUES (?, '食堂.xlsx', '库存', 'expired', 'error', ?, ?)",
                    (f"k{self.opened}", f"警报{self.opened:04d} 已过期", stamp))
                self.open.append(cursor.lastrowid)
        outbox.enqueue_opened(self.connection, self.channels, stamp, self.now)

    @precondition(lambda self: self.open)
    @rule(data=st.data())
    def fix_one(self, data) -> None:
        period = data.draw(st.sampled_from(self.open))
        self.open.remove(period)
        with self.connection:
            self.connection.execute("UPDATE alert_periods SET resolved_at = ? WHERE id = ?", (outbox.stamp(self.now), period))

    @rule(which=st.integers(0, 1), mode=st.sampled_from(sorted(MODES)))
    def channel_turns(self, which: int, mode: str) -> None:
        self.hooks[which].set(mode, MODES[mode])

    def _time_passes(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    def _sends_since(self, last_id: int) -> list[dict]:
        return [dict(r) for r in self.connection.execute("SELECT * FROM notify_sends WHERE id > ? ORDER BY id", (last_id,))]

    def _last_send(self) -> int:
        return self.connection.execute("SELECT COALESCE(MAX(id), 0) FROM notify_sends").fetchone()[0]

    @rule(minutes=LATER)
    def cycle(self, minutes: int) -> None:
        """Some minutes later, a cycle in this process delivers."""
        self._time_passes(minutes)
        before, started = self._last_send(), time.monotonic()
        deliver(self.connection, self.config, self.now, digests=False)
        assert time.monotonic() - started < CYCLE_ROOM
        for channel in self.channels:
            kinds = [s["unsure"] for s in self._sends_since(before) if s["channel"] == channel.name]
            # Left behind once, then nothing more to that channel in this cycle.
            assert sum(kinds) <= 1 and (not any(kinds) or kinds[-1]), kinds

    @rule(minutes=LATER)
    def two_processes_at_once(self, minutes: int) -> None:
        """Some minutes later, two `run`s deliver at the same moment."""
        assert WORKERS is not None
        self._time_passes(minutes)
        started = time.monotonic()
        WORKERS.deliver_together({"db": str(self.db), "channels": [[c.name, c.url] for c in self.channels],
                                  "timeout": DEADLINE, "now": self.now.isoformat()})
        assert time.monotonic() - started < CYCLE_ROOM

    @invariant()
    def each_alert_at_most_once_plus_the_marked_resend(self) -> None:
        if not hasattr(self, "hooks"):
            return
        for channel, hook in zip(self.channels, self.hooks, strict=True):
            copies = Counter((bool(mark), alert) for text in hook.texts(delivered=True) for mark, alert in BLOCK.findall(text))
            assert all(n <= 1 for n in copies.values()), (channel.name, copies)
            sent = {f"警报{n:04d}" for (n,) in self.connection.execute(
                "SELECT CAST(SUBSTR(p.message, 3, 4) AS INTEGER) FROM notify_items AS i JOIN alert_periods AS p "
                "ON p.id = i.period_id WHERE i.channel = ? AND i.state = 'sent'", (channel.name,))}
            arrived = {alert for _, alert in copies}
            assert sent <= arrived, (channel.name, sent - arrived)


@pytest.fixture
def workers():
    global WORKERS
    WORKERS = Workers()
    yield WORKERS
    WORKERS.close()
    WORKERS = None


def test_outbox_machine(workers):
    started = time.monotonic()
    run_state_machine_as_test(OutboxMachine, settings=settings(max_examples=EXAMPLES, stateful_step_count=10,
                                                               deadline=None))
    print(f"\noutbox machine: {EXAMPLES} examples in {time.monotonic() - started:.1f} s")
