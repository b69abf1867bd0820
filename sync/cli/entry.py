"""The command line (DESIGN.md's contract): every subcommand is one entry of COMMANDS.

Exit status: 0 no error-level findings, 1 some, 2 the command could not run (bad arguments,
bad config or schema, unreadable source), always with one clear message and no traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rules.model import Finding
from sync.cli import arguments, console
from sync.config import loader as config_module
from sync.config.loader import Config
from sync.config.pack_file import pack_for, read_pack
from sync.errors import EXIT_FAILED, EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, HouqinError
from sync.install import places
from sync.install import setup as setup_wizard
from sync.nutrition import command as nutrition_cli
from sync.output import strict_json
from sync.report import command as report_command


class UsageError(HouqinError):
    """Bad arguments, reported like every other failure: one message, exit 2."""


# argparse speaks English; the IT helper reading these may not. Its messages, in Chinese.
_ARGPARSE_ZH = [
    (re.compile(r"^argument (\S+?): (.*)$"), lambda m: f"参数 {m[1]}：{_zh(m[2])}"),
    (re.compile(r"^invalid choice: (.+) \(choose from (.+)\)$"), lambda m: f"{m[1]} 不是可选的值（可选：{m[2]}）"),
    (re.compile(r"^invalid int value: (.+)$"), lambda m: f"{m[1]} 不是整数"),
    (re.compile(r"^expected one argument$"), lambda m: "后面应写一个值"),
    (re.compile(r"^unrecognized arguments: (.+)$"), lambda m: f"不认识的参数：{m[1]}"),
    (re.compile(r"^the following arguments are required: command$"), lambda m: "请写出要做什么：demo、check、run、serve、init、nutrition、report、setup 或 autostart"),
    (re.compile(r"^the following arguments are required: (.+)$"), lambda m: f"缺少参数：{m[1]}"),
]


def _zh(message: str) -> str:
    for pattern, say in _ARGPARSE_ZH:
        found = pattern.match(message)
        if found:
            return say(found)
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse passes prefix="" when it builds a command's name from its parent's usage.
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, formatter_class=_Formatter, add_help=False, **kwargs)
        self._positionals.title, self._optionals.title = "参数", "选项"
        self.add_argument("-h", "--help", action="help", help="显示这段说明")

    def error(self, message: str):  # argparse would exit itself; we want one message and exit 2
        raise UsageError(f"{self.prog}：{_zh(message)}（用 {self.prog} --help 查看用法）")


def _prog() -> str:
    """`houqin` when installed and started as the command, else the module form."""
    return "houqin" if Path(sys.argv[0]).stem.lower() in ("houqin", "houqinw") else "python -m sync"


def add_sources(sub: argparse.ArgumentParser) -> None:
    """Where the sheets are: a config file, or workbooks and folders named directly."""
    sub.add_argument("paths", nargs="*", help="工作簿或文件夹（不用配置文件时）")
    sub.add_argument("--config", help="TOML 配置文件")
    sub.add_argument("--schema", help="表格定义文件（默认随程序的 sheets_schema.json）")


@dataclass(frozen=True)
class Common:
    """What commands declared outside sync/cli/ use to declare their arguments like these."""

    sources: Callable[[argparse.ArgumentParser], None] = add_sources
    day: Callable[[str], date] = arguments.day
    month: Callable[[str], tuple[int, int]] = arguments.month
    term: Callable[[str], str] = arguments.term


@dataclass(frozen=True)
class Command:
    """One subcommand: its name, its one-line help, its arguments and what it does (exit code).
    Adding a command is one entry in COMMANDS."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser, Common], None]
    run: Callable[[argparse.Namespace], int]


def _demo_arguments(sub: argparse.ArgumentParser, common: Common) -> None:
    sub.add_argument("--dir", default="demo_data", help="写到哪个文件夹（默认 demo_data）")
    sub.add_argument("--today", type=common.day, help="示例数据围绕哪一天（默认今天）")


