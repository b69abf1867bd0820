"""Issue 2 benchmark: `check` (read + validate) on a 100,000-row × 10-column 库存 sheet, next to
frictionless validating the same file with the equivalent Table Schema, and next to
python-calamine merely reading it. All three in one run; ratios are what count.

Targets: check at least 8× faster than frictionless, and at most 1.5× the bare read.

Issue 26 adds the command as staff run it: `python -m sync check --format json` (interpreter,
imports, read, validation, rules, owners and the JSON printed) beside a process that only
imports python-calamine and reads the sheet, each a fresh process, taking turns (the project
compiled to bytecode first, as an installed copy is). Both wall-clock and CPU time (what the
child itself used: on a shared machine the wall time also holds waits for a core). Targets:
≤ 1.5× that bare read, ≥ 10× faster than frictionless.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from datetime import date

import python_calamine  # noqa: E402
from common import ROOT, bytecode, median_times, process_times, report, stock_workbook

from rules.validate import validate  # noqa: E402
from sync.config.pack_file import read_pack  # noqa: E402
from sync.sources.xlsx.source import WorkbookSource  # noqa: E402

TYPES = {"string": "string", "integer": "integer", "number": "number", "date": "date"}


def table_schema(pack) -> dict:
    """The 库存 sheet's fields as a Frictionless Table Schema (headers as staff see them)."""
    fields = []
    for spec in pack.sheet("stock").fields:
        constraints = {}
        if spec.required:
            constraints["required"] = True
        if spec.enum:
            constraints["enum"] = list(spec.enum)
        if spec.minimum is not None:
            constraints["minimum"] = spec.minimum
        field = {"name": spec.header, "type": TYPES[spec.type]}
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    # The generated sheet has no 到期日期 column; frictionless wants the schema to match the header.
    return {"fields": [f for f in fields if f["name"] != "到期日期"]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = stock_workbook(args.rows)
    pack = read_pack()
    spec = pack.sheet("stock")
    today = date(2026, 11, 25)

    def bare_read():
        python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("库存").to_python(skip_empty_area=False)

    def houqin_check():
        read = WorkbookSource(path).read(pack)
        findings = list(read.findings)
        for table in read.tables:
            findings.extend(validate(table, spec, today)[1])
        return findings

    def frictionless_validate():
        import frictionless

        resource = frictionless.Resource(path.name, basepath=str(path.parent), schema=frictionless.Schema.from_descriptor(table_schema(pack)),
                                         dialect=frictionless.Dialect(controls=[frictionless.formats.ExcelControl(sheet="库存")]))
        return frictionless.validate(resource, limit_errors=10**9)

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    bytecode(ROOT)

    bare_argv = ["-c", "import python_calamine, sys; python_calamine.CalamineWorkbook.from_path(sys.argv[1])"
                 ".get_sheet_by_name('库存').to_python(skip_empty_area=False)", str(path)]
    cli_argv = ["-m", "sync", "check", "--format", "json", "--today", today.isoformat(), str(path)]
    process_times(cli_argv, ROOT, env)  # the first command after a pack change also checks the pack's shape
    # Untimed first runs: they load each side's imports and plugins, and give the results shown.
    findings = houqin_check()
    verdict = frictionless_validate()
    bare, ours = median_times([bare_read, houqin_check], args.repeat)
    (theirs,) = median_times([frictionless_validate], 1)
    runs: list[list[tuple[float, float]]] = [[], []]
    for _ in range(args.repeat):
        runs[0].append(process_times(bare_argv, ROOT, env))
        runs[1].append(process_times(cli_argv, ROOT, env))
    (bare_process, bare_cpu), (cli, cli_cpu) = ((statistics.median(w for w, _ in kept), statistics.median(c for _, c in kept))
                                                for kept in runs)
    lines = [
        f"rows: {args.rows} x 10 columns ({path.stat().st_size / 1e6:.1f} MB); median of {args.repeat}, taking turns (frictionless: 1 run)",
        f"python-calamine bare read : {bare:8.3f} s",
        f"houqin check (read+valid.): {ours:8.3f} s   findings: {len(findings)}",
        f"frictionless validate     : {theirs:8.3f} s   valid: {verdict.valid}",
        f"frictionless / houqin     : {theirs / ours:8.1f}x   (target >= 8x)",
        f"houqin / bare read        : {ours / bare:8.2f}x   (target <= 1.5x)",
        f"processes, median of {args.repeat}, taking turns:",
        f"bare read (python + calamine): {bare_process:8.3f} s wall  {bare_cpu:8.3f} s CPU",
        f"check --format json (command): {cli:8.3f} s wall  {cli_cpu:8.3f} s CPU",
        f"command / bare read process  : {cli / bare_process:8.2f}x wall  {cli_cpu / bare_cpu:8.2f}x CPU   (target <= 1.5x)",
        f"frictionless / command       : {theirs / cli:8.1f}x   (target >= 10x)",
    ]
    report("check_vs_frictionless", lines)
    ok = theirs / ours >= 8 and ours / bare <= 1.5 and cli / bare_process <= 1.5 and theirs / cli >= 10
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
