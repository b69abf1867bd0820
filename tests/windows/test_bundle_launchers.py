"""On Windows Python (`make test-windows`): the bundle's wheels installed with --no-index (the
harness's build/windows/bundle-python, without the source tree), and the console launchers pip
wrote for them. install.bat itself needs a full Python with `venv`, which the embeddable build
lacks: its text is checked by tests/test_bundle.py and tests/test_install.py."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.service_helpers import free_port
from tests.support import ROOT

SCRIPTS = ROOT / "build" / "windows" / "bundle-python" / "Scripts"


def launch(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPTS / name), *args], cwd=cwd, capture_output=True, timeout=300)


def test_houqin_exe_runs_demo_and_check_from_the_installed_wheels(tmp_path):
    folder = tmp_path / "示例 表格"
    done = launch("houqin.exe", "demo", "--dir", str(folder), cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    checked = launch("houqin.exe", "check", str(folder), cwd=tmp_path)
    out = checked.stdout.decode("utf-8")
    assert checked.returncode == 1 and "合计" in out, (out[-500:], checked.stderr.decode("utf-8", "replace"))
    # Not the checkout's code: the wheel's (bundle-python's path has no source tree).
    where = subprocess.run([str(SCRIPTS.parent / "python.exe"), "-c", "import sync; print(sync.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert "site-packages" in where.stdout, where.stdout + where.stderr


def test_houqinw_exe_works_without_a_console(tmp_path):
    folder = tmp_path / "无窗口"
    done = launch("houqinw.exe", "demo", "--dir", str(folder), cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == b"", done.stderr
    assert sorted(p.suffix for p in folder.iterdir() if p.suffix == ".xlsx")


def test_houqin_exe_serves_the_page_and_healthz(tmp_path):
    folder = tmp_path / "服务"
    assert launch("houqin.exe", "demo", "--dir", str(folder), cwd=tmp_path).returncode == 0
    port = free_port()
    with (tmp_path / "serve.log").open("wb") as log:
        served = subprocess.Popen([str(SCRIPTS / "houqin.exe"), "serve", str(folder), "--port", str(port)],
                                  cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
        try:
            health, page = None, ""
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and served.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:
                        health = json.loads(answer.read())
                    if health.get("last_run_id", 0) >= 1:
                        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as answer:
                            page = answer.read().decode("utf-8")
                        break
                except OSError:
                    pass
                time.sleep(1)
            assert health and health.get("last_run_id", 0) >= 1, (health, (tmp_path / "serve.log").read_bytes()[-2000:])
            assert "后勤" in page
        finally:
            served.terminate()
            served.wait(timeout=60)
