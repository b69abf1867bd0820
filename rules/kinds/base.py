"""What every rule kind is built from: the rule with its settings, the context it may look
at, the registry of kinds with their declared settings, and helpers the kinds share.

A kind is a function (rule, context) -> findings, registered with `@kind(name, **settings)`
in rules/kinds/rows.py or rules/kinds/periods.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from rules.calendar import SchoolCalendar, Term
from rules.headers import missing_note
from rules.kinds.settings import Setting
from rules.model import ERROR, Finding
from rules.pack.spec import Pack, RuleSpec
from rules.parse import GuessedYearDate
from rules.text import fold
from rules.validate import TypedTable, finding


@dataclass
class Deployment:
    """What a deployment decides that rules need: terms, classes, overrides. The config
    (sync/config/loader.py) is one of these with the rest of a deployment's settings."""

    # Explicit terms; empty means the default autumn/spring terms of every year.
    terms: list[Term] = field(default_factory=list)
    autumn: tuple[str, str] = ("09-01", "01-20")
    spring: tuple[str, str] = ("02-20", "07-10")
    extra_holidays: list[date] = field(default_factory=list)
    extra_workdays: list[date] = field(default_factory=list)
    start_date: date | None = None
    classes: list[str] = field(default_factory=list)
    outbreak_mode: bool = False
    # Rule id -> setting -> value, overriding the schema's defaults.
    rule_settings: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(kw_only=True)
class Settings(Deployment):
    """A deployment's settings for one evaluation: with the day it judges."""

    today: date
    # The shipped food composition table (rules.nutrition.Food rows), read by sync.
    foods: tuple[Any, ...] = ()

    @classmethod
    def of(cls, deployment: Deployment, today: date, **more: Any) -> Settings:
        return cls(today=today, **{f.name: getattr(deployment, f.name) for f in fields(Deployment)}, **more)


class RuleCannotRun(Exception):
    """A rule's column or sheet is missing: said once, in plain words."""

    def __init__(self, zh: str, en: str):
        super().__init__(zh)
        self.zh, self.en = zh, en


@dataclass
class Context:
    """Everything a rule may look at. Rules never read the clock or a file."""

    calendar: SchoolCalendar
    settings: Settings
    pack: Pack
    tables: dict[str, list[TypedTable]]

    @property
    def today(self) -> date:
        return self.settings.today

    @property
    def term(self) -> Term:
        return self.calendar.current_term(self.today)

    def sheet(self, sheet_id: str) -> list[TypedTable]:
        return self.tables.get(sheet_id, [])


@dataclass
class Rule:
    """One declared rule with its settings merged (schema defaults, then config overrides)."""

    spec: RuleSpec
    params: dict[str, Any]

    @property
    def id(self) -> str:
        return self.spec.id

    def severity(self, default: str = ERROR) -> str:
        return self.params.get("severity", default)

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    @property
    def when(self) -> list[dict[str, Any]]:
        """The rule's row conditions (see condition_holds); empty: every row."""
        return self.params.get("when", [])


RuleKind = Callable[[Rule, Context], Iterator[Finding]]


@dataclass(frozen=True)
class KindSpec:
    """A rule kind: its function and the settings it accepts."""

    name: str
    run: RuleKind
    settings: dict[str, Setting]

    def settings_defaults(self) -> dict[str, Any]:
        """The declared defaults, for what a rule leaves out."""
        return {name: s.default for name, s in self.settings.items() if s.default is not None}


KINDS: dict[str, KindSpec] = {}


def kind(name: str, **settings: Setting) -> Callable[[RuleKind], RuleKind]:
    """Register a rule kind under the name the schema uses, with the settings it accepts."""

    def register(function: RuleKind) -> RuleKind:
        KINDS[name] = KindSpec(name, function, settings)
        return function

    return register


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


# --- helpers shared by the kinds -------------------------------------------------------------


