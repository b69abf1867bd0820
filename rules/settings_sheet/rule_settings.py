"""规则设置: one row per rule setting (规则, 设置项, 值, 默认值, 说明), and 开/关 per rule.

Which settings a row may set comes from the kinds' declarations: every setting a staff
member can sensibly type (days, numbers, yes/no, a severity, a list of words), labelled in
its declaration; a per-category table (库存's `warn_days`) is one row per category
("食品提前提醒天数"). Precedence: the pack's value < the config's `[rules.ID]` < this sheet,
except what the config locks (`[settings_sheet] locked`). A row that cannot be used is a
finding in its own row, and the setting keeps its last valid value (or the default).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rules.kinds import KINDS
from rules.kinds.settings import (
    BOOL,
    COLUMN_OR_NUMBER,
    COMMON,
    DAYS_BY_TEXT,
    INT,
    NUMBER,
    OBJECT,
    SEVERITY,
    TEXTS,
    Setting,
    SettingProblem,
    check_settings,
    suggestion,
)
from rules.model import WARNING, Finding
from rules.pack.spec import Pack, RuleSpec, SheetSpec
from rules.settings_sheet.row import REFUSED
from rules.settings_sheet.values import coerce, refused, shown
from rules.text import fold
from rules.validate import TypedTable, finding

# The setting types a row of the sheet may set (columns, conditions and texts stay in the pack).
SCALARS = (INT, NUMBER, BOOL, SEVERITY, TEXTS)
HEADERS = ("规则", "设置项", "值", "默认值", "说明")
OTHER = "其他"  # how the sheet names a per-category table's "*" entry


@dataclass(frozen=True)
class Tunable:
    """One setting a row of 规则设置 may set: where it lives in the rule's params, its label."""

    key: str  # "stock_expiry.warn_days.食品": the state database remembers it by this
    rule: RuleSpec
    sheet: SheetSpec
    path: tuple[str, ...]
    label: str
    help: str
    setting: Setting  # the declaration its value is checked with
    default: Any  # the pack's value, then the config's

    @property
    def title(self) -> str:
        return self.rule.params.get("title", self.rule.id)

    @property
    def switch(self) -> bool:
        return self.path == ("enabled",)


@dataclass
class Entry:
    """A setting's effective value and where it comes from, for the page's 设置 tab."""

    key: str
    sheet: str  # the pack sheet the rule checks (库存)
    rule: str  # the rule's title
    label: str
    value: str
    default: str
    origin: str  # "pack" | "config" | "sheet"
    place: str = ""  # "设置.xlsx › 规则设置 › C7", or the config's line
    source: str = ""
    cell: str = ""
    settings_sheet: str = ""


