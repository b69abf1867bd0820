"""One process delivering a channel's queued alerts, for the tests of two processes at once
(tests/test_trust_notify.py, tests/test_notify_outbox_machine.py).

    python tests/notify_worker.py STATE_DB URL SEND_TIMEOUT NOW_ISO GO_FILE

It waits until GO_FILE exists (so two workers start together), then does what a `run` does
after its cycle: delivers what is due, as sync/notify/deliver.py does it.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sync.config.loader import Config  # noqa: E402 - after the path is set
from sync.notify.deliver import deliver  # noqa: E402
from sync.notify.model import Channel, NotifySettings  # noqa: E402
from sync.state import store as state  # noqa: E402


def main(db: str, url: str, timeout: str, now: str, go: str) -> int:
    config = Config(paths=[], state_db=Path(db))
    config.notify = NotifySettings(channels=[Channel(name="群", url=url)], quiet_hours=None, send_timeout=float(timeout))
    connection = state.connect(Path(db))
    while not Path(go).exists():
        time.sleep(0.01)
    try:
        deliver(connection, config, datetime.fromisoformat(now), digests=False)
    finally:
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))
