"""`python -m sync serve`: sync on a timer and serve the status page.

Cycles are timed by one background thread, driven by `schedule` (once at start, then every
`interval_minutes`), never two at once; 立即同步 asks for one more. Each cycle runs in a child
process, so the status page stays quick while a large workbook is being checked. The page is served by
waitress (it runs on Windows too). Ctrl-C or SIGTERM stops the timer, lets a running cycle
finish the workbook it is writing and skip the rest (every write is an atomic swap, so no
file is ever half written), then exits.
"""

from __future__ import annotations

import ipaddress
import logging
import multiprocessing
import os
import signal
import sys
import threading
import traceback
from datetime import datetime
from pathlib import Path

import schedule
from waitress import create_server

from sync import state
from sync.config import Config
from sync.cycle import run_cycle
from sync.notify.hook import after_cycle
from sync.pack_file import PackFileError

log = logging.getLogger("houqin")


class ServiceError(Exception):
    """The service cannot start as asked (e.g. exposed without a password)."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _ZoneFormatter(logging.Formatter):
    """Log lines stamped in the deployment's time zone, as the status page shows times (the
    office PC or server may well run on UTC)."""

    def __init__(self, zone) -> None:
        super().__init__("%(asctime)s %(message)s")
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        return datetime.fromtimestamp(record.created, self.zone).strftime("%Y-%m-%d %H:%M:%S")


def setup_logging(config: Config) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_ZoneFormatter(config.zone))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


def _cycle_process(config: Config, stop) -> None:
    """One cycle in a child process, so the page's threads never wait on the cycle's work.

    Ctrl-C reaches the whole process group; the child ignores it and stops at the next
    workbook when `stop` is set, so an interrupt never lands in the middle of a swap."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if hasattr(os, "nice"):
        os.nice(10)  # the page's requests come first; a cycle may take a little longer
    setup_logging(config)
    started = datetime.now(config.zone)
    try:
        result = run_cycle(config, stop=stop)
        state.record_run(Path(config.state_db), result)
        after_cycle(config, result, digests=True)  # never raises: a channel's trouble is not the sync's
        for source in result.sources:
            if not source.read_ok:
                log.warning("无法读取 %s：%s", source.source, source.error)
        written = sum(1 for s in result.sources if s.write and s.write.status == "written")
        log.info("同步完成：%d 个表格，写入 %d 个，%d 个错误", len(result.sources), written,
                 sum(1 for f in result.findings if f.severity == "error"))
    except PackFileError as exc:
        state.record_failed_run(Path(config.state_db), started, datetime.now(config.zone), str(exc))
    except Exception as exc:  # the service keeps going; the page shows the failed run
        log.error("同步失败：%s", exc)
        log.debug("%s", traceback.format_exc())
        state.record_failed_run(Path(config.state_db), started, datetime.now(config.zone),
                                f"同步失败：{type(exc).__name__}: {exc}")


class SyncRunner:
    """Runs cycles one at a time; a request while one runs is remembered once, not doubled."""

    def __init__(self, config: Config):
        self.config = config
        self.lock = threading.Lock()
        self.requested = threading.Event()
        self.stopping = threading.Event()
        self.context = multiprocessing.get_context("spawn")
        self.child_stop = self.context.Event()

    def request(self) -> bool:
        """Ask for a cycle soon; False when one is already running (it will run again after)."""
        busy = self.lock.locked()
        self.requested.set()
        return not busy

    def stop(self) -> None:
        self.stopping.set()
        self.child_stop.set()

    def run_once(self) -> None:
        with self.lock:
            started = datetime.now(self.config.zone)
            child = self.context.Process(target=_cycle_process, args=(self.config, self.child_stop), name="houqin-cycle")
            child.start()
            child.join()
            if child.exitcode != 0:
                message = f"同步进程意外退出（代码 {child.exitcode}）"
                log.error(message)
                state.record_failed_run(Path(self.config.state_db), started, datetime.now(self.config.zone), message)

    def loop(self) -> None:
        """The timer thread: scheduled cycles plus requested ones, until stopping."""
        scheduler = schedule.Scheduler()
        scheduler.every(self.config.interval_minutes).minutes.do(self.requested.set)
        self.requested.set()  # once at start
        while not self.stopping.is_set():
            scheduler.run_pending()
            if self.requested.is_set():
                self.requested.clear()
                self.run_once()
            self.stopping.wait(0.5)


def serve(config: Config, host: str | None = None, port: int | None = None) -> None:
    """Start the timer and the page; return when stopped by Ctrl-C or SIGTERM."""
    from webapp import create_app

    host = host or config.web.host
    port = port if port is not None else config.web.port
    if not is_loopback(host) and not config.web.password:
        raise ServiceError(
            f"拒绝在 {host} 上开放状态页：页面上有幼儿姓名和健康信息，对其他电脑开放时必须设置密码"
            f"（配置 [web] password 或环境变量 HOUQIN_WEB_PASSWORD）。\n"
            f"Refusing to listen on {host} without a password: set [web] password or HOUQIN_WEB_PASSWORD."
        )
    setup_logging(config)
    state.ensure(Path(config.state_db))
    runner = SyncRunner(config)
    app = create_app(config, trigger_sync=runner.request)
    server = create_server(app, host=host, port=port, threads=8, ident="houqin")
    worker = threading.Thread(target=runner.loop, name="houqin-sync", daemon=True)

    def stop(_signum=None, _frame=None) -> None:
        runner.stop()
        server.close()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    worker.start()
    shown = f"[{host}]" if ":" in host else host
    print(f"Houqin 状态页：http://{shown}:{server.effective_port}/  （按 Ctrl-C 停止）", flush=True)
    try:
        server.run()
    except (OSError, ValueError):
        if not runner.stopping.is_set():
            raise
    finally:
        runner.stop()
        worker.join(timeout=300)
    print("Houqin 已停止", flush=True)
