"""`python -m sync report`: the term's figures from the sheets, as text, JSON, xlsx or docx."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sync.output import strict_json
from sync.output.files import check_target, write_json_output, write_output, write_text_output

FORMATS = ("text", "json", "xlsx", "docx")


def arguments(report: argparse.ArgumentParser, common) -> None:
    """The command's arguments (sync/cli/entry.py's COMMANDS lists it)."""
    day = common.day
    common.sources(report)
    report.add_argument("--term", type=common.term, help="学期名称，例如 2026年秋季学期（默认本学期）")
    report.add_argument("--from", dest="start", type=day, help="自定起止：开始日期 YYYY-MM-DD（与 --to 一起用）")
    report.add_argument("--to", dest="end", type=day, help="自定起止：结束日期 YYYY-MM-DD")
    report.add_argument("--today", type=day, help="按哪一天统计（默认今天）")
    report.add_argument("--format", choices=FORMATS, default="text", help="输出格式：text（默认）、json、xlsx 或 docx")
    report.add_argument("--out", help="输出文件（xlsx 和 docx 必须写；text/json 默认打印出来）")


def run(args: argparse.Namespace, load_config, usage_error: type[Exception]) -> int:
    """Exit 0 with the report written; 2 (via usage_error) when it cannot be made as asked."""
    from rules.kinds.base import Settings
    from rules.term_report import UnknownTerm
    from sync.config.pack_file import read_pack
    from sync.cycle.run import check, today_for
    from sync.report import report_for_tables

    if bool(args.start) != bool(args.end):
        raise usage_error("--from 和 --to 要一起写，例如 --from 2026-09-01 --to 2027-01-20")
    if args.start and args.end and args.start > args.end:
        raise usage_error(f"--from {args.start} 晚于 --to {args.end}")
    if args.term and args.start:
        raise usage_error("请只用一种方式指定学期：--term 学期名称，或 --from/--to 日期")
    if args.format in ("xlsx", "docx") and not args.out:
        raise usage_error(f"--format {args.format} 需要 --out 文件名，例如 --out 学期总结.{args.format}")
    out = Path(args.out) if args.out else None
    if out:
        check_target(out)  # before the work: a refused file is said at once
    config = load_config(args)
    pack = read_pack(config.schema_path)
    today = args.today or today_for(config)
    result = check(config, pack, today)
    for failed in result.failed:
        print(failed.error, file=sys.stderr)
    if not result.reads:
        return 2
    try:
        report = report_for_tables(Settings.of(config, today), pack, result.tables, args.term, args.start, args.end,
                                   nutrition=config.nutrition, school=config.school_name)
    except UnknownTerm as exc:
        raise usage_error(str(exc)) from None
    if args.format == "xlsx":
        from sync.report.xlsx import write_xlsx

        write_output(out, lambda path: write_xlsx(report, path))
    elif args.format == "docx":
        from sync.report.docx import write_docx

        write_output(out, lambda path: write_docx(report, path))
    elif args.format == "json":
        if out:
            write_json_output(out, report)
        else:
            print(strict_json.indented(report))
    else:
        from sync.report.text import format_text

        if out:
            write_text_output(out, format_text(report))
        else:
            print(format_text(report))
    if out:
        print(f"学期报告已写入 {out}")
    return 2 if result.failed else 0
