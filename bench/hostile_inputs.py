"""Hostile inputs, each in a folder beside two ordinary workbooks, through the real `check`
and `run` commands, each command in a child process of its own with an address-space cap
(so a regression cannot take the shared machine down): time, peak RSS of that process, the
finding, and whether the neighbouring workbooks were checked and written.

Targets (issue 12): the zip bomb and the XFD cells refused in <= 5 s and <= 300 MB with one
clear finding, the neighbours checked and written; `check` and `run` on a real
1,048,576-row x 10-column sheet <= 1 GB each. Also: one value at GR1048576 (inside the caps,
read in row groups) and an .ods of a million repeated empty rows (refused), same targets.
Issue 26: `run` on the big sheet <= 512 MB; `check` <= 3x and `run` <= 5x a bare
python-calamine read of that file (a process that only imports calamine and reads the sheet,
measured in the same run).

    python bench/hostile_inputs.py [--rows 1048575] [--bomb-mb 2048] [--limit-mb 1024]
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

from tests.hostile_files import far_cell, repeated_ods, stock_sheet, zip_bomb

CAP = 8 << 30  # the child's address space: far above the targets, far below the machine


def _capped() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


def measure(command: str, config: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """(seconds, peak RSS in MB, completed) of `python -m sync <command> --config config`;
    called once per bench process, so the children's peak RSS is this child's."""
    import resource

    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "sync", command, "--config", str(config), "--today", "2026-11-25"],
                          capture_output=True, text=True, cwd=config.parent, preexec_fn=_capped,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    elapsed = time.perf_counter() - started
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, done


def bare_read(path: Path) -> float:
    """Seconds of a process that imports python-calamine and reads the sheet, nothing else."""
    code = ("import python_calamine, sys; book = python_calamine.CalamineWorkbook.from_path(sys.argv[1]); "
            "book.get_sheet_by_index(0).to_python(skip_empty_area=False)")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True, preexec_fn=_capped)
    return time.perf_counter() - started


def suspect(name: str) -> str:
    return "2 可疑.ods" if name.startswith("ods") else "2 可疑.xlsx"


def prepare(name: str, make, limit_mb: int) -> Path:
    """The case's folder and config; each case has its own state database (var/ beside its
    config), so that no run pays for the findings another case recorded."""
    case = OUT / "hostile" / name
    shutil.rmtree(case, ignore_errors=True)
    folder = case / "表格"
    folder.mkdir(parents=True)
    stock_sheet(folder / "1 正常.xlsx")
    make(folder / suspect(name))
    stock_sheet(folder / "3 正常.xlsx")
    config = case / "houqin.toml"
    config.write_text(f"[sources]\npaths = ['{folder}']\n[limits]\nmax_unzipped_mb = {limit_mb}\n", encoding="utf-8")
    return config


def one(name: str, command: str, config: Path, refused: bool) -> str:
    size = (config.parent / "表格" / suspect(name)).stat().st_size
    seconds, peak, done = measure(command, config)
    failed = [line for line in done.stderr.splitlines() if line.strip() and "注意" not in line]
    checked = "检查了 3 个表格文件" in done.stdout if refused is False else "检查了 2 个表格文件" in done.stdout
    neighbours = (done.stdout.count("已写入提醒") >= 2 and "1 正常.xlsx：已写入提醒" in done.stdout
                  and "3 正常.xlsx：已写入提醒" in done.stdout) if command == "run" else checked
    if refused:
        met = seconds <= 5 and peak <= 300 and len(failed) == 1 and neighbours
        target = "≤ 5 s, ≤ 300 MB, one finding"
    elif name.startswith("gr"):  # a far cell inside the caps: read, in row groups
        neighbours = neighbours and (command == "check" or "2 可疑.xlsx：已写入提醒" in done.stdout)
        met = seconds <= 5 and peak <= 300 and not failed and neighbours
        target = "≤ 5 s, ≤ 300 MB, read and written"
    else:
        limit = 512 if command == "run" else 1024
        met = peak <= limit and not failed and neighbours
        target = f"≤ {'512 MB' if command == 'run' else '1 GB'}, read and written"
    finding = failed[0].split("：", 1)[-1][:150] if failed else "(none: read as a workbook)"
    return (f"| {name} ({size / 1e6:.2f} MB file) | {command} | exit {done.returncode} | {seconds:.1f} s | {peak:.0f} MB | "
            f"{'checked' if command == 'check' else 'written'}: {'both' if neighbours else 'NOT both'} | "
            f"{target}: {'met' if met else 'MISSED'} | {finding} |")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_048_575, help="data rows of the big sheet (+1 header row)")
    parser.add_argument("--bomb-mb", type=int, default=2048, help="inflated size of the zip bomb's sheet XML")
    parser.add_argument("--limit-mb", type=int, default=1024, help="[limits] max_unzipped_mb for the runs")
    parser.add_argument("--only", help=argparse.SUPPRESS)  # name:command, run by the parent
    args = parser.parse_args()
    cases = {
        "xfd1048576": (lambda p: far_cell(p, 1_048_576), True),
        "xfd20000": (lambda p: far_cell(p, 20_000), True),
        "zip_bomb": (lambda p: zip_bomb(p, args.bomb_mb << 20), True),
        "gr1048576": (lambda p: far_cell(p, 1_048_576, 199), False),
        "ods_1000000_repeated_rows": (lambda p: repeated_ods(p, 1_000_000, 90), True),
        f"sheet_{args.rows + 1}_rows": (lambda p: shutil.copy(stock_workbook(args.rows), p), False),
    }
    if args.only:
        name, command = args.only.split(":")
        config = OUT / "hostile" / name / "houqin.toml"
        if command == "bare":
            print(bare_read(config.parent / "表格" / suspect(name)), flush=True)
            return 0
        print(one(name, command, config, cases[name][1]), flush=True)
        return 0
    lines = ["| input | command | exit | time | peak RSS | neighbours | target | finding |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    print("\n".join(lines), flush=True)
    for name, (make, _) in cases.items():
        prepare(name, make, args.limit_mb)
        for command in ("check", "run"):  # each in a fresh bench process: its children's peak is its own
            done = subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--bomb-mb", str(args.bomb_mb),
                                   "--limit-mb", str(args.limit_mb), "--only", f"{name}:{command}"],
                                  capture_output=True, text=True)
            row = done.stdout.strip() or f"| {name} | {command} | bench failed: {done.stderr[-300:]!r} |"
            lines.append(row)
            print(row, flush=True)
    big = f"sheet_{args.rows + 1}_rows"
    done = subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--only", f"{big}:bare"],
                          capture_output=True, text=True)
    bare = float(done.stdout.strip() or "nan")
    times = {command: next((float(line.split(" | ")[3].removesuffix(" s")) for line in lines
                            if line.startswith(f"| {big}") and f"| {command} |" in line), float("nan"))
             for command in ("check", "run")}
    ratios = [f"bare python-calamine read of {big}: {bare:.1f} s (its own process)",
              f"check / bare read: {times['check'] / bare:.2f}x (target <= 3x): {'met' if times['check'] / bare <= 3 else 'MISSED'}",
              f"run / bare read: {times['run'] / bare:.2f}x (target <= 5x): {'met' if times['run'] / bare <= 5 else 'MISSED'}"]
    print("\n" + "\n".join(ratios), flush=True)
    lines += ["", *ratios]
    missed = sum("MISSED" in line or "bench failed" in line for line in lines)
    lines.append(f"\ntargets missed: {missed}")
    print(lines[-1])
    (OUT / "hostile_inputs.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
