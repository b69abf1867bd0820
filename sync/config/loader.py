"""A deployment's own settings, from a TOML file (see houqin.example.toml).

Paths given on the command line are the quick form of a config with only sources. Secrets
may come from environment variables instead of the file, so the file can be shared.
"""

from __future__ import annotations

import codecs
import copy
import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rules.calendar import Term
from rules.kinds.base import Deployment
from rules.nutrition.settings import NutritionSettings, NutritionSettingsError, settings_from
from sync.config import declaration
from sync.config.declaration import default
from sync.errors import HouqinError
from sync.install import places
from sync.notify.model import NotifySettings
from sync.notify.settings import read_notify
from sync.sources.xlsx.limits import ReadLimits

ENV_WEB_PASSWORD = "HOUQIN_WEB_PASSWORD"
ENV_SECRET_KEY = "HOUQIN_SECRET_KEY"
ENV_GOOGLE_CREDENTIALS = "HOUQIN_GOOGLE_CREDENTIALS"


class ConfigError(HouqinError):
    """A config mistake, reported as one message naming the file and the setting."""


@dataclass
class GoogleSpreadsheet:
    key: str
    name: str = ""
    # Pack sheet name -> the title this spreadsheet uses for it.
    sheet_names: dict[str, str] = field(default_factory=dict)


@dataclass
class GoogleSettings:
    credentials: str | None = None
    spreadsheets: list[GoogleSpreadsheet] = field(default_factory=list)
    # Tests point this at the loopback fake; production leaves it unset.
    api_base: str | None = None


@dataclass
class WebSettings:
    host: str = default("web", "host")
    port: int = default("web", "port")
    password: str | None = None
    secret_key: str | None = None
    # The page is reached over https (the session cookie is then `Secure`).
    https: bool = False
    # A reverse proxy in front: trust its X-Forwarded-For/-Proto (one hop).
    proxy: bool = False
    # The page's address as staff open it (e.g. http://192.168.1.10:8000/): linked in notifications.
    public_url: str | None = None


@dataclass
class Config(Deployment):
    """Everything a deployment decides; defaults fit a kindergarten in mainland China."""

    paths: list[Path] = field(default_factory=list)
    timezone: str = default("", "timezone")
    language: str = default("", "language")
    school_name: str = ""
    # The [nutrition] table, parsed once: settings of the menu's nutrition analysis.
    nutrition: NutritionSettings = field(default_factory=NutritionSettings)
    interval_minutes: float = default("sync", "interval_minutes")
    state_db: Path = Path(default("sync", "state_db"))
    backups: int = default("sync", "backups")
    google: GoogleSettings = field(default_factory=GoogleSettings)
    web: WebSettings = field(default_factory=WebSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)
    schema_path: Path | None = None
    # The TOML file this came from (None when only paths were given), for messages.
    file: Path | None = None
    origin: str = "命令行"
    # How big a workbook may be before it is refused unread ([limits]).
    limits: ReadLimits = field(default_factory=ReadLimits)
    # Rule ids or `rule.setting` keys the 设置 sheet may not change ([settings_sheet] locked).
    settings_locked: list[str] = field(default_factory=list)
    # Things to tell once about the file itself (e.g. saved as GBK rather than UTF-8).
    notes: list[str] = field(default_factory=list)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def from_paths(paths: list[str]) -> Config:
    """The quick form: workbooks or folders named on the command line, defaults for the rest."""
    # No config file to sit beside: state and log go to the user's data folder, not the current one.
    config = Config(paths=[Path(p) for p in paths], state_db=places.data_dir() / places.STATE_NAME)
    _apply_env(config)
    return config


def load(path: str | Path) -> Config:
    """Read a TOML config; raise ConfigError naming the file and setting on any mistake."""
    file = Path(path)
    try:
        text, notes = _decode(file, file.read_bytes())
    except FileNotFoundError:
        raise ConfigError(f"找不到配置文件：{file}") from None
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {file}：{exc}") from None
    return parse(text, file, notes)


