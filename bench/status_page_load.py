"""Status page latency against the real `python -m sync serve`, on the generated 100,000-row
库存 workbook (about 20,000 findings in the database).

Issue 15's targets: `/` at most 15 ms median for one reader and 250 ms p99 under 50 readers.
With `--baseline REF` the same two measurements run, taking turns, against a server built from
that commit (`git archive`), so the previous figures stand beside the new ones from one run.
Issue 26: a floor is measured taking turns with them, a trivial Flask route on waitress (the same
8 threads) answering a fixed page as large as `/`, so that what the machine and the load generator
cost shows beside what Houqin's page costs. Issue 6's target still holds too: 50 clients alternating the page and /api/findings, idle and
while 立即同步 is pressed every half second, p99 during / idle <= 1.5.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from common import OUT, ROOT, baseline_tree, report, stock_workbook

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


def one_reader(port: int, seconds: float) -> list[float]:
    """One reader asking for `/` again and again on a keep-alive connection, sending back its
    session cookie as a browser does."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, deadline, headers = [], time.monotonic() + seconds, {}
    while time.monotonic() < deadline:
        started = time.perf_counter()
        connection.request("GET", "/", headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        assert response.status == 200, response.status
        if response.getheader("Set-Cookie"):
            headers = {"Cookie": response.getheader("Set-Cookie").split(";", 1)[0]}
    connection.close()
    return latencies


def page_readers(port: int, seconds: float, clients: int) -> list[float]:
    """`clients` readers of `/` at once."""
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def reader() -> None:
        mine = one_reader_until(port, deadline)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=reader) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def one_reader_until(port: int, deadline: float) -> list[float]:
    return one_reader(port, max(deadline - time.monotonic(), 0))


class Server:
    """`python -m sync serve` from a source tree, on its own copy of the workbook."""

    def __init__(self, name: str, code: Path, workbook: Path):
        self.name = name
        work = OUT / "status_load" / name
        shutil.rmtree(work, ignore_errors=True)
        (work / "data").mkdir(parents=True)
        shutil.copy(workbook, work / "data" / "库存.xlsx")
        config = work / "houqin.toml"
        config.write_text('[sources]\npaths = ["data"]\n[sync]\ninterval_minutes = 600\nstate_db = "state.sqlite3"\n'
                          'backups = 1\n', encoding="utf-8")
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.process = subprocess.Popen([sys.executable, "-m", "sync", "serve", "--config", str(config), "--port", str(self.port)],
                                        cwd=code, env={**os.environ, "PYTHONPATH": str(code)},
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=300)


FLOOR_APP = """
import sys
from flask import Flask
from waitress import serve
app = Flask("floor")
body = "x" * int(sys.argv[2])
@app.get("/")
def page():
    return body
serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, ident="floor", _quiet=True)
"""


class Floor(Server):
    """A trivial Flask route on waitress with the server's thread count: the floor."""

    def __init__(self, size: int):  # noqa: D107 - no workbook, no state: only the route
        self.name = "floor (trivial route)"
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.process = subprocess.Popen([sys.executable, "-c", FLOOR_APP, str(self.port), str(size)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise SystemExit("the floor server did not start")


def page_size(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/")
    size = len(connection.getresponse().read())
    connection.close()
    return size


def ms(value: float) -> str:
    return f"{value * 1000:7.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline", help="a git commit to measure side by side (e.g. the one before the redesign)")
    args = parser.parse_args()
    workbook = stock_workbook(args.rows)
    servers = [Server("current", ROOT, workbook)]
    if args.baseline:
        servers.insert(0, Server(f"baseline {args.baseline}", baseline_tree(args.baseline, OUT / "status_load" / "baseline_code"), workbook))
    current = servers[-1]
    port = current.port
    try:
        for server in servers:
            wait_for_run(server.port, 1)
        total = get_json(port, "/api/findings?limit=1")["total"]
        floor = Floor(page_size(port))
        servers.insert(len(servers) - 1, floor)
        single: dict[str, list[float]] = {s.name: [] for s in servers}
        many: dict[str, list[float]] = {s.name: [] for s in servers}
        for server in servers:  # warm up
            page_readers(server.port, 2, args.clients)
        for _ in range(2):  # taking turns, so drift on the shared machine falls on both
            for server in servers:
                single[server.name] += one_reader(server.port, args.seconds / 2)
            for server in servers:
                many[server.name] += page_readers(server.port, args.seconds / 2, args.clients)
        for server in servers[:-1]:
            server.stop()
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
        for server in servers:
            if server.process.poll() is None:
                server.stop()
    ok = True
    lines = [f"{total} findings in the database; {args.clients} concurrent readers; {args.seconds:.0f} s per measurement"]
    for server in servers:
        median, p99 = statistics.median(single[server.name]), percentile(many[server.name], 0.99)
        if server is current:
            ok &= median <= 0.015 and p99 <= 0.25
        lines.append(f"/ {server.name:<20} one reader median {ms(median)} (target <= 15 ms) | {args.clients} readers p99 "
                     f"{ms(p99)} p50 {ms(statistics.median(many[server.name]))} (target <= 250 ms) "
                     f"[{len(single[server.name])}/{len(many[server.name])} requests]")
    floor_p99 = percentile(many[floor.name], 0.99)
    lines.append(f"ours / floor in the same run: one reader {statistics.median(single[current.name]) / statistics.median(single[floor.name]):.1f}x,"
                 f" {args.clients} readers p99 {percentile(many[current.name], 0.99) / floor_p99:.2f}x"
                 f" (p99 {ms(percentile(many[current.name], 0.99))} against the floor's {ms(floor_p99)})")
    if len(servers) > 2:
        old = servers[0].name
        lines.append(f"ratio previous / current: one reader {statistics.median(single[old]) / statistics.median(single[current.name]):.1f}x,"
                     f" {args.clients} readers p99 {percentile(many[old], 0.99) / percentile(many[current.name], 0.99):.1f}x")
    lines.append(f"page and /api/findings alternating, idle then with 立即同步 every 0.5 s ({cycles} sync cycles ran):")
    for name, path in PATHS.items():
        quiet, busy = idle[name], during[name]
        ratio = percentile(busy, 0.99) / percentile(quiet, 0.99)
        ok &= ratio <= 1.5
        lines.append(f"{path:<40} idle p50 {ms(statistics.median(quiet))}  p99 {ms(percentile(quiet, 0.99))}"
                     f" | during sync p50 {ms(statistics.median(busy))}  p99 {ms(percentile(busy, 0.99))}"
                     f" | p99 ratio {ratio:4.2f} (target <= 1.5)  [{len(quiet)}/{len(busy)} requests]")
    report("status_page_load", lines)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
