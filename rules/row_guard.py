"""A rule that meets a value it cannot work with reports that row and goes on with the others.

The row-wise kinds judge each row on its own, so when one of them fails on some odd value
(a date pushed past the year 9999 by an absurd interval), it is run again one row at a time:
every other row gets its alerts, and the odd row gets a finding that says it was not checked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from rules.model import WARNING, Finding
from rules.validate import TypedTable, finding

# Kinds whose findings about a row depend on that row alone.
ROW_WISE = frozenset({"due_by_interval", "deadline", "expiry", "comparison", "required_if", "duration",
                      "computed", "forbidden_words", "within_days", "isolation"})


def one_row(typed: TypedTable, index: int) -> TypedTable:
    """The table cut down to one of its rows, keeping that row's identity (so its keys)."""
    return TypedTable(
        table=typed.table, spec=typed.spec, numbers=[typed.numbers[index]],
        columns={name: [values[index]] for name, values in typed.columns.items()},
        raw={name: [values[index]] for name, values in typed.raw.items()},
        invalid={name: {0} for name, rows in typed.invalid.items() if index in rows},
        _identities=[typed.identity(index)],
    )


def row_by_row(rule: Any, ctx: Any, run: Callable[[Any, Any], Iterable[Finding]]) -> list[Finding]:
    """The rule's findings computed row by row; a row it fails on gets one finding instead."""
    found: list[Finding] = []
    sheet_id = rule.spec.sheet_id
    title = rule.get("title", rule.id)
    for typed in ctx.sheet(sheet_id):
        for index in range(len(typed)):
            alone = dataclasses.replace(ctx, tables={**ctx.tables, sheet_id: [one_row(typed, index)]})
            try:
                found.extend(run(rule, alone))
            except Exception as exc:  # noqa: BLE001 - exactly what this row is reported for
                number = typed.numbers[index]
                found.append(finding(
                    typed, index, None, rule.id, WARNING,
                    f"第{number}行有规则“{title}”无法计算的值（{type(exc).__name__}），这一行没有按这条规则检查，请核对这一行的数字和日期",
                    f"Row {number} holds a value rule {rule.id} cannot compute with ({exc}); that row was not checked by it",
                    kind="rule"))
    return found
