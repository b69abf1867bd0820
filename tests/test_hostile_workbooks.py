"""One workbook cannot take the run down: far cells, zip bombs, lying zips, panics inside
python-calamine, passwords. Each is run through the real `run` command in a child process
with a memory cap, beside an ordinary workbook that must still be checked and written."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from tests.hostile_files import far_cell, repeated_ods, stock_sheet, zip_bomb
from tests.support import ROOT

try:
    import resource
except ImportError:  # Windows: no address-space cap for the child
    resource = None


def _capped() -> None:
    # A regression must fail this test, not exhaust the shared machine.
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sync", "run", *args, "--today", "2026-11-25"], cwd=cwd,
                          capture_output=True, text=True, timeout=120, preexec_fn=_capped if resource else None,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def folder_with(tmp_path: Path, make, settings: str = "") -> tuple[Path, subprocess.CompletedProcess]:
    folder = tmp_path / "后勤表格"
    folder.mkdir()
    stock_sheet(folder / "1 正常.xlsx")
    make(folder / "2 坏的.xlsx")
    stock_sheet(folder / "3 正常.xlsx")
    config = tmp_path / "houqin.toml"
    config.write_text(f"[sources]\npaths = ['{folder}']\n{settings}", encoding="utf-8")
    return folder, run("--config", str(config), cwd=tmp_path)


def assert_only_the_bad_one_failed(done: subprocess.CompletedProcess, *message: str, bad: str = "2 坏的.xlsx") -> None:
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert "1 正常.xlsx：已写入提醒" in done.stdout and "3 正常.xlsx：已写入提醒" in done.stdout, done.stdout
    failed = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(failed) == 1 and bad in failed[0], done.stderr
    for part in message:
        assert part in failed[0], failed[0]


@pytest.mark.parametrize("row", [1_048_576, 20_000])
@pytest.mark.parametrize("dimension", [True, False])
def test_a_far_cell_is_that_workbooks_finding(tmp_path, row, dimension):
    _, done = folder_with(tmp_path, lambda p: far_cell(p, row, keep_dimension=dimension))
    assert_only_the_bad_one_failed(done, "「库存」", f"XFD{row}", "Ctrl+End")


def test_a_far_cell_within_the_caps_is_read_without_laying_out_the_empty_range(tmp_path):
    """One value at GR1048576 (inside the caps) would make calamine lay out 200 million
    cells (6 GB) between it and the data; under the 3 GB cap the run must read the sheet
    row group by row group, and the stray row becomes findings staff can find."""
    folder, done = folder_with(tmp_path, lambda p: far_cell(p, 1_048_576, 199))
    assert done.returncode == 1, done.stderr[-2000:]  # errors found, none failed
    assert "Traceback" not in done.stderr and not done.stderr.strip(), done.stderr
    for name in ("1 正常.xlsx", "2 坏的.xlsx", "3 正常.xlsx"):
        assert f"{name}：已写入提醒" in done.stdout, done.stdout
    # The stray row (where Ctrl+End leads) carries its alert: its 物品名称 is empty.
    with zipfile.ZipFile(folder / "2 坏的.xlsx") as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    last_row = xml[xml.index('<row r="1048576"'):]
    assert "物品名称" in last_row and "必填" in last_row, last_row[:500]


@pytest.mark.parametrize(("rows", "columns", "said"), [
    (1_000_000, 90, ["1,000,002 行 × 91 列", ".ods", "另存为 .xlsx"]),
    (1_048_000, 16_000, ["WQK1048002", "Ctrl+End"]),
])
def test_repeated_empty_rows_in_an_ods_are_refused_before_calamine_opens_it(tmp_path, rows, columns, said):
    """A 1.5 KB .ods of repeated empty rows aborted the whole process (calamine allocates
    the range when it opens the file); now it is that file's one finding."""
    folder = tmp_path / "后勤表格"
    folder.mkdir()
    stock_sheet(folder / "1 正常.xlsx")
    repeated_ods(folder / "2 坏的.ods", rows, columns)
    stock_sheet(folder / "3 正常.xlsx")
    done = run(str(folder), cwd=tmp_path)
    assert_only_the_bad_one_failed(done, *said, bad="2 坏的.ods")


def test_a_column_past_xfd_in_lower_case_is_refused(tmp_path):
    def make(path):
        far_cell(path, 5, 3)
        from tests.hostile_files import SHEET, _rewrite_member
        _rewrite_member(path, SHEET, lambda xml: xml.replace(b'r="D5"', b'r="aaaaa5"'))
    _, done = folder_with(tmp_path, make)
    assert_only_the_bad_one_failed(done, "aaaaa5")


def test_a_zip_bomb_is_refused_from_the_zip_directory(tmp_path):
    _, done = folder_with(tmp_path, lambda p: zip_bomb(p, 60 << 20), "[limits]\nmax_unzipped_mb = 50\n")
    assert_only_the_bad_one_failed(done, "解压后有 60 MB", "上限 50 MB", "max_unzipped_mb")


def test_a_zip_that_understates_its_sizes_is_refused_as_damaged(tmp_path):
    _, done = folder_with(tmp_path, lambda p: zip_bomb(p, 30 << 20, lie_about_size=True))
    assert_only_the_bad_one_failed(done, "文件已损坏")


def test_a_panic_inside_calamine_is_that_workbooks_finding(tmp_path):
    def make(path):  # a date cell holding -1e300: calamine panics converting it (PanicException)
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet("库存")
        sheet.write_row(0, 0, ["物品名称", "入库日期"])
        sheet.write_number(1, 1, -1e300, book.add_format({"num_format": "yyyy-mm-dd"}))
        book.close()
    _, done = folder_with(tmp_path, make)
    assert_only_the_bad_one_failed(done, "「库存」")


def test_a_password_protected_workbook_says_so(tmp_path):
    import msoffcrypto
    from msoffcrypto.format.ooxml import OOXMLFile

    def make(path):
        plain = stock_sheet(path.with_suffix(".plain"))
        with open(plain, "rb") as source, open(path, "wb") as target:
            OOXMLFile(source).encrypt("园长的密码", target)
        with open(path, "rb") as encrypted:
            assert msoffcrypto.OfficeFile(encrypted).is_encrypted()
    _, done = folder_with(tmp_path, make)
    assert_only_the_bad_one_failed(done, "有密码，Houqin 打不开")
