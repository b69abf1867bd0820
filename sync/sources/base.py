"""The one small interface every kind of source implements (xlsx folder, Google spreadsheet).

A source reads its sheets into `Table`s (through `rules.tables.build_tables`, so matching and
header detection are the same everywhere) and writes alert texts back. The cycle does not
know which kind it talks to: what a kind needs besides (finishing an interrupted write,
whole-file problems, links) is behind this interface and sync/sources/registry.py.
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
    # Sheets besides its tables and findings that this read speaks for: an open alert on one
    # of them is resolved when the read no longer finds it (a workbook's whole-file problems).
    also_covers: tuple[str, ...] = ()
    # Where staff open the source, and its sheets' ids there, for links to cells (Google).
    url: str | None = None
    sheet_ids: dict[str, int] = field(default_factory=dict)

    @property
    def covers(self) -> list[str]:
        """Every sheet this read speaks for: only their alerts may resolve."""
        return sorted({t.sheet for t in self.tables} | {f.sheet for f in self.findings} | set(self.also_covers))


class Source(Protocol):
    name: str
    kind: str  # "xlsx" | "gsheets" | "readonly"

    def read(self, pack: Pack) -> ReadResult: ...

    def write(self, read: ReadResult, alerts: dict[str, dict[int, Alert]]) -> WriteOutcome:
        """Write alert texts (sheet title -> row -> Alert; rows absent get an empty cell)."""
        ...
