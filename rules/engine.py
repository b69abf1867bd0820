"""Runs the pack's rules over validated tables: (tables, today, settings) -> findings.

Each rule in `sheets_schema.json` names a kind (rules/kinds/) and its settings; a config may
override any setting by rule id. A rule that cannot run (a column or sheet missing) gives
one clear finding and the others still run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rules.calendar import SchoolCalendar, Term
from rules.headers import missing_note
from rules.model import ERROR, WARNING, Finding
from rules.pack.spec import Pack, RuleSpec
from rules.parse import GuessedYearDate
from rules.row_guard import ROW_WISE, row_by_row
from rules.text import fold
from rules.validate import TypedTable, finding


@dataclass
class Settings:
    """What a deployment decides that rules need: today, terms, classes, overrides."""

    today: date
    classes: list[str] = field(default_factory=list)
    outbreak_mode: bool = False
    rule_settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Explicit terms (objects with name, start, end); empty means the default terms each year.
    terms: list[Any] = field(default_factory=list)
    autumn: tuple[str, str] = ("09-01", "01-20")
    spring: tuple[str, str] = ("02-20", "07-10")
    extra_holidays: list[date] = field(default_factory=list)
    extra_workdays: list[date] = field(default_factory=list)
    start_date: date | None = None


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
KINDS: dict[str, RuleKind] = {}


def kind(name: str) -> Callable[[RuleKind], RuleKind]:
    """Register a rule kind under the name the schema uses."""

    def register(function: RuleKind) -> RuleKind:
        KINDS[name] = function
        return function

    return register


# --- helpers shared by the kinds -------------------------------------------------------------


def require_columns(typed: TypedTable, names: list[str], rule: Rule) -> None:
    missing = [n for n in names if n and not typed.has(n)]
    if missing:
        joined = "、".join(f"“{n}”" for n in missing)
        note_zh, note_en = missing_note(typed.table, typed.spec, missing)
        raise RuleCannotRun(f"工作表「{typed.table.sheet}」缺少 {joined} 列，规则“{rule.get('title', rule.id)}”无法检查{note_zh}",
                            f"Sheet '{typed.table.sheet}' lacks column(s) {', '.join(missing)}; rule {rule.id} cannot run{note_en}")


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


# --- evaluation -------------------------------------------------------------------------------


def merged_rules(pack: Pack, settings: Settings) -> list[Rule]:
    rules = []
    for sheet in pack.sheets:
        for spec in sheet.rules:
            params = {**spec.params, **settings.rule_settings.get(spec.id, {})}
            if params.get("enabled", True):
                rules.append(Rule(spec=spec, params=params))
    return rules


def evaluate(tables: list[TypedTable], pack: Pack, settings: Settings) -> tuple[list[Finding], dict[str, Any]]:
    """Every enabled rule of the pack over the tables; a rule that cannot run says so."""
    from rules import kinds  # noqa: F401 - registers the kinds

    calendar = SchoolCalendar(settings.terms, settings.autumn, settings.spring, settings.extra_holidays,
                              settings.extra_workdays)
    by_sheet: dict[str, list[TypedTable]] = {}
    for typed in tables:
        by_sheet.setdefault(typed.table.sheet_id, []).append(typed)
    ctx = Context(calendar=calendar, settings=settings, pack=pack, tables=by_sheet)
    findings: list[Finding] = []
    for rule in merged_rules(pack, settings):
        if not by_sheet.get(rule.spec.sheet_id):
            continue  # the sheet is absent: already one finding for that
        try:
            findings.extend(list(KINDS[rule.spec.kind](rule, ctx)))  # all or nothing, for a rerun
        except RuleCannotRun as exc:
            findings.append(sheet_finding(ctx, rule.spec.sheet_id, rule, WARNING, exc.zh, exc.en, "cannot-run"))
        except Exception as exc:  # a rule's own bug must not hide every other alert
            if rule.spec.kind in ROW_WISE:  # one odd row: that row says so, the others are judged
                findings.extend(row_by_row(rule, ctx, KINDS[rule.spec.kind]))
                continue
            findings.append(sheet_finding(ctx, rule.spec.sheet_id, rule, WARNING,
                                          f"规则“{rule.get('title', rule.id)}”无法运行（{type(exc).__name__}），其他检查不受影响",
                                          f"Rule {rule.id} could not run ({exc})", "cannot-run"))
    zh, en = calendar.warnings()
    summary: dict[str, Any] = {"calendar_warnings": zh, "calendar_warnings_en": en, "coverage": coverage(ctx)}
    return findings, summary


def coverage(ctx: Context) -> dict[str, Any]:
    """入园体检率 and 接种证查验率 over the children's records (target 100%)."""
    children = ctx.sheet("children")
    total = sum(len(t) for t in children)
    examined = sum(1 for t in children for i in range(len(t))
                   if t.has("入园体检日期") and t.columns["入园体检日期"][i] is not None)
    checked = sum(1 for t in children for i in range(len(t))
                  if t.has("接种证查验") and t.columns["接种证查验"][i] == "已查验")

    def rate(count: int) -> dict[str, Any]:
        return {"count": count, "total": total, "percent": round(100 * count / total, 1) if total else None, "target": 100}

    return {"入园体检率": rate(examined), "接种证查验率": rate(checked)}
