"""The command line's contract: exit status, one clear message, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import python_calamine
from openpyxl import load_workbook

from tests.support import ROOT, assert_one_clear_failure


def sync(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sync", *args], cwd=cwd, capture_output=True, text=True, timeout=180)


def test_bad_schema_names_the_file_and_json_path(tmp_path):
    schema = json.loads((ROOT / "rules" / "pack" / "sheets_schema.json").read_text(encoding="utf-8"))
    schema["sheets"][1]["fields"][3]["type"] = "数字"
    bad = tmp_path / "schema.json"
    bad.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    book = tmp_path / "b.xlsx"
    sync("init", "--out", str(book))
    assert_one_clear_failure(sync("check", str(book), "--schema", str(bad)), str(bad), "$.sheets[1].fields[3].type")


def test_schema_that_is_not_json_names_line_and_column(tmp_path):
    bad = tmp_path / "schema.json"
    bad.write_text('{"version": 1,\n "sheets": [,]}', encoding="utf-8")
    assert_one_clear_failure(sync("check", str(tmp_path), "--schema", str(bad)), str(bad), "第 2 行")


def test_missing_workbook(tmp_path):
    missing = tmp_path / "没有这个文件.xlsx"
    assert_one_clear_failure(sync("check", str(missing)), str(missing), "找不到")


def test_corrupt_workbook(tmp_path):
    corrupt = tmp_path / "坏了.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a zip")
    assert_one_clear_failure(sync("check", str(corrupt)), str(corrupt), "损坏")


def test_empty_file(tmp_path):
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    assert_one_clear_failure(sync("check", str(empty)), str(empty))


def test_bad_config_names_the_setting(tmp_path):
    config = tmp_path / "houqin.toml"
    config.write_text('[sources]\npaths = ["x"]\n[calendar]\nterms = [{start = "2026-09-01", end = "2026-02-30"}]\n', encoding="utf-8")
    assert_one_clear_failure(sync("check", "--config", str(config)), str(config), "calendar.terms[0].end")


def test_config_that_is_not_toml(tmp_path):
    config = tmp_path / "houqin.toml"
    config.write_text("[sources\npaths = 1", encoding="utf-8")
    assert_one_clear_failure(sync("check", "--config", str(config)), str(config), "第 1 行第 9 列", "TOML 格式错误")


def test_bad_arguments():
    assert_one_clear_failure(sync("check", "--today", "yesterday", "x.xlsx"), "2026-11-25")
    assert_one_clear_failure(sync("check"), "--config")
    # argparse's own complaints come out in Chinese too.
    # Python 3.12.8 and 3.13.1 stopped quoting the choices ('zh', 'en' became zh, en).
    done = sync("check", "--lang", "fr", "x.xlsx")
    assert_one_clear_failure(done, "--lang", "'fr' 不是可选的值")
    assert "（可选：'zh', 'en'）" in done.stderr or "（可选：zh, en）" in done.stderr, done.stderr
    assert_one_clear_failure(sync("serve", "--port", "八千"), "--port", "不是整数")
    assert_one_clear_failure(sync("check", "x.xlsx", "--colour"), "不认识的参数：--colour")
    assert_one_clear_failure(sync("init"), "缺少参数：--out")
    assert_one_clear_failure(sync(), "demo、check、run、serve、init、nutrition、report、setup 或 autostart")
    assert "用法：python -m sync check" in sync("check", "--help").stdout


def test_clean_workbook_exits_zero_and_errors_exit_one(tmp_path):
    book = tmp_path / "后勤.xlsx"
    assert sync("init", "--out", str(book)).returncode == 0
    assert sync("check", str(book), "--today", "2026-11-25").returncode == 0
    assert sync("init", "--out", str(book)).returncode == 2  # never overwrites
    demo = tmp_path / "demo"
    assert sync("demo", "--dir", str(demo), "--today", "2026-11-25").returncode == 0
    done = sync("check", str(demo), "--today", "2026-11-25")
    assert done.returncode == 1
    assert "【安全检查】" in done.stdout and "“2026-02-30”不是有效日期" in done.stdout


def test_json_format_has_the_contract_fields(tmp_path):
    demo = tmp_path / "demo"
    sync("demo", "--dir", str(demo), "--today", "2026-11-25")
    payload = json.loads(sync("check", str(demo), "--today", "2026-11-25", "--format", "json").stdout)
    assert set(payload) == {"findings", "summary"}
    fields = {"source", "sheet", "row", "column", "cell", "rule", "kind", "severity", "message", "value"}
    assert payload["findings"] and all(fields <= set(f) for f in payload["findings"])
    assert payload["summary"]["errors"] == sum(f["severity"] == "error" for f in payload["findings"])


def test_init_writes_every_sheet_ready_for_staff(tmp_path, pack):
    out = tmp_path / "后勤表格.xlsx"
    assert sync("init", "--out", str(out)).returncode == 0
    book = load_workbook(out)  # reading a workbook Houqin made itself
    assert book.sheetnames == ["说明"] + [s.name for s in pack.sheets]
    for spec in pack.sheets:
        sheet = book[spec.name]
        assert [c.value for c in sheet[1]] == [f.header for f in spec.fields]
        assert sheet.freeze_panes == "A2"
        enum_columns = [f for f in spec.fields if f.enum]
        # 规则设置 comes pre-filled, with 开/关, 是/否 and 错误/提醒 dropdowns in its 值 cells.
        prefilled = 3 if spec.id == "settings_rules" else 0
        assert len(sheet.data_validations.dataValidation) == len(enum_columns) + sum(f.type == "boolean" for f in spec.fields) + prefilled
    guide = "\n".join(str(c.value) for row in book["说明"].iter_rows() for c in row if c.value)
    assert all(spec.name in guide for spec in pack.sheets)
    assert "请不要在这一列写字" in guide  # the alert column is Houqin's: staff are told before they type there
    # python-calamine (the reader staff files go through) reads it too.
    assert python_calamine.CalamineWorkbook.from_path(str(out)).sheet_names[0] == "说明"
