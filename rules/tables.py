"""From a source's raw grids to the pack's tables: which sheet is which, where the header is.

Every source (xlsx, Google) hands over plain grids, so sheet matching, header detection
(even under a merged title row or two) and column mapping behave the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rules.headers import suggestions
from rules.model import ERROR, WARNING, Finding, Table, cell_ref, display_value
from rules.pack.spec import Pack, SheetSpec
from rules.text import fold, header_key

# Staff put a title or two above the header; past this many rows it is not a header.
HEADER_SEARCH_ROWS = 20
_YEAR_IN_TITLE = re.compile(r"(20\d{2})\s*(?:年|学年|春|秋|-|/|～|~)")

Grid = list[list[Any]]


def match_sheet(title: str, pack: Pack) -> SheetSpec | None:
    """The pack sheet a workbook sheet is, by name or alias; then by a name it contains."""
    folded = fold(title)
    for spec in pack.sheets:
        if folded in spec.names:
            return spec
    containing = [s for s in pack.sheets if any(name in folded for name in s.names)]
    # The longest name wins, so "食品留样" is not taken for a sheet that merely mentions "食谱".
    if containing:
        containing.sort(key=lambda s: -max(len(n) for n in s.names if n in folded))
        return containing[0]
    return None


def _is_blank(cells: list[Any]) -> bool:
    """No value at all, or only spaces (a row staff cleared by typing over it)."""
    for value in cells:
        if value is None or value == "":
            continue
        if value.__class__ is str and not value.strip():
            continue
        return False
    return True


def _sheet_finding(source: str, title: str, spec_id: str, rule: str, severity, zh: str, en: str) -> Finding:
    return Finding(
        source=source, sheet=title, row=None, column=None, cell=None, rule=rule, kind="validation",
        severity=severity, message=zh, message_en=en, value=None, key=f"{source}|{spec_id}||{rule}", sheet_id=spec_id,
    )


def find_header(grid: Grid, spec: SheetSpec) -> tuple[int, int]:
    """(0-based row index, number of pack headers in it) of the most header-like row."""
    keys = {k for f in spec.fields for k in f.header_keys}
    best_row, best_hits = -1, 0
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        hits = len({header_key(v) for v in row if v.__class__ is str} & keys)
        if hits > best_hits:
            best_row, best_hits = index, hits
    return best_row, best_hits


def build_table(source: str, title: str, grid: Grid, spec: SheetSpec, alert_header: str) -> tuple[Table | None, list[Finding]]:
    """One sheet's grid (grid[0] is sheet row 1) as a Table, or findings saying why not."""
    findings: list[Finding] = []
    if not grid or all(_is_blank(row) for row in grid):
        findings.append(_sheet_finding(
            source, title, spec.id, "sheet.empty", WARNING,
            f"工作表「{title}」是空的，还没有任何记录", f"Sheet '{title}' is empty",
        ))
        return None, findings
    header_index, hits = find_header(grid, spec)
    if hits < min(2, len(spec.fields)):
        expected = "、".join(f.name for f in spec.fields[:6])
        findings.append(_sheet_finding(
            source, title, spec.id, "sheet.no_header", ERROR,
            f"在工作表「{title}」的前{HEADER_SEARCH_ROWS}行找不到表头（应有 {expected} 等列）",
            f"No header row found in the first {HEADER_SEARCH_ROWS} rows of sheet '{title}' (expected columns such as {expected})",
        ))
        return None, findings
    header_cells = grid[header_index]
    header_row = header_index + 1
    by_key = {k: f for f in spec.fields for k in f.header_keys}
    columns: dict[str, int] = {}
    alert_column: int | None = None
    alert_key = header_key(alert_header)
    for index, cell in enumerate(header_cells):
        key = header_key(cell)
        if not key:
            continue
        if key == alert_key:
            alert_column = index
            continue
        spec_field = by_key.get(key)
        if spec_field is None:
            continue
        if spec_field.name in columns:
            first = cell_ref(header_row, columns[spec_field.name])
            findings.append(Finding(
                source=source, sheet=title, row=header_row, column=spec_field.name, cell=cell_ref(header_row, index),
                rule="sheet.duplicate_header", kind="validation", severity=ERROR,
                message=f"表头“{display_value(cell)}”重复出现（{first} 和 {cell_ref(header_row, index)}），以 {first} 这一列为准，请删除或改名另一列",
                message_en=f"Header '{display_value(cell)}' appears twice ({first} and {cell_ref(header_row, index)}); column {first} is used",
                value=display_value(cell), key=f"{source}|{spec.id}||sheet.duplicate_header|{spec_field.name}", sheet_id=spec.id,
            ))
            continue
        columns[spec_field.name] = index
    for spec_field in spec.fields:
        if spec_field.required and spec_field.name not in columns:
            findings.append(Finding(
                source=source, sheet=title, row=header_row, column=spec_field.name, cell=None,
                rule="sheet.missing_column", kind="validation", severity=ERROR,
                message=f"工作表「{title}」缺少必填列“{spec_field.header}”（表头在第{header_row}行），请加上这一列",
                message_en=f"Sheet '{title}' lacks the required column '{spec_field.header}' (header in row {header_row})",
                value=None, key=f"{source}|{spec.id}||sheet.missing_column|{spec_field.name}", sheet_id=spec.id,
            ))
    width = len(header_cells)
    # Most rows start with a value; only the others need a closer look for blankness.
    numbers: list[int] = []
    cells_list: list[list[Any]] = []
    for number, cells in enumerate(grid[header_index + 1:], start=header_row + 1):
        if (cells and cells[0].__class__ is str and cells[0] and not cells[0].isspace()) or not _is_blank(cells):
            if len(cells) < width:  # Google trims trailing empty cells
                cells = list(cells) + [None] * (width - len(cells))
            numbers.append(number)
            cells_list.append(cells)
    table = Table(
        source=source, sheet=title, sheet_id=spec.id, header_row=header_row,
        headers=[display_value(c) or "" for c in header_cells], columns=columns, numbers=numbers, cells=cells_list,
        alert_column=alert_column,
    )
    year = _title_year(grid[:header_index])
    if year:
        table.extra["year"] = year
    seen: dict[str, int] = {}
    for index, header, meant in suggestions(table, spec):
        seen[header] = seen.get(header, 0) + 1
        occurrence = "" if seen[header] == 1 else f"#{seen[header]}"
        findings.append(Finding(
            source=source, sheet=title, row=header_row, column=None, cell=cell_ref(header_row, index),
            rule="sheet.unknown_header", kind="validation", severity=WARNING,
            message=f"表头“{header}”（{cell_ref(header_row, index)}）没有被识别，这一列没有检查：“{header}”是不是“{meant}”？"
                    f"如果是，请把表头改成“{meant}”",
            message_en=f"Header '{header}' ({cell_ref(header_row, index)}) is not recognised and its column is not checked: "
                       f"did you mean '{meant}'?",
            value=header, key=f"{source}|{spec.id}||sheet.unknown_header|{header}{occurrence}", sheet_id=spec.id,
        ))
    return table, findings


