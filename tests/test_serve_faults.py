"""Broken surroundings, with the real `serve` process: a corrupt, read-only, deleted or full
state database, an unreachable Google token endpoint, a busy port, a second service."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile_files import stock_sheet
from tests.service_helpers import Served, free_port
from tests.support import ROOT, require

try:
    import resource
except ImportError:
    resource = None


def workspace(tmp_path: Path, rows: int = 3, extra: str = "") -> tuple[Path, Path]:
    folder = tmp_path / "后勤表格"
    folder.mkdir()
    stock_sheet(folder / "库存.xlsx", rows)
    config = tmp_path / "houqin.toml"
    config.write_text(f"[sources]\npaths = ['{folder}']\n[sync]\ninterval_minutes = 0.05\n{extra}", encoding="utf-8")
    return folder, config


def wait_until(condition, served: Served, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert served.process.poll() is None, served.output()
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} not within {timeout}s:\n{served.output()}")


def health(served: Served) -> tuple[int, dict]:
    try:
        status, body = served.get("/healthz")
    except OSError:  # not listening yet
        return 0, {}
    return status, json.loads(body)


def test_a_corrupt_database_at_start_is_moved_aside_and_the_page_and_log_say_so(tmp_path):
    _, config = workspace(tmp_path)
    db = tmp_path / "var" / "houqin.sqlite3"
    db.parent.mkdir()
    db.write_bytes(b"this is not a database, the office PC lost power" * 100)
    served = Served("--config", str(config), cwd=tmp_path)
    try:
        served.wait_for_runs(2)
        aside = list(db.parent.glob("houqin.损坏-*.sqlite3"))
        assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")
        assert "已损坏" in served.output() and aside[0].name in served.output()
        status, page = served.get("/?tab=history")
        assert status == 200 and "已损坏" in page and aside[0].name in page
    finally:
        assert served.stop() == 0


def test_a_database_corrupted_while_serving_is_replaced_and_syncing_goes_on(tmp_path):
    _, config = workspace(tmp_path)
    db = tmp_path / "var" / "houqin.sqlite3"
    served = Served("--config", str(config), cwd=tmp_path)
    try:
        served.wait_for_runs(1)
        for extra in ("-wal", "-shm"):
            Path(str(db) + extra).unlink(missing_ok=True)
        db.write_bytes(b"\0garbage" * 4096)
        wait_until(lambda: list(db.parent.glob("houqin.损坏-*.sqlite3")), served, what="the corrupt file moved aside")
        wait_until(lambda: health(served)[0] == 200, served, what="healthy again")
    finally:
        assert served.stop() == 0


def test_a_deleted_database_is_created_again_and_the_page_never_500s(tmp_path):
    _, config = workspace(tmp_path)
    db = tmp_path / "var" / "houqin.sqlite3"
    served = Served("--config", str(config), cwd=tmp_path)
    try:
        first = served.wait_for_runs(1)
        for path in db.parent.glob("houqin.sqlite3*"):
            if not path.name.endswith((".lock", ".owner")):
                path.unlink()
        status, _ = served.get("/")
        assert status in (200, 503)  # between the deletion and the next cycle: said, not a 500
        wait_until(lambda: db.exists() and served.get("/")[0] == 200, served, what="database created again")
        assert health(served)[0] == 200 and first
    finally:
        assert served.stop() == 0


def _make_immutable(path: Path, on: bool) -> None:
    if os.geteuid() != 0:  # a normal user: permissions are enough
        path.chmod(0o444 if on else 0o644)
        return
    done = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True, text=True)
    require(done.returncode == 0, f"chattr cannot make a file read-only here: {done.stderr}")


def test_a_read_only_database_makes_healthz_503_with_the_reason(tmp_path):
    _, config = workspace(tmp_path)
    db = tmp_path / "var" / "houqin.sqlite3"
    served = Served("--config", str(config), cwd=tmp_path)
    served.wait_for_runs(1)
    assert served.stop() == 0
    _make_immutable(db, True)
    try:
        served = Served("--config", str(config), cwd=tmp_path)
        wait_until(lambda: "只读" in health(served)[1].get("reason", ""), served, what="503 with the reason")
        status, body = health(served)
        assert status == 503 and str(db) in body["reason"]
        time.sleep(4)  # a few more cycles: the sync thread keeps trying, the service stays up
        assert served.process.poll() is None and health(served)[0] == 503
        status, page = served.get("/")
        assert status == 200 or (status == 503 and "状态数据库" in page)  # said, never a 500
        assert served.stop() == 0
    finally:
        _make_immutable(db, False)


def test_a_full_disk_makes_healthz_503_and_the_sync_thread_goes_on(tmp_path):
    assert resource is not None

    def small_disk() -> None:  # files may not grow past 600 KB: what a full disk looks like to SQLite
        resource.setrlimit(resource.RLIMIT_FSIZE, (600 << 10, 600 << 10))

    _, config = workspace(tmp_path, rows=4000)
    served = Served("--config", str(config), cwd=tmp_path, preexec_fn=small_disk,
                    env={"PYTHONDONTWRITEBYTECODE": "1"})
    try:
        wait_until(lambda: health(served)[0] == 503, served, timeout=120, what="503")
        assert "磁盘已满" in health(served)[1]["reason"]
        attempts = served.output().count("磁盘已满")
        wait_until(lambda: served.output().count("磁盘已满") > attempts, served, timeout=120, what="another cycle")
    finally:
        assert served.stop() == 0


def test_a_busy_port_is_one_message_and_exit_2(tmp_path):
    folder, _ = workspace(tmp_path)
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        done = subprocess.run([sys.executable, "-m", "sync", "serve", str(folder), "--port", str(port)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(tmp_path / "data-home")})
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(port) in lines[0] and "端口" in lines[0], done.stderr


def test_a_second_service_on_the_same_database_is_refused_naming_the_first(tmp_path):
    _, config = workspace(tmp_path)
    first = Served("--config", str(config), cwd=tmp_path)
    try:
        first.wait_for_runs(1)
        second = Served("--config", str(config), cwd=tmp_path)
        assert second.process.wait(timeout=60) == 2
        message = second.output()
        assert "Traceback" not in message
        assert f"进程 {first.process.pid}" in message and f"127.0.0.1:{first.port}" in message, message
        second.handle.close()
    finally:
        assert first.stop() == 0


def _service_account(tmp_path: Path, token_uri: str) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps({"type": "service_account", "project_id": "p", "private_key_id": "k",
                                "private_key": pem.decode(), "client_email": "houqin@p.iam.gserviceaccount.com",
                                "client_id": "1", "token_uri": token_uri}), encoding="utf-8")
    return path


@pytest.fixture
def unreachable_google(tmp_path):
    token_uri = f"http://127.0.0.1:{free_port()}/token"  # nothing listens there: the token endpoint is unreachable
    key = _service_account(tmp_path, token_uri)
    return workspace(tmp_path, extra=f"[google]\ncredentials = '{key}'\n[[google.spreadsheets]]\nkey = 'abc'\nname = '本园表格'\n")


def test_an_unreachable_token_endpoint_fails_that_source_and_check_goes_on(unreachable_google, tmp_path):
    _, config = unreachable_google
    done = subprocess.run([sys.executable, "-m", "sync", "check", "--config", str(config), "--today", "2026-11-25"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "检查了 1 个表格文件" in done.stdout and "大米1" in done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "本园表格" in lines[0] and "授权服务器" in lines[0], done.stderr


def test_an_unreachable_token_endpoint_fails_that_source_and_serve_goes_on(unreachable_google, tmp_path):
    folder, config = unreachable_google
    served = Served("--config", str(config), cwd=tmp_path)
    try:
        status = served.wait_for_runs(1)
        by_name = {s["source"]: s for s in status["sources"]}
        assert by_name[str(folder / "库存.xlsx")]["read_ok"] == 1
        assert by_name["本园表格"]["read_ok"] == 0 and "授权服务器" in by_name["本园表格"]["error"]
        assert by_name[str(folder / "库存.xlsx")]["write_status"] == "written"
        assert "Traceback" not in served.output()
    finally:
        assert served.stop() == 0
    shutil.rmtree(tmp_path / "var", ignore_errors=True)
