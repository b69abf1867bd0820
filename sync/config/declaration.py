"""Every setting of houqin.toml, declared once: section, name, type, default and help.

The same table checks a config file (an unknown key is refused with the nearest right name,
a value of the wrong type names the setting), gives the defaults the reader and the typed
sections use, and renders `houqin.example.toml` and the file `houqin setup` writes, so the
three cannot drift apart (tests/test_config_declaration.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from typing import Any

from rules.nutrition.settings import NutritionSettings
from sync.notify.model import NotifySettings
from sync.sources.xlsx.limits import ReadLimits

NUMBER = (int, float)


@dataclass(frozen=True)
class Key:
    """One setting: its TOML type, its default, and how the example file shows it."""

    name: str
    type: type | tuple[type, ...]
    default: Any = None
    help: str = ""  # comment line(s) above it in the example file
    note: str = ""  # comment at the end of its line
    example: Any = None  # the value shown when there is no default worth showing
    shown: bool = True  # written as a setting in the example (else as a commented-out line)
    listed: bool = True  # in the example at all (not a setting for tests only)

    @property
    def sample(self) -> Any:
        return self.default if self.example is None else self.example


@dataclass(frozen=True)
class Section:
    """One table of the file ("" the top level): its keys and the sub-tables it may hold."""

    name: str
    keys: tuple[Key, ...] = ()
    tables: tuple[str, ...] = ()  # sub-tables and arrays of tables, checked by their own readers
    help: str = ""  # comment lines right under the header (above it when the header is commented)
    after: str = ""  # commented text after the keys: examples of the sub-tables
    shown: bool = True  # header written (else "# [name]")
    # Its keys are checked by the code that reads them (the pack's rules, the typed nutrition
    # settings) rather than here; a test holds the two declarations equal where there are keys.
    checked_by: str = ""

    def key(self, name: str) -> Key:
        return next(k for k in self.keys if k.name == name)

    @property
    def names(self) -> set[str]:
        return {k.name for k in self.keys} | set(self.tables)


def _percent(value: float) -> float | int:
    """A share as the file writes it: 0.8 -> 80."""
    number = round(value * 100, 6)
    return int(number) if number == int(number) else number


def _clock(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


_NUTRITION = NutritionSettings()
_NOTIFY = NotifySettings()
_LIMITS = ReadLimits()

SECTIONS: tuple[Section, ...] = (
    Section("", (
        Key("timezone", str, "Asia/Shanghai", help="时区：“今天”按这个时区计算。"),
        Key("language", str, "zh", help="提示语言：zh（中文）或 en（English）。"),
        Key("schema", str, None, listed=False),  # another sheets_schema.json (a pack being developed)
    ), tables=("sources", "calendar", "school", "rules", "settings_sheet", "nutrition", "sync", "limits", "web", "notify",
               "google")),
    Section("sources", (
        Key("paths", list, [], help="工作簿或文件夹（共享文件夹里的 .xlsx/.xlsm 会被检查并写回提醒；.xls/.ods/.et 只检查不写回）。",
            example=["D:/后勤表格"]),
    )),
    Section("calendar", (
        Key("autumn", list, None, help="不写 terms 时，每年默认两个学期：秋季 09-01 至次年 01-20，春季 02-20 至 07-10。",
            example=["09-01", "01-20"], shown=False),
        Key("spring", list, None, example=["02-20", "07-10"], shown=False),
        Key("holidays", list, [], help="法定节假日来自 chinese-calendar；它还不知道的年份，在这里补充放假日和调休上班日：",
            example=["2027-01-01", "2027-02-05"], shown=False),
        Key("workdays", list, [], example=["2027-02-14"], shown=False),
        Key("start_date", str, None, help="从哪天开始用本系统（更早的缺漏不提醒）：", example="2026-11-01", shown=False),
    ), tables=("terms",), after="""也可以逐个写明学期：
