"""自定义表: a new register without JSON. One row per column of the new sheet:
表名, 列名, 类型 (文字/数字/日期/选项), 必填, 选项, and the common rules as columns of that row:

- 到期提醒天数 N on a 日期 column: the column is a due date; warning N days before, error after;
- 填了哪列时必填 X: this column must be filled when column X is;
- 记录频次 (每个上学日/每周/每月) on a 日期 column: at least one row per school day, week or month.

Each table becomes a `SheetSpec` with rules of the pack's own kinds, checked by the pack's own
check (rules.pack.load.check_rules): what the pack would refuse, the sheet refuses too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rules.kinds.settings import suggestion
from rules.model import Finding
from rules.pack.load import SchemaError, check_rules
from rules.pack.spec import FieldSpec, Pack, RuleSpec, SheetSpec
from rules.settings_sheet.row import Row
from rules.text import fold
from rules.validate import TypedTable

HEADERS = ("表名", "列名", "类型", "必填", "选项", "到期提醒天数", "填了哪列时必填", "记录频次", "说明")
TYPES = {"文字": "string", "数字": "number", "日期": "date", "选项": "string"}
PERIODS = {"每个上学日": "school_day", "每周": "school_week", "每月": "school_month"}
_OPTIONS = re.compile(r"[、,，;；/\n]+")
RULE = "settings.custom"


@dataclass
class _Column:
    row: Row
    field: FieldSpec
    due_days: int | None = None
    filled_when: str = ""
    period: str = ""


@dataclass
class Custom:
    """The registers the sheet defines, and what is wrong with its rows."""

    sheets: list[SheetSpec] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        """“校车检查：车牌、检查日期、下次检查日期（3 条规则）”, for the page."""
        return [f"{s.name}：{'、'.join(f.name for f in s.fields)}（{len(s.rules)} 条规则）" for s in self.sheets]


def _id(prefix: str, text: str) -> str:
    """An id the pack accepts, stable while the name stays (alerts keep their keys)."""
    return f"{prefix}_{hashlib.sha1(text.encode('utf-8')).hexdigest()[:8]}"


def read_custom(tables: Iterable[TypedTable], pack: Pack) -> Custom:
    custom = Custom()
    tables_by_name: dict[str, tuple[str, list[_Column]]] = {}
    for typed in tables:
        for index in range(len(typed)):
            row = Row(typed, index, custom.findings)
            _column(row, pack, tables_by_name)
    for name, columns in tables_by_name.values():
        sheet = _sheet(name, columns)
        if sheet is None:
            continue
        try:
            check_rules(Pack(sheets=[*pack.sheets, *custom.sheets, sheet], alert_header=pack.alert_header))
        except SchemaError as exc:  # the pack's own check: a mistake it would refuse in the JSON
            columns[0].row.say("表名", RULE, f"自定义表“{name}”无法使用：{exc.message}", f"Custom sheet {name}: {exc.message}")
            continue
        custom.sheets.append(sheet)
    return custom


def _column(row: Row, pack: Pack, tables_by_name: dict[str, tuple[str, list[_Column]]]) -> None:
    name, column, kind = row.text("表名"), row.text("列名"), row.text("类型")
    if not name or not column or kind not in TYPES or row.refuses(HEADERS, RULE):
        return  # a blank or unknown 类型: validation already said so
    taken = next((s for s in pack.sheets if fold(name) in s.names), None)
    if taken is not None:
        row.say("表名", RULE, f"已有名为“{taken.name}”的表，自定义表请换一个名字", f"A sheet named {taken.name} exists already")
        return
    _, columns = tables_by_name.setdefault(fold(name), (name, []))
    first = next((c for c in columns if fold(c.field.name) == fold(column)), None)
    if first is not None:
        row.say("列名", RULE, f"“{name}”的列“{column}”已在第 {first.row.number} 行定义，本行不生效",
                f"{name}: column {column} is defined in row {first.row.number} already", column)
        return
    options = tuple(o.strip() for o in _OPTIONS.split(row.text("选项")) if o.strip())
    if kind == "选项" and not options:
        row.say("选项", RULE, f"“{column}”是选项列，请在“选项”里写出可选的值（用顿号分隔）", f"{column}: list the options")
        return
    spec = FieldSpec(name=column, type=TYPES[kind], required=row.text("必填") == "是", enum=options if kind == "选项" else (),
                     description=row.text("说明"))
    entry = _Column(row, spec, filled_when=row.text("填了哪列时必填"))
    days, period = row.value("到期提醒天数"), row.text("记录频次")
    if (days is not None or period) and kind != "日期":
        row.say("到期提醒天数" if days is not None else "记录频次", RULE,
                f"“{column}”不是日期列，不能设到期提醒或记录频次", f"{column} is not a date column")
    elif days is not None:
        entry.due_days = int(days)
    if period in PERIODS and kind == "日期":
        entry.period = PERIODS[period]
    columns.append(entry)


def _sheet(name: str, columns: list[_Column]) -> SheetSpec | None:
    if not columns:
        return None
    sheet_id = _id("custom", fold(name))
    names = [c.field.name for c in columns]
    texts = [c.field.name for c in columns if c.field.type == "string"][:1]
    sheet = SheetSpec(id=sheet_id, name=name, fields=[c.field for c in columns],
                      description=f"自定义表（由设置表“自定义表”定义，第 {columns[0].row.number} 行起）")
    for column in columns:
        rule_id = _id(sheet_id, column.field.name)
        where = f"自定义表 第 {column.row.number} 行"
        if column.due_days is not None:
            sheet.rules.append(RuleSpec(f"{rule_id}_due", "deadline", sheet_id, {
                "title": f"{name}：{column.field.name}到期提醒", "due": {"field": column.field.name},
                "warn_days": column.due_days, "label": column.field.name, "item": texts}, where))
        if column.filled_when:
            if column.filled_when not in names:
                column.row.say("填了哪列时必填", RULE, f"“{name}”没有“{column.filled_when}”这一列"
                               f"{suggestion(column.filled_when, names)}", f"{name} has no column {column.filled_when}")
            else:
                sheet.rules.append(RuleSpec(f"{rule_id}_required", "required_if", sheet_id, {
                    "title": f"{name}：填了{column.filled_when}须填{column.field.name}",
                    "when": [{"field": column.filled_when, "filled": True}], "require": [{"field": column.field.name}],
                    "item": texts}, where))
        if column.period:
            sheet.rules.append(RuleSpec(f"{rule_id}_every", "completeness", sheet_id, {
                "title": f"{name}：按时记录", "date": column.field.name, "period": column.period,
                "label": f"{name}记录"}, where))
    return sheet


def extended(pack: Pack, custom: Custom) -> Pack:
    """The pack with the custom registers: what the sources read and the rules judge."""
    return Pack(sheets=[*pack.sheets, *custom.sheets], alert_header=pack.alert_header, title=pack.title)