def _check_arguments(sub: argparse.ArgumentParser, common: Common) -> None:
    common.sources(sub)
    sub.add_argument("--today", type=common.day, help="按哪一天检查（默认今天）")
    sub.add_argument("--format", choices=["text", "json"], default="text", help="输出格式：text（默认）或 json")
    sub.add_argument("--lang", choices=["zh", "en"], default=None, help="提示语言（默认中文）")


def _run_arguments(sub: argparse.ArgumentParser, common: Common) -> None:
    common.sources(sub)
    sub.add_argument("--today", type=common.day, help="按哪一天检查（默认今天）")
    sub.add_argument("--lang", choices=["zh", "en"], default=None, help="写回表格的提醒用哪种语言（默认中文）")


def _serve_arguments(sub: argparse.ArgumentParser, common: Common) -> None:
    common.sources(sub)
    sub.add_argument("--host", help="监听地址（默认 127.0.0.1）")
    sub.add_argument("--port", type=int, help="端口（默认 8000）")
    sub.add_argument("--open", action="store_true", help="启动后在浏览器里打开状态页")


def _notify_arguments(sub: argparse.ArgumentParser, common: Common) -> None:
    notify_commands = sub.add_subparsers(title="通知命令", dest="notify_command", metavar="{test,digest}",
                                         required=True, parser_class=_Parser)
    common.sources(notify_commands.add_parser("test", help="向每个通知渠道发一条测试消息，并说明结果"))
    notify_digest = notify_commands.add_parser("digest", help="立即发送早报（不论时间和是否在园日）")
    common.sources(notify_digest)
    notify_digest.add_argument("--today", type=common.day, help="早报按哪一天（默认今天）")


def _init_arguments(sub: argparse.ArgumentParser, common: Common) -> None:
    sub.add_argument("--out", required=True, help="输出文件，例如 后勤表格.xlsx")
    sub.add_argument("--schema", help="表格定义文件")


def _autostart_arguments(sub: argparse.ArgumentParser, common: Common) -> None:
    sub.add_argument("action", choices=["install", "remove", "status"], help="install 设置、remove 取消、status 查看")
    sub.add_argument("--config", help=f"配置文件（默认 {places.default_config()}）")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=_prog(), description="Houqin 后勤：检查幼儿园后勤表格，并把提醒写回表格。")
    commands = parser.add_subparsers(title="命令", dest="command", required=True, parser_class=_Parser)
    for command in COMMANDS:
        command.arguments(commands.add_parser(command.name, help=command.help), Common())
    return parser


def load_config(args: argparse.Namespace) -> Config:
    if args.config and args.paths:
        raise UsageError("请只用一种方式指定表格：--config 配置文件，或直接给出工作簿/文件夹路径")
    if args.config:
        config = config_module.load(args.config)
        for note in config.notes:  # said once, at start (a service's cycles reuse this config)
            print(note, file=sys.stderr)
    elif args.paths:
        config = config_module.from_paths(args.paths)
    elif places.default_config().exists():  # what `houqin setup` wrote
        config = config_module.load(places.default_config())
    else:
        raise UsageError("请给出要检查的工作簿或文件夹，或用 --config 指定配置文件（还没有配置文件时先运行 setup）")
    if getattr(args, "schema", None):
        config.schema_path = Path(args.schema)
    if getattr(args, "lang", None):
        config.language = args.lang
    return config


def totals_line(findings: list[Finding], zh: bool) -> str:
    errors = sum(1 for f in findings if f.severity == "error")
    return (f"合计：{errors} 个错误，{len(findings) - errors} 个提醒" if zh
            else f"Total: {errors} errors, {len(findings) - errors} warnings")


