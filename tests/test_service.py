"""The running service: exposure refused without a password, clean stops, one cycle at a time."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import python_calamine

from sync.config.loader import Config
from sync.demo import write_demo
from sync.service.runner import SyncRunner, is_loopback
from sync.state import store as state
from tests.service_helpers import Served
from tests.support import ROOT, TODAY


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder, today=TODAY)
    return folder


def test_refuses_to_listen_beyond_this_computer_without_a_password(demo, tmp_path):
    done = subprocess.run([sys.executable, "-m", "sync", "serve", str(demo), "--host", "0.0.0.0", "--port", "0"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 2
    assert "必须设置密码" in done.stderr and "HOUQIN_WEB_PASSWORD" in done.stderr and "Traceback" not in done.stderr
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and not is_loopback("0.0.0.0")


def test_serves_syncs_and_stops_cleanly_on_sigterm(demo, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(demo, folder)
    # The computer's clock runs on UTC; the kindergarten's day, the page and the log on its own zone.
    served = Served(str(folder), env={"HOUQIN_WEB_PASSWORD": "", "TZ": "UTC"})
    try:
        data = served.wait_for_runs(1)
        assert data["last_run"]["status"] == "ok" and len(data["sources"]) == 4
        assert served.get("/healthz")[0] == 200
    finally:
        code = served.stop()
    assert code == 0, served.output()
    assert "Houqin 已停止" in served.output()
    stamp = re.search(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) 同步完成", served.output(), re.MULTILINE)
    logged = datetime.strptime(stamp[1], "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    assert abs((datetime.now(ZoneInfo("Asia/Shanghai")) - logged).total_seconds()) < 300, stamp[1]


def test_stopping_during_a_write_leaves_every_workbook_whole(demo, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(demo, folder)
    originals = {p.name: p.read_bytes() for p in folder.glob("*.xlsx")}
    served = Served(str(folder))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and all(p.read_bytes() == originals[p.name] for p in folder.glob("*.xlsx")):
        time.sleep(0.01)
    code = served.stop()  # SIGTERM as soon as the first workbook has been written
    assert code == 0, served.output()
    written = 0
    for path in folder.glob("*.xlsx"):
        data = path.read_bytes()
        if data != originals[path.name]:
            written += 1
            assert zipfile.ZipFile(path).testzip() is None
            python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
                python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names[0]).to_python()
    assert written >= 1
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp") or ".houqin-old-" in p.name]


def test_never_two_cycles_at_once(demo, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(demo, folder)
    config = Config(paths=[folder], state_db=tmp_path / "state.sqlite3", interval_minutes=60)
    runner = SyncRunner(config)
    worker = threading.Thread(target=runner.loop)
    worker.start()
    answers = []
    for _ in range(20):
        answers.append(runner.request())
        time.sleep(0.05)
    time.sleep(0.5)
    while runner.lock.locked() or runner.requested.is_set():
        time.sleep(0.1)
    runner.stop()
    worker.join(timeout=60)
    with state.connect(config.state_db) as connection:
        runs = list(reversed(state.run_history(connection, 100)))
    assert 1 <= len(runs) <= 4 and False in answers  # requests while busy were folded into one
    for earlier, later in zip(runs, runs[1:], strict=False):
        assert datetime.fromisoformat(later["started"]) >= datetime.fromisoformat(earlier["finished"])


def test_credentials_never_appear_in_any_response_or_log(demo, tmp_path):
    key = tmp_path / "service-account.json"
    key.write_text('{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----SECRET-MARKER-7731"',
                   encoding="utf-8")
    config = tmp_path / "houqin.toml"
    config.write_text(f'[sources]\npaths = ["{demo}"]\n[google]\napi_base = "http://127.0.0.1:9"\n'
                      '[[google.spreadsheets]]\nkey = "abc"\n[sync]\nstate_db = "state.sqlite3"\n', encoding="utf-8")
    served = Served("--config", str(config), env={"HOUQIN_GOOGLE_CREDENTIALS": str(key), "HOUQIN_WEB_PASSWORD": "PW-MARKER-5512"})
    try:
        served.wait_for_runs(1)
        bodies = [served.get(path)[1] for path in ("/", "/api/status", "/api/findings", "/healthz", "/login")]
    finally:
        served.stop()
    with state.connect(tmp_path / "state.sqlite3") as connection:
        stored = [dict(r) for r in connection.execute("SELECT * FROM source_results")]
    log = (tmp_path / "houqin.log").read_text(encoding="utf-8")  # beside the state database
    everything = "\n".join(bodies) + served.output() + str(stored) + log
    assert "SECRET-MARKER-7731" not in everything and "PW-MARKER-5512" not in everything
    assert "服务账号密钥文件" in log
    assert "服务账号密钥文件" in served.output()  # the IT helper is told which file is wrong
    assert any(not r["read_ok"] and str(key) in r["error"] for r in stored)
