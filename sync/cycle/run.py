"""One sync cycle: read every source, validate, apply the rules, write alerts back.

`check` is the read-only half (the `check` command); `run_cycle` adds the write-back and is
what `run` and the service's timer call.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rules.alerts import Alert, row_alerts
from rules.engine import Settings, evaluate
from rules.model import Finding
from rules.owners import assign_owners
from rules.pack.spec import Pack
from rules.tables import missing_sheets
from rules.validate import TypedTable, validate
from sync.config.loader import Config
from sync.config.pack_file import pack_for
from sync.cycle import settings_sheet
from sync.cycle.outcome import RunResult, SourceResult
from sync.nutrition import analysis as nutrition
from sync.nutrition.data import shipped_foods
from sync.sources.base import ReadResult, Source, WriteOutcome
from sync.sources.failures import as_source_error
from sync.sources.registry import make_sources, prepare


def today_for(config: Config) -> date:
    """The local date where the kindergarten is, not where the server's clock thinks."""
    return datetime.now(config.zone).date()


@dataclass
class CheckResult:
    """What a read-only check found, and what is needed to write it back."""

    today: date
    findings: list[Finding]
    tables: list[TypedTable]
    reads: dict[str, ReadResult] = field(default_factory=dict)
    sources: list[SourceResult] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    # Finding key -> everyone its row names (rules.owners), for the notifications.
    people: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # What the 设置 sheets set and every rule setting's effective value (sync.cycle.settings_sheet).
    settings: dict[str, Any] = field(default_factory=dict)
    # The pack as judged: the shipped one, with the registers a 自定义表 defines.
    pack: Pack | None = None

    @property
    def failed(self) -> list[SourceResult]:
        return [s for s in self.sources if not s.read_ok]


_BIG_READ = 100_000  # rows read in one cycle past which freed memory is handed back at once


