"""The data every layer shares: raw tables read from a source, and findings about them.

A source (xlsx file, Google spreadsheet) produces `Table`s; validation types their cells
(rules.validate.TypedTable); validation and rules produce `Finding`s. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Literal

Severity = Literal["error", "warning"]
Kind = Literal["validation", "rule"]

ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True)
class CellError:
    """A spreadsheet error value such as #REF! or #DIV/0!, kept distinct from text."""

    code: str

    def __str__(self) -> str:
        return self.code


@lru_cache(maxsize=1024)  # the same few columns are named for every finding
def column_letter(index: int) -> str:
    """0-based column index -> spreadsheet letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str | bytes) -> int:
    """Spreadsheet letters -> 1-based column number (A -> 1, AA -> 27), any number of letters."""
    number = 0
    for char in letters.upper().encode() if isinstance(letters, str) else letters.upper():
        number = number * 26 + char - 64
    return number


def cell_ref(row: int, column_index: int) -> str:
    """Sheet row number (1-based) and 0-based column index -> A1 reference."""
    return f"{column_letter(column_index)}{row}"


@dataclass
class Table:
    """One sheet of a source, matched to a sheet of the pack.

    `columns` maps a pack field name to its 0-based column index; `headers` are the header
    texts as staff typed them. Data rows are two parallel lists, `numbers` (the sheet's own
    row numbers) and `cells`, because a 100,000-row sheet should not cost 100,000 objects.
    `alert_column` is the 0-based index of the 系统提醒 column when the sheet has one.
    """

    source: str
    sheet: str
    sheet_id: str
    header_row: int
    headers: list[str]
    columns: dict[str, int]
    numbers: list[int]
    cells: list[list[Any]]
    alert_column: int | None = None
    # Filled by the reader when it knows better than a plain list (e.g. Google's sheetId).
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)  # a run on a big sheet holds hundreds of thousands
class Finding:
    """One problem: a validation error of a cell or sheet, or a rule's alert about a row.

    `key` is stable across cycles: sheet + the row's identity (its key columns) + rule, so an
    alert can be followed from opened to resolved even when rows move.
    """

    source: str
    sheet: str
    row: int | None
    column: str | None
    cell: str | None
    rule: str
    kind: Kind
    severity: Severity
    message: str
    message_en: str
    value: str | None
    key: str
    # The pack sheet this is about ("inspections"), whatever the workbook calls the sheet.
    sheet_id: str = ""
    # Who should act (the row's 责任人/经手人/...; see rules.owners) and by when, for the to-do.
    owner: str = ""
    due: date | None = None

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "source": self.source,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "rule": self.rule,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message_en if lang == "en" else self.message,
            "value": self.value,
            "key": self.key,
            "sheet_id": self.sheet_id,
            "owner": self.owner,
            "due": self.due.isoformat() if self.due else None,
        }


def display_value(value: Any) -> str | None:
    """The value as a staff member would recognise it in a message."""
    if value is None:
        return None
    if value.__class__ is str:  # the common case, first
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat") and not isinstance(value, str):
        # Times as staff type them: 14:00, not 14:00:00 (seconds only when there are some).
        whole_minute = getattr(value, "second", 1) == 0 and getattr(value, "microsecond", 1) == 0
        text = value.isoformat(timespec="minutes") if whole_minute else value.isoformat()
        return text.replace("T", " ")
    return str(value)
