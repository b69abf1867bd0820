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
import threading
import traceback
import webbrowser
from datetime import datetime
from pathlib import Path

import schedule
from waitress import create_server

from sync import places, state
from sync.config import Config
from sync.cycle import run_cycle
from sync.logs import listen, log_to_queue, setup_logging
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


def _cycle_process(config: Config, stop, log_queue=None) -> None:
    """One cycle in a child process, so the page's threads never wait on the cycle's work.

    Ctrl-C reaches the whole process group; the child ignores it and stops at the next
    workbook when `stop` is set, so an interrupt never lands in the middle of a swap."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if hasattr(os, "nice"):
        os.nice(10)  # the page's requests come first; a cycle may take a little longer
    if log_queue is not None:
        log_to_queue(log_queue)  # the service process writes the log file, never two processes
    else:
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

    def __init__(self, config: Config, log_queue=None):
        self.config = config
        self.log_queue = log_queue
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
            child = self.context.Process(target=_cycle_process, args=(self.config, self.child_stop, self.log_queue),
                                         name="houqin-cycle")
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


def serve(config: Config, host: str | None = None, port: int | None = None, open_browser: bool = False) -> None:
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
    log_path = places.log_file(Path(config.state_db))
    handlers = setup_logging(config, log_path)
    state.ensure(Path(config.state_db))
    runner = SyncRunner(config, log_queue=multiprocessing.get_context("spawn").Queue())
    listener = listen(runner.log_queue, handlers)
    app = create_app(config, trigger_sync=runner.request)
    shown = f"[{host}]" if ":" in host else host
    try:
        server = create_server(app, host=host, port=port, threads=8, ident="houqin")
    except OSError as exc:  # most often a Houqin started earlier (autostart) already has the port
        listener.stop()
        if open_browser:
            webbrowser.open(f"http://{'127.0.0.1' if is_loopback(host) else shown}:{port}/")
        raise ServiceError(f"无法在 {shown}:{port} 上打开状态页（{exc.strerror or exc}）：端口可能已被占用，Houqin 也许已经在运行，"
                           f"请在浏览器打开 http://127.0.0.1:{port}/ 看看；或用 --port 换一个端口。") from None
    worker = threading.Thread(target=runner.loop, name="houqin-sync", daemon=True)

    def stop(_signum=None, _frame=None) -> None:
        runner.stop()
        server.close()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    worker.start()
    page = f"http://{shown}:{server.effective_port}/"
    print(f"Houqin 状态页：{page}  （按 Ctrl-C 停止）", flush=True)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, [page.replace("0.0.0.0", "127.0.0.1")]).start()
    print(f"日志文件：{log_path}", flush=True)
    log.info("Houqin 已启动：状态页 http://%s:%s/，配置 %s", shown, server.effective_port, config.origin)
    try:
        server.run()
    except (OSError, ValueError):
        if not runner.stopping.is_set():
            raise
    finally:
        runner.stop()
        worker.join(timeout=300)
        log.info("Houqin 已停止")
        listener.stop()
    print("Houqin 已停止", flush=True)
