"""Who should act on an alert: the person named in its row's 责任人, 经手人 or 执行人 column."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rules.model import Finding
from rules.validate import TypedTable

ROLES = ("责任人", "经手人", "执行人")
# Staff list two people as "张三、李四" or "张三/李四".
_SEPARATORS = re.compile(r"[、,，/;；\s]+")


def responsible(findings: Iterable[Finding], tables: Iterable[TypedTable]) -> dict[str, list[tuple[str, str]]]:
    """Finding key -> [(role, name)] read from the finding's row; rows naming nobody are left out."""
    by_sheet = {(t.table.source, t.table.sheet): t for t in tables if any(t.has(role) for role in ROLES)}
    index: dict[tuple[str, str], dict[int, int]] = {}
    people: dict[str, list[tuple[str, str]]] = {}
    for finding in findings:
        table = by_sheet.get((finding.source, finding.sheet))
        if table is None or finding.row is None:
            continue
        rows = index.get((finding.source, finding.sheet))
        if rows is None:  # built once per sheet (setdefault would build it for every finding)
            rows = index[(finding.source, finding.sheet)] = {n: i for i, n in enumerate(table.numbers)}
        position = rows.get(finding.row)
        if position is None:
            continue
        named = [(role, name) for role in ROLES if table.has(role)
                 for name in _SEPARATORS.split(table.raw_text(position, role) or "") if name]
        if named:
            people[finding.key] = named
    return people
