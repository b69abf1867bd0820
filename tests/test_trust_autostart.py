"""Autostart on Linux with an odd config path or a systemd that will not answer: nothing is
injected into the unit, nothing is left behind, and each command says what really happened."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sync.demo import write_demo
from tests.cli_helpers import fake_systemctl, houqin
from tests.support import TODAY, require

UNIT = Path("config") / "systemd" / "user" / "houqin.service"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder, today=TODAY)
    return folder


def config_in(folder: Path, demo_folder: Path) -> Path:
    folder.mkdir(parents=True)
    config = folder / "houqin.toml"
    config.write_text(f"[sources]\npaths = ['{demo_folder}']\n", encoding="utf-8")
    return config


@pytest.mark.parametrize("name", ["园\nExecStartPre=/bin/touch /tmp/houqin-injected", "园\r记录", "园\x01"])
def test_a_path_that_would_break_the_unit_is_refused_and_nothing_is_written(tmp_path, demo, name):
    config = config_in(tmp_path / name, demo)
    env, calls = fake_systemctl(tmp_path, 0)
    done = houqin("autostart", "install", "--config", str(config), cwd=tmp_path, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "控制字符" in done.stderr and "systemd" in done.stderr
    assert not (tmp_path / UNIT).exists() and not calls.exists()


def test_quotes_dollars_and_percents_in_a_path_reach_systemd_as_written(tmp_path, demo):
    config = config_in(tmp_path / 'a "b" $HOME 100% c\\d', demo)
    env, _ = fake_systemctl(tmp_path, 0)
    done = houqin("autostart", "install", "--config", str(config), cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / UNIT).read_text(encoding="utf-8")
    start = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    assert len(start) == 1 and '\\"b\\"' in start[0] and "$$HOME" in start[0] and "100%%" in start[0]
    assert "c\\\\d" in start[0]
    require(shutil.which("systemd-analyze") is not None, "systemd-analyze is not installed (Debian package systemd)")
    verified = subprocess.run(["systemd-analyze", "verify", str(tmp_path / UNIT)], capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0 and not verified.stderr.strip(), verified.stderr


def test_install_without_a_user_bus_leaves_no_unit_behind_and_says_so(tmp_path, demo):
    config = config_in(tmp_path / "园", demo)
    env, _ = fake_systemctl(tmp_path, 1)
    done = houqin("autostart", "install", "--config", str(config), cwd=tmp_path, env=env)
    assert done.returncode == 2 and "没有设置自动启动" in done.stderr and "没有留下" in done.stderr
    assert not (tmp_path / UNIT).exists()
    status = houqin("autostart", "status", cwd=tmp_path, env=env)
    assert status.returncode == 1 and "未设置自动启动" in status.stdout


def test_remove_and_status_say_what_systemctl_really_did(tmp_path, demo):
    config = config_in(tmp_path / "园", demo)
    env, _ = fake_systemctl(tmp_path, 0)
    assert houqin("autostart", "install", "--config", str(config), cwd=tmp_path, env=env).returncode == 0
    env, _ = fake_systemctl(tmp_path, 1)  # from now on every systemctl call fails
    status = houqin("autostart", "status", cwd=tmp_path, env=env)
    assert status.returncode == 1 and "没有启用" in status.stdout
    removed = houqin("autostart", "remove", cwd=tmp_path, env=env)
    assert removed.returncode == 2 and "已停止并删除" not in removed.stdout + removed.stderr
    assert "没有停止" in removed.stderr and not (tmp_path / UNIT).exists()
