"""Issue 3 benchmark: what the rules add to read + validate.

A generated 100,000-row 库存 workbook plus a 20,000-row 每周食谱 go through `check` (what the
command and every sync cycle run) twice, taking turns: once with every rule of the pack
switched off in the config (read + validate), once with the pack as shipped.
Target: rules add at most 50% to read + validate.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from common import median_times, menu_workbook, report, stock_workbook

from sync.config.loader import Config  # noqa: E402
from sync.config.pack_file import read_pack  # noqa: E402
from sync.cycle.run import check  # noqa: E402
from sync.sources.xlsx.source import WorkbookSource  # noqa: E402

TODAY = date(2026, 11, 25)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--menu-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    paths = [stock_workbook(args.rows), menu_workbook(args.menu_rows)]
    pack = read_pack()
    rules_off = Config(paths=paths, rule_settings={rule.id: {"enabled": False} for sheet in pack.sheets for rule in sheet.rules})
    rules_on = Config(paths=paths)

    def read_and_validate():
        return check(rules_off, pack, TODAY, [WorkbookSource(p) for p in paths])

    def with_rules():
        return check(rules_on, pack, TODAY, [WorkbookSource(p) for p in paths])

    base_findings, all_findings = len(read_and_validate().findings), len(with_rules().findings)
    base, full = median_times([read_and_validate, with_rules], args.repeat)
    lines = [
        f"库存 {args.rows} rows + 每周食谱 {args.menu_rows} rows; median of {args.repeat}, taking turns",
        f"read + validate          : {base:7.3f} s   findings: {base_findings}",
        f"read + validate + rules  : {full:7.3f} s   findings: {all_findings}",
        f"rules add                : {100 * (full - base) / base:6.1f} %   (target <= 50 %)",
    ]
    report("rules_overhead", lines)
    return 0 if full <= 1.5 * base else 1


if __name__ == "__main__":
    sys.exit(main())