def format_text(findings: list[Finding], lang: str, header: str) -> str:
    """Findings grouped by source and sheet, errors first, as staff would read a list."""
    zh = lang != "en"
    lines = [header]
    groups: dict[tuple[str, str], list[Finding]] = {}
    for item in findings:
        groups.setdefault((item.sheet, item.source), []).append(item)
    for (sheet, source), items in sorted(groups.items()):
        errors = sum(1 for i in items if i.severity == "error")
        warnings = len(items) - errors
        counts = f"{errors} 个错误，{warnings} 个提醒" if zh else f"{errors} errors, {warnings} warnings"
        lines.append("")
        lines.append(f"【{sheet}】 {Path(source).name if '|' not in source else source}  {counts}")
        items.sort(key=lambda i: (i.severity != "error", i.row or 0, i.cell or "", i.rule))
        for item in items:
            tag = ("错误" if zh else "ERROR") if item.severity == "error" else ("提醒" if zh else "WARN ")
            where = item.cell or (f"第{item.row}行" if item.row and zh else f"row {item.row}" if item.row else "-")
            lines.append(f"  {tag}  {where:<6} {item.message if zh else item.message_en}")
    lines.append("")
    lines.append(totals_line(findings, zh))
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace) -> int:
    from sync.cycle.run import check, today_for

    config = load_config(args)
    pack = pack_for(config)
    today = args.today or today_for(config)
    result = check(config, pack, today)
    lang = config.language
    if result.failed and not result.reads:
        for failed in result.failed:
            print(failed.error if lang != "en" else failed.error_en, file=sys.stderr)
        return EXIT_FAILED
    if args.format == "json":
        payload = {
            "findings": [f.as_dict(lang) for f in result.findings],
            "summary": {**result.summary, "today": today.isoformat(),
                        "sources": [{"source": s.source, "read_ok": s.read_ok, "error": s.error if lang != "en" else s.error_en}
                                    for s in result.sources]},
        }
        print(strict_json.indented(payload))
    else:
        rows = sum(len(t) for t in result.tables)
        header = (f"检查了 {len(result.reads)} 个表格文件、{len(result.tables)} 张工作表、{rows} 行记录（按 {today} 检查）"
                  if lang != "en" else f"Checked {len(result.reads)} sources, {len(result.tables)} sheets, {rows} rows (as of {today})")
        print(format_text(result.findings, lang, header))
        notes = result.summary.get("calendar_warnings_en" if lang == "en" else "calendar_warnings", [])
        for note in notes:
            print(("Note: " if lang == "en" else "注意：") + note)
    for failed in result.failed:
        print(failed.error if lang != "en" else failed.error_en, file=sys.stderr)
    if result.failed:
        return EXIT_FAILED
    return EXIT_FINDINGS if any(f.severity == "error" for f in result.findings) else EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from sync.cycle.run import run_cycle
    from sync.notify.hook import after_cycle
    from sync.state import store as state

    config = load_config(args)
    pack = pack_for(config)
    result = run_cycle(config, today=args.today, pack=pack)
    # Recorded like a service cycle, so the page, the alert history and notifications see it.
    state.record_run(Path(config.state_db), result)
    after_cycle(config, result)
    zh = config.language != "en"
    for source in result.sources:
        name = Path(source.source).name
        if not source.read_ok:
            print(f"{name}：{source.error if zh else source.error_en}", file=sys.stderr)
            continue
        outcome = source.write
        status = outcome.status if outcome else "-"
        reason = (outcome.reason if zh else outcome.reason_en) if outcome and status != "unchanged" else ""
        label = {"written": "已写入提醒", "unchanged": "提醒没有变化，未改动文件", "skipped": "跳过",
                 "aborted": "放弃写入", "failed": "写入失败", "readonly": "只读"}.get(status, status) if zh else status
        print(f"{name}：{label}{('（' + reason + '）') if reason and zh else (' (' + reason + ')') if reason else ''}")
    print(totals_line(result.findings, zh))
    if any(not s.read_ok for s in result.sources):
        return EXIT_FAILED
    return EXIT_FINDINGS if any(f.severity == "error" for f in result.findings) else EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from sync.service.runner import serve

    config = load_config(args)
    pack_for(config)  # a bad schema stops the service before it binds a port
    serve(config, host=args.host, port=args.port, open_browser=args.open)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from sync.demo import write_demo

    paths = write_demo(Path(args.dir), today=args.today)
    print(f"示例工作簿已写入 {args.dir}（{len(paths)} 个文件）：")
    for path in paths:
        print(f"  {path}")
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from sync.demo.blank import write_empty_workbook
    from sync.output.files import write_output

    pack = read_pack(Path(args.schema) if args.schema else None)
    out = Path(args.out)
    if out.exists() and not out.is_dir():  # a workbook for staff: never one over another file
        raise UsageError(f"{out} 已存在，不会覆盖；请换一个文件名")
    write_output(out, lambda path: write_empty_workbook(pack, path))
    print(f"空白工作簿已生成：{out}（{len(pack.sheets)} 张工作表和一张“说明”）")
    return EXIT_OK


