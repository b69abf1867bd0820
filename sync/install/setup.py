"""`houqin setup`: a few questions in Chinese, then a working `houqin.toml`.

Every question has a flag (`--folder`, `--name`, `--classes`, `--password`/`--no-password`,
`--lan`, `--blank`/`--no-blank`), so the wizard also runs without a terminal: a flag skips its
question, and a question whose answer cannot be read (no terminal, end of input) takes its default.
"""

from __future__ import annotations

import argparse
import getpass
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sync.config import declaration
from sync.config import loader as config_module
from sync.config.loader import ConfigError
from sync.errors import HouqinError
from sync.install import places
from sync.sources.xlsx.suffixes import WORKBOOK_SUFFIXES

BLANK_NAME = "后勤表格.xlsx"


class SetupError(HouqinError):
    """The wizard cannot go on; the message says which answer is missing or wrong."""


@dataclass
class Answers:
    folder: Path
    name: str = ""
    classes: list[str] = field(default_factory=list)
    password: str = ""
    lan: bool = False
    port: int = declaration.default("web", "port")


def add_arguments(parser: argparse.ArgumentParser, common=None) -> None:
    parser.add_argument("--config", help=f"配置文件写到哪里（默认 {places.default_config()}）")
    parser.add_argument("--folder", help="共享文件夹：老师们保存后勤表格的文件夹")
    parser.add_argument("--name", help="幼儿园名称")
    parser.add_argument("--classes", help="班级，用逗号或空格分开，例如 小一班,中一班,大一班")
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--password", help="状态页密码（让园里其他电脑也能打开状态页时必须设置）")
    secret.add_argument("--no-password", action="store_true", help="不设密码，状态页只在本机打开")
    parser.add_argument("--lan", action=argparse.BooleanOptionalAction, default=None,
                        help="让同一局域网的其他电脑打开状态页（需要密码）")
    parser.add_argument("--blank", action=argparse.BooleanOptionalAction, default=None,
                        help=f"在共享文件夹里生成空白的“{BLANK_NAME}”")
    parser.add_argument("--force", action="store_true", help="配置文件已存在时覆盖它")
    parser.add_argument("--keep-existing", action="store_true", help="配置文件已存在时保留它，什么也不问（升级时用）")


def _ask(question: str, default: str = "", secret: bool = False) -> str | None:
    """One answer, or None when nothing can be read (no terminal, end of input)."""
    shown = f"{question}" + (f"（直接回车：{default}）" if default else "") + "："
    try:
        if secret and sys.stdin is not None and sys.stdin.isatty():
            answer = getpass.getpass(shown)
        else:
            answer = input(shown)
    except (EOFError, OSError, RuntimeError):
        print()
        return None
    return answer.strip() or default


def _yes(question: str, default: bool) -> bool:
    answer = _ask(question + ("[Y/n]" if default else "[y/N]"))
    if not answer:
        return default
    return answer.lower() in ("y", "yes", "是", "好", "要", "对")


def split_classes(text: str) -> list[str]:
    return [part for part in re.split(r"[,，、;；\s]+", text) if part]


def _folder(args: argparse.Namespace) -> Path:
    given = args.folder
    for _ in range(3):
        text = given if given is not None else _ask("共享文件夹（老师们保存后勤表格的文件夹，例如 \\\\NAS\\后勤 或 D:\\后勤表格）")
        if not text:
            raise SetupError("没有给出共享文件夹：请用 --folder 指定，例如 houqin setup --folder \"D:\\后勤表格\"")
        folder = Path(text.strip().strip('"')).expanduser()
        if folder.is_dir():
            return folder.resolve()
        message = f"找不到文件夹 {folder}（请检查拼写，网络共享要先能在资源管理器里打开）"
        if given is not None:
            raise SetupError(message)
        print(message)
    raise SetupError("三次都没有找到共享文件夹，请确认后重新运行 houqin setup")


# Names a staff member can recognise for the control characters a paste or a terminal slips in.
_CONTROL_NAMES = {"\r": "回车符 \\r", "\n": "换行符 \\n", "\t": "制表符 \\t", "\x7f": "删除符 \\x7f"}


def refuse_control_characters(what: str, text: str) -> str:
    """The answer as given, or SetupError naming the invisible character and where it is: a
    password with one could never be typed at the login page, a name would print oddly."""
    for position, char in enumerate(text, 1):
        if ord(char) < 32 or 127 <= ord(char) < 160:
            name = _CONTROL_NAMES.get(char, f"控制字符 \\x{ord(char):02x}")
            raise SetupError(f"{what}里有看不见的{name}（第 {position} 个字符），请重新输入，不要带这个字符")
    return text


