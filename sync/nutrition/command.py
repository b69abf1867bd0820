"""`python -m sync nutrition`: the menu's nutrition analysis for a month or any period, as
text, JSON or the xlsx report the nurse files."""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

from rules.nutrition import Period
from sync.config.loader import Config
from sync.errors import EXIT_FAILED, EXIT_OK, HouqinError
from sync.output import strict_json
from sync.output.files import check_target, write_json_output, write_output, write_text_output


class PeriodError(HouqinError, ValueError):
    """Arguments that do not make one period (or one output file): one message, exit 2."""


def arguments(sub: argparse.ArgumentParser, common) -> None:
    """The command's arguments (sync/cli/entry.py's COMMANDS lists it)."""
    common.sources(sub)
    sub.add_argument("--month", type=lambda text: Period.month(*common.month(text)), help="分析哪个月，例如 2026-11（默认上个月，最近的完整月份）")
    sub.add_argument("--from", dest="start", type=common.day, help="自定时段的第一天，例如 2026-10-01（与 --to 一起用）")
    sub.add_argument("--to", dest="end", type=common.day, help="自定时段的最后一天，例如 2026-12-31")
    sub.add_argument("--format", choices=["text", "json", "xlsx"], default="text", help="输出格式：text（默认）、json 或 xlsx")
    sub.add_argument("--out", help="写到哪个文件（xlsx 默认 膳食营养分析_月份.xlsx）")


def period_of(args: argparse.Namespace, today: date) -> Period:
    if args.month and (args.start or args.end):
        raise PeriodError("请只用一种方式指定时段：--month，或 --from 和 --to")
    if bool(args.start) != bool(args.end):
        raise PeriodError("--from 和 --to 要一起写，例如 --from 2026-09-01 --to 2026-11-30")
    if args.start:
        if args.end < args.start:
            raise PeriodError(f"--to {args.end} 早于 --from {args.start}")
        return Period(args.start, args.end)
    if args.month:
        return args.month
    # The last complete month: this month's menu is not all served yet (a report on 4 days is no report).
    last = today.replace(day=1) - timedelta(days=1)
    return Period.month(last.year, last.month)


def run(args: argparse.Namespace, config: Config) -> int:
    """The command, once the config is read (sync/cli/entry.py reads it, as for every command)."""
    from sync.config.pack_file import read_pack
    from sync.cycle.run import check, today_for
    from sync.nutrition.analysis import analyse_tables
    from sync.nutrition.text import format_text

    pack = read_pack(config.schema_path)
    today = today_for(config)
    period = period_of(args, today)
    out = Path(args.out) if args.out else None
    if args.format == "xlsx":
        out = out or Path(f"膳食营养分析_{period.key()}.xlsx")
    if out:
        check_target(out)  # before the work: a refused file is said at once
    if args.format == "xlsx" and out.suffix.lower() != ".xlsx":
        raise PeriodError(f"xlsx 报表的文件名应以 .xlsx 结尾：{out}")
    result = check(config, pack, today, judge=False)
    for failed in result.failed:
        print(failed.error, file=sys.stderr)
    if not result.reads:
        return EXIT_FAILED
    settings = config.nutrition
    [analysis], foods = analyse_tables(result.tables, settings, [period])
    if args.format == "xlsx":
        from sync.nutrition.xlsx import write_report

        assert out is not None
        if not analysis.days:
            print(format_text(analysis) + "\n没有生成报表。")
            return EXIT_OK
        write_output(out, lambda path: write_report(analysis, settings, foods, path, school=config.school_name,
                                                    made_on=today))
        print(f"膳食营养分析表已写入 {out}")
        return EXIT_OK
    if out and args.format == "json":
        write_json_output(out, analysis.as_json())
    elif out:
        write_text_output(out, format_text(analysis))
    elif args.format == "json":
        print(strict_json.indented(analysis.as_json()))
    else:
        print(format_text(analysis))
    if out:
        print(f"已写入 {out}")
    return EXIT_OK if not result.failed else EXIT_FAILED
