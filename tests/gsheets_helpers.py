"""Turning workbooks into (fake) Google spreadsheets, and configs that point at the fake."""

from __future__ import annotations

from pathlib import Path

import python_calamine

from sync.config.loader import Config, GoogleSettings, GoogleSpreadsheet


def grids_of_workbook(path: Path) -> dict[str, list[list]]:
    """Every sheet of a workbook as python values, the way staff's data would sit in Sheets."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    grids = {}
    for title in book.sheet_names:
        grid = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
        grids[title] = [[None if v == "" else v for v in row] for row in grid]
    return grids


def upload_folder(fake, folder: Path, title: str = "后勤表格") -> str:
    """All sheets of all workbooks of a folder as one spreadsheet in the fake; returns its key."""
    sheets: dict[str, list[list]] = {}
    for path in sorted(folder.glob("*.xlsx")):
        sheets.update(grids_of_workbook(path))
    return fake.add_spreadsheet(title, sheets)


def google_config(fake, key: str) -> Config:
    return Config(google=GoogleSettings(spreadsheets=[GoogleSpreadsheet(key=key, name="后勤表格")], api_base=fake.base_url))
