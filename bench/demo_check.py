"""`python -m sync check` on the demo, this checkout against the code from before issue 24.

Issue 24 (the health-care registers) asks that `check` on the demo stay under its previous time
plus 25 %. The previous code (`014497a`, the last commit before the issue) is checked out in a
temporary detached git worktree and run with this venv's python; each version checks the demo
that its own `demo` command writes (the new demo has twelve more sheets). The two commands take
turns, each as a fresh process as staff would run it; medians of wall and CPU time (the machine
is shared: wall time includes waiting for a core, CPU time does not). The verdict is on CPU
time; the per-row ratio divides each time by the rows that version's demo holds. One untimed
check per version comes first (the fresh worktree has no bytecode yet).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import OUT, ROOT, report
from python_calamine import CalamineWorkbook

BEFORE = "014497a"
TARGET = 1.25


def run(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one child process; its cwd decides which `sync` package it imports."""
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    before, started = os.times(), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8")
    wall, after = time.perf_counter() - started, os.times()
    if done.returncode not in (0, 1):  # 1: the demo has findings, as it should
        raise SystemExit(f"{' '.join(command)} (in {cwd}) failed: {done.stderr[-800:]}")
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def imported_from(cwd: Path) -> Path:
    """Where `sync` comes from in a child started in `cwd` (the venv also has an editable install)."""
    done = subprocess.run([sys.executable, "-c", "import sync; print(sync.__file__)"], cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(cwd)}, capture_output=True, text=True, check=True)
    return Path(done.stdout.strip()).resolve().parents[1]


def data_rows(folder: Path) -> tuple[int, int]:
    """(sheets, rows) of the demo's workbooks: non-blank rows below each sheet's header row."""
    sheets = rows = 0
    for path in sorted(folder.glob("*.xlsx")):
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            filled = [row for row in book.get_sheet_by_name(name).to_python() if any(c not in ("", None) for c in row)]
            if filled:
                sheets += 1
                rows += len(filled) - 1
    return sheets, rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--today", default="2026-11-25")
    # The smoke run of tests/test_bench_scripts.py compares HEAD with itself: a shallow clone
    # (CI's may be one) has no 014497a.
    parser.add_argument("--before", default=BEFORE, help=f"the commit measured as before (default {BEFORE})")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="houqin-bench-"))
    old_code = work / "before"
    added = subprocess.run(["git", "worktree", "add", "--detach", str(old_code), args.before], cwd=ROOT,
                           capture_output=True, text=True)
    if added.returncode:
        shutil.rmtree(work, ignore_errors=True)
        raise SystemExit(f"cannot check out {args.before} (the code before issue 24): {added.stderr.strip()}")
    try:
        versions = {f"before ({args.before})": old_code, "this checkout": ROOT}
        demos = {}
        for name, code in versions.items():
            if imported_from(code) != code.resolve():
                raise SystemExit(f"{name}: a child in {code} imports sync from {imported_from(code)}")
            demos[name] = OUT / f"demo_check_{'before' if code == old_code else 'now'}"
            shutil.rmtree(demos[name], ignore_errors=True)
            run([sys.executable, "-m", "sync", "demo", "--dir", str(demos[name]), "--today", args.today], code)
            # A fresh worktree has no bytecode yet: one untimed check compiles it for both alike.
            run([sys.executable, "-m", "sync", "check", str(demos[name]), "--today", args.today], code)
        walls: dict[str, list[float]] = {name: [] for name in versions}
        cpus: dict[str, list[float]] = {name: [] for name in versions}
        for _ in range(args.repeat):
            for name, code in versions.items():
                wall, cpu = run([sys.executable, "-m", "sync", "check", str(demos[name]), "--today", args.today], code)
                walls[name].append(wall)
                cpus[name].append(cpu)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(old_code)], cwd=ROOT, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    old, new = versions
    sizes = {name: data_rows(demos[name]) for name in versions}
    lines = [f"demo of {args.today}, `check` as a fresh process, median of {args.repeat} runs taking turns", "",
             "| code | sheets | rows | wall | CPU | CPU per 100 rows |", "| --- | --- | --- | --- | --- | --- |"]
    for name in versions:
        sheets, rows = sizes[name]
        cpu = statistics.median(cpus[name])
        lines.append(f"| {name} | {sheets} | {rows} | {statistics.median(walls[name]):.2f} s | {cpu:.2f} s "
                     f"| {100 * cpu / rows:.3f} s |")
    ratio_cpu = statistics.median(cpus[new]) / statistics.median(cpus[old])
    ratio_wall = statistics.median(walls[new]) / statistics.median(walls[old])
    per_row = ratio_cpu * sizes[old][1] / sizes[new][1]
    verdict = "met" if ratio_cpu <= TARGET else "MISSED"
    lines += ["", f"now / before (wall): {ratio_wall:.2f}×",
              f"now / before (CPU): {ratio_cpu:.2f}×, target ≤ {TARGET}: {verdict}",
              f"now / before per row (CPU): {per_row:.2f}×"]
    report("demo_check", lines)
    return 0 if ratio_cpu <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
