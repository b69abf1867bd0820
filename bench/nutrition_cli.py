"""`python -m sync nutrition` on the demo: target ≤ 2 s for the whole command, start-up included.

Three commands take turns, each as a fresh process as staff would run it: the bare start-up
(`python -m sync --help`), `check` on the demo, and `nutrition` on the demo's current month.
Reports median wall time and the CPU time the child processes used (the machine is shared:
wall time includes waiting for a core, CPU time does not).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from common import OUT, ROOT, report

TARGET = 2.0


def timed(command: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one child process."""
    before, started = os.times(), time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall, after = time.perf_counter() - started, os.times()
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr[-500:]}")
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--today", default="2026-11-25")
    args = parser.parse_args()
    demo = OUT / "nutrition_demo"
    subprocess.run([sys.executable, "-m", "sync", "demo", "--dir", str(demo), "--today", args.today], cwd=ROOT, check=True,
                   capture_output=True)
    month = args.today[:7]
    commands = {
        # Pure computation of a fixed size: its wall / CPU says how much of a core this machine gives now.
        "calibration (busy loop)": [sys.executable, "-c", "x = 0\nfor i in range(3_000_000): x += i"],
        "start-up (--help)": [sys.executable, "-m", "sync", "--help"],
        "check demo": [sys.executable, "-m", "sync", "check", str(demo), "--today", args.today],
        "nutrition demo": [sys.executable, "-m", "sync", "nutrition", str(demo), "--month", month],
    }
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, command in commands.items():
            wall, cpu = timed(command)
            walls[name].append(wall)
            cpus[name].append(cpu)
    lines = [f"demo of {args.today}, median of {args.repeat} runs taking turns (fresh process each)", "",
             "| command | wall | CPU |", "| --- | --- | --- |"]
    for name in commands:
        lines.append(f"| {name} | {statistics.median(walls[name]):.2f} s | {statistics.median(cpus[name]):.2f} s |")
    nutrition = statistics.median(walls["nutrition demo"])
    share = statistics.median(cpus["calibration (busy loop)"]) / statistics.median(walls["calibration (busy loop)"])
    lines += ["", f"share of a core this machine gave (calibration CPU / wall): {share:.0%}",
              f"nutrition on a free core (its CPU time): {statistics.median(cpus['nutrition demo']):.2f} s",
              f"nutrition / check (wall): {nutrition / statistics.median(walls['check demo']):.2f}×",
              f"nutrition wall {nutrition:.2f} s, target ≤ {TARGET:.0f} s: {'met' if nutrition <= TARGET else 'MISSED'}"]
    report("nutrition_cli", lines)
    return 0 if nutrition <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
