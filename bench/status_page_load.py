"""Issue 6 benchmark: status page and /api/findings latency under 50 concurrent clients, idle
and while a sync cycle runs, against the real `python -m sync serve`.

The service checks the generated 100,000-row 库存 workbook (about 30,000 findings, above
the 20,000 asked for). Idle: no cycle runs. During sync: 立即同步 is pressed every half second,
so cycles run back to back for the whole measurement. Target: p99 during / idle <= 1.5.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

from common import OUT, ROOT, report, stock_workbook

PATHS = {"page": "/", "api": "/api/findings?limit=200&severity=error"}


def get_json(port: int, path: str) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    return json.loads(response.read())


def wait_for_run(port: int, at_least: int, timeout: float = 300) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            run_id = get_json(port, "/healthz").get("last_run_id", 0)
            if run_id >= at_least:
                return run_id
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"no sync run {at_least} within {timeout}s")


def load(port: int, seconds: float, clients: int) -> dict[str, list[float]]:
    """`clients` threads, each with its own keep-alive connection, alternating page and API."""
    latencies: dict[str, list[float]] = {name: [] for name in PATHS}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        names = list(PATHS)
        turn = number
        while time.monotonic() < deadline:
            name = names[turn % 2]
            turn += 1
            started = time.perf_counter()
            connection.request("GET", PATHS[name])
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            assert response.status == 200, response.status
            with lock:
                latencies[name].append(elapsed)
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def keep_syncing(port: int, until: threading.Event) -> None:
    """Press 立即同步 every half second (with the page's CSRF token and session cookie)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/")
    response = connection.getresponse()
    page = response.read().decode("utf-8")
    cookie = response.getheader("Set-Cookie", "").split(";", 1)[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    body = urllib.parse.urlencode({"csrf_token": token})
    while not until.is_set():
        connection.request("POST", "/sync", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        connection.getresponse().read()
        until.wait(0.5)
    connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    work = OUT / "status_load"
    shutil.rmtree(work, ignore_errors=True)
    (work / "data").mkdir(parents=True)
    shutil.copy(stock_workbook(args.rows), work / "data" / "库存.xlsx")
    config = work / "houqin.toml"
    config.write_text('[sources]\npaths = ["data"]\n[sync]\ninterval_minutes = 600\nstate_db = "state.sqlite3"\nbackups = 1\n',
                      encoding="utf-8")
    port = 18000 + int(time.time()) % 1000
    server = subprocess.Popen([sys.executable, "-m", "sync", "serve", "--config", str(config), "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_run(port, 1)
        total = get_json(port, "/api/findings?limit=1")["total"]
        load(port, 2, args.clients)  # warm up
        idle = load(port, args.seconds, args.clients)
        before = get_json(port, "/healthz")["last_run_id"]
        stop = threading.Event()
        presser = threading.Thread(target=keep_syncing, args=(port, stop))
        presser.start()
        time.sleep(1)
        during = load(port, args.seconds, args.clients)
        stop.set()
        presser.join()
        cycles = wait_for_run(port, before + 1) - before
    finally:
        server.terminate()
        server.wait(timeout=300)
    lines = [f"{total} findings in the database; {args.clients} concurrent clients, {args.seconds:.0f} s per phase; "
             f"{cycles} sync cycles ran during the second phase"]
    ok = True
    for name, path in PATHS.items():
        quiet, busy = idle[name], during[name]
        ratio = percentile(busy, 0.99) / percentile(quiet, 0.99)
        ok &= ratio <= 1.5
        lines.append(f"{path:<40} idle p50 {statistics.median(quiet) * 1000:7.1f} ms  p99 {percentile(quiet, 0.99) * 1000:7.1f} ms"
                     f" | during sync p50 {statistics.median(busy) * 1000:7.1f} ms  p99 {percentile(busy, 0.99) * 1000:7.1f} ms"
                     f" | p99 ratio {ratio:4.2f} (target <= 1.5)  [{len(quiet)}/{len(busy)} requests]")
    report("status_page_load", lines)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
