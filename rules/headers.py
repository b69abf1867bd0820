"""Headers staff typed that match no column of the pack, and the name they probably meant.

A column named “到期日” where the pack says “到期日期” would otherwise be passed over in
silence, and the expired milk in it would get no alert.
"""

from __future__ import annotations

import difflib

from rules.model import Table
from rules.pack.spec import SheetSpec
from rules.text import header_key

# How alike a header must be to a pack name to be suggested (difflib's ratio).
CUTOFF = 0.6


def unrecognised(table: Table) -> list[tuple[int, str]]:
    """(column index, header text) of the headers that name no column of the pack."""
    known = set(table.columns.values())
    return [(index, text.strip()) for index, text in enumerate(table.headers)
            if text and text.strip() and index not in known and index != table.alert_column]


def nearest(header: str, spec: SheetSpec, taken: set[str]) -> str | None:
    """The pack column a header most likely means, among those the sheet does not have yet."""
    names: dict[str, str] = {}
    for field in spec.fields:
        if field.name not in taken:
            for key in field.header_keys:
                names.setdefault(key, field.name)
    found = difflib.get_close_matches(header_key(header), list(names), n=1, cutoff=CUTOFF)
    return names[found[0]] if found else None


def suggestions(table: Table, spec: SheetSpec) -> list[tuple[int, str, str]]:
    """(column index, header, the pack name it probably means) for each misnamed header."""
    taken = set(table.columns)
    found = []
    for index, header in unrecognised(table):
        meant = nearest(header, spec, taken)
        if meant is not None:
            found.append((index, header, meant))
    return found


def missing_note(table: Table, spec: SheetSpec, missing: list[str]) -> tuple[str, str]:
    """What to add to “the sheet lacks column X”: the headers not recognised, and the guess."""
    headers = [header for _, header in unrecognised(table)]
    if not headers:
        return "", ""
    guesses = [(header, meant) for _, header, meant in suggestions(table, spec) if meant in missing]
    zh = f"（没有认出的表头：{'、'.join(f'“{h}”' for h in headers)}"
    en = f" (headers not recognised: {', '.join(headers)}"
    zh += "".join(f"；“{h}”是不是“{m}”？" for h, m in guesses) + "）"
    en += "".join(f"; did you mean '{m}' for '{h}'?" for h, m in guesses) + ")"
    return zh, en
