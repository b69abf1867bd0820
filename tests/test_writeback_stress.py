"""Staff keep saving while Houqin cycles: no staff edit is lost, no file is left corrupt.

A second process plays a spreadsheet program: it opens the current file, types one new
value into its own cell, and saves the way Excel does (a temporary file renamed over the
original), at random moments. Houqin runs real cycles (read, check, write back) meanwhile.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import time
from pathlib import Path

import pytest
import python_calamine
from openpyxl import load_workbook

from sync.config.loader import Config
from sync.cycle.run import run_cycle
from tests.staff_workbooks import HEADER_ROW, ROWS, make_staff_workbook
from tests.support import TODAY

pytestmark = pytest.mark.slow

EDIT_COLUMN = 10  # J: a staff note column, outside the pack's columns


def staff_saves(path: str, seconds: float, done: multiprocessing.Queue) -> None:
    rng = random.Random(os.getpid())
    made = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(rng.uniform(0.05, 0.4))
        try:
            book = load_workbook(path)
        except FileNotFoundError:  # caught the instant Houqin swaps files: open it again
            continue
        sheet = book["库存"]
        sheet.cell(HEADER_ROW + 1 + made % ROWS, EDIT_COLUMN + made // ROWS, f"edit-{made}")
        temporary = f"{path}.staff-{made}.tmp"
        book.save(temporary)
        os.replace(temporary, path)
        made += 1
    done.put(made)


def test_concurrent_staff_saves_are_never_lost(tmp_path):
    seconds = float(os.environ.get("HOUQIN_STRESS_SECONDS", "30"))
    path = make_staff_workbook(tmp_path / "库存.xlsx")
    config = Config(paths=[path], backups=2)
    context = multiprocessing.get_context("spawn")
    done = context.Queue()
    staff = context.Process(target=staff_saves, args=(str(path), seconds, done))
    staff.start()
    counts = {"written": 0, "unchanged": 0, "skipped": 0, "aborted": 0, "failed": 0, "read failed": 0}
    day = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        day += 1  # a different day each cycle, so the alerts keep changing
        result = run_cycle(config, today=TODAY.replace(day=1 + day % 28))
        source = result.sources[0]
        counts[source.write.status if source.read_ok else "read failed"] += 1
    staff.join(timeout=60)
    made = done.get(timeout=10)
    print(f"\nstress: {seconds:.0f} s, {made} staff saves, Houqin cycles: {counts}")
    assert made > 10 and counts["written"] > 0
    assert counts["failed"] == 0
    final = load_workbook(path)["库存"]
    present = {final.cell(HEADER_ROW + 1 + i % ROWS, EDIT_COLUMN + i // ROWS).value for i in range(made)}
    assert present == {f"edit-{i}" for i in range(made)}  # every staff edit is there
    python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("库存").to_python()
    leftovers = [p.name for p in Path(tmp_path).iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
