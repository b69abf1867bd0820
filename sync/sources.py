"""The one small interface every kind of source implements (xlsx folder, Google spreadsheet).

A source reads its sheets into `Table`s (through `rules.tables.build_tables`, so matching and
header detection are the same everywhere) and writes alert texts back. The cycle does not
know which kind it talks to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from rules.alerts import Alert
from rules.model import Finding, Table
from rules.schema import Pack
from sync.outcome import WriteOutcome


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


class Source(Protocol):
    name: str
    kind: str  # "xlsx" | "gsheets" | "readonly"

    def read(self, pack: Pack) -> ReadResult: ...

    def write(self, read: ReadResult, alerts: dict[str, dict[int, Alert]]) -> WriteOutcome:
        """Write alert texts (sheet title -> row -> Alert; rows absent get an empty cell)."""
        ...