@dataclass
class RuleSettings:
    """What 规则设置 decides: the merged overrides, the values it set, the page's listing."""

    overrides: dict[str, dict[str, Any]]
    values: dict[str, Any] = field(default_factory=dict)  # key -> value the sheet set (last valid)
    entries: list[Entry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def tunables(pack: Pack, config: Mapping[str, Mapping[str, Any]] | None = None) -> list[Tunable]:
    """Every setting 规则设置 can set, rule by rule in pack order, 开/关 first."""
    found: list[Tunable] = []
    for sheet in pack.sheets:
        for rule in sheet.rules:
            params = {**rule.params, **(config or {}).get(rule.id, {})}
            declared = {"enabled": COMMON["enabled"], **KINDS[rule.kind].settings}
            for name, setting in declared.items():
                found.extend(_tunables(rule, sheet, (name,), setting, params.get(name, setting.default)))
    return found


def _tunables(rule: RuleSpec, sheet: SheetSpec, path: tuple[str, ...], setting: Setting, value: Any) -> list[Tunable]:
    key = ".".join((rule.id, *path))
    if setting.type in SCALARS and (value is not None or setting.type == BOOL and path == ("enabled",)):
        return [Tunable(key, rule, sheet, path, setting.label, setting.help, setting, value)]
    if setting.type == COLUMN_OR_NUMBER and isinstance(value, int | float):  # a constant, not a column
        number = Setting(NUMBER, minimum=setting.minimum, maximum=setting.maximum, label=setting.label, help=setting.help)
        return [Tunable(key, rule, sheet, path, setting.label, setting.help, number, value)]
    if setting.type == DAYS_BY_TEXT and isinstance(value, dict):
        days = Setting(INT, minimum=setting.minimum if setting.minimum is not None else 0, maximum=setting.maximum,
                       label=setting.label, help=setting.help)
        return [Tunable(f"{key}.{entry}", rule, sheet, (*path, entry), f"{OTHER if entry == '*' else entry}{setting.label}",
                        setting.help, days, days_value) for entry, days_value in value.items()]
    if setting.type == OBJECT and isinstance(value, dict):
        return [t for name, inner in setting.fields.items() if name in value
                for t in _tunables(rule, sheet, (*path, name), inner, value[name])]
    return []


def check_locks(pack: Pack, locked: Iterable[str]) -> str | None:
    """The first `[settings_sheet] locked` entry naming no rule or setting, with the nearest."""
    rules = {rule.id: rule for sheet in pack.sheets for rule in sheet.rules}
    for lock in locked:
        rule_id, _, setting = lock.partition(".")
        if rule_id not in rules:
            return f"没有编号为 {rule_id!r} 的规则{suggestion(rule_id, sorted(rules))}"
        names = sorted({"enabled", *KINDS[rules[rule_id].kind].settings})
        if setting and setting.split(".")[0] not in names:
            return f"规则 {rule_id} 没有名为 {setting!r} 的设置{suggestion(setting, names)}"
    return None


def read_rule_settings(tables: Iterable[TypedTable], pack: Pack, config: Mapping[str, Mapping[str, Any]],
                       locked: Iterable[str] = (), previous: Mapping[str, Any] | None = None) -> RuleSettings:
    """The 规则设置 rows over the pack and the config's overrides.

    `locked` lists rule ids or `rule.setting` keys the config keeps; `previous` the values the
    sheet set last time (from the state database): a row that is wrong now keeps them."""
    previous = previous or {}
    locks = tuple(locked)
    known = tunables(pack, config)
    by_rule: dict[str, list[Tunable]] = {}
    for tunable in known:
        by_rule.setdefault(tunable.rule.id, []).append(tunable)
    titles = {fold(t.title): t.rule.id for t in known} | {t.rule.id: t.rule.id for t in known}
    result = RuleSettings(overrides=copy.deepcopy({k: dict(v) for k, v in config.items()}))
    places: dict[str, tuple[TypedTable, int]] = {}  # key -> the row its value comes from
    claimed: dict[str, tuple[TypedTable, int]] = {}  # key -> the first row naming it
    for typed in tables:
        for index in range(len(typed)):
            _row(typed, index, titles, by_rule, locks, previous, result, places, claimed)
    for tunable in known:
        if tunable.key in result.values:
            _set(result.overrides, tunable, result.values[tunable.key])
    result.entries = [_entry(t, result, places, config) for t in known]
    return result


def _row(typed: TypedTable, index: int, titles: dict[str, str], by_rule: dict[str, list[Tunable]], locks: tuple[str, ...],
         previous: Mapping[str, Any], result: RuleSettings, places: dict[str, tuple[TypedTable, int]],
         claimed: dict[str, tuple[TypedTable, int]]) -> None:
    rule_text = (typed.raw_text(index, "规则") or "").strip()
    label_text = (typed.raw_text(index, "设置项") or "").strip()
    value_text = (typed.raw_text(index, "值") or "").strip() if typed.has("值") else ""

    def say(rule: str, column: str, zh: str, en: str, value: Any = None) -> None:
        result.findings.append(finding(typed, index, column, rule, WARNING, zh, en, value))

    if any(refused(text) for text in (rule_text, label_text, value_text)):
        say("settings.refused", "值", *REFUSED)
        return
    if not rule_text or not label_text:
        return  # a required cell left blank: validation already says so
    rule_id = titles.get(fold(rule_text)) or titles.get(rule_text)
    if rule_id is None:
        names = sorted({t.title for ts in by_rule.values() for t in ts[:1]})
        say("settings.unknown_rule", "规则", f"没有名为“{rule_text}”的规则{suggestion(rule_text, names)}",
            f"No rule named '{rule_text}'", rule_text)
        return
    options = by_rule[rule_id]
    tunable = next((t for t in options if fold(t.label) == fold(label_text)), None)
    if tunable is None:
        labels = [t.label for t in options]
        say("settings.unknown_setting", "设置项",
            f"规则“{options[0].title}”没有“{label_text}”这项设置{suggestion(label_text, labels)}"
            f"（可设的：{'、'.join(labels)}）", f"Rule {rule_id} has no setting '{label_text}'", label_text)
        return
    if tunable.key in claimed:
        first = claimed[tunable.key]
        say("settings.duplicate", "设置项", f"“{tunable.title}”的“{tunable.label}”已在第 {first[0].numbers[first[1]]} 行，"
            "请在那一行填写；本行不生效", f"{tunable.key} is already in row {first[0].numbers[first[1]]}")
        return
    claimed[tunable.key] = (typed, index)  # a second row for it, valid or not, is never used
    if not value_text:
        return  # blank: the default (or the config's value) holds
    if any(tunable.key == lock or tunable.key.startswith(lock + ".") for lock in locks):
        say("settings.locked", "值", f"“{tunable.title}”的“{tunable.label}”已在配置文件中锁定（[settings_sheet] locked），"
            f"表格里的值不生效，仍为 {shown(tunable.default, tunable.setting, switch=tunable.switch)}",
            f"{tunable.key} is locked by the config", value_text)
        return
    value = coerce(value_text, tunable.setting)
    try:
        check_settings({"value": tunable.setting}, {"value": value}, complete=False)
    except SettingProblem as exc:
        kept = previous.get(tunable.key)
        if kept is not None:
            result.values[tunable.key] = kept
            places[tunable.key] = (typed, index)
            fallback = f"仍按上次有效的值 {shown(kept, tunable.setting, switch=tunable.switch)} 检查"
        else:
            fallback = f"仍按默认值 {shown(tunable.default, tunable.setting, switch=tunable.switch)} 检查"
        say("settings.bad_value", "值", f"“{tunable.title}”的“{tunable.label}”{exc.message}；{fallback}",
            f"{tunable.key}: {exc.message}", value_text)
        return
    result.values[tunable.key] = value
    places[tunable.key] = (typed, index)


def _set(overrides: dict[str, dict[str, Any]], tunable: Tunable, value: Any) -> None:
    """Put `value` at the tunable's path, copying the tables it changes (the pack's stay as they are)."""
    params = overrides.setdefault(tunable.rule.id, {})
    name, *inner = tunable.path
    if not inner:
        params[name] = value
        return
    current = params.get(name, tunable.rule.params.get(name, {}))
    params[name] = {**current, inner[0]: value}


def place_of(typed: TypedTable, index: int, column: str) -> tuple[str, str, str]:
    """(“设置.xlsx › 规则设置 › C7”, source, cell) of a settings row's cell."""
    cell = typed.cell(index, column) or ""
    name = typed.table.source.replace("\\", "/").rsplit("/", 1)[-1]
    return " › ".join(p for p in (name, typed.table.sheet, cell) if p), typed.table.source, cell


def _entry(tunable: Tunable, result: RuleSettings, places: dict[str, tuple[TypedTable, int]],
           config: Mapping[str, Mapping[str, Any]]) -> Entry:
    pack_value: Any = tunable.rule.params
    for part in tunable.path:
        pack_value = pack_value.get(part) if isinstance(pack_value, dict) else None
    if pack_value is None and len(tunable.path) == 1:
        pack_value = {"enabled": True, **KINDS[tunable.rule.kind].settings_defaults()}.get(tunable.path[0])
    default = shown(pack_value, tunable.setting, switch=tunable.switch)
    entry = Entry(key=tunable.key, sheet=tunable.sheet.name, rule=tunable.title, label=tunable.label,
                  value=shown(tunable.default, tunable.setting, switch=tunable.switch), default=default, origin="pack")
    if tunable.path[0] in config.get(tunable.rule.id, {}):
        entry.origin, entry.place = "config", f"[rules.{tunable.rule.id}] {tunable.path[0]}"
    if tunable.key in result.values:
        typed, index = places[tunable.key]
        entry.value = shown(result.values[tunable.key], tunable.setting, switch=tunable.switch)
        entry.origin = "sheet"
        entry.place, entry.source, entry.cell = place_of(typed, index, "值")
        entry.settings_sheet = typed.table.sheet
    return entry
