"""Never lose a workbook file: leftovers of an interrupted swap, backups, read-only files and
folders, a second Houqin, links, long names (issue 11's xlsx breaks, one test each)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sync.config.loader import Config
from sync.cycle.run import run_cycle
from tests.staff_snapshot import differences, snapshot
from tests.staff_workbooks import make_staff_workbook
from tests.support import BACKUPS, ROOT, TODAY, leftovers


def cycle(folder: Path, **config):
    return run_cycle(Config(paths=[folder], **config), today=TODAY)


def outcome(result, name: str):
    return next(s for s in result.sources if Path(s.source).name == name)


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = tmp_path / "食堂"
    folder.mkdir()
    make_staff_workbook(folder / "库存.xlsx")
    return folder


def test_a_workbook_left_aside_by_a_killed_write_is_put_back_at_the_next_cycle(folder):
    book = folder / "库存.xlsx"
    staff = snapshot(book)
    # What a kill between "rename the original aside" and "link the new file in" leaves.
    shutil.copy(book, folder / ".库存.xlsx.houqin-12345-99.tmp")
    os.rename(book, folder / ".库存.xlsx.houqin-old-12345-100")
    result = cycle(folder)
    assert book.is_file() and not differences(staff, snapshot(book))
    assert outcome(result, "库存.xlsx").read_ok
    assert leftovers(folder) == []


def test_a_left_aside_original_beside_a_newer_save_keeps_both_and_says_so(folder):
    book = folder / "库存.xlsx"
    aside = folder / ".库存.xlsx.houqin-old-12345-100"
    shutil.copy(book, aside)
    old = aside.read_bytes()
    book.write_bytes(book.read_bytes())  # a newer save by staff at the name
    result = cycle(folder)
    assert book.is_file() and leftovers(folder) == []
    kept = [p for p in (folder / BACKUPS).iterdir() if p.read_bytes() == old]
    assert kept, "the set-aside original must be kept"
    said = [f.message for f in result.findings if "库存.xlsx" in f.message and any(k.name in f.message for k in kept)]
    assert said, [f.message for f in result.findings if f.row is None]


def test_stale_temporary_files_are_cleaned_up(folder):
    for n in range(3):
        (folder / f".库存.xlsx.houqin-{4000 + n}-{n}.tmp").write_bytes(b"half a zip")
    cycle(folder)
    assert leftovers(folder) == []


def test_pruning_keeps_the_backups_of_a_workbook_whose_name_starts_alike(tmp_path):
    folder = tmp_path / "账"
    folder.mkdir()
    make_staff_workbook(folder / "后勤.xlsx")
    backups = folder / BACKUPS
    backups.mkdir()
    theirs = [backups / f"后勤.旧.2026010{d}-080000-000000.xlsx" for d in range(1, 4)]
    for path in theirs:
        path.write_bytes(b"old")
    for day in range(3):
        book = folder / "后勤.xlsx"
        book.write_bytes(book.read_bytes())
        os.utime(book, (time.time() + day, time.time() + day))
        run_cycle(Config(paths=[folder], backups=1), today=TODAY.replace(day=20 + day))
    assert all(p.exists() for p in theirs)


def test_a_read_only_workbook_is_not_replaced_and_the_reason_says_read_only(folder):
    book = folder / "库存.xlsx"
    book.chmod(0o444)
    before, inode = book.read_bytes(), book.stat().st_ino
    result = cycle(folder)
    assert book.read_bytes() == before and book.stat().st_ino == inode
    reason = outcome(result, "库存.xlsx").write.reason
    assert "只读" in reason and "占用" not in reason


def test_a_read_only_folder_is_reported_as_such_not_as_busy(folder):
    book = folder / "库存.xlsx"
    before, inode = book.read_bytes(), book.stat().st_ino
    folder.chmod(0o555)
    try:
        result = cycle(folder)
    finally:
        folder.chmod(0o755)
    assert book.read_bytes() == before and book.stat().st_ino == inode
    reason = outcome(result, "库存.xlsx").write.reason
    assert "文件夹" in reason and ("只读" in reason or "权限" in reason) and "占用" not in reason


def test_a_linked_workbook_stays_a_link_and_the_reason_says_so(tmp_path, folder):
    elsewhere = tmp_path / "原件"
    elsewhere.mkdir()
    target = elsewhere / "库存.xlsx"
    os.rename(folder / "库存.xlsx", target)
    (folder / "库存.xlsx").symlink_to(target)
    before = target.read_bytes()
    result = cycle(folder)
    assert (folder / "库存.xlsx").is_symlink() and target.read_bytes() == before
    assert "链接" in outcome(result, "库存.xlsx").write.reason


def test_a_245_byte_file_name_is_written(tmp_path):
    folder = tmp_path / "长"
    folder.mkdir()
    name = "食堂库存登记" * 13 + "表格" + ".xlsx"
    assert len(name.encode()) == 245
    book = make_staff_workbook(folder / name)
    staff = snapshot(book)
    result = cycle(folder)
    assert outcome(result, name).write.status == "written", outcome(result, name).write
    assert not differences(staff, snapshot(book)) and leftovers(folder) == []
    assert len(list((folder / BACKUPS).iterdir())) >= 1


def run_in_subprocess(folder: Path, hook: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if hook:
        env["HOUQIN_TEST_SWAP_HOOK"] = hook
    return subprocess.Popen([sys.executable, "-m", "sync", "run", str(folder), "--today", TODAY.isoformat()],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8")


def test_a_second_houqin_on_the_same_folder_is_named_as_such(folder, tmp_path):
    gate = tmp_path / "gate"
    first = run_in_subprocess(folder, f"pause:2:{gate}")  # holds its write after the temporary file
    deadline = time.monotonic() + 60
    while not gate.with_suffix(".reached").exists():
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    result = cycle(folder)
    gate.write_text("go")
    out, err = first.communicate(timeout=60)
    reason = outcome(result, "库存.xlsx").write.reason
    assert "另一个" in reason and "保存" not in reason
    assert "保存" not in out and first.returncode in (0, 1), out + err
