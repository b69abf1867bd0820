"""Every command with its output redirected, the way Task Scheduler, a pipe or `houqin check >
结果.txt` runs it, under a console code page that cannot write all of it: a Chinese Windows'
GBK (no '−', no 'µ') and an English one's cp1252 (no Chinese). The report arrives, readable
(UTF-8, as Python's own UTF-8 mode writes it), and no traceback; a reader that goes away early
(`houqin report | more`, quit at once) ends the command quietly.

On Windows Python (`make test-windows`) the code page is Windows' own, set by the harness from
the locale it starts Wine under; elsewhere PYTHONIOENCODING gives the stream the same encoding.
"""

from __future__ import annotations

import locale
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

ON_WINDOWS = sys.platform == "win32"
# On Windows the code page is the one this process runs under (PYTHON* variables do not reach
# the embeddable Python); elsewhere both are forced on the child's streams.
CODE_PAGES = [locale.getencoding()] if ON_WINDOWS else ["gbk", "cp1252"]


def houqin(encoding: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING=encoding)
    return subprocess.run([sys.executable, "-m", "sync", *args], cwd=cwd, env=env, capture_output=True,
                          stdin=subprocess.DEVNULL if not ON_WINDOWS else None, timeout=240)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("控制台 输出") / "后勤 表格"
    done = houqin(CODE_PAGES[0], "demo", "--dir", str(folder))
    assert done.returncode == 0, done.stderr
    return folder


def commands(demo: Path, scratch: Path) -> list[tuple[list[str], int, str]]:
    """(arguments, exit status, a word the output must show): the command-line contract."""
    return [
        (["check", str(demo)], 1, "错误"),
        (["check", str(demo), "--lang", "en"], 1, "error"),
        (["check", str(demo), "--format", "json"], 1, '"findings"'),
        (["nutrition", str(demo), "--month", "2026-11"], 0, "µg"),
        (["report", str(demo)], 0, "学期"),
        (["run", str(demo)], 1, "提醒"),
        (["init", "--out", str(scratch / "空白 表格.xlsx")], 0, "空白 表格.xlsx"),
        (["setup", "--folder", str(demo), "--config", str(scratch / "houqin.toml"), "--name", "阳光幼儿园",
          "--classes", "小一班", "--no-password", "--no-lan", "--no-blank"], 0, "houqin.toml"),
        (["autostart", "status"], 1, "自动启动"),
        (["--help"], 0, "后勤"),
        (["check", "--no-such-option"], 2, "不认识的参数"),
    ]


@pytest.mark.parametrize("encoding", CODE_PAGES)
def test_every_command_redirected_under_a_narrow_code_page(encoding, demo, tmp_path):
    for args, status, word in commands(demo, tmp_path):
        done = houqin(encoding, *args)
        out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")  # strict: readable UTF-8
        said = f"houqin {' '.join(args)} under {encoding}: exit {done.returncode}\n{out[-1500:]}\n{err[-3000:]}"
        assert "Traceback" not in out + err and "Error" not in err, said
        assert done.returncode == status, said
        assert word in out + err, said


@pytest.mark.parametrize("encoding", CODE_PAGES)
def test_a_reader_that_goes_away_ends_the_command_quietly(encoding, demo):
    env = dict(os.environ, PYTHONIOENCODING=encoding)
    with subprocess.Popen([sys.executable, "-m", "sync", "check", str(demo), "--format", "json"], cwd=ROOT, env=env,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        child.stdin.close()
        child.stdout.close()  # before Houqin has written anything: `| more`, quit at once
        err = child.stderr.read().decode("utf-8")
        child.wait(timeout=240)
    assert err == "", err
    assert child.returncode == 0
