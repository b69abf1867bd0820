"""Write-back on real Excel- and LibreOffice-made files: the same promises hold."""

from __future__ import annotations

import re
import shutil
import zipfile

from rules.alerts import Alert
from sync.xlsx_parts import sheet_parts
from sync.xlsx_write import SheetAlerts, writable_reason, write_alerts
from tests.staff_workbooks import cells_by_ref, members


def first_worksheet(path) -> tuple[str, str] | None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = sheet_parts(archive)
    except (zipfile.BadZipFile, KeyError, ValueError):
        return None
    return next(((t, m) for t, m in parts.items() if "/worksheets/" in m), None)


def test_every_writable_corpus_file_keeps_everything_but_the_alert_column(corpus, tmp_path):
    written = readonly = 0
    for original in sorted((corpus / "calamine-xlsx").glob("*.xls*")):
        path = tmp_path / original.name
        shutil.copy(original, path)
        sheet = first_worksheet(path)
        alerts = {2: Alert("【错误】第一个问题", "error"), 3: Alert("【提醒】第二个问题", "warning")}
        before = members(path) if sheet else {}
        outcome = write_alerts(path, {sheet[0] if sheet else "Sheet1": SheetAlerts(1, alerts)})
        assert outcome.status in ("written", "unchanged", "readonly"), (original.name, outcome)
        if outcome.status == "readonly":
            readonly += 1
            assert outcome.reason and writable_reason(path) or outcome.reason, original.name
            assert path.read_bytes() == original.read_bytes()
            continue
        if outcome.status == "unchanged":
            continue
        written += 1
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
        again = write_alerts(path, {sheet[0]: SheetAlerts(1, alerts)})
        assert again.status == "unchanged", (original.name, again)
    assert written >= 50 and readonly >= 1