def return_freed_memory() -> None:
    """Hand the pages the C allocator holds free back to the system. glibc keeps what a big
    read or the judged tables let go (holes in its heap, which Python's small objects never
    reuse), so a million-row cycle would otherwise peak at what it freed plus what follows;
    Windows' heap returns large blocks by itself. Elsewhere: nothing to do."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes  # only for a big read: not every `check` pays its import

    with suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def _read(pack: Pack, today: date, sources: list[Source]) -> CheckResult:
    """Every source read and validated against `pack`."""
    result = CheckResult(today=today, findings=[], tables=[])
    for source in sources:
        try:
            read = source.read(pack)
        except Exception as exc:  # noqa: BLE001 - whatever one source does, the others are read
            exc = as_source_error(source.name, exc)
            result.sources.append(SourceResult(source=source.name, kind=source.kind, read_ok=False,  # type: ignore[arg-type]
                                               error=exc.message, error_en=exc.message_en))
            continue
        result.reads[source.name] = read
        result.sources.append(SourceResult(source=source.name, kind=source.kind, read_ok=True,  # type: ignore[arg-type]
                                           url=read.url, sheet_ids=read.sheet_ids, sheets=read.covers))
        result.findings.extend(read.findings)
        for table in read.tables:
            # Its columns hold every value: the rows as read would double a big sheet's cost.
            typed, problems = validate(table, pack.sheet(table.sheet_id), today, release_rows=True)
            result.tables.append(typed)
            result.findings.extend(problems)
    if sum(map(len, result.tables)) >= _BIG_READ:
        return_freed_memory()  # the sheet XML, calamine's slices and the rows as read are gone
    if result.reads:
        present = {t.table.sheet_id for t in result.tables}
        present |= {f.sheet_id for f in result.findings if f.rule in ("sheet.empty", "sheet.no_header")}
        result.findings.extend(missing_sheets(present, pack, list(result.reads)))
    return result


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cycle collector run less often while a check builds its cells, columns and
    findings (millions of objects, hardly a cycle among them): at the default threshold it went
    through them again and again, a tenth of a 100,000-row check's time."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], 50_000), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def check(config: Config, pack: Pack, today: date, sources: list[Source] | None = None,
          judge: bool = True) -> CheckResult:
    """Read and judge every source; never writes. Unreadable sources are listed, not raised.
    With `judge` False only read and validate (what `nutrition` needs)."""
    with _fewer_collections():
        return _check(config, pack, today, sources, judge)


def _check(config: Config, pack: Pack, today: date, sources: list[Source] | None, judge: bool) -> CheckResult:
    sources = sources if sources is not None else make_sources(config)
    result = _read(pack, today, sources)
    custom = settings_sheet.custom_registers(pack, result.tables)
    if custom.sheets:  # registers the 自定义表 defines: read again, now knowing their sheets
        pack = settings_sheet.extended(pack, custom)
        result = _read(pack, today, sources)
    result.pack = pack
    if not judge:
        return result
    applied = settings_sheet.apply(config, pack, result.tables, custom=custom)
    result.findings.extend(applied.findings)
    result.settings = applied.view
    config = applied.config
    rule_findings, summary = evaluate(result.tables, pack, Settings.of(config, today, foods=shipped_foods()))
    result.findings.extend(rule_findings)
    try:
        nutrition_findings, summary["nutrition"] = nutrition.monthly(result.tables, config.nutrition, today)
    except Exception as exc:  # noqa: BLE001 - the analysis's bug costs its figures, never the cycle
        logging.getLogger("houqin").exception("营养分析计算失败")
        nutrition_findings = [nutrition.failed(exc)]
    result.findings.extend(nutrition_findings)
    result.people = assign_owners(result.findings, result.tables, applied.receives)
    result.summary = summarise(result.findings, summary)
    return result


def summarise(findings: list[Finding], extra: dict[str, Any]) -> dict[str, Any]:
    """Counts per sheet and severity, plus what the rules add (coverage, calendar warnings)."""
    per_sheet: dict[str, Counter] = {}
    for item in findings:
        per_sheet.setdefault(item.sheet, Counter())[item.severity] += 1
    totals = Counter(item.severity for item in findings)
    return {
        "errors": totals.get("error", 0),
        "warnings": totals.get("warning", 0),
        "sheets": {sheet: {"errors": c.get("error", 0), "warnings": c.get("warning", 0)} for sheet, c in sorted(per_sheet.items())},
        **extra,
    }


def alerts_by_sheet(findings: list[Finding], read: ReadResult, lang: str) -> dict[str, dict[int, Alert]]:
    """Alert texts for every sheet of one source that has a table (empty dict clears a sheet)."""
    sources = {t.source for t in read.tables}
    mine = [f for f in findings if f.source in sources]
    return {table.sheet: row_alerts(mine, table.sheet, lang) for table in read.tables}


def run_cycle(config: Config, today: date | None = None, write: bool = True, pack: Pack | None = None,
              stop: threading.Event | None = None) -> RunResult:
    """Check every source, then write each one's alerts back (unless `write` is False).

    When `stop` is set (the service is shutting down), the workbooks not yet written are
    left for the next start; the one being written finishes its atomic swap first."""
    started = datetime.now(config.zone)
    pack = pack or pack_for(config)
    today = today or today_for(config)
    recovered = prepare(config) if write else []  # each kind's housekeeping, before it is read
    sources = make_sources(config)
    result = check(config, pack, today, sources)
    if recovered:
        result.findings[:0] = recovered
        result.summary = summarise(result.findings, {k: v for k, v in result.summary.items()
                                                     if k not in ("errors", "warnings", "sheets")})
    term_report = current_term_report(config, result.pack or pack, result)
    # The judged tables are not needed past this point: let the write-back reuse their memory
    # (a 1,048,576-row sheet would otherwise hold both its cells and its sheet XML at once).
    rows = sum(map(len, result.tables))
    result.tables.clear()
    if rows >= _BIG_READ:
        return_freed_memory()
    by_name = {s.name: s for s in sources}
    for source_result in result.sources:
        if not source_result.read_ok or not write:
            continue
        if stop is not None and stop.is_set():
            source_result.write = WriteOutcome(status="skipped", reason="服务正在停止，下次启动再写入",
                                               reason_en="The service is stopping; will write after restart")
            continue
        source = by_name[source_result.source]
        read = result.reads[source.name]
        try:
            alerts = alerts_by_sheet(result.findings, read, config.language)
            for table in read.tables:
                table.cells, table.numbers = [], []
            source_result.write = source.write(read, alerts)
        except Exception as exc:  # one workbook's failure must not stop the others
            source_result.write = WriteOutcome(status="failed", reason=f"写回失败：{exc}", reason_en=f"Write-back failed: {exc}")
    return RunResult(started=started, finished=datetime.now(config.zone), today=today, findings=result.findings,
                     sources=result.sources, summary=result.summary, term_report=term_report, people=result.people,
                     settings=result.settings)


def current_term_report(config: Config, pack: Pack, result: CheckResult) -> dict[str, Any] | None:
    """This term's figures for the 学期报告 page; a figure's bug costs the page, never the cycle."""
    from sync.report import report_for_tables

    try:
        return report_for_tables(Settings.of(config, result.today), pack, result.tables, nutrition=config.nutrition,
                                 school=config.school_name)
    except Exception:
        logging.getLogger("houqin").exception("学期报告数据计算失败")
        return None