terms = [
  { name = "2026年秋季学期", start = "2026-09-01", end = "2027-01-20" },
  { name = "2027年春季学期", start = "2027-02-22", end = "2027-07-09" },
]"""),
    Section("school", (
        Key("name", str, "", help="幼儿园名称（状态页和报表的标题）。", example="阳光幼儿园", shown=False),
        Key("classes", list, [], help="班级名单；不写时取“幼儿健康档案”里出现的班级。",
            example=["小一班", "中一班", "大一班"], shown=False),
        Key("outbreak_mode", bool, False,
            help="传染病流行期（如手足口病高发季）加强消毒：每周的项目改为每天，每天的项目每天两次。"),
    )),
    Section("rules", checked_by="rules.pack.load.check_overrides", shown=False, help="规则参数可以在这里改，不必改程序（规则编号见 rules/pack/sheets_schema.json）：",
            after="""[rules.stock_expiry]
warn_days = { "食品" = 3, "物资" = 30, "*" = 7 }   # 到期前几天开始提醒
[rules.drill_evacuation_time]
right = 90                                     # 疏散用时不超过 90 秒"""),
    Section("settings_sheet", (
        Key("locked", list, [], example=["stock_expiry.warn_days", "drill_evacuation_time"],
            help="设置表（规则设置、通知人员、学期与假期、自定义表）可以放在任何一个工作簿里，优先于本文件；\n"
                 "这里列出的规则（编号）或设置（编号.设置名）以本文件为准，表格里改了也不生效。\n"
                 "通知地址和密钥永远不从表格读取。", shown=False),
    ), shown=False),
    Section("nutrition", (
        Key("boarding", bool, _NUTRITION.boarding, note="寄宿制：能量、蛋白质要求更高（见 energy_protein_min_boarding）",
            shown=False),
        Key("energy_protein_min_day", NUMBER, _percent(_NUTRITION.energy_protein_min_day),
            note="全日制：能量、蛋白质达到推荐量的百分比", shown=False),
        Key("energy_protein_min_boarding", NUMBER, _percent(_NUTRITION.energy_protein_min_boarding),
            note="寄宿制：能量、蛋白质达到推荐量的百分比", shown=False),
        Key("other_min", NUMBER, _percent(_NUTRITION.other_min), note="其他营养素达到推荐量的百分比", shown=False),
        Key("protein_share", list, [_percent(v) for v in _NUTRITION.protein_share], note="供能比：蛋白质", shown=False),
        Key("fat_share", list, [_percent(v) for v in _NUTRITION.fat_share],
            note="脂肪（也有 25–30%、20–30% 的说法，按本园采用的标准改）", shown=False),
        Key("carbohydrate_share", list, [_percent(v) for v in _NUTRITION.carbohydrate_share],
            note="碳水化合物（或 50–65%）", shown=False),
        Key("quality_protein_min", NUMBER, _percent(_NUTRITION.quality_protein_min), note="优质蛋白占蛋白质的最低百分比",
            shown=False),
        Key("meal_shares", dict, {"+".join(m): _percent(s) for m, s in _NUTRITION.meal_shares}, note="各餐占全天能量",
            shown=False),
        Key("meal_share_tolerance", NUMBER, _percent(_NUTRITION.meal_share_tolerance),
            note="各餐能量占在园能量的比例与上面的分配相差不超过几个百分点", shown=False),
        Key("energy_max", NUMBER, _percent(_NUTRITION.energy_max), note="能量、蛋白质超过推荐量的这个百分比算供给偏多",
            shown=False),
        Key("food_groups", dict, {"+".join(g): ([lo, hi] if lo != hi else lo) for g, lo, hi in _NUTRITION.food_groups},
            note="各类食物全天推荐量（克/人），按在园餐次的能量比例折算", shown=False),
        Key("food_groups_source", str, _NUTRITION.food_groups_source, note="上面推荐量的出处（写在报表里）", shown=False),
        Key("activity_level_6", str, _NUTRITION.activity_level_6, note="6 岁儿童能量按身体活动水平 I 轻、II 中、III 重",
            shown=False),
        Key("default_ages", list, list(_NUTRITION.default_ages), note="没有幼儿健康档案时按这些年龄人数相等计算",
            shown=False),
        Key("basis_note", str, _NUTRITION.basis_note, example="按本园保健室采用的标准", note="报表里写明的依据说明",
            shown=False),
    ), shown=False, checked_by="rules.nutrition.settings.settings_from", help="膳食营养分析的评价标准（默认值如下，来源见 rules/nutrition/data/ 和 references.md）。百分数可写 80 或 0.8。"),
    Section("sync", (
        Key("interval_minutes", NUMBER, 10, help="每隔多少分钟同步一次。"),
        Key("state_db", str, "var/houqin.sqlite3",
            help="状态数据库（提醒历史）放在哪里；日志 houqin.log 就在它旁边（超过 1 MB 换新文件，保留 5 个）。"),
        Key("backups", int, 10, help="每个工作簿保留多少份写回前的备份（在工作簿旁的 .houqin-backups 文件夹里）。"),
    )),
    Section("limits", (
        Key("max_unzipped_mb", int, _LIMITS.max_unzipped_mb, note="一个工作簿解压后的大小（MB）", shown=False),
        Key("max_rows", int, _LIMITS.max_rows, note="单元格最远的行", shown=False),
        Key("max_columns", int, _LIMITS.max_columns, note="单元格最远的列（200 = GR 列）", shown=False),
    ), shown=False, help="超过这些上限的工作簿不读取，作为该工作簿的问题报告（防止损坏或恶意的文件拖垮服务）："),
    Section("web", (
        Key("host", str, "127.0.0.1", help="只在本机访问时用 127.0.0.1（默认）。要让园里其他电脑访问，改为 0.0.0.0 并设置密码。"),
        Key("port", int, 8000),
        Key("password", str, None, example="", note="或用环境变量 HOUQIN_WEB_PASSWORD", shown=False),
        Key("https", bool, False, example=True, note="经 https 访问时（Cookie 只经 https 发送）", shown=False),
        Key("proxy", bool, False, example=True, note="前面有 nginx/IIS 等反向代理时，信任它的 X-Forwarded-For/-Proto",
            shown=False),
        Key("secret_key", str, None, example="", note="或用环境变量 HOUQIN_SECRET_KEY；不写时自动生成并保存在 var/ 中",
            shown=False),
        Key("public_url", str, None, example="http://192.168.1.10:8000/",
            note="老师们打开状态页的地址；写了，通知里会带上链接", shown=False),
    )),
    Section("notify", (
        Key("digest_time", str, _clock(_NOTIFY.digest_time),
            help="早报时间（只在上学日发，节假日、周末、寒暑假不发）；写 \"\" 表示不自动发早报。"),
        Key("quiet_hours", list, [_clock(t) for t in _NOTIFY.quiet_hours or ()],
            help="免打扰时段：这段时间里的新问题等到时段结束再发；写 [] 表示不设。"),
        Key("send_timeout", NUMBER, _NOTIFY.send_timeout,
            help="每条消息最多等多少秒（1～600）：渠道过了这个时间还没答复，本次同步不再等它，\n"
                 "这条消息记为“未确认”，下次最多再发一次（标“（重发）”）。"),
    ), tables=("channels", "people"),
        help="通知：新问题发到企业微信/钉钉/飞书群或邮箱，上学日早上再发一份早报。\n"
             "不写 [[notify.channels]] 就不发通知。发送情况显示在状态页的“通知”一栏。",
        after="""每个渠道一段 [[notify.channels]]。url 是 apprise 的写法（https://appriseit.com/services/）：
  钉钉群机器人（加签）：dingtalk://加签密钥@access_token/
  企业微信群机器人：    wecombot://机器人key
  飞书群机器人：        feishu://token
  邮箱（SMTP）：        mailtos://账号:授权码@smtp.qq.com?to=yuanzhang@example.com&from=账号@qq.com
  其他程序（JSON）：     json://主机:端口/路径
地址里的密钥可以写成 ${环境变量名}，从环境变量读取，配置文件就可以给别人看。
[[notify.channels]]
name = "园务群"
url = "dingtalk://${HOUQIN_DINGTALK_SECRET}@${HOUQIN_DINGTALK_TOKEN}/"
sheets = ["*"]            # 哪些表的问题发到这里；["*"] 表示全部，或写 ["库存", "食品留样"]
immediate = "error"       # 新问题马上发哪一级："error"（只发错误）、"warning"（错误和提醒）、"none"（不马上发）
digest = true             # 是否收早报

表格里“责任人/经手人/执行人/保管人”写的人，在消息里 @ 他：钉钉写手机号，企业微信写企业微信账号。
中文名字要加引号。
[notify.people]
"刘师傅" = "13800000000\""""),
    Section("google", (
        Key("credentials", str, None, example="service-account.json", note="或用环境变量 HOUQIN_GOOGLE_CREDENTIALS",
            shown=False),
        Key("api_base", str, None, listed=False),  # the loopback fake of the Sheets API, in tests
    ), tables=("spreadsheets",), shown=False, help="Google 表格（中国大陆无法访问 Google，一般用上面的共享文件夹即可）。",
        after="""[[google.spreadsheets]]
url = "https://docs.google.com/spreadsheets/d/你的表格ID/edit"
name = "本园后勤表格\""""),
)

