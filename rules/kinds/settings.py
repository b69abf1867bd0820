"""What a rule kind accepts: each kind declares its settings once, next to its function.

The same declaration checks `sheets_schema.json` at start-up and a config's `[rules.ID]`
overrides, so a misspelt or missing setting is refused in one place, with the nearest
right name:

    @kind("expiry", date=Setting(COLUMN), warn_days=Setting(DAYS_BY_TEXT, default={}), ...)

A setting's type is one of the names below; `COLUMN`-typed settings name a column of the
rule's own sheet, which is how the pack's references are checked (no list of them kept
elsewhere).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Setting types. Each is (what it accepts, how a person reads it).
COLUMN = "column"            # a column name of the rule's sheet
COLUMNS = "columns"          # a list of column names
COLUMNS_OR_COLUMN = "columns_or_column"  # one column name, or a list of them (the first filled wins)
COLUMN_OR_NUMBER = "column_or_number"  # a column to compare with, or a constant
TEXT = "text"
TEXTS = "texts"
INT = "int"
NUMBER = "number"
BOOL = "bool"
SEVERITY = "severity"
CHOICE = "choice"            # one of `choices`
DAYS_BY_TEXT = "days_by_text"  # {text: whole days}, "*" for the rest where the kind says so
CHOICE_BY_TEXT = "choice_by_text"  # {text: one of `choices`}
SHEET = "sheet"              # the id of another sheet of the pack
CONDITIONS = "conditions"    # a `when` list: [{"field": F, "equals"|"notEquals"|"in"|"filled": …}]
REQUIREMENTS = "requirements"  # a `require` list: [{"field": F, "equals"?: V}]
OBJECT = "object"            # nested settings, declared in `fields`
OBJECTS = "objects"          # a list of nested settings, each declared in `fields`
# A reference table {name: {declared `fields`…, "source": where the values come from}}: each
# row must say its source; "unsourced": true marks a value whose primary source was not found.
TABLE = "table"

_DESCRIBED = {
    COLUMN: "列名（文字）", COLUMNS: "列名列表", COLUMNS_OR_COLUMN: "列名或列名列表", COLUMN_OR_NUMBER: "列名或数字", TEXT: "文字", TEXTS: "文字列表",
    INT: "整数", NUMBER: "数字", BOOL: "true 或 false", SEVERITY: "\"error\" 或 \"warning\"", CHOICE: "下列之一",
    DAYS_BY_TEXT: "按名称的天数表", CHOICE_BY_TEXT: "按名称的取值表",
    SHEET: "工作表 id", CONDITIONS: "条件列表", REQUIREMENTS: "必填列列表", OBJECT: "表", OBJECTS: "表的列表",
    TABLE: "参考表（每行注明出处 source）",
}
_CONDITION_KEYS = ("field", "equals", "notEquals", "in", "filled")


@dataclass(frozen=True)
class Setting:
    """One setting of a rule kind: its type, whether it must be given, its default."""

    type: str
    required: bool = False
    default: Any = None
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    fields: Mapping[str, Setting] = field(default_factory=dict)
    # How staff read it in the 设置 sheet (rules/settings_sheet/): a short Chinese name, one
    # sentence of help. Every kind's settings carry both (tests/test_settings_sheet.py).
    label: str = ""
    help: str = ""


# What every rule may carry, whatever its kind.
COMMON: dict[str, Setting] = {
    "title": Setting(TEXT, label="规则名称", help="规则的中文名称，显示在提醒和状态页上"),
    "source": Setting(TEXT, label="依据", help="规则依据的法规或文件"),
    "enabled": Setting(BOOL, default=True, label="开/关", help="关：这条规则不再检查，状态页写明由哪里关闭"),
}


# Settings many kinds share, spread into their declarations: @kind("x", ..., **ITEM, **LABELS).
ITEM = {"item": Setting(COLUMNS, label="物品名称列", help="提醒里用哪几列称呼这一行（菜品、器材、幼儿…）")}
FIELD = {"field": Setting(COLUMN, required=True, label="检查的列", help="这条规则检查的列")}  # the column a kind judges
LABELS = {"label": Setting(TEXT, label="提醒用语", help="提醒里称呼这件事的用语"),
          "label_en": Setting(TEXT, label="英文提醒用语", help="英文界面的用语")}
MESSAGES = {"message": Setting(TEXT, label="提示语", help="提醒的文字；{item} 等会换成本行的内容"),
            "message_en": Setting(TEXT, label="英文提示语", help="英文界面的提示文字")}
_SEVERITY_HELP = "error（错误，红色）或 warning（提醒，黄色）"
ERROR_BY_DEFAULT = {"severity": Setting(SEVERITY, default="error", label="级别", help=_SEVERITY_HELP)}
WARNING_BY_DEFAULT = {"severity": Setting(SEVERITY, default="warning", label="级别", help=_SEVERITY_HELP)}


class SettingProblem(Exception):
    """A setting that does not fit its declaration: where (setting path) and what is wrong."""

    def __init__(self, path: list[str | int], message: str):
        super().__init__(message)
        self.path = path
        self.message = message


def suggestion(name: str, known: list[str]) -> str:
    """“，是不是“x”？” for the nearest known name, or nothing."""
    near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"，是不是“{near[0]}”？" if near else ""


def check_settings(declared: Mapping[str, Setting], params: Mapping[str, Any], *, complete: bool = True,
                   columns: set[str] | None = None, sheets: set[str] | None = None) -> list[tuple[list[str | int], str]]:
    """Every column a rule's settings name, as (path, name); raise SettingProblem on a mistake.

    `complete` is False for a config override, which may leave out required settings. When
    `columns` (the sheet's column names) or `sheets` (the pack's sheet ids) are given, names
    are checked against them too.
    """
    every = {**COMMON, **declared}
    for name in params:
        if name not in every:
            raise SettingProblem([name], f"没有名为“{name}”的设置{suggestion(name, sorted(every))}"
                                         f"（可用的设置：{'、'.join(sorted(every))}）")
    if complete:
        for name, setting in declared.items():
            if setting.required and name not in params:
                raise SettingProblem([name], f"缺少必填的设置“{name}”")
    named: list[tuple[list[str | int], str]] = []
    for name, value in params.items():
        _check_value(every[name], value, [name], named)
    if columns is not None:
        for path, column in named:
            if column not in columns:
                raise SettingProblem(path, f"本工作表没有名为 {column!r} 的列{suggestion(column, sorted(columns))}")
    if sheets is not None:
        for path, other in _sheet_refs(every, params, []):
            if other not in sheets:
                raise SettingProblem(path, f"没有 id 为 {other!r} 的工作表{suggestion(other, sorted(sheets))}")
    return named


def value_range(setting: Setting) -> str:
    """“（0 到 365）”: the range a number must be in, as staff read it; "" when unbounded."""
    low, high = setting.minimum, setting.maximum
    if low is None and high is None:
        return ""
    if high is None:
        return f"（不小于 {low:g}）"
    return f"（不大于 {high:g}）" if low is None else f"（{low:g} 到 {high:g}）"


def _fail(path: list[str | int], setting: Setting, value: Any) -> SettingProblem:
    expected = _DESCRIBED[setting.type] + value_range(setting)
    if setting.choices:
        expected += "：" + "、".join(map(str, setting.choices))
    return SettingProblem(path, f"应为{expected}，实际是 {value!r}")


def _in_range(setting: Setting, value: float) -> bool:
    return not ((setting.minimum is not None and value < setting.minimum)
                or (setting.maximum is not None and value > setting.maximum))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_value(setting: Setting, value: Any, path: list[str | int],
                 named: list[tuple[list[str | int], str]]) -> None:
    kind = setting.type
    if kind == COLUMN:
        if not isinstance(value, str) or not value:
            raise _fail(path, setting, value)
        named.append((path, value))
    elif kind == COLUMNS:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise _fail(path, setting, value)
        named.extend(([*path, i], v) for i, v in enumerate(value))
    elif kind == COLUMNS_OR_COLUMN:
        _check_value(Setting(COLUMNS if isinstance(value, list) else COLUMN), value, path, named)
    elif kind == COLUMN_OR_NUMBER:
        if isinstance(value, str) and value:
            named.append((path, value))
        elif not _is_number(value):
            raise _fail(path, setting, value)
    elif kind in (TEXT, SHEET):
        if not isinstance(value, str):
            raise _fail(path, setting, value)
    elif kind == TEXTS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _fail(path, setting, value)
    elif kind in (INT, NUMBER):
        ok = _is_int(value) if kind == INT else _is_number(value)
        if not ok or not _in_range(setting, value):
            raise _fail(path, setting, value)
    elif kind == BOOL:
        if not isinstance(value, bool):
            raise _fail(path, setting, value)
    elif kind in (SEVERITY, CHOICE):
        choices = setting.choices or ("error", "warning")
        if value not in choices:
            raise _fail(path, Setting(CHOICE, choices=choices), value)
    elif kind == DAYS_BY_TEXT:
        if not isinstance(value, dict) or not all(_is_int(v) and v >= 0 and _in_range(setting, v)
                                                  for v in value.values()):
            raise _fail(path, setting, value)
    elif kind == CHOICE_BY_TEXT:
        if not isinstance(value, dict) or not all(v in setting.choices for v in value.values()):
            raise _fail(path, setting, value)
    elif kind == CONDITIONS:
        _check_conditions(setting, value, path, named)
    elif kind == REQUIREMENTS:
        if not isinstance(value, list) or not all(isinstance(v, dict) and isinstance(v.get("field"), str)
                                                  and set(v) <= {"field", "equals"} for v in value):
            raise _fail(path, setting, value)
        named.extend(([*path, i, "field"], v["field"]) for i, v in enumerate(value))
    elif kind == OBJECT:
        if not isinstance(value, dict):
            raise _fail(path, setting, value)
        for name, inner in value.items():
            if name not in setting.fields:
                raise SettingProblem([*path, name], f"没有名为“{name}”的设置{suggestion(name, sorted(setting.fields))}")
            _check_value(setting.fields[name], inner, [*path, name], named)
        for name, inner_setting in setting.fields.items():
            if inner_setting.required and name not in value:
                raise SettingProblem([*path, name], f"缺少必填的设置“{name}”")
    elif kind == OBJECTS:
        if not isinstance(value, list):
            raise _fail(path, setting, value)
        for i, inner in enumerate(value):
            _check_value(Setting(OBJECT, fields=setting.fields), inner, [*path, i], [])
    elif kind == TABLE:
        _check_table(setting, value, path)
    else:  # a declaration mistake in the code, not in the pack
        raise AssertionError(f"unknown setting type {kind!r}")


_ROW_NOTES = {"source": Setting(TEXT, required=True), "unsourced": Setting(BOOL)}


def _check_table(setting: Setting, value: Any, path: list[str | int]) -> None:
    """A reference table: rows by name, each with the declared values and its source."""
    if not isinstance(value, dict) or not value:
        raise _fail(path, setting, value)
    row = Setting(OBJECT, fields={**setting.fields, **_ROW_NOTES})
    for name, inner in value.items():
        if not isinstance(inner, dict) or not str(inner.get("source", "")).strip():
            raise SettingProblem([*path, name], f"参考表“{name}”一行应写明出处（source）")
        _check_value(row, inner, [*path, name], [])


def _check_conditions(setting: Setting, value: Any, path: list[str | int],
                      named: list[tuple[list[str | int], str]]) -> None:
    if not isinstance(value, list):
        raise _fail(path, setting, value)
    for i, condition in enumerate(value):
        if not isinstance(condition, dict) or not isinstance(condition.get("field"), str) or len(condition) < 2:
            raise SettingProblem([*path, i], "每个条件应写成 {\"field\": 列名, \"equals\"/\"notEquals\"/\"in\"/\"filled\": 值}")
        for key in condition:
            if key not in _CONDITION_KEYS:
                raise SettingProblem([*path, i, key], f"条件里没有“{key}”{suggestion(key, list(_CONDITION_KEYS))}")
        if "in" in condition and not isinstance(condition["in"], list):
            raise SettingProblem([*path, i, "in"], f"应为列表，实际是 {condition['in']!r}")
        if "filled" in condition and not isinstance(condition["filled"], bool):
            raise SettingProblem([*path, i, "filled"], f"应为 true 或 false，实际是 {condition['filled']!r}")
        named.append(([*path, i, "field"], condition["field"]))


def _sheet_refs(declared: Mapping[str, Setting], params: Mapping[str, Any],
                path: list[str | int]) -> list[tuple[list[str | int], str]]:
    found: list[tuple[list[str | int], str]] = []
    for name, value in params.items():
        setting = declared.get(name)
        if setting is None:
            continue
        if setting.type == SHEET:
            found.append(([*path, name], value))
        elif setting.type == OBJECT and isinstance(value, dict):
            found.extend(_sheet_refs(setting.fields, value, [*path, name]))
    return found
