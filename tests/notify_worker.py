"""A process delivering queued alerts, for the tests of two processes at once
(tests/test_trust_notify.py, tests/test_notify_outbox_machine.py).

    python tests/notify_worker.py STATE_DB URL SEND_TIMEOUT NOW_ISO GO_FILE
        waits until GO_FILE exists (so two workers start together), then delivers once;
    python tests/notify_worker.py --serve
        delivers once per line read, {"db", "channels": [[name, url]], "timeout", "now"} in
        JSON, and answers "done" (a long-lived process: the machine's steps are quick).

Delivering is what a `run` does after its cycle (sync/notify/deliver.py).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sync.config.loader import Config  # noqa: E402 - after the path is set
from sync.notify.deliver import deliver  # noqa: E402
from sync.notify.model import Channel, NotifySettings  # noqa: E402
from sync.state import store as state  # noqa: E402


def deliver_once(db: str, channels: list[tuple[str, str]], timeout: float, now: str) -> None:
    config = Config(paths=[], state_db=Path(db))
    config.notify = NotifySettings(channels=[Channel(name=n, url=u) for n, u in channels], quiet_hours=None)
    config.notify.send_timeout = timeout
    connection = state.connect(Path(db))
    try:
        deliver(connection, config, datetime.fromisoformat(now), digests=False)
    finally:
        connection.close()


def main(argv: list[str]) -> int:
    if argv[:1] == ["--serve"]:
        for line in sys.stdin:
            order = json.loads(line)
            deliver_once(order["db"], order["channels"], order["timeout"], order["now"])
            print("done", flush=True)
        return 0
    db, url, timeout, now, go = argv[:5]
    while not Path(go).exists():
        time.sleep(0.01)
    deliver_once(db, [("群", url)], float(timeout), now)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
