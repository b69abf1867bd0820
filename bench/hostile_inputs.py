"""Hostile inputs, each in a folder beside two ordinary workbooks, through the real `check`
and `run` commands in a child process with an address-space cap (so a regression cannot take
the shared machine down): time, peak RSS of the whole process, the finding, and whether the
neighbouring workbooks were checked and written.

Targets (issue 12): the zip bomb and the XFD cells refused in <= 5 s and <= 300 MB with one
clear finding; `check` and `run` on a real 1,048,576-row x 10-column sheet <= 1 GB each.

    python bench/hostile_inputs.py [--rows 1048575] [--bomb-mb 2048]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import OUT, ROOT, stock_workbook

from tests.hostile_files import far_cell, stock_sheet, zip_bomb

CAP = 8 << 30  # the child's address space: far above the targets, far below the machine


def _capped() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


def measure(command: str, folder: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """(seconds, peak RSS in MB, completed) of `python -m sync <command> folder` in a child."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "sync", command, str(folder), "--today", "2026-11-25"],
                          capture_output=True, text=True, cwd=folder.parent, preexec_fn=_capped,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest of any child so far: each case runs in a fresh
    # bench process below when it must be exact; here a larger earlier child shows as "<=".
    return elapsed, max(peak, before) / 1024, done


def case(name: str, make, out: Path) -> None:
    folder = out / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    stock_sheet(folder / "1 正常.xlsx")
    make(folder / "2 可疑.xlsx")
    stock_sheet(folder / "3 正常.xlsx")
    size = (folder / "2 可疑.xlsx").stat().st_size
    for command in ("check", "run"):
        seconds, peak, done = measure(command, folder)
        failed = [line for line in done.stderr.splitlines() if line.strip()]
        neighbours = ("written: both" if command == "run" and done.stdout.count("已写入提醒") == 2
                      else "checked: both" if command == "check" and "检查了 2 个表格文件" in done.stdout
                      else f"NOT both ({done.stdout[-300:]!r})")
        finding = failed[0][:160] if failed else "(no finding)"
        print(f"| {name} ({size / 1e6:.2f} MB file) | {command} | exit {done.returncode} | {seconds:.2f} s | "
              f"{peak:.0f} MB | {neighbours} | {finding} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_048_575, help="data rows of the big sheet (+1 header)")
    parser.add_argument("--bomb-mb", type=int, default=2048, help="inflated size of the zip bomb's sheet")
    parser.add_argument("--only", help="run one case: xfd1048576, xfd20000, bomb, big")
    args = parser.parse_args()
    out = OUT / "hostile"
    out.mkdir(parents=True, exist_ok=True)
    cases = {
        "xfd1048576": lambda p: far_cell(p, 1_048_576),
        "xfd20000": lambda p: far_cell(p, 20_000),
        "bomb": lambda p: zip_bomb(p, args.bomb_mb << 20),
        "big": lambda p: shutil.copy(stock_workbook(args.rows), p),
    }
    if not args.only:
        print("| input | command | exit | time | peak RSS (child) | neighbours | finding |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, make in cases.items():
        if args.only and name != args.only:
            continue
        if not args.only:  # each case in its own process, so the child's peak RSS is its own
            subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--bomb-mb", str(args.bomb_mb),
                            "--only", name], check=False)
            continue
        case(name, make, out)


if __name__ == "__main__":
    main()
