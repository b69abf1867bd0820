"""Issue 5 benchmark: Google API calls per cycle over the fifteen-sheet demo spreadsheet,
counted at the loopback fake, next to a plain gspread script that reads sheet by sheet and
updates cell by cell. Calls are what the quota counts, so they are what this prints.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

from common import OUT, ROOT, report  # noqa: F401 - puts the project on sys.path

from rules.alerts import ALERT_HEADER  # noqa: E402
from sync.config.pack_file import read_pack  # noqa: E402
from sync.cycle.run import check, run_cycle  # noqa: E402
from sync.demo import write_demo  # noqa: E402
from tests.fake_sheets import FakeSheets  # noqa: E402
from tests.fake_sheets.gspread_client import make_client  # noqa: E402
from tests.gsheets_helpers import google_config, upload_folder  # noqa: E402

TODAY = date(2026, 11, 25)


def counts(fake) -> tuple[int, int]:
    reads = sum(1 for c in fake.calls if c[0] == "GET")
    return reads, len(fake.calls) - reads


def plain_gspread_cycle(fake, key: str, pack) -> None:
    """What a straightforward script does: open, read each worksheet, update each alert cell."""
    config = google_config(fake, key)
    findings = check(config, pack, TODAY).findings
    client = make_client(fake)
    spreadsheet = client.open_by_key(key)
    for worksheet in spreadsheet.worksheets():
        values = worksheet.get_all_values()
        mine = [f for f in findings if f.sheet == worksheet.title and f.row]
        if not mine or not values:
            continue
        header = next((i for i, row in enumerate(values) if any(row)), 0)
        column = len(values[header]) + 1
        worksheet.update_cell(header + 1, column, ALERT_HEADER)
        for finding in mine:
            worksheet.update_cell(finding.row, column, finding.message)


def main() -> int:
    pack = read_pack()
    with tempfile.TemporaryDirectory() as folder, FakeSheets() as fake:
        write_demo(Path(folder), today=TODAY)
        key = upload_folder(fake, Path(folder))
        config = google_config(fake, key)
        fake.reset_calls()
        run_cycle(config, today=TODAY, pack=pack)
        changed = counts(fake)
        fake.reset_calls()
        run_cycle(config, today=TODAY, pack=pack)
        unchanged = counts(fake)

        plain_key = upload_folder(fake, Path(folder), title="对照")
        fake.reset_calls()
        plain_gspread_cycle(fake, plain_key, pack)
        plain = counts(fake)
    lines = [
        "Google API calls per cycle, fifteen-sheet demo spreadsheet (counted at the loopback fake)",
        f"houqin, alerts changed    : {changed[0]} read, {changed[1]} write   (target 1 and <= 1)",
        f"houqin, nothing changed   : {unchanged[0]} read, {unchanged[1]} write   (target 1 and 0)",
        f"plain gspread, cell by cell: {plain[0]} read, {plain[1]} write",
        f"calls saved per cycle      : {sum(plain) / max(1, sum(changed)):.0f}x fewer",
    ]
    report("gsheets_calls", lines)
    return 0 if changed[0] == 1 and changed[1] <= 1 and unchanged == (1, 0) else 1


if __name__ == "__main__":
    sys.exit(main())