def parse(text: str, file: PurePath, notes: list[str] | None = None) -> Config:
    """A config's text as if read from `file`; relative paths are taken from the file's folder,
    in that file's own path style (so a Windows config can be checked anywhere)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_toml_message(file, text, exc)) from None
    reader = _Reader(file, data)
    config = reader.build()
    config.notes.extend(notes or [])
    config.file = file
    _apply_env(config)
    return config


def _decode(file: Path, raw: bytes) -> tuple[str, list[str]]:
    """The text of a config as Windows editors save it: UTF-8 with or without a BOM, UTF-16
    (Notepad's "Unicode"), or GBK (older Notepad's "ANSI" on a Chinese Windows), with a note."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", "strict"), []
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), []
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gbk")
    except UnicodeDecodeError:
        raise ConfigError(f"无法读取配置文件 {file}：既不是 UTF-8 也不是 GBK 编码的文字；请用记事本打开，"
                          f"“另存为”时编码选 UTF-8") from None
    return text, [f"配置文件 {file} 是 GBK（ANSI）编码，已照常读取；建议用记事本打开，“另存为”时编码选 UTF-8"]


def _toml_message(file: PurePath, text: str, exc: tomllib.TOMLDecodeError) -> str:
    """tomllib's complaint, led by the place, with what usually causes it on an office PC."""
    # tomllib says "... (at line 3, column 5)": lead with the place, as for the pack file.
    place = re.search(r"\(at line (\d+), column (\d+)\)$", str(exc))
    detail = str(exc)[:place.start()].strip() if place else str(exc)
    where = f" 第 {place[1]} 行第 {place[2]} 列" if place else ""
    line = text.splitlines()[int(place[1]) - 1] if place and int(place[1]) <= len(text.splitlines()) else ""
    hint = ""
    quotes = sorted({ch for ch in line if ch in "“”‘’"})
    if quotes:
        hint = f"：这一行用了中文引号 {' '.join(quotes)}，TOML 里要用英文引号 \" 或 '（切换到英文输入法再输入）"
    elif "\\" in line and ('"' in line):
        example = re.search(r'"([^"]*\\[^"]*)"', line)
        path = example[1] if example else "D:\\后勤表格"
        hint = (f"：双引号里的反斜杠 \\ 有特殊含义；Windows 路径请写成 '{path}'（单引号）"
                f"或 \"{path.replace(chr(92), '/')}\"（斜杠）")
    return f"配置文件 {file}{where}：TOML 格式错误（{detail}）{hint}{_bare_key_hint(text, place)}"


def _bare_key_hint(text: str, place: re.Match | None) -> str:
    """TOML wants a Chinese name on the left of "=" in quotes ([notify.people] 刘师傅 = …)."""
    lines = text.splitlines()
    line = lines[int(place[1]) - 1] if place and int(place[1]) <= len(lines) else ""
    name = line.split("=", 1)[0].strip()
    if "=" in line and name and not name.isascii() and name[0] not in "\"'":
        return f"；中文名字写在等号左边时要加引号，例如 \"{name}\" = …"
    return ""


def _apply_env(config: Config) -> None:
    config.web.password = os.environ.get(ENV_WEB_PASSWORD) or config.web.password
    config.web.secret_key = os.environ.get(ENV_SECRET_KEY) or config.web.secret_key
    config.google.credentials = os.environ.get(ENV_GOOGLE_CREDENTIALS) or config.google.credentials


