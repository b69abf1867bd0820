"""Starting the real `python -m sync serve` in a subprocess and waiting for it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.support import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """A running service on a free port, its output kept for inspection."""

    def __init__(self, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, preexec_fn=None):
        # Its own folders: a path-mode service keeps state and log in the user's data folder,
        # which XDG_DATA_HOME moves here, so that no two services share a database.
        cwd = cwd or Path(tempfile.mkdtemp(prefix="houqin-serve-"))
        self.data_home = cwd / "data-home"
        self.port = free_port()
        self.log = Path(os.environ.get("TMPDIR", "/tmp")) / f"houqin-serve-{self.port}.log"
        self.handle = open(self.log, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen([sys.executable, "-m", "sync", "serve", *args, "--port", str(self.port)],
                                        cwd=cwd, stdout=self.handle, stderr=subprocess.STDOUT,
                                        env={**os.environ, "PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(self.data_home),
                                             **(env or {})}, preexec_fn=preexec_fn)
        self.base = f"http://127.0.0.1:{self.port}"

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def wait_for_runs(self, count: int = 1, timeout: float = 90) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                status, body = self.get("/healthz")
                data = json.loads(body) if status in (200, 503) else {}
                if data.get("last_run_id", 0) >= count:
                    status, body = self.get("/api/status")
                    return json.loads(body) if status == 200 else data
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"no run after {timeout}s:\n{self.output()}")

    def wait_until_idle(self, timeout: float = 90) -> None:
        """Until no cycle is running (a recorded run's process may still be closing)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, body = self.get("/healthz")
            if status in (200, 503) and json.loads(body).get("syncing") is False:
                return
            time.sleep(0.2)
        raise AssertionError(f"still syncing after {timeout}s:\n{self.output()}")

    def output(self) -> str:
        if not self.handle.closed:
            self.handle.flush()
        return self.log.read_text(encoding="utf-8")

    def stop(self, timeout: float = 60) -> int:
        if self.process.poll() is None:
            self.process.terminate()
        code = self.process.wait(timeout=timeout)
        self.handle.close()
        return code
