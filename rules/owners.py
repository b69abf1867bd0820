"""Who should act on a finding: the person named on its row (责任人, 经手人, 执行人 or 保管人,
the first one the row fills in). The to-do on the status page is grouped by this name;
a finding without one (a missing day's record, a sheet-wide problem) is unassigned ("")."""

from __future__ import annotations

from rules.model import Finding
from rules.validate import TypedTable

OWNER_FIELDS = ("责任人", "经手人", "执行人", "保管人")


def assign_owners(findings: list[Finding], tables: list[TypedTable]) -> None:
    """Set `owner` on every finding about a row whose sheet names a person for it."""
    by_sheet: dict[tuple[str, str], tuple[TypedTable, dict[int, int]]] = {}
    for typed in tables:
        if any(typed.has(name) for name in OWNER_FIELDS):
            by_sheet[(typed.table.source, typed.table.sheet)] = (typed, {n: i for i, n in enumerate(typed.numbers)})
    for finding in findings:
        found = by_sheet.get((finding.source, finding.sheet)) if finding.row is not None else None
        if found is None:
            continue
        typed, index_of = found
        index = index_of.get(finding.row)
        if index is None:
            continue
        for name in OWNER_FIELDS:
            text = typed.raw_text(index, name)
            if text:
                finding.owner = text.strip()
                break
