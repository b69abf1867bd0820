"""Reads the nutrition data shipped inside the package (rules/nutrition/data/): the food
composition table with its per-row notes, and the dietary reference intakes."""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from importlib import resources

from rules.nutrition import Dris, Food, food_from_row

_DATA = "rules.nutrition.data"
FOODS_FILE = "food_composition_usda_sr.csv"
NOTES_FILE = "food_composition_usda_sr_notes.csv"
REFERENCES_FILE = "references.json"


def _text(name: str) -> str:
    # utf-8-sig: the CSVs may be saved by a spreadsheet program with a byte order mark.
    return resources.files(_DATA).joinpath(name).read_text(encoding="utf-8-sig")


@lru_cache(maxsize=1)
def shipped_foods() -> tuple[Food, ...]:
    """The 221 shipped foods, each with its NDB number, USDA name, match quality and note."""
    notes = {row["名称"]: row for row in csv.DictReader(io.StringIO(_text(NOTES_FILE)))}
    return tuple(food_from_row(row, "shipped", notes.get(row["名称"])) for row in csv.DictReader(io.StringIO(_text(FOODS_FILE))))


@lru_cache(maxsize=1)
def shipped_dris() -> Dris:
    return Dris.from_data(json.loads(_text(REFERENCES_FILE)))