def gather(args: argparse.Namespace) -> Answers:
    answers = Answers(folder=_folder(args))
    answers.name = refuse_control_characters(
        "幼儿园名称", args.name if args.name is not None else (_ask("幼儿园名称") or ""))
    classes = args.classes if args.classes is not None else _ask("班级（用逗号分开；不填时取“幼儿健康档案”里出现的班级）")
    answers.classes = [refuse_control_characters("班级", name) for name in split_classes(classes or "")]
    if args.no_password:
        answers.password = ""
    elif args.password is not None:
        answers.password = args.password
    else:
        answers.password = _ask("状态页密码（只在这台电脑上看状态页可以不设，直接回车）", secret=True) or ""
    refuse_control_characters("状态页密码", answers.password)
    if args.lan is not None:
        answers.lan = args.lan
    elif answers.password:
        answers.lan = _yes("让园里其他电脑也能打开状态页吗？", default=False)
    if answers.lan and not answers.password:
        raise SetupError("让其他电脑打开状态页必须设置密码：请加上 --password（页面上有幼儿姓名和健康信息）")
    return answers


WIZARD_HEADER = """Houqin 后勤：本园的配置（由 houqin setup 生成，可以用记事本修改，改后重启 Houqin）。
全部设置的说明见安装包或项目里的 houqin.example.toml。状态数据库和日志在本文件旁边的 var 文件夹里。"""


def render(answers: Answers) -> str:
    """The config file: the answers, and the declaration's defaults and help for the rest."""
    def lines_of(section: str, key: str, value=None, shown: bool = True) -> list[str]:
        return declaration.key_lines(declaration.section(section).key(key), value, shown=shown,
                                     string=declaration.literal_string)

    lines = [f"# {line}" for line in WIZARD_HEADER.splitlines()] + [""]
    lines += lines_of("", "timezone") + lines_of("", "language")
    lines += ["", "[school]", *lines_of("school", "name", answers.name)]
    lines += lines_of("school", "classes", answers.classes or None, shown=bool(answers.classes))
    lines += ["", "[sources]", *lines_of("sources", "paths", [str(answers.folder)])]
    lines += ["", "[sync]", *lines_of("sync", "interval_minutes"), *lines_of("sync", "backups")]
    lines += ["", "[web]", *lines_of("web", "host", "0.0.0.0" if answers.lan else None)]
    lines += lines_of("web", "port", answers.port)
    lines += lines_of("web", "password", answers.password or None, shown=bool(answers.password))
    return "\n".join(lines) + "\n"


def command_name() -> str:
    """How the user can type the command: `houqin` when it is on PATH, else its full path."""
    if shutil.which("houqin"):
        return "houqin"
    for name in ("houqin.exe", "houqin"):
        beside = Path(sys.executable).with_name(name)
        if beside.exists():
            return f'"{beside}"'
    return f'"{sys.executable}" -m sync'


def run(args: argparse.Namespace) -> int:
    """The whole wizard; returns the exit status."""
    from sync.config.pack_file import read_pack
    from sync.demo.blank import write_empty_workbook
    from sync.output.files import write_output

    target = Path(args.config).expanduser() if args.config else places.default_config()
    if target.exists() and args.keep_existing and not args.force:
        print(f"已有配置文件 {target}，保留不变（要重新设置请运行 setup --force）。")
        return 0
    print("Houqin 后勤 设置向导：回答几个问题，生成配置文件。")
    if target.exists() and not args.force and not _yes(f"{target} 已存在，要覆盖它吗？", default=False):
        raise SetupError(f"{target} 已存在，没有改动（要覆盖请加 --force）")
    answers = gather(args)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text(render(answers), encoding="utf-8")
    try:
        config_module.load(temporary)  # what `houqin check --config` will read must be right
    except ConfigError as exc:
        temporary.unlink(missing_ok=True)
        raise SetupError(f"生成的配置有误，没有保存：{exc}") from None
    temporary.replace(target)
    print(f"配置文件已保存：{target}")

    has_workbook = any(p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith(("~$", "."))
                       for p in answers.folder.iterdir())
    blank = answers.folder / BLANK_NAME
    wanted = args.blank if args.blank is not None else (
        not blank.exists() and _yes(f"要在 {answers.folder} 里生成空白的“{BLANK_NAME}”吗？", default=not has_workbook))
    if wanted:
        if blank.exists():
            print(f"{blank} 已存在，没有覆盖。")
        else:
            pack = read_pack()
            write_output(blank, lambda path: write_empty_workbook(pack, path))
            print(f"空白工作簿已生成：{blank}（{len(pack.sheets)} 张工作表和一张“说明”）")

    command, quoted = command_name(), f'"{target}"'
    print("\n下一步：")
    print(f"  1. 先检查一遍（只读，不改表格）：{command} check --config {quoted}")
    print(f"  2. 开机登录后自动启动：        {command} autostart install --config {quoted}")
    print(f"  3. 现在就启动：                {command} serve --config {quoted}")
    print(f"     然后在浏览器打开 http://127.0.0.1:{answers.port}/")
    return 0
