"""Issue 26 benchmark: what `houqin check` pays in imports before it reads anything, measured by
`python -X importtime` on the demo, next to the interpreter's own start-up and (with
`--baseline REF`) the same command of an earlier commit, taking turns in one run. The floor
beside it: `python -c "import python_calamine"` (the interpreter and the reader, nothing of
ours). Each tree is compiled to bytecode first, as an installed copy is.

Target: the imports of `check --format json` on the demo ≤ 0.3 s, and none of openpyxl,
python-docx, Flask or jsonschema among them (the pack's shape check is cached by content hash;
the first command after the pack changes still imports jsonschema, and is measured apart).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from common import OUT, ROOT, baseline_tree, bytecode, report

HEAVY = ("openpyxl", "docx", "flask", "werkzeug", "jinja2", "jsonschema", "filelock", "xlsxwriter")
TODAY = "2026-11-25"


def imports(code: Path, argv: list[str], cache: Path) -> tuple[float, set[str]]:
    """Seconds of top-level imports one `python -X importtime …` process paid, and the heavy
    packages among them."""
    env = {**os.environ, "PYTHONPATH": str(code), "XDG_CACHE_HOME": str(cache), "LOCALAPPDATA": str(cache)}
    done = subprocess.run([sys.executable, "-X", "importtime", *argv], cwd=code, env=env, capture_output=True,
                          text=True, encoding="utf-8", errors="replace", timeout=300)
    total, heavy = 0, set()
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line or "self [us]" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        stripped = name.strip()
        if name.startswith(" ") and not name.startswith("  "):  # top level: one space after the bar
            total += int(cumulative)
        if stripped.split(".")[0] in HEAVY:
            heavy.add(stripped.split(".")[0])
    return total / 1e6, heavy


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--baseline", help="a git commit whose `check` is measured side by side")
    args = parser.parse_args()
    demo = OUT / "startup_demo"
    if not demo.is_dir():
        subprocess.run([sys.executable, "-m", "sync", "demo", "--dir", str(demo), "--today", TODAY], cwd=ROOT,
                       check=True, capture_output=True)
    trees = [("this tree", bytecode(ROOT))]
    if args.baseline:
        trees.insert(0, (f"baseline {args.baseline}", baseline_tree(args.baseline, OUT / "startup" / "baseline_code")))
    check = ["-m", "sync", "check", "--format", "json", "--today", TODAY, str(demo)]
    cache = OUT / "startup" / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    first = {name: imports(code, check, cache / name) for name, code in trees}  # also fills each one's cache
    floors = {"python alone": ["-c", "pass"], "import python_calamine": ["-c", "import python_calamine"]}
    times: dict[str, list[float]] = {name: [] for name in floors} | {name: [] for name, _ in trees}
    heavy: dict[str, set[str]] = {}
    for _ in range(args.repeat):
        for name, argv in floors.items():
            times[name].append(imports(ROOT, argv, cache / "python")[0])
        for name, code in trees:
            seconds, heavy[name] = imports(code, check, cache / name)
            times[name].append(seconds)
    lines = [f"`check --format json` on the demo ({TODAY}); imports by -X importtime, median of {args.repeat}, taking turns"]
    for name, kept in times.items():
        loaded = ", ".join(sorted(heavy.get(name, ()))) or "none"
        lines.append(f"{name:<24}: {statistics.median(kept):6.3f} s" + ("" if name in floors else f"   heavy: {loaded}"))
    for name, (seconds, loaded) in first.items():
        lines.append(f"{name + ', first run':<24}: {seconds:6.3f} s   heavy: {', '.join(sorted(loaded)) or 'none'}  (empty cache)")
    ours = statistics.median(times["this tree"])
    floor = statistics.median(times["import python_calamine"])
    lines.append(f"check imports (this tree): {ours:6.3f} s   (target <= 0.3 s; floor, python + python_calamine: {floor:.3f} s,"
                 f" {ours / floor:.1f}x)")
    report("check_startup", lines)
    return 0 if ours <= 0.3 and not heavy["this tree"] - {"filelock"} else 1


if __name__ == "__main__":
    sys.exit(main())