class _Reader:
    """Walks the TOML data, checking each setting and naming it when wrong."""

    def __init__(self, file: Path, data: dict[str, Any]):
        self.file = file
        self.base = file.parent
        self.data = data

    def fail(self, where: str, what: str) -> ConfigError:
        return ConfigError(f"配置文件 {self.file} 中 {where}：{what}")

    def get(self, table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str, default: Any = None):
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = {str: "文字", int: "整数", float: "数字", bool: "true 或 false", list: "列表", dict: "表"}
            expected = "或".join(names.get(k, k.__name__) for k in (kind if isinstance(kind, tuple) else (kind,)))
            raise self.fail(f"{where}{key}", f"应为{expected}，实际是 {value!r}")
        return value

    def section(self, key: str) -> dict[str, Any]:
        """A table of the file, its keys checked against the declaration."""
        table = self.get(self.data, key, dict, "", {})
        if not declaration.section(key).checked_by:
            self.known(table, declaration.section(key).names, f"{key}.")
        return table

    def setting(self, table: dict[str, Any], section: str, key: str) -> Any:
        """A declared setting's value, of its declared type, else its declared default."""
        declared = declaration.section(section).key(key)
        return self.get(table, key, declared.type, f"{section}." if section else "", copy.deepcopy(declared.default))

    def date(self, value: Any, where: str) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(where, f"日期应写成 2026-09-01 的形式，实际是 {value!r}") from None

    def known(self, table: dict[str, Any], keys: set[str], where: str) -> None:
        """Refuse a key this table does not have, with the nearest right one: a misspelt
        `pasword` must not pass as if no password were set."""
        for key in table:
            if key not in keys:
                near = difflib.get_close_matches(key, sorted(keys), n=1, cutoff=0.6)
                suggestion = f"，是不是 “{near[0]}”？" if near else f"（可用：{'、'.join(sorted(keys))}）"
                raise self.fail(f"{where}{key}", f"不认识的设置{suggestion}")

    def path(self, value: str, where: str = "") -> Path:
        if any(ch in value for ch in "\n\t\r\b\f"):  # "C:\new" in double quotes: TOML made \n a line break
            shown = value.encode("unicode_escape").decode("ascii")
            raise self.fail(where or "路径", f"路径 {shown} 里有反斜杠组成的特殊字符（如 \\n、\\t）；"
                                            "Windows 路径请用单引号 'D:\\后勤表格' 或斜杠 \"D:/后勤表格\"")
        path = type(self.base)(value)
        if isinstance(path, Path):
            path = path.expanduser()
        return path if path.is_absolute() else self.base / path

    def build(self) -> Config:
        self.known(self.data, declaration.section("").names, "")
        config = Config(origin=str(self.file))
        config.timezone = self.setting(self.data, "", "timezone")
        try:
            ZoneInfo(config.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail("timezone", f"不认识的时区 {config.timezone!r}（例如 Asia/Shanghai）") from None
        config.language = self.setting(self.data, "", "language")
        if config.language not in ("zh", "en"):
            raise self.fail("language", "应为 zh 或 en")
        if "schema" in self.data:
            config.schema_path = self.path(self.setting(self.data, "", "schema"))

        sources = self.section("sources")
        for value in self.setting(sources, "sources", "paths"):
            if not isinstance(value, str):
                raise self.fail("sources.paths", f"每个路径应为文字，实际是 {value!r}")
            config.paths.append(self.path(value, "sources.paths"))

        calendar = self.section("calendar")
        for i, term in enumerate(self.get(calendar, "terms", list, "calendar.", [])):
            where = f"calendar.terms[{i}]"
            if not isinstance(term, dict) or "start" not in term or "end" not in term:
                raise self.fail(where, "每个学期需要 start 和 end")
            self.known(term, {"name", "start", "end"}, where + ".")
            start, end = self.date(term["start"], where + ".start"), self.date(term["end"], where + ".end")
            if end < start:
                raise self.fail(where, "学期结束日期早于开始日期")
            config.terms.append(Term(str(term.get("name", f"{start}～{end}")), start, end))
        for key in ("autumn", "spring"):
            if key in calendar:
                pair = self.setting(calendar, "calendar", key)
                if len(pair) != 2 or not all(isinstance(x, str) and len(x) == 5 for x in pair):
                    raise self.fail(f"calendar.{key}", '应写成 ["09-01", "01-20"] 的形式')
                setattr(config, key, (pair[0], pair[1]))
        config.extra_holidays = [
            self.date(d, "calendar.holidays") for d in self.setting(calendar, "calendar", "holidays")
        ]
        config.extra_workdays = [
            self.date(d, "calendar.workdays") for d in self.setting(calendar, "calendar", "workdays")
        ]
        if "start_date" in calendar:
            config.start_date = self.date(calendar["start_date"], "calendar.start_date")

        school = self.section("school")
        config.classes = [str(c) for c in self.setting(school, "school", "classes")]
        config.school_name = self.setting(school, "school", "name")
        config.outbreak_mode = self.setting(school, "school", "outbreak_mode")

        rules = self.section("rules")
        for rule_id, settings in rules.items():
            if not isinstance(settings, dict):
                raise self.fail(f"rules.{rule_id}", "应为一个表，例如 [rules.stock_expiring] food_days = 3")
            config.rule_settings[rule_id] = dict(settings)

        locked = self.setting(self.section("settings_sheet"), "settings_sheet", "locked")
        if not all(isinstance(item, str) and item for item in locked):
            raise self.fail("settings_sheet.locked", '每项应为规则编号或“编号.设置名”，例如 ["stock_expiry.warn_days"]')
        config.settings_locked = list(locked)

        try:
            config.nutrition = settings_from(self.section("nutrition"))
        except NutritionSettingsError as exc:
            raise self.fail("nutrition", str(exc)) from None

        sync = self.section("sync")
        config.interval_minutes = self.setting(sync, "sync", "interval_minutes")
        if config.interval_minutes <= 0:
            raise self.fail("sync.interval_minutes", "应大于 0")
        if "state_db" in sync:
            config.state_db = self.path(self.setting(sync, "sync", "state_db"), "sync.state_db")
        else:
            config.state_db = self.base / default("sync", "state_db")
        config.backups = self.setting(sync, "sync", "backups")

        google = self.section("google")
        creds = self.setting(google, "google", "credentials")
        config.google.credentials = str(self.path(creds, "google.credentials")) if creds else None
        config.google.api_base = self.setting(google, "google", "api_base")
        for i, sheet in enumerate(self.get(google, "spreadsheets", list, "google.", [])):
            where = f"google.spreadsheets[{i}]"
            if not isinstance(sheet, dict) or not (sheet.get("key") or sheet.get("url")):
                raise self.fail(where, "每个表格需要 key 或 url")
            self.known(sheet, {"key", "url", "name", "sheet_names"}, where + ".")
            key = str(sheet.get("key") or _key_from_url(str(sheet["url"])))
            if not key:
                raise self.fail(where + ".url", f"看不出表格的 key：{sheet.get('url')!r}")
            names = sheet.get("sheet_names", {})
            if not isinstance(names, dict):
                raise self.fail(where + ".sheet_names", "应为一个表，例如 {安全检查 = \"Safety\"}")
            config.google.spreadsheets.append(
                GoogleSpreadsheet(key=key, name=str(sheet.get("name", "")), sheet_names=dict(names))
            )

        web = self.section("web")
        config.web.host = self.setting(web, "web", "host")
        config.web.port = self.setting(web, "web", "port")
        config.web.password = self.setting(web, "web", "password") or None
        config.web.secret_key = self.setting(web, "web", "secret_key") or None
        config.web.https = self.setting(web, "web", "https")
        config.web.proxy = self.setting(web, "web", "proxy")
        config.web.public_url = self.setting(web, "web", "public_url") or None

        limits = self.section("limits")
        caps = {key.name: self.setting(limits, "limits", key.name) for key in declaration.section("limits").keys}
        for key, value in caps.items():
            if value <= 0:
                raise self.fail(f"limits.{key}", "应大于 0")
        config.limits = ReadLimits(**caps)

        config.notify = read_notify(self, self.section("notify"))

        if not config.paths and not config.google.spreadsheets:
            raise self.fail("sources", "没有配置任何表格：请在 [sources] paths 或 [google] spreadsheets 中填写")
        return config


def _key_from_url(url: str) -> str:
    """The spreadsheet key inside a docs.google.com/spreadsheets/d/KEY/... address."""
    marker = "/spreadsheets/d/"
    if marker not in url:
        return ""
    return url.split(marker, 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