BY_NAME = {s.name: s for s in SECTIONS}

EXAMPLE_HEADER = """Houqin 后勤 — 配置示例。复制为 houqin.toml，按本园情况修改，然后：
  houqin serve --config houqin.toml     （在项目目录里也可以用 python -m sync serve …）
也可以运行 houqin setup，回答几个问题自动生成。相对路径以本文件所在的文件夹为准；
Windows 路径请写在单引号里，例如 paths = ['\\\\NAS\\后勤']。密码和密钥也可以用环境变量提供（见 [web]、[google]）。
本文件由 sync/config/declaration.py 生成（python -m sync.config.declaration），改设置说明请改那里。"""


def section(name: str) -> Section:
    return BY_NAME[name]


def default(section_name: str, key: str) -> Any:
    return BY_NAME[section_name].key(key).default


def basic_string(text: str) -> str:
    """A TOML basic string ("..."), as the example file writes them."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    # Any other control character (TOML allows none raw) as an escape.
    escaped = "".join(f"\\u{ord(c):04x}" if ord(c) < 32 or ord(c) == 127 else c for c in escaped)
    return f'"{escaped}"'


def literal_string(text: str) -> str:
    """A TOML literal string ('...') when possible, so that Windows paths read as typed."""
    if "'" not in text and not any(ord(c) < 32 or ord(c) == 127 for c in text):
        return f"'{text}'"
    return basic_string(text)


def toml_value(value: Any, string: Callable[[str], str] = basic_string) -> str:
    """A value as TOML writes it, its strings written by `string`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v, string) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_value(str(k), string)} = {toml_value(v, string)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def _comment(text: str) -> list[str]:
    return [f"# {line}".rstrip() if line else "" for line in text.splitlines()] if text else []


def key_lines(key: Key, value: Any = None, shown: bool | None = None,
              string: Callable[[str], str] = basic_string) -> list[str]:
    """A key's help and its line (`value`, else its default or example), set or commented out."""
    written = f"{key.name} = {toml_value(key.sample if value is None else value, string)}"
    if key.note:
        written = f"{written:<38} # {key.note}"
    active = key.shown if shown is None else shown
    return _comment(key.help) + [written if active else f"# {written}"]


def render_example() -> str:
    """houqin.example.toml, from the declaration."""
    lines = _comment(EXAMPLE_HEADER) + [""]
    for part in SECTIONS:
        if part.name:
            header = f"[{part.name}]"
            if part.shown:
                lines += _comment(part.help) if part.name == "notify" else []
                lines.append(header)
                lines += [] if part.name == "notify" else _comment(part.help)
            else:
                lines += _comment(part.help) + ([] if part.name == "rules" else [f"# {header}"])
        for key in part.keys:
            lines += key_lines(key) if key.listed else []
        if part.after:
            lines += ([""] if part.name == "notify" else []) + _comment(part.after)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":  # python -m sync.config.declaration > houqin.example.toml
    import sys

    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    sys.stdout.write(render_example())
