"""The one small interface every kind of source implements (xlsx folder, Google spreadsheet).

A source reads its sheets into `Table`s (through `rules.tables.build_tables`, so matching and
header detection are the same everywhere) and writes alert texts back. The cycle does not
know which kind it talks to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from rules.alerts import ALERT_HEADER, Alert
from rules.model import Finding, Table
from rules.pack.spec import Pack

WriteStatus = Literal["written", "unchanged", "skipped", "aborted", "failed", "readonly"]


@dataclass
class WriteOutcome:
    """Result of writing alerts into one workbook or spreadsheet.

    `reason` is a plain-Chinese sentence for staff ("文件被张老师打开，下次同步再写入");
    `reason_en` the same in English. `api_calls` counts Google API requests (0 for files).
    """

    status: WriteStatus
    reason: str = ""
    reason_en: str = ""
    sheets_changed: list[str] = field(default_factory=list)
    cells_changed: int = 0
    api_calls: int = 0
    backup: str | None = None


class SourceError(Exception):
    """A source that cannot be read at all (missing, corrupt, no access): one clear message."""

    def __init__(self, message: str, message_en: str = ""):
        super().__init__(message)
        self.message = message
        self.message_en = message_en or message


@dataclass
class ReadResult:
    """What one read produced: tables, findings about the source itself (missing sheets,
    unreadable parts), and whatever the source needs to write back safely later."""

    tables: list[Table]
    findings: list[Finding] = field(default_factory=list)
    state: Any = None
    # The pack's alert column header, which the write-back looks for and writes.
    alert_header: str = ALERT_HEADER


class Source(Protocol):
    name: str
    kind: str  # "xlsx" | "gsheets" | "readonly"

    def read(self, pack: Pack) -> ReadResult: ...

    def write(self, read: ReadResult, alerts: dict[str, dict[int, Alert]]) -> WriteOutcome:
        """Write alert texts (sheet title -> row -> Alert; rows absent get an empty cell)."""
        ...
