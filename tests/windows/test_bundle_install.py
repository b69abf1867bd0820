"""On Windows Python (`make test-windows`): the offline bundle from its zip alone, as an office PC
gets it. The harness builds this version's zip and a next one's (build/windows/dist/, as `make
dist` builds them); here each is unzipped, Wine's gaps are closed in the unzipped copy (never in
the zip), and the folder's own Python runs: no Python on the prefix is used, nothing is fetched.

The test's user has its own profile folder (USERPROFILE, APPDATA, LOCALAPPDATA, with a space and
Chinese in its path) and documents folder (HOUQIN_HOME, which stands for 文档\\Houqin: Wine answers
the known-folder question from its prefix's profile, whatever the environment says).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time
import urllib.request
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from sync.sources.xlsx.file_safety import BACKUP_DIR
from tests.service_helpers import free_port
from tests.support import ROOT
from tests.windows.harness import DIST, NEXT_RELEASE, WINE_ONLY, close_wine_gaps

VERSION = next(line.split('"')[1] for line in (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines()
               if line.startswith("version = "))
NEXT = NEXT_RELEASE.format(VERSION)
LIMIT_MB = 150


def bundle_zip(release: str) -> Path:
    path = DIST / f"houqin-{release}-win64.zip"
    assert path.exists(), f"{path} is missing: the harness builds it (python -m tests.windows.harness pytest)"
    return path


def unzip(release: str, into: Path) -> Path:
    """The zip unpacked as Explorer's "extract all" would, then Wine's gaps closed in the copy."""
    with zipfile.ZipFile(bundle_zip(release)) as archive:
        archive.extractall(into)
    folder = into / f"houqin-{release}-win64"
    close_wine_gaps(folder / "python")
    return folder


def user_env(tmp_path: Path) -> dict[str, str]:
    profile = tmp_path / "用户 甲"
    folders = {"USERPROFILE": profile, "APPDATA": profile / "AppData" / "Roaming",
               "LOCALAPPDATA": profile / "AppData" / "Local", "HOUQIN_HOME": profile / "Documents" / "Houqin"}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYTEST", "VIRTUAL_ENV"))}
    return {**env, **{name: str(folder) for name, folder in folders.items()}}


def run(command: list[str], env: dict[str, str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, timeout=timeout)
    done.out = done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
    return done


def install(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """install.bat, by Wine's cmd, without questions (/quiet): the questions come as flags after."""
    done = run(["cmd", "/c", "install.bat", "/quiet"], env, folder)
    done.out = done.stdout.decode("gbk", "replace") + done.stderr.decode("gbk", "replace")
    return done


def state_runs(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0]


def backups(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if BACKUP_DIR in p.parts and p.is_file()}


def alert_columns(book: Path) -> int:
    """The sheets of `book` whose header row has the alert column the write-back adds."""
    workbook = load_workbook(book, read_only=True)
    try:
        return sum(1 for sheet in workbook.worksheets for row in sheet.iter_rows(max_row=3, values_only=True)
                   if "系统提醒" in row)
    finally:
        workbook.close()


def test_the_zip_holds_the_folder_and_no_file_only_wine_needs():
    with zipfile.ZipFile(bundle_zip(VERSION)) as archive:
        infos = archive.infolist()
    top = f"houqin-{VERSION}-win64/"
    names = {info.filename for info in infos}
    assert all(name.startswith(top) for name in names)
    inside = {name[len(top):] for name in names}
    for wanted in ("houqin.exe", "houqinw.exe", "启动Houqin.bat", "install.bat", "安装说明.txt", "houqin.example.toml",
                   "python/python.exe", "python/pythonw.exe", "python/python313._pth", "python/_wmi.pyd",
                   f"python/Lib/site-packages/houqin-{VERSION}.dist-info/METADATA",
                   "python/Lib/site-packages/sync/cli/entry.py", "python/Lib/site-packages/tzdata/__init__.py"):
        assert wanted in inside, wanted
    wine_only = [name for name in inside if name.rsplit("/", 1)[-1] in WINE_ONLY]
    assert wine_only == [], wine_only
    # Nothing to install at the PC: no wheels, no Linux scripts pip wrote at the build.
    assert not [n for n in inside if n.endswith(".whl") or n.startswith("python/Lib/site-packages/bin/")]
    zipped, unzipped = bundle_zip(VERSION).stat().st_size / 2**20, sum(i.file_size for i in infos) / 2**20
    print(f"\nbundle zip {zipped:.1f} MB; unzipped folder {unzipped:.1f} MB in {len(infos)} files")
    assert unzipped <= LIMIT_MB


