"""Runs the pack's rules over validated tables: (tables, today, settings) -> findings.

Each rule in the pack names a kind (rules/kinds/) and its settings; a config may override
any setting by rule id. A rule that cannot run (a column or sheet missing) gives one clear
finding and the others still run.
"""

from __future__ import annotations

from typing import Any

from rules.calendar import SchoolCalendar
from rules.figures import figures
from rules.kinds import KINDS
from rules.kinds.base import Context, Rule, RuleCannotRun, Settings, sheet_finding
from rules.kinds.outbreaks import under_observation, urgent_rules
from rules.model import WARNING, Finding
from rules.pack.spec import Pack
from rules.row_guard import ROW_WISE, row_by_row
from rules.validate import TypedTable


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
    calendar = SchoolCalendar(settings.terms, settings.autumn, settings.spring, settings.extra_holidays,
                              settings.extra_workdays)
    by_sheet: dict[str, list[TypedTable]] = {}
    for typed in tables:
        by_sheet.setdefault(typed.table.sheet_id, []).append(typed)
    ctx = Context(calendar=calendar, settings=settings, pack=pack, tables=by_sheet)
    findings: list[Finding] = []
    rules = merged_rules(pack, settings)
    for rule in rules:
        if not by_sheet.get(rule.spec.sheet_id):
            continue  # the sheet is absent: already one finding for that
        try:
            findings.extend(list(KINDS[rule.spec.kind].run(rule, ctx)))  # all or nothing, for a rerun
        except RuleCannotRun as exc:
            findings.append(sheet_finding(ctx, rule.spec.sheet_id, rule, WARNING, exc.zh, exc.en, "cannot-run"))
        except Exception as exc:  # a rule's own bug must not hide every other alert
            if rule.spec.kind in ROW_WISE:  # one odd row: that row says so, the others are judged
                findings.extend(row_by_row(rule, ctx, KINDS[rule.spec.kind].run))
                continue
            findings.append(sheet_finding(ctx, rule.spec.sheet_id, rule, WARNING,
                                          f"规则“{rule.get('title', rule.id)}”无法运行（{type(exc).__name__}），其他检查不受影响",
                                          f"Rule {rule.id} could not run ({exc})", "cannot-run"))
    zh, en = calendar.warnings()
    try:
        observed = under_observation(rules, ctx)
    except Exception:  # never lose the check for the page's list: the isolation rules say what is wrong
        observed = []
    summary: dict[str, Any] = {"calendar_warnings": zh, "calendar_warnings_en": en, "coverage": figures(pack, by_sheet, settings.today),
                              # The status page's health watch: classes under observation, and which
                              # rules' findings are outbreak signals (webapp reads the state only).
                              "observations": observed, "urgent_rules": sorted(urgent_rules(pack))}
    return findings, summary
