"""Shared benchmark helpers: generated workbooks and a timer that reports medians."""

from __future__ import annotations

import compileall
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# Generated workbooks and figures; a smoke run of the scripts points this elsewhere.
OUT = Path(os.environ.get("HOUQIN_BENCH_OUT") or ROOT / "bench" / "out")

STOCK_HEADERS = ["物品名称", "类别", "单位", "数量", "最低库存", "入库日期", "生产日期", "保质期（天）", "存放位置", "经手人"]


def stock_workbook(rows: int = 100_000, path: Path | None = None) -> Path:
    """A 库存 sheet of `rows` × 10 columns as staff would keep it (real dates, a few text cells)."""
    path = path or OUT / f"stock_{rows}.xlsx"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rows)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("库存")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, STOCK_HEADERS)
    start = datetime(2026, 9, 1)
    for r in range(1, rows + 1):
        sheet.write_string(r, 0, f"食材{r % 700}")
        sheet.write_string(r, 1, "食品" if r % 3 else "物资")
        sheet.write_string(r, 2, "千克")
        sheet.write_number(r, 3, rng.randint(0, 200))
        sheet.write_number(r, 4, 10)
        sheet.write_datetime(r, 5, start + timedelta(days=r % 80), dates)
        sheet.write_datetime(r, 6, start - timedelta(days=r % 200), dates)
        sheet.write_number(r, 7, 180 + r % 300)
        sheet.write_string(r, 8, f"{r % 4 + 1}号库")
        sheet.write_string(r, 9, "陈阿姨")
    book.close()
    return path


def median_times(actions: list[Callable[[], object]], repeat: int = 3) -> list[float]:
    """Median time of each action, the actions taking turns so that drift on a shared
    machine falls on all of them alike."""
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(repeat):
        for action, kept in zip(actions, times, strict=True):
            started = time.perf_counter()
            action()
            kept.append(time.perf_counter() - started)
    return [statistics.median(kept) for kept in times]


def menu_workbook(rows: int = 20_000, path: Path | None = None) -> Path:
    """A 每周食谱 sheet of `rows` dishes over the autumn term, a few repeats included."""
    path = path or OUT / f"menu_{rows}.xlsx"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("每周食谱")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["日期", "餐次", "菜品名称", "主要食材", "带量（克/人）"])
    meals = ["早点", "午餐", "午点"]
    start = datetime(2026, 9, 1)
    for r in range(1, rows + 1):
        sheet.write_datetime(r, 0, start + timedelta(days=(r // 250) % 85), dates)
        sheet.write_string(r, 1, meals[r % 3])
        sheet.write_string(r, 2, f"菜品{r % 997}")
        sheet.write_string(r, 3, "食材")
        sheet.write_number(r, 4, 50 + r % 30)
    book.close()
    return path


def baseline_tree(ref: str, tree: Path) -> Path:
    """The project as it was at `ref`, unpacked into `tree` (run it with cwd and PYTHONPATH there)."""
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as unpacked:
        unpacked.extractall(tree, filter="data")
    return bytecode(tree)


def bytecode(tree: Path) -> Path:
    """`tree`'s packages compiled to bytecode (__pycache__, as pip leaves an installed copy), so
    that a process measured there loads its modules as a user's does. Without it, with
    PYTHONDONTWRITEBYTECODE set, every process would compile the whole project again."""
    for package in ("rules", "sync", "webapp"):
        if (tree / package).is_dir():
            compileall.compile_dir(str(tree / package), quiet=1, workers=1)
    return tree


def process_times(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds) of one child process `python *argv`; its output is
    dropped. CPU time (user + system, os.times) is what the child itself used: on a shared
    machine the wall time also holds the waits for a core."""
    before, started = os.times(), time.perf_counter()
    subprocess.run([sys.executable, *argv], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    wall, after = time.perf_counter() - started, os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def report(name: str, lines: list[str]) -> None:
    """Print a benchmark's figures and keep them in bench/out/<name>.txt."""
    print("\n".join(lines))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
