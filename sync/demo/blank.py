"""`python -m sync init`: an empty workbook of the pack, ready for staff to fill in."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from rules.pack.spec import Pack
from sync.demo.layout import add_pack_sheet, guide_sheet


def write_empty_workbook(pack: Pack, out: Path) -> Path:
    """One sheet per pack sheet plus a 说明 sheet first; written to a temp name, then moved."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    guide_sheet(workbook, pack)
    for spec in pack.sheets:
        add_pack_sheet(workbook, spec)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.tmp")
    workbook.save(temporary)
    temporary.replace(out)
    return out
