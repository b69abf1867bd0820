"""`python -m sync init`: an empty workbook of the pack, ready for staff to fill in."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from rules.pack.spec import Pack
from sync.demo.layout import add_pack_sheet, guide_sheet
from sync.output import xlsx_text


def write_empty_workbook(pack: Pack, out: Path) -> Path:
    """One sheet per pack sheet plus a 说明 sheet first (callers write through sync/output/files.py,
    which puts it beside the target first and moves it over)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    guide_sheet(workbook, pack)
    for spec in pack.sheets:
        add_pack_sheet(workbook, spec)
    xlsx_text.save(workbook, out)
    return out
