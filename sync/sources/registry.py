"""The sources a config names, made ready for a cycle: what each kind does before its
sources are read (a workbook folder finishes a write that was interrupted), then one
`Source` per workbook or spreadsheet. The cycle talks to these only through `Source`."""

from __future__ import annotations

from rules.alerts import Alert
from rules.model import Finding
from rules.pack.spec import Pack
from sync.config.loader import Config
from sync.sources.base import ReadResult, Source, SourceError, WriteOutcome
from sync.sources.failures import as_source_error
from sync.sources.xlsx.leftovers import recover_folders
from sync.sources.xlsx.source import WorkbookSource, discover, empty_folder


def prepare(config: Config) -> list[Finding]:
    """Housekeeping before a cycle that writes: a write interrupted last time (power cut,
    killed process) is finished first, so that no workbook is missing from its name for
    longer than until the next cycle. Findings say what was done or could not be."""
    return recover_folders(config.paths)


def make_sources(config: Config) -> list[Source]:
    sources: list[Source] = []
    for path in config.paths:
        found = discover([path])
        if found:
            sources.extend(WorkbookSource(workbook, config.backups, config.limits) for workbook in found)
        else:  # an emptied or mistyped folder is a source that failed, never "no problems"
            sources.append(UnavailableSource(str(path), empty_folder(path), kind="xlsx"))
    if config.google.spreadsheets:
        from sync.sources.gsheets.source import google_sources

        try:
            sources.extend(google_sources(config))
        except Exception as exc:  # noqa: BLE001 - no usable key: each spreadsheet fails, the workbooks go on
            sources.extend(UnavailableSource(f"Google 表格 {s.key}", as_source_error(f"Google 表格 {s.key}", exc))
                           for s in config.google.spreadsheets)
    return sources


class UnavailableSource:
    """A source that cannot even be opened; reading it reports why, every cycle."""

    def __init__(self, name: str, error: SourceError, kind: str = "gsheets"):
        self.name, self.error, self.kind = name, error, kind

    def read(self, pack: Pack) -> ReadResult:
        raise self.error

    def write(self, read: ReadResult, alerts: dict[str, dict[int, Alert]]) -> WriteOutcome:
        raise self.error