def cmd_notify(args: argparse.Namespace) -> int:
    from sync.notify.commands import notify_digest, notify_test

    config = load_config(args)
    return notify_test(config) if args.notify_command == "test" else notify_digest(config, args.today)


def cmd_report(args: argparse.Namespace) -> int:
    return report_command.run(args, load_config, UsageError)


def cmd_setup(args: argparse.Namespace) -> int:
    return setup_wizard.run(args)


def cmd_autostart(args: argparse.Namespace) -> int:
    from sync.install import autostart

    if args.action == "remove":
        print(autostart.remove())
        return EXIT_OK
    if args.action == "status":
        installed, message = autostart.status()
        print(message)
        return EXIT_OK if installed else EXIT_FINDINGS
    config_file = Path(args.config).expanduser() if args.config else places.default_config()
    if not args.config and not config_file.exists():
        raise UsageError(f"还没有配置文件 {config_file}：请先运行 setup，或用 --config 指定")
    config_file = config_file.resolve()
    config_module.load(config_file)  # the task must not start a service that stops at once
    print(autostart.install(config_file, places.var_beside(config_file)))
    return EXIT_OK


def cmd_nutrition(args: argparse.Namespace) -> int:
    return nutrition_cli.run(args, load_config(args))


COMMANDS = (
    Command("demo", "生成示例工作簿（含各种问题）", _demo_arguments, cmd_demo),
    Command("check", "检查表格，只读不写", _check_arguments, cmd_check),
    Command("run", "检查一次并把提醒写回表格", _run_arguments, cmd_run),
    Command("serve", "定时同步并提供状态页", _serve_arguments, cmd_serve),
    Command("notify", "通知：向各渠道发测试消息，或立即发送早报", _notify_arguments, cmd_notify),
    Command("nutrition", "膳食营养分析（默认本月）", nutrition_cli.arguments, cmd_nutrition),
    Command("report", "学期后勤数据和工作总结草稿（text/json/xlsx/docx）", report_command.arguments, cmd_report),
    Command("init", "生成一个空白的后勤表格工作簿", _init_arguments, cmd_init),
    Command("setup", "设置向导：回答几个问题，生成配置文件 houqin.toml", setup_wizard.add_arguments, cmd_setup),
    Command("autostart", "开机登录后自动启动（Windows 计划任务 / Linux systemd）", _autostart_arguments, cmd_autostart),
)
BY_NAME = {command.name: command for command in COMMANDS}


def main(argv: list[str] | None = None) -> int:
    console.prepare_streams()
    return console.quiet_on_closed_pipe(lambda: _main(argv))


def _main(argv: list[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return BY_NAME[args.command].run(args)
    except HouqinError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已停止", file=sys.stderr)
        return EXIT_INTERRUPTED
