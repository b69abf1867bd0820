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


def row_people(typed: TypedTable, index: int, seen: dict[tuple, People] | None = None) -> People:
    """Every (role, name) that row `index` of the table names. With `seen`, rows whose role cells
    hold the same texts share one tuple: a sheet names the same few staff on row after row, so
    who a row names is worked out once per distinct text (and a million-row sheet holds it once)."""
    texts = tuple(typed.raw_text(index, role) if typed.has(role) else None for role in ROLES)
    if seen is not None and texts in seen:
        return seen[texts]
    named = tuple((role, name) for role, text in zip(ROLES, texts, strict=True) if text is not None
                  for name in listed(text))
    if seen is not None:
        seen[texts] = named
    return named


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
    people: dict[str, People] = {}
    # Absent roles are None in the key, so one cache serves sheets with different columns.
    seen: dict[tuple, People] = {}
    for finding in findings:
        place = (finding.source, finding.sheet)
        typed = by_sheet.get(place)
        if typed is None or finding.row is None:
            continue
        position = typed.position(finding.row)
        if position is None:
            continue
        named = row_people(typed, position, seen)
        if named:
            finding.owner = owner_of(named)
            people[finding.key] = named
    return people