def test_from_the_zip_alone_install_setup_check_run_serve_then_upgrade_keeps_config_state_and_backups(tmp_path):
    started = time.monotonic()
    env = user_env(tmp_path)
    target = Path(env["LOCALAPPDATA"]) / "Programs" / "Houqin"
    houqin, houqinw = target / "houqin.exe", target / "houqinw.exe"
    config = Path(env["HOUQIN_HOME"]) / "houqin.toml"
    shared = tmp_path / "共享 文件夹" / "后勤表格"

    installed = install(unzip(VERSION, tmp_path / "下载"), env)
    assert installed.returncode == 0, installed.out
    assert houqin.exists() and houqinw.exists() and (target / "python" / "python.exe").exists(), installed.out
    menu = Path(env["APPDATA"]) / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "Houqin" / "启动Houqin.bat"
    assert str(target) in menu.read_bytes().decode("gbk")

    demo = run([str(houqin), "demo", "--dir", str(shared)], env, tmp_path)
    assert demo.returncode == 0, demo.out
    books = sorted(shared.glob("*.xlsx"))
    assert books, demo.out
    setup = run([str(houqin), "setup", "--folder", str(shared), "--name", "阳光幼儿园", "--classes", "小一班,中一班",
                 "--no-password", "--no-lan", "--no-blank"], env, tmp_path)
    assert setup.returncode == 0 and config.exists(), setup.out
    # The installed Python's own code, not this checkout's.
    where = run([str(target / "python" / "python.exe"), "-X", "utf8", "-c", "import sync; print(sync.__file__)"], env, tmp_path)
    assert str(target) in where.out and str(ROOT) not in where.out, where.out

    checked = run([str(houqin), "check", "--config", str(config)], env, tmp_path)
    assert checked.returncode == 1 and "合计" in checked.out and "Traceback" not in checked.out, checked.out
    before = {book.name: book.read_bytes() for book in books}
    ran = run([str(houqin), "run", "--config", str(config)], env, tmp_path)
    assert ran.returncode in (0, 1) and "Traceback" not in ran.out, ran.out
    written = [book for book in books if book.read_bytes() != before[book.name]]
    assert written, ran.out
    assert any(alert_columns(book) for book in written)
    state_db = config.parent / "var" / "houqin.sqlite3"
    assert state_runs(state_db) == 1
    kept_backups = backups(shared.parent)
    assert kept_backups, "no backup beside the workbooks"

    port = free_port()
    served = subprocess.Popen([str(houqinw), "serve", "--config", str(config), "--port", str(port)], env=env,
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        health, page = {}, ""
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and served.poll() is None and health.get("last_run_id", 0) < 2:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:
                    health = json.loads(answer.read())
            except OSError:
                time.sleep(1)
        assert health.get("last_run_id", 0) >= 2, (health, served.poll())
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as answer:
            page = answer.read().decode("utf-8")
        assert "阳光幼儿园" in page or "后勤" in page
    finally:
        served.terminate()
        served.wait(timeout=60)
    assert b"Traceback" not in served.stdout.read()
    wait_until_closed(port)
    runs_before = state_runs(state_db)
    config_text = config.read_bytes()

    # The next version's zip, unzipped elsewhere and installed over this one.
    upgraded = install(unzip(NEXT, tmp_path / "新版本"), env)
    assert upgraded.returncode == 0, upgraded.out
    site = target / "python" / "Lib" / "site-packages"
    assert (site / f"houqin-{NEXT}.dist-info").exists() and not (site / f"houqin-{VERSION}.dist-info").exists()
    assert config.read_bytes() == config_text
    assert state_runs(state_db) == runs_before
    assert backups(shared.parent) >= kept_backups
    again = run([str(houqin), "run", "--config", str(config)], env, tmp_path)
    assert again.returncode in (0, 1) and "Traceback" not in again.out, again.out
    assert state_runs(state_db) == runs_before + 1
    assert config.read_bytes() == config_text and backups(shared.parent) >= kept_backups
    print(f"\nbundle install, setup, check, run, serve and upgrade under Wine: {time.monotonic() - started:.0f} s")


def wait_until_closed(port: int, timeout: float = 60) -> None:
    """houqinw's Python ended with its launcher (distlib's launcher holds it in a job object)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).close()
        except OSError:
            return
        time.sleep(1)
    raise AssertionError(f"the status page still answers on port {port} after houqinw.exe ended")
