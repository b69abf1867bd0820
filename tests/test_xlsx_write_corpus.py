"""Write-back on real Excel- and LibreOffice-made files: the same promises hold."""

from __future__ import annotations

import re
import shutil
import zipfile

import pytest

from rules.alerts import Alert
from sync.sources.xlsx.parts import sheet_parts
from sync.sources.xlsx.writing import SheetAlerts, writable_reason, write_alerts
from tests.staff_workbooks import cells_by_ref, members


def first_worksheet(path) -> tuple[str, str] | None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = sheet_parts(archive)
    except (zipfile.BadZipFile, KeyError, ValueError):
        return None
    return next(((t, m) for t, m in parts.items() if "/worksheets/" in m), None)


def cycle_alerts(cycle: int) -> dict[int, Alert]:
    """Alerts that change from cycle to cycle: rows come and go, texts and severities change."""
    alerts = {2: Alert(f"【错误】第一个问题（第 {cycle} 次）", "error")}
    if cycle % 2:
        alerts[3] = Alert("【提醒】第二个问题", "warning")
    if cycle % 3 == 0:
        alerts[5] = Alert("【错误】含 <特殊> & “引号” 的问题", "error")
    return alerts


@pytest.mark.slow  # every corpus file, one after another
def test_every_writable_corpus_file_keeps_everything_but_the_alert_column(corpus, tmp_path):
    written = readonly = 0
    for original in sorted((corpus / "calamine-xlsx").glob("*.xls*")):
        path = tmp_path / original.name
        shutil.copyfile(original, path)  # staff's own copy is writable; the shared corpus is read-only
        sheet = first_worksheet(path)
        before = members(path) if sheet else {}
        outcome = write_alerts(path, {sheet[0] if sheet else "Sheet1": SheetAlerts(1, cycle_alerts(1))})
        assert outcome.status in ("written", "unchanged", "readonly"), (original.name, outcome)
        if outcome.status == "readonly":
            readonly += 1
            # Package-level reasons are known before writing (writable_reason), sheet-level ones while.
            assert outcome.reason and outcome.reason_en, (original.name, outcome)
            assert writable_reason(path) in (None, outcome.reason), (original.name, outcome)
            assert path.read_bytes() == original.read_bytes()
            continue
        if outcome.status == "unchanged":
            continue
        written += 1
        for cycle in range(2, 21):  # twenty cycles in all, the alerts changing each time
            assert write_alerts(path, {sheet[0]: SheetAlerts(1, cycle_alerts(cycle))}, backups=1).status == "written"
        after = members(path)
        assert list(after) == list(before), original.name
        changed = {name for name in before if after[name] != before[name]}
        assert changed <= {sheet[1], next((n for n in before if n.endswith("styles.xml")), "")}, (original.name, changed)
        header = [r for r, c in cells_by_ref(after[sheet[1]]).items() if "系统提醒".encode() in c]
        assert len(header) == 1 and header[0].endswith("1"), original.name
        letter = header[0][:-1]
        keep_before = {r: c for r, c in cells_by_ref(before[sheet[1]]).items() if not re.fullmatch(letter + r"\d+", r)}
        keep_after = {r: c for r, c in cells_by_ref(after[sheet[1]]).items() if not re.fullmatch(letter + r"\d+", r)}
        assert keep_after == keep_before, original.name
        again = write_alerts(path, {sheet[0]: SheetAlerts(1, cycle_alerts(20))})
        assert again.status == "unchanged", (original.name, again)
    print(f"\ncorpus write-back: {written} files written 20 times, {readonly} read-only with a reason")
    assert written >= 50 and readonly >= 1
