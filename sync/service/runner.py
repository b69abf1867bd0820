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
import sqlite3
import threading
import traceback
import webbrowser
from datetime import datetime
from pathlib import Path

import schedule
from waitress import create_server

from sync.config.loader import Config
from sync.config.pack_file import PackFileError
from sync.cycle.run import run_cycle
from sync.errors import HouqinError
from sync.install import places
from sync.notify.hook import after_cycle
from sync.service.instance import AlreadyServing, ServiceLock
from sync.service.logs import listen, log_to_queue, setup_logging
from sync.state import faults as state_faults
from sync.state import store as state

log = logging.getLogger("houqin")


class ServiceError(HouqinError):
    """The service cannot start as asked (e.g. exposed without a password)."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _store(report, path: Path, write) -> None:
    """Write to the state database; what went wrong goes back to the service, never up."""
    try:
        write()
        report.put("")
    except (sqlite3.Error, OSError) as exc:
        problem = state_faults.reason(path, exc)
        log.error("%s", problem)
        report.put(problem)


def _cycle_process(config: Config, stop, report, log_queue=None) -> None:
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
    db = Path(config.state_db)
    try:
        result = run_cycle(config, stop=stop)
        _store(report, db, lambda: state.record_run(db, result))
        after_cycle(config, result, digests=True, stop=stop)  # never raises: a channel's trouble is not the sync's
        for source in result.sources:
            if not source.read_ok:
                log.warning("无法读取 %s：%s", source.source, source.error)
        written = sum(1 for s in result.sources if s.write and s.write.status == "written")
        log.info("同步完成：%d 个表格，写入 %d 个，%d 个错误", len(result.sources), written,
                 sum(1 for f in result.findings if f.severity == "error"))
    except PackFileError as exc:
        message = str(exc)
        _store(report, db, lambda: state.record_failed_run(db, started, datetime.now(config.zone), message))
    except Exception as exc:  # the service keeps going; the page shows the failed run
        log.error("同步失败：%s", exc)
        log.debug("%s", traceback.format_exc())
        message = f"同步失败：{type(exc).__name__}: {exc}"
        _store(report, db, lambda: state.record_failed_run(db, started, datetime.now(config.zone), message))


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
        # What keeps the state database from being written (read-only, full disk), for /healthz.
        self.problem: str | None = None

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
            report = self.context.SimpleQueue()
            child = self.context.Process(target=_cycle_process,
                                         args=(self.config, self.child_stop, report, self.log_queue),
                                         name="houqin-cycle")
            child.start()
            child.join()
            if report.empty():  # the child died before it could say anything
                message = f"同步进程意外退出（代码 {child.exitcode}）"
                log.error(message)
                self.record_failure(started, message)
            else:
                self.mend_after(started, report.get())

    def mend_after(self, started: datetime, problem: str) -> None:
        """Mend what can be mended (a corrupt database is moved aside and the cycle run again
        at once); remember what cannot (read-only, full disk), for /healthz."""
        if not problem:
            self.problem = None
            return
        note, remaining = state_faults.recover(Path(self.config.state_db))
        if note:
            self.record_failure(started, note)
            self.requested.set()
            self.problem = None
        else:
            self.problem = remaining or problem

    def record_failure(self, started: datetime, message: str) -> None:
        try:
            state.record_failed_run(Path(self.config.state_db), started, datetime.now(self.config.zone), message)
        except (sqlite3.Error, OSError) as exc:
            self.problem = state_faults.reason(Path(self.config.state_db), exc)

    def loop(self) -> None:
        """The timer thread: scheduled cycles plus requested ones, until stopping."""
        scheduler = schedule.Scheduler()
        scheduler.every(self.config.interval_minutes).minutes.do(self.requested.set)
        self.requested.set()  # once at start
        while not self.stopping.is_set():
            try:
                scheduler.run_pending()
                if self.requested.is_set():
                    self.requested.clear()
                    self.run_once()
            except Exception as exc:  # noqa: BLE001 - the timer thread never dies; the next cycle tries again
                log.error("同步线程出错（下次同步再试）：%s: %s", type(exc).__name__, exc)
                self.problem = f"同步出错：{type(exc).__name__}: {exc}"
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
    shown = f"[{host}]" if ":" in host else host
    lock = ServiceLock(Path(config.state_db))
    try:
        lock.claim(f"http://{shown}:{port}/")
    except AlreadyServing as exc:
        if open_browser and exc.address:  # started again (a double click, the logon task): show the running one
            webbrowser.open(exc.address.replace("0.0.0.0", "127.0.0.1"))
        raise ServiceError(str(exc)) from None
    runner = SyncRunner(config, log_queue=multiprocessing.get_context("spawn").Queue())
    listener = listen(runner.log_queue, handlers)
    try:
        note, runner.problem = state_faults.recover(Path(config.state_db))
        if runner.problem:
            log.error("%s", runner.problem)
        if note:
            runner.record_failure(datetime.now(config.zone), note)
        app = create_app(config, trigger_sync=runner.request, problem=lambda: runner.problem, syncing=runner.lock.locked)
        try:
            server = create_server(app, host=host, port=port, threads=8, ident="houqin")
        except OSError as exc:  # most often a Houqin started earlier (autostart) already has the port
            if open_browser:
                webbrowser.open(f"http://{'127.0.0.1' if is_loopback(host) else shown}:{port}/")
            raise ServiceError(f"无法在 {shown}:{port} 上打开状态页（{exc.strerror or exc}）：端口可能已被占用，Houqin 也许已经在运行，"
                               f"请在浏览器打开 http://127.0.0.1:{port}/ 看看；或用 --port 换一个端口。") from None
    except BaseException:
        listener.stop()
        lock.release()
        raise
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
        lock.release()
    print("Houqin 已停止", flush=True)
