"""On Windows Python (`make test-windows`): the write-back itself, with Windows' file rules.

A file open in another process cannot be replaced or deleted unless that process allowed it
(FILE_SHARE_DELETE): Excel opens a workbook sharing read only, WPS read and write. Such a
workbook is left untouched with a true reason, and written at the next cycle after release.
Folders here have a drive letter, spaces, Chinese names; one path comes near 260 characters.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sync.config.loader import Config
from sync.cycle.run import run_cycle
from sync.demo import write_demo
from tests.staff_snapshot import differences, snapshot
from tests.staff_workbooks import make_staff_workbook
from tests.support import TODAY, leftovers

# A process that opens the file the way Excel (share read) or WPS (share read and write) does,
# says so on stdout, and holds it until its stdin closes.
HOLDER = r"""
import ctypes, sys
from ctypes import wintypes
k = ctypes.WinDLL("kernel32", use_last_error=True)
k.CreateFileW.restype = wintypes.HANDLE
k.CreateFileW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD, ctypes.c_void_p,
                          wintypes.DWORD, wintypes.DWORD, wintypes.HANDLE]
GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING = 0x80000000, 0x40000000, 3
handle = k.CreateFileW(sys.argv[1], GENERIC_READ | GENERIC_WRITE, int(sys.argv[2]), None, OPEN_EXISTING, 0, None)
if handle in (None, wintypes.HANDLE(-1).value):
    print("failed", ctypes.get_last_error(), flush=True)
    sys.exit(1)
print("held", flush=True)
sys.stdin.read()
"""
SHARE_READ, SHARE_WRITE = 1, 2
OPENS = {"excel": SHARE_READ, "wps": SHARE_READ | SHARE_WRITE}


def cycle(folder: Path):
    return run_cycle(Config(paths=[folder]), today=TODAY)


class Held:
    """The file held open by another process, the way `how` opens it."""

    def __init__(self, path: Path, share: int):
        self.child = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(share)], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
        line = self.child.stdout.readline().strip()
        assert line == "held", line

    def release(self) -> None:
        self.child.stdin.close()
        self.child.wait(timeout=60)


def writes(result) -> dict[str, object]:
    return {Path(s.source).name: s.write for s in result.sources}


def test_run_writes_alerts_into_every_demo_workbook_and_a_second_run_changes_no_byte(tmp_path):
    folder = tmp_path / "后勤 表格"
    books = [p for p in write_demo(folder, today=TODAY) if p.suffix == ".xlsx"]
    assert books
    before = {p.name: p.read_bytes() for p in books}
    first = writes(cycle(folder))
    for book in books:
        outcome = first[book.name]
        # Before the fix: every one "只读（工作簿缺少样式部件，无法加上高亮，只能检查）" on Windows.
        assert outcome is not None and outcome.status == "written", (book.name, outcome)
        assert book.read_bytes() != before[book.name]
    written = {p.name: p.read_bytes() for p in books}
    second = writes(cycle(folder))
    assert all(second[p.name].status == "unchanged" for p in books), second
    assert {p.name: p.read_bytes() for p in books} == written
    assert leftovers(folder) == []


@pytest.mark.parametrize("how", sorted(OPENS))
def test_a_workbook_held_open_is_untouched_then_written_after_release(tmp_path, how):
    folder = tmp_path / "食堂 D区"
    folder.mkdir()
    book = folder / "库存.xlsx"
    make_staff_workbook(book)
    original = book.read_bytes()
    held = Held(book, OPENS[how])
    try:
        outcome = writes(cycle(folder))["库存.xlsx"]
        assert outcome.status == "skipped", outcome
        assert "占用" in outcome.reason, outcome.reason
        assert book.read_bytes() == original  # nothing staff own replaced
    finally:
        held.release()
    assert leftovers(folder) == []
    staff = snapshot(book)
    assert writes(cycle(folder))["库存.xlsx"].status == "written"
    assert not differences(staff, snapshot(book))


def test_a_held_backup_folder_does_not_stop_the_write(tmp_path):
    folder = tmp_path / "食堂"
    folder.mkdir()
    book = folder / "库存.xlsx"
    make_staff_workbook(book)
    assert writes(cycle(folder))["库存.xlsx"].status == "written"
    backups = [p for p in folder.rglob("*") if p.is_file() and p.parent != folder]
    make_staff_workbook(book)  # staff save again: the next cycle writes, backs up, prunes
    held = Held(backups[0], SHARE_READ) if backups else None
    try:
        outcome = writes(cycle(folder))["库存.xlsx"]
        assert outcome.status == "written", outcome
    finally:
        if held:
            held.release()
    assert leftovers(folder) == []


def test_a_path_near_260_characters_with_chinese_names_is_written(tmp_path):
    base = str(tmp_path)
    parts, length = [], len(base)
    while length < 215:
        parts.append("后勤 资料 文件夹")
        length += len(parts[-1]) + 1
    folder = Path(base, *parts)
    folder.mkdir(parents=True)
    book = folder / "二〇二六年 秋季 库存 登记.xlsx"
    make_staff_workbook(book)
    assert 225 <= len(str(book)) < 260, len(str(book))
    staff = snapshot(book)
    outcome = writes(cycle(folder))[book.name]
    assert outcome.status == "written", outcome
    assert not differences(staff, snapshot(book))
    assert leftovers(folder) == []
