"""One slow channel, with the real processes (issue 22): `run` and `serve` against a loopback
JSON webhook that sends its headers at once and then its body one byte every 2 s.

- `run`, taking turns with a healthy webhook: it returns within the deadline
  (`[notify] send_timeout`) plus 10 s, where before it waited for ever (killed at 240 s).
- `serve` for `--seconds`, a new workbook with a new alert dropped in every few seconds so that
  each cycle has something to send: /healthz answers all along and its last run keeps changing
  (cycles go on), and no cycle stays "syncing" much past the deadline.
- SIGTERM to `serve` while a send trickles: how long until the process is gone.

    python bench/slow_channel.py [--deadline 20] [--seconds 90] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from common import OUT, ROOT, report
from openpyxl import Workbook

from tests.slow_webhook import SlowWebhook

HEADERS = ["物品名称", "类别", "单位", "数量", "最低库存", "入库日期", "到期日期", "存放位置", "经手人"]
TODAY = date.today()


def workbook(path: Path, name: str) -> None:
    """A 库存 sheet with one food past its date: one new error alert."""
    book = Workbook()
    sheet = book.active
    sheet.title = "库存"
    sheet.append(HEADERS)
    sheet.append([name, "食品", "箱", 3, 1, TODAY - timedelta(days=30), TODAY - timedelta(days=2), "冷藏柜", "刘师傅"])
    book.save(path)


def setup(folder: Path, url: str, deadline: float) -> Path:
    """A fresh deployment: a folder of workbooks, a config, a state database of its own."""
    books = folder / "books"
    books.mkdir(parents=True)
    workbook(books / "食堂.xlsx", "纯牛奶")
    config = folder / "houqin.toml"
    config.write_text(f"""[sources]
paths = ['{books}']
[sync]
interval_minutes = 0.1
state_db = '{folder / "state.sqlite3"}'
[notify]
quiet_hours = []
digest_time = ""
send_timeout = {deadline}
[[notify.channels]]
name = "接口"
url = "{url}"
""", encoding="utf-8")
    return config


def environment(folder: Path) -> dict[str, str]:
    """The child's user folders point into the bench's own (never the real home)."""
    home = folder / "home"
    home.mkdir(exist_ok=True)
    names = ("HOME", "USERPROFILE", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
             "APPDATA", "LOCALAPPDATA")
    return {**os.environ, **{n: str(home) for n in names}, "PYTHONIOENCODING": "utf-8"}


def timed_run(folder: Path, mode: str, deadline: float) -> tuple[float, int]:
    """Seconds `run` takes with the webhook in `mode`, and the requests it made."""
    hook = SlowWebhook(mode, delay=2.0, length=10_000)
    try:
        config = setup(folder, hook.url, deadline)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sync", "run", "--config", str(config)], cwd=ROOT, env=environment(folder),
                       capture_output=True, timeout=600)
        return time.perf_counter() - started, len(hook.received)
    finally:
        hook.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read())
    except OSError:
        return None


def serve(folder: Path, deadline: float, seconds: float) -> dict:
    hook = SlowWebhook("trickle", delay=2.0, length=10_000)
    port = free_port()
    stop = threading.Event()
    try:
        config = setup(folder, hook.url, deadline)

        def new_alerts() -> None:  # staff add a workbook every few seconds: each cycle has news
            n = 0
            while not stop.wait(4.0):
                n += 1
                workbook(folder / "books" / f"到货{n:03d}.xlsx", f"到货食品{n:03d}")

        process = subprocess.Popen([sys.executable, "-m", "sync", "serve", "--config", str(config), "--port", str(port)],
                                   cwd=ROOT, env=environment(folder), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        threading.Thread(target=new_alerts, daemon=True).start()
        runs, answered, asked, slowest, syncing_since, longest_syncing = set(), 0, 0, 0.0, None, 0.0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            before = time.perf_counter()
            body = health(port)
            if answered or body is not None:  # counted from the page's first answer (start-up aside)
                asked += 1
                slowest = max(slowest, time.perf_counter() - before)
            if body is not None:
                answered += 1
                if "last_run_id" in body:
                    runs.add(body["last_run_id"])
                if body.get("syncing"):
                    syncing_since = syncing_since or time.perf_counter()
                    longest_syncing = max(longest_syncing, time.perf_counter() - syncing_since)
                else:
                    syncing_since = None
            time.sleep(0.5)
        # SIGTERM while a send trickles: wait for a cycle to be a few seconds into one.
        waited = time.perf_counter()
        while time.perf_counter() - waited < deadline + 30:
            body = health(port) or {}
            if body.get("syncing") and len(hook.received) and hook.modes:
                break
            time.sleep(0.2)
        time.sleep(min(3.0, deadline / 2))
        terminated = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=330)
        except subprocess.TimeoutExpired:
            process.kill()
        return {"cycles": len(runs), "healthz answered": f"{answered}/{asked}", "slowest healthz": slowest,
                "longest syncing": longest_syncing, "sigterm": time.perf_counter() - terminated,
                "requests": len(hook.received)}
    finally:
        stop.set()
        hook.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deadline", type=float, default=20.0, help="[notify] send_timeout, seconds")
    parser.add_argument("--seconds", type=float, default=90.0, help="how long serve runs before SIGTERM")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    base = OUT / "slow_channel"
    if base.exists():
        import shutil

        shutil.rmtree(base)
    healthy, trickling, requests = [], [], []
    for turn in range(args.repeat):  # taking turns, so drift on the machine falls on both
        healthy.append(timed_run(base / f"ok{turn}", "ok", args.deadline)[0])
        seconds, made = timed_run(base / f"trickle{turn}", "trickle", args.deadline)
        trickling.append(seconds)
        requests.append(made)
    ok, slow = statistics.median(healthy), statistics.median(trickling)
    served = serve(base / "serve", args.deadline, args.seconds)
    bound = args.deadline + 10
    lines = [
        f"deadline (send_timeout) {args.deadline:g} s; webhook trickles one byte every 2 s; median of {args.repeat}", "",
        "| what | figure |", "| --- | --- |",
        f"| run, healthy webhook | {ok:.1f} s |",
        f"| run, trickling webhook | {slow:.1f} s ({max(requests)} request) |",
        f"| run, trickling − healthy | {slow - ok:.1f} s |",
        f"| serve for {args.seconds:g} s: cycles recorded | {served['cycles']} |",
        f"| serve: /healthz answered, from its first answer | {served['healthz answered']} "
        f"(slowest {served['slowest healthz']:.2f} s) |",
        f"| serve: longest \"syncing\" | {served['longest syncing']:.1f} s |",
        f"| serve: SIGTERM during a trickled send → exit | {served['sigterm']:.1f} s |",
        "",
        f"run within deadline + 10 s ({bound:g} s): {'met' if slow <= bound else 'MISSED'}",
        f"serve kept cycling (≥ 2 cycles): {'met' if served['cycles'] >= 2 else 'MISSED'}",
    ]
    report("slow_channel", lines)
    return 0 if slow <= bound and served["cycles"] >= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
