"""The config as the IT helper edits it in Notepad: misspelt keys anywhere, a Windows path
pasted inside double quotes, Chinese quotes, a BOM, GBK. Run through the command line in this process."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess

import pytest

from sync.cli.entry import main
from tests.hostile_files import stock_sheet
from tests.support import ROOT, assert_one_clear_failure


def sync(*args: str) -> subprocess.CompletedProcess:
    """The command line, in this process (each case is a config read: no need for a new Python)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def write(tmp_path, text: str, encoding: str = "utf-8"):
    config = tmp_path / "houqin.toml"
    config.write_bytes(text.encode(encoding))
    return config


@pytest.mark.parametrize(("text", "place", "nearest"), [
    ('[sources]\npaths = ["x"]\n[web]\nhost = "0.0.0.0"\npasword = "园长的密码"\n', "web.pasword", "“password”"),
    ('[sources]\npaths = ["x"]\n[calendar]\nholiday = ["2027-01-01"]\n', "calendar.holiday", "“holidays”"),
    ('[sources]\npaths = ["x"]\n[sync]\ninterval_minute = 5\n', "sync.interval_minute", "“interval_minutes”"),
    ('[sources]\npath = ["x"]\n', "sources.path", "“paths”"),
    ('[sources]\npaths = ["x"]\n[[google.spreadsheets]]\nkye = "abc"\nkey = "abc"\n', "google.spreadsheets[0].kye", "“key”"),
    ('[sources]\npaths = ["x"]\n[calendar]\nterms = [{start = "2026-09-01", end = "2027-01-20", nmae = "秋"}]\n',
     "calendar.terms[0].nmae", "“name”"),
    ('[sources]\npaths = ["x"]\n[limits]\nmax_row = 10\n', "limits.max_row", "“max_rows”"),
])
def test_an_unknown_key_anywhere_is_refused_with_the_nearest_right_one(tmp_path, text, place, nearest):
    done = sync("check", "--config", str(write(tmp_path, text)))
    assert_one_clear_failure(done, place, nearest, "不认识的设置")
    assert "必须设置密码" not in done.stderr


def test_a_rule_override_must_name_a_rule_and_a_setting_of_its_kind(tmp_path):
    stock_sheet(tmp_path / "库存.xlsx")
    wrong_rule = write(tmp_path, f"[sources]\npaths = ['{tmp_path}']\n[rules.stock_expiring]\nfood_days = 3\n")
    assert_one_clear_failure(sync("check", "--config", str(wrong_rule)), "stock_expiring", "stock_expiry")
    wrong_setting = write(tmp_path, f"[sources]\npaths = ['{tmp_path}']\n[rules.stock_expiry]\nwarn_day = 3\n")
    assert_one_clear_failure(sync("check", "--config", str(wrong_setting)), "warn_day", "warn_days")


def test_the_shipped_example_with_every_commented_setting_switched_on_is_accepted(tmp_path, monkeypatch):
    """Every `# key = value` and `# [table]` line of the example, uncommented, must load and
    pass the pack's checks: the example is what people copy."""
    folder = tmp_path / "后勤表格"
    folder.mkdir()
    stock_sheet(folder / "库存.xlsx")
    for name in re.findall(r"\$\{(\w+)\}", (ROOT / "houqin.example.toml").read_text(encoding="utf-8")):
        monkeypatch.setenv(name, "x")  # the secrets the example takes from the environment
    lines = []
    for line in (ROOT / "houqin.example.toml").read_text(encoding="utf-8").splitlines():
        setting = re.match(r'^# (\[\[?[a-z_.]+\]\]?|(?!terms)(?:[a-z_]+|"[^"]+") = .*?)(\s+#.*)?$', line)
        lines.append(setting[1] if setting else line)
    text = "\n".join(lines).replace('paths = ["D:/后勤表格"]', f"paths = ['{folder}']")
    text = re.sub(r'^(password|secret_key) = ""', r'\1 = "x"', text, flags=re.M)
    text = re.sub(r"^\[google\]$.*", "", text, flags=re.M | re.S)  # no Google service here
    done = sync("check", "--config", str(write(tmp_path, text)), "--today", "2026-11-25")
    assert done.returncode in (0, 1), done.stderr  # findings or none; never a refused config
    assert "[rules.stock_expiry]" in text and "warn_days" in text and "[limits]" in text


def test_utf8_with_a_bom_is_read(tmp_path):
    stock_sheet(tmp_path / "库存.xlsx")
    done = sync("check", "--config", str(write(tmp_path, f"[sources]\npaths = ['{tmp_path}']\n", "utf-8-sig")))
    assert done.returncode in (0, 1) and done.stderr == "", done.stderr


def test_gbk_is_read_and_the_note_to_save_as_utf8_is_said_once(tmp_path):
    folder = tmp_path / "后勤表格"
    folder.mkdir()
    stock_sheet(folder / "库存.xlsx")
    config = write(tmp_path, f"# 本园配置\n[sources]\npaths = ['{folder}']\n[school]\nclasses = [\"小一班\"]\n", "gbk")
    done = sync("check", "--config", str(config))
    assert done.returncode in (0, 1), done.stderr
    assert done.stderr.count("GBK") == 1 and "UTF-8" in done.stderr


def test_a_windows_path_in_double_quotes_says_how_to_write_it(tmp_path):
    config = write(tmp_path, '[sources]\npaths = ["D:\\后勤表格"]\n')
    assert_one_clear_failure(sync("check", "--config", str(config)), "第 2 行", "'D:\\后勤表格'", '"D:/后勤表格"')


def test_a_windows_path_whose_backslash_makes_an_escape_says_how_to_write_it(tmp_path):
    config = write(tmp_path, '[sources]\npaths = ["D:\\new"]\n')  # \n: a valid TOML escape, a newline
    assert_one_clear_failure(sync("check", "--config", str(config)), "sources.paths", "D:\\new", "'D:\\后勤表格'")


def test_chinese_quotes_are_named(tmp_path):
    config = write(tmp_path, "[sources]\npaths = [“D:/后勤表格”]\n")
    assert_one_clear_failure(sync("check", "--config", str(config)), "第 2 行", "中文引号 “ ”", "英文引号")