def require_columns(typed: TypedTable, names: list[str], rule: Rule) -> None:
    missing = [n for n in names if n and not typed.has(n)]
    if missing:
        joined = "、".join(f"“{n}”" for n in missing)
        note_zh, note_en = missing_note(typed.table, typed.spec, missing)
        raise RuleCannotRun(f"工作表「{typed.table.sheet}」缺少 {joined} 列，规则“{rule.get('title', rule.id)}”无法检查{note_zh}",
                            f"Sheet '{typed.table.sheet}' lacks column(s) {', '.join(missing)}; rule {rule.id} cannot run{note_en}")


def each_row(ctx: Context, rule: Rule, names: list[str]) -> Iterator[tuple[TypedTable, int, tuple[Any, ...]]]:
    """Every row of the rule's sheet as (table, row index, the values of `names`), once the
    columns are known to exist: the loop most kinds start with, written once."""
    for typed in ctx.sheet(rule.spec.sheet_id):
        require_columns(typed, names, rule)
        for index, values in enumerate(zip(*(typed.columns[n] for n in names), strict=True)):
            yield typed, index, values


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def condition_holds(typed: TypedTable, index: int, conditions: list[dict[str, Any]]) -> bool:
    """All conditions of a rule's `when` list hold for a row.

    A condition is {"field": F} plus one of: "equals": V, "notEquals": V, "in": [..],
    "filled": true/false.
    """
    for condition in conditions:
        value = typed.columns[condition["field"]][index]
        if "equals" in condition and not _same(value, condition["equals"]):
            return False
        if "notEquals" in condition and _same(value, condition["notEquals"]):
            return False
        if "in" in condition and not any(_same(value, option) for option in condition["in"]):
            return False
        if "filled" in condition and condition["filled"] == is_blank(value):
            return False
    return True


def _same(value: Any, expected: Any) -> bool:
    if isinstance(value, str) and isinstance(expected, str):
        return fold(value) == fold(expected)
    return value == expected


def condition_fields(conditions: list[dict[str, Any]]) -> list[str]:
    return [c["field"] for c in conditions]


def days_en(count: int) -> str:
    """1 day, 2 days: English counts its days."""
    return f"{count} day" if abs(count) == 1 else f"{count} days"


def item_name(typed: TypedTable, index: int, fields: list[str]) -> str:
    """The row's item as staff call it (the dish, the extinguisher, the child): “滑梯”."""
    # raw_text is None for a missing column or a blank cell.
    text = " ".join(p.strip() for f in fields if (p := typed.raw_text(index, f)))
    return f"“{text}”" if text else f"第{typed.numbers[index]}行"


def year_note(typed: TypedTable, index: int, fields: list[str]) -> tuple[str, str]:
    """When a date of the row was typed without a year, say which year was assumed."""
    for name in fields:
        column = typed.columns.get(name)
        value = column[index] if column is not None else None
        if value.__class__ is GuessedYearDate:
            return (f"（{name}“{typed.raw_text(index, name)}”未写年份，按 {value.year} 年计算）",
                    f" ({name} '{typed.raw_text(index, name)}' has no year; {value.year} assumed)")
    return "", ""


def row_finding(typed: TypedTable, index: int, rule: Rule, severity: str, zh: str, en: str, column: str | None = None,
                date_fields: list[str] | None = None) -> Finding:
    note_zh, note_en = year_note(typed, index, date_fields or [])
    value = typed.raw_text(index, column) if column else None
    return finding(typed, index, column, rule.id, severity, zh + note_zh, en + note_en, value, kind="rule")


def sheet_finding(ctx: Context, sheet_id: str, rule: Rule, severity: str, zh: str, en: str, key_part: str,
                  typed: TypedTable | None = None) -> Finding:
    """A finding about the sheet as a whole (a missing day's record): no row to point at."""
    tables = ctx.sheet(sheet_id)
    table = (typed or tables[0]).table if (typed or tables) else None
    sheet_name = table.sheet if table else ctx.pack.sheet(sheet_id).name
    source = table.source if table else "*"
    return Finding(source=source, sheet=sheet_name, row=None, column=None, cell=None, rule=rule.id, kind="rule",
                   severity=severity, message=zh, message_en=en, value=None,
                   key=f"{source}|{sheet_id}|{key_part}|{rule.id}", sheet_id=sheet_id)
