"""Saving a workbook Houqin made (openpyxl) with every text as text.

openpyxl makes any string that starts with "=" a formula: a 食材 typed as
`=HYPERLINK("http://evil.example/x","点我")` would become a live link in the report. Houqin
writes no formula of its own, so before saving every formula cell is turned back into the
text it was given. Every xlsx writer saves through `save`."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook


def as_text(workbook: Workbook) -> int:
    """Turn each formula cell of `workbook` into a text cell; returns how many there were."""
    turned = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    turned += 1
    return turned


def save(workbook: Workbook, path: Path | str) -> None:
    """`workbook.save(path)`, with staff text kept as text."""
    as_text(workbook)
    workbook.save(path)
