"""Who should act on a finding: every person its row names, by role (责任人, 经手人, 执行人,
保管人, in that order; "张三、李四" names two), and the first of them as its `owner`.

The status page's to-do is grouped by the owner, the digest counts by the owner, and a
notification @mentions every person named. A finding without a row that names someone (a
missing day's record, a sheet-wide problem) is unassigned ("")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rules.model import Finding
from rules.text import listed
from rules.validate import TypedTable

ROLES = ("责任人", "经手人", "执行人", "保管人")
RECEIVER = "接收人"  # a person the 通知人员 sheet makes receive a sheet's alerts
# Staff list two people as "张三、李四" or "张三/李四" (rules.text.listed splits them).

People = tuple[tuple[str, str], ...]  # (role, name), in the order of ROLES


def owner_of(people: Iterable[tuple[str, str]]) -> str:
    """The one person who should act: the first one named."""
    return next((name for _, name in people), "")


def row_people(typed: TypedTable, index: int) -> People:
    """Every (role, name) that row `index` of the table names."""
    return tuple((role, name) for role in ROLES if typed.has(role)
                 for name in listed(typed.raw_text(index, role)))


def assign_owners(findings: Iterable[Finding], tables: Iterable[TypedTable],
                  receives: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, People]:
    """Set `owner` on every finding about a row that names someone; returns finding key ->
    everyone the row names, for the notifications, and everyone who receives its sheet
    (`receives`: name -> sheet ids, "*" every sheet; from the 通知人员 sheet) as 接收人."""
    findings = list(findings)
    people = _row_owners(findings, tables)
    for name, sheets in (receives or {}).items():
        for finding in findings:
            if "*" in sheets or finding.sheet_id in sheets:
                named = people.get(finding.key, ())
                if all(person != name for _, person in named):
                    people[finding.key] = (*named, (RECEIVER, name))
    return people


def _row_owners(findings: list[Finding], tables: Iterable[TypedTable]) -> dict[str, People]:
    by_sheet = {(t.table.source, t.table.sheet): t for t in tables if any(t.has(role) for role in ROLES)}
    index: dict[tuple[str, str], dict[int, int]] = {}
    people: dict[str, People] = {}
    # A sheet names the same few people on row after row: who a row names is worked out once
    # per distinct text of its role cells (per sheet, since sheets have different columns).
    known: dict[tuple[str, str], dict[tuple, People]] = {}
    for finding in findings:
        place = (finding.source, finding.sheet)
        typed = by_sheet.get(place)
        if typed is None or finding.row is None:
            continue
        rows = index.get(place)
        if rows is None:  # built once per sheet
            rows = index[place] = {n: i for i, n in enumerate(typed.numbers)}
            known[place] = {}
        position = rows.get(finding.row)
        if position is None:
            continue
        texts = tuple([typed.raw_text(position, role) for role in ROLES])
        seen = known[place]
        named = seen.get(texts)
        if named is None:
            named = seen[texts] = row_people(typed, position)
        if named:
            finding.owner = owner_of(named)
            people[finding.key] = named
    return people
