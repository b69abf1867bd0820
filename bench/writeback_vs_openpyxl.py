"""Issue 4 benchmark: writing alerts into the 100,000-row 库存 workbook, next to an openpyxl
load + save of the same file. Each runs in its own process so peak memory (ru_maxrss) is its
own; the two take turns, times are medians. Targets (issue 26): at least 20× faster, at most
a tenth of the peak memory (issue 4's were 10× and a fifth).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import OUT, report, stock_workbook


def houqin(path: Path, rows: int) -> None:
    from rules.alerts import Alert
    from sync.sources.xlsx.writing import SheetAlerts, write_alerts

    alerts = {row: Alert(f"【错误】“食材{row}”已过期 {row % 30} 天，请立即清理", "error") for row in range(2, rows + 2, 20)}
    outcome = write_alerts(path, {"库存": SheetAlerts(1, alerts)}, backups=0)
    assert outcome.status == "written", outcome


def openpyxl_round_trip(path: Path, rows: int) -> None:
    from openpyxl import load_workbook

    load_workbook(path).save(path)


def child(mode: str, path: str, rows: str) -> None:
    started = time.perf_counter()
    (houqin if mode == "houqin" else openpyxl_round_trip)(Path(path), int(rows))
    elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def measure(modes: list[str], source: Path, rows: int, repeat: int) -> list[tuple[float, float]]:
    """(median seconds, median peak MB) per mode, the modes taking turns."""
    times: dict[str, list[float]] = {mode: [] for mode in modes}
    peaks: dict[str, list[float]] = {mode: [] for mode in modes}
    for i in range(repeat):
        for mode in modes:
            copy = OUT / f"writeback_{mode}_{i}.xlsx"
            shutil.copy(source, copy)
            done = subprocess.run([sys.executable, __file__, "--child", mode, str(copy), str(rows)], capture_output=True,
                                  text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            times[mode].append(result["seconds"])
            peaks[mode].append(result["peak_mb"])
            copy.unlink()
    return [(statistics.median(times[mode]), statistics.median(peaks[mode])) for mode in modes]


def baseline_peak() -> float:
    """What an idle Python with the same imports takes, to show what the work itself costs."""
    code = "import resource, openpyxl, sync.sources.xlsx.writing; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    return float(done.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=3)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    source = stock_workbook(args.rows)
    (ours_time, ours_peak), (theirs_time, theirs_peak) = measure(["houqin", "openpyxl"], source, args.rows, args.repeat)
    lines = [
        f"{args.rows:,}-row 库存 workbook ({source.stat().st_size / 1e6:.1f} MB), alerts on {len(range(2, args.rows + 2, 20)):,} rows; "
        f"median of {args.repeat}, taking turns",
        f"houqin write-back      : {ours_time:7.3f} s   peak {ours_peak:7.1f} MB",
        f"openpyxl load + save   : {theirs_time:7.3f} s   peak {theirs_peak:7.1f} MB",
        f"(python + imports alone: peak {baseline_peak():.1f} MB)",
        f"speed: openpyxl / houqin = {theirs_time / ours_time:5.1f}x   (target >= 20x)",
        f"peak memory: houqin / openpyxl = {ours_peak / theirs_peak:5.2f}   (target <= 0.10)",
    ]
    report("writeback_vs_openpyxl", lines)
    return 0 if theirs_time / ours_time >= 20 and ours_peak / theirs_peak <= 0.1 else 1


if __name__ == "__main__":
    sys.exit(main())