def _title_year(title_rows: Grid) -> int | None:
    for row in title_rows:
        for value in row:
            if value.__class__ is str:
                match = _YEAR_IN_TITLE.search(value)
                if match:
                    return int(match[1])
    return None


def build_tables(source: str, sheets: Iterable[tuple[str, Grid]], pack: Pack,
                 known_as: dict[str, str] | None = None) -> tuple[list[Table], list[Finding]]:
    """Every sheet of one source that belongs to the pack, as tables, with findings about them.

    Sheets that are not part of the pack (a 说明 sheet, a chart) are passed over. `known_as`
    maps a sheet title to the pack sheet name it stands for, when a deployment says so.
    """
    by_name = {spec.name: spec for spec in pack.sheets}
    tables: list[Table] = []
    findings: list[Finding] = []
    for title, grid in sheets:
        spec = by_name.get((known_as or {}).get(title, "")) or match_sheet(title, pack)
        if spec is None:
            continue
        table, problems = build_table(source, title, grid, spec, pack.alert_header)
        findings.extend(problems)
        if table is not None:
            tables.append(table)
    return tables, findings


def missing_sheets(present: set[str], pack: Pack, sources: list[str]) -> list[Finding]:
    """One finding naming every pack sheet no source has: noticed, not a crash, not a flood.

    `present` holds the ids of pack sheets some source has, even empty or headerless ones.
    """
    absent = [spec for spec in pack.sheets if spec.id not in present and not spec.optional]
    if not absent:
        return []
    names = "、".join(f"「{spec.name}」" for spec in absent)
    return [Finding(
        source="、".join(sources) or "-", sheet="（全部）", row=None, column=None, cell=None, rule="sheet.missing",
        kind="validation", severity=WARNING,
        message=f"没有找到工作表 {names}，这些表的检查没有进行（可用 python -m sync init 生成带全部工作表的空白工作簿）",
        message_en=f"Sheets not found, their checks did not run: {', '.join(s.name for s in absent)}",
        value=None, key="*|*||sheet.missing", sheet_id="*",
    )]
