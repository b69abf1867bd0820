"""The installed product around the checks: setup wizard, autostart, log file, Windows paths."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import PureWindowsPath
from zoneinfo import ZoneInfo

import pytest

from sync.config import loader as config_module
from sync.config.loader import Config, ConfigError
from sync.demo import write_demo
from sync.install import autostart, places
from sync.service.logs import setup_logging
from sync.service.runner import SyncRunner
from sync.sources.xlsx.file_safety import find_lock
from tests.cli_helpers import fake_systemctl, houqin
from tests.service_helpers import Served
from tests.support import TODAY, require

TASK = "{http://schemas.microsoft.com/windows/2004/02/mit/task}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder, today=TODAY)
    return folder


# --- houqin setup -----------------------------------------------------------------------------

def test_setup_without_a_terminal_writes_a_config_that_check_accepts(tmp_path):
    share = tmp_path / "共享 后勤"
    share.mkdir()
    target = tmp_path / "配置" / "houqin.toml"
    done = houqin("setup", "--config", str(target), "--folder", str(share), "--name", "阳光幼儿园",
                  "--classes", "小一班，中一班 大一班", "--no-password", "--blank", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"check --config \"{target}\"" in done.stdout and "autostart install" in done.stdout
    config = config_module.load(target)
    assert config.paths == [share.resolve()] and config.school_name == "阳光幼儿园"
    assert config.classes == ["小一班", "中一班", "大一班"] and config.web.host == "127.0.0.1" and not config.web.password
    assert config.state_db == target.parent / "var" / "houqin.sqlite3"
    assert (share / "后勤表格.xlsx").exists()
    check = houqin("check", "--config", str(target), cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "检查了 1 个表格文件" in check.stdout and "合计：0 个错误" in check.stdout


def test_setup_asks_in_chinese_and_never_prints_the_password(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    write_demo(share, today=TODAY)
    home = tmp_path / "文档" / "Houqin"
    answers = f"{tmp_path / '没有这个文件夹'}\n{share}\n小太阳幼儿园\n小一班、小二班\nPW-MARKER-9090\ny\n\n"
    done = houqin("setup", cwd=tmp_path, env={places.ENV_HOME: str(home)}, stdin=answers)
    assert done.returncode == 0, done.stderr
    assert "找不到文件夹" in done.stdout and "共享文件夹" in done.stdout and "幼儿园名称" in done.stdout
    assert "PW-MARKER-9090" not in done.stdout + done.stderr
    config = config_module.load(home / "houqin.toml")
    assert config.web.password == "PW-MARKER-9090" and config.web.host == "0.0.0.0"
    assert config.classes == ["小一班", "小二班"] and config.paths == [share.resolve()]
    assert not (share / "后勤表格.xlsx").exists()  # the folder has workbooks: the default is no
    # `serve`/`check` without arguments find what setup wrote; an upgrade keeps it untouched.
    assert houqin("check", cwd=tmp_path, env={places.ENV_HOME: str(home)}).returncode == 1
    before = (home / "houqin.toml").read_bytes()
    again = houqin("setup", "--keep-existing", cwd=tmp_path, env={places.ENV_HOME: str(home)})
    assert again.returncode == 0 and "保留不变" in again.stdout and (home / "houqin.toml").read_bytes() == before
    refused = houqin("setup", "--folder", str(share), cwd=tmp_path, env={places.ENV_HOME: str(home)})
    assert refused.returncode == 2 and "已存在" in refused.stderr and "Traceback" not in refused.stderr


def test_setup_will_not_open_the_page_to_others_without_a_password(tmp_path):
    target = tmp_path / "houqin.toml"
    done = houqin("setup", "--config", str(target), "--folder", str(tmp_path), "--name", "园", "--classes", "",
                  "--no-password", "--lan", "--no-blank", cwd=tmp_path)
    assert done.returncode == 2 and "必须设置密码" in done.stderr and "Traceback" not in done.stderr
    assert not target.exists()
    missing = houqin("setup", "--config", str(target), "--folder", str(tmp_path / "无"), cwd=tmp_path)
    assert missing.returncode == 2 and "找不到文件夹" in missing.stderr and not target.exists()


# --- Windows paths ----------------------------------------------------------------------------

def test_windows_paths_in_the_config_read_as_windows_paths():
    file = PureWindowsPath(r"C:\Users\园长\Documents\Houqin\houqin.toml")
    config = config_module.parse(
        "[sources]\npaths = ['\\\\NAS\\后勤', 'D:\\后勤表格\\食堂.xlsx', '表格', '\\共享', 'E:/WPS 表格']\n"
        "[google]\ncredentials = 'keys\\service-account.json'\n", file)
    assert config.paths == [PureWindowsPath(r"\\NAS\后勤"), PureWindowsPath(r"D:\后勤表格\食堂.xlsx"),
                            PureWindowsPath(r"C:\Users\园长\Documents\Houqin\表格"), PureWindowsPath(r"C:\共享"),
                            PureWindowsPath(r"E:\WPS 表格")]
    assert PureWindowsPath(r"\\NAS\后勤").drive == r"\\NAS\后勤"
    assert config.state_db == PureWindowsPath(r"C:\Users\园长\Documents\Houqin\var\houqin.sqlite3")
    assert config.google.credentials == r"C:\Users\园长\Documents\Houqin\keys\service-account.json"


@pytest.mark.parametrize("line", ['paths = ["D:\\后勤"]', 'paths = ["C:\\Users\\后勤"]', 'paths = ["C:\\new"]'])
def test_a_windows_path_in_double_quotes_is_explained(line):
    with pytest.raises(ConfigError, match="单引号"):
        config_module.parse(f"[sources]\n{line}\n", PureWindowsPath(r"C:\Houqin\houqin.toml"))


def test_an_excel_owner_file_on_a_share_is_honoured_whatever_its_case(tmp_path):
    book = tmp_path / "库存.xlsx"
    book.write_bytes(b"")
    name = "王老师"
    owner = bytes([len(name)]) + name.encode("gbk").ljust(53, b" ") + len(name).to_bytes(2, "little") + name.encode("utf-16-le")
    (tmp_path / "~$库存.XLSX").write_bytes(owner.ljust(165, b"\x00"))
    lock = find_lock(book)
    assert lock is not None and lock.owner == "王老师" and "王老师" in lock.reason()[0]


# --- autostart --------------------------------------------------------------------------------

def test_linux_autostart_unit_is_valid_for_systemd_and_can_be_removed(tmp_path, demo):
    site = tmp_path / "园 100%"
    site.mkdir()
    config = site / "houqin.toml"
    config.write_text(f"[sources]\npaths = ['{demo}']\n", encoding="utf-8")
    env, calls = fake_systemctl(tmp_path, 0)
    done = houqin("autostart", "install", "--config", str(config), cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    unit = tmp_path / "config" / "systemd" / "user" / "houqin.service"
    text = unit.read_text(encoding="utf-8")
    assert "serve" in text and "%%" in text and "WantedBy=default.target" in text
    assert calls.read_text().splitlines() == ["--user daemon-reload", "--user enable --now houqin.service"]
    require(shutil.which("systemd-analyze") is not None, "systemd-analyze is not installed (Debian package systemd)")
    verified = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0 and not verified.stderr.strip(), verified.stderr
    assert houqin("autostart", "status", cwd=tmp_path, env=env).returncode == 0
    removed = houqin("autostart", "remove", cwd=tmp_path, env=env)
    assert removed.returncode == 0 and not unit.exists() and "--user disable --now houqin.service" in calls.read_text()
    status = houqin("autostart", "status", cwd=tmp_path, env=env)
    assert status.returncode == 1 and "未设置自动启动" in status.stdout


def test_autostart_says_what_to_do_when_systemd_will_not_enable_it(tmp_path, demo):
    config = tmp_path / "houqin.toml"
    config.write_text(f"[sources]\npaths = ['{demo}']\n", encoding="utf-8")
    env, _ = fake_systemctl(tmp_path, 1)
    done = houqin("autostart", "install", "--config", str(config), cwd=tmp_path, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "houqin.service" in done.stderr and "systemctl --user enable --now" in done.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[sources]\npaths = []\n", encoding="utf-8")
    refused = houqin("autostart", "install", "--config", str(bad), cwd=tmp_path, env=env)
    assert refused.returncode == 2 and "sources" in refused.stderr  # never a task that stops at once


def test_windows_logon_task_runs_houqin_serve_with_the_config():
    config = PureWindowsPath(r"C:\Users\园长\Documents\Houqin 配置\houqin.toml")
    scripts = PureWindowsPath(r"C:\Users\园长\AppData\Local\Houqin\venv\Scripts")
    launch = autostart.launch_for(config, scripts / "houqinw.exe", scripts / "python.exe", windows=True)
    xml = autostart.task_xml(launch, r"OFFICE-PC\园长")
    assert xml.startswith('<?xml version="1.0" encoding="UTF-16"?>')
    task = ET.fromstring(xml.encode("utf-16"))  # as schtasks reads the file
    exec_ = task.find(f"{TASK}Actions/{TASK}Exec")
    assert exec_.findtext(f"{TASK}Command") == r"C:\Users\园长\AppData\Local\Houqin\venv\Scripts\houqinw.exe"
    assert exec_.findtext(f"{TASK}Arguments") == r'serve --config "C:\Users\园长\Documents\Houqin 配置\houqin.toml"'
    assert exec_.findtext(f"{TASK}WorkingDirectory") == r"C:\Users\园长\Documents\Houqin 配置"
    assert task.findtext(f"{TASK}Triggers/{TASK}LogonTrigger/{TASK}UserId") == r"OFFICE-PC\园长"
    assert task.findtext(f"{TASK}Principals/{TASK}Principal/{TASK}LogonType") == "InteractiveToken"
    settings = task.find(f"{TASK}Settings")
    assert settings.findtext(f"{TASK}ExecutionTimeLimit") == "PT0S"  # not stopped after three days
    assert settings.findtext(f"{TASK}DisallowStartIfOnBatteries") == "false"
    assert settings.findtext(f"{TASK}MultipleInstancesPolicy") == "IgnoreNew"
    xml_file = PureWindowsPath(r"C:\Users\园长\Documents\Houqin 配置\var\houqin-task.xml")
    assert autostart.schtasks_create(xml_file) == ["schtasks", "/Create", "/TN", "Houqin", "/XML", str(xml_file), "/F"]
    assert autostart.schtasks_delete() == ["schtasks", "/Delete", "/TN", "Houqin", "/F"]
    fallback = autostart.launch_for(config, None, scripts / "python.exe", windows=True)
    assert str(fallback.program).endswith(r"Scripts\pythonw.exe") and fallback.arguments[:3] == ("-m", "sync", "serve")


# --- the log file -----------------------------------------------------------------------------

def test_log_file_beside_the_config_printed_at_start_and_shown_on_the_page(tmp_path, demo):
    site = tmp_path / "site"
    site.mkdir()
    folder = tmp_path / "data"
    shutil.copytree(demo, folder)
    config = site / "houqin.toml"
    config.write_text(f"[sources]\npaths = ['{folder}']\n", encoding="utf-8")
    log = site / "var" / "houqin.log"
    served = Served("--config", str(config), env={"TZ": "UTC", "HOUQIN_SECRET_KEY": "SK-MARKER-4411"})
    try:
        served.wait_for_runs(1)
        status, page = served.get("/")
        busy = houqin("serve", "--config", str(config), "--port", str(served.port), cwd=tmp_path)
    finally:
        assert served.stop() == 0, served.output()
    assert f"日志文件：{log}" in served.output()
    assert status == 200 and str(log) in page
    assert busy.returncode == 2 and "已被占用" in busy.stderr and "Traceback" not in busy.stderr
    text = log.read_text(encoding="utf-8")
    synced = re.search(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) 信息 同步完成：4 个表格", text, re.MULTILINE)
    assert synced, text  # the cycle's child process logs through the service into the file
    logged = datetime.strptime(synced[1], "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    assert abs((datetime.now(ZoneInfo("Asia/Shanghai")) - logged).total_seconds()) < 300
    assert "Houqin 已停止" in text and "SK-MARKER-4411" not in text
    assert not (served.data_home / "Houqin").exists()


def test_with_only_paths_state_and_log_go_to_the_user_data_folder_not_the_current_one(tmp_path, demo):
    served = Served(str(demo), cwd=tmp_path)
    try:
        served.wait_for_runs(1)
    finally:
        served.stop()
    data = served.data_home / "Houqin"
    assert (data / "houqin.sqlite3").exists() and (data / "houqin.log").exists()
    assert not (tmp_path / "var").exists() and f"日志文件：{data / 'houqin.log'}" in served.output()


def test_log_rotates_at_its_size_limit_and_blanks_the_password(tmp_path):
    log = tmp_path / "var" / "houqin.log"
    config = Config(paths=[tmp_path], state_db=tmp_path / "var" / "houqin.sqlite3")
    config.web.password = "PW-MARKER-3131"
    try:
        setup_logging(config, log, max_bytes=2000, backups=2)
        for i in range(200):
            logging.getLogger("houqin").info("第 %d 次同步完成：密码 %s", i, "PW-MARKER-3131")
    finally:
        for handler in logging.getLogger().handlers[:]:
            logging.getLogger().removeHandler(handler)
            handler.close()
    files = sorted(log.parent.glob("houqin.log*"))
    assert [f.name for f in files] == ["houqin.log", "houqin.log.1", "houqin.log.2"]
    assert all(f.stat().st_size <= 2000 for f in files)
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    assert "PW-MARKER-3131" not in text and "密码 ******" in text
    assert log.read_text(encoding="utf-8").rstrip().endswith("第 199 次同步完成：密码 ******")


def test_the_cycle_child_starts_as_on_windows_by_spawn(tmp_path):
    runner = SyncRunner(Config(paths=[tmp_path], state_db=tmp_path / "s.sqlite3"))
    assert runner.context.get_start_method() == "spawn"
