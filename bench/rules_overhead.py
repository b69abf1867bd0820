"""Issue 3 benchmark: what the rules add to read + validate.

A generated 100,000-row 库存 workbook plus a 20,000-row 每周食谱, read and validated, then
the same with every rule of the pack evaluated, side by side in one run (medians).
Target: rules add at most 50% to read + validate.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from common import median_time, menu_workbook, report, stock_workbook

from rules.engine import Settings, evaluate  # noqa: E402
from rules.validate import validate  # noqa: E402
from sync.pack_file import read_pack  # noqa: E402
from sync.xlsx_source import WorkbookSource  # noqa: E402

TODAY = date(2026, 11, 25)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--menu-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    paths = [stock_workbook(args.rows), menu_workbook(args.menu_rows)]
    pack = read_pack()

    def read_and_validate():
        typed_tables, findings = [], []
        for path in paths:
            for table in WorkbookSource(path).read(pack).tables:
                typed, problems = validate(table, pack.sheet(table.sheet_id), TODAY)
                typed_tables.append(typed)
                findings.extend(problems)
        return typed_tables, findings

    def with_rules():
        typed_tables, findings = read_and_validate()
        found, _ = evaluate(typed_tables, pack, Settings(today=TODAY))
        return findings + found

    count = len(with_rules())
    base = median_time(read_and_validate, args.repeat)
    full = median_time(with_rules, args.repeat)
    lines = [
        f"库存 {args.rows} rows + 每周食谱 {args.menu_rows} rows; median of {args.repeat}",
        f"read + validate          : {base:7.3f} s",
        f"read + validate + rules  : {full:7.3f} s   findings: {count}",
        f"rules add                : {100 * (full - base) / base:6.1f} %   (target <= 50 %)",
    ]
    report("rules_overhead", lines)
    return 0 if full <= 1.5 * base else 1


if __name__ == "__main__":
    sys.exit(main())
