"""What each dish is made of: ingredient rows, and the 主要食材 text staff write instead.

`猪肉（瘦）20克、青菜50克` and `猪肉20g 青菜50g` both read as two ingredients with grams per child.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# A number as typed: 20, 25.5, or with thousands separators (1,000: NFKC has made ， a comma).
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Grams per unit. 毫升 is counted as grams (milk, soy milk, water are near 1 g/ml), and the
# finding on the cell says so.
UNIT_GRAMS = {"千克": 1000.0, "公斤": 1000.0, "kg": 1000.0, "克": 1.0, "g": 1.0, "两": 50.0, "斤": 500.0,
              "毫升": 1.0, "ml": 1.0}
_LIQUID = ("毫升", "ml")
_UNIT = "|".join(sorted(UNIT_GRAMS, key=len, reverse=True))
# A name (no digits, no separators), then an amount or a range of amounts, then a unit:
# 20克, 20g, 20.5 克/人, 0.5斤, 20-30克, 200毫升.
_ITEM = re.compile(
    rf"(?P<name>[^\d、，,;；/+\s:：]+?)\s*[:：]?\s*"
    rf"(?:(?P<low>{_NUMBER})\s*(?:-|~|至|到|—|–)\s*(?P<high>{_NUMBER})|(?P<one>{_NUMBER}))"
    rf"\s*(?P<unit>{_UNIT})(?:\s*/\s*人)?",
    re.IGNORECASE)
_SEPARATORS = re.compile(r"[、，,;；/+\s:：]+")
# Above this many grams of one ingredient per child a cell is a typing slip, not a recipe
# (the pack's maximum for 每人用量 says the same for 食谱用料).
LARGEST_GRAMS = 2000.0


def _grams(text: str) -> float:
    return float(text.replace(",", ""))


def _shown(value: float) -> str:
    return f"{value:g}"


@dataclass
class IngredientText:
    """What a 主要食材 cell says: the (name, grams) counted, the text with no amount, what was
    assumed to count it (a range's midpoint, 毫升 as grams), and what was typed but not counted."""

    items: list[tuple[str, float]] = field(default_factory=list)
    rest: str = ""
    assumed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def read_ingredient_text(text: str, largest: float = LARGEST_GRAMS) -> IngredientText:
    """Read a 主要食材 cell as cooks write it (`猪肉20-30克、牛奶200毫升、大米1两`)."""
    normal = unicodedata.normalize("NFKC", text)
    read = IngredientText()
    for found in _ITEM.finditer(normal):
        name, typed = found["name"].strip(), found[0].strip()
        unit = found["unit"].lower() if found["unit"].isascii() else found["unit"]
        factor = UNIT_GRAMS[unit]
        if found["one"] is not None:
            grams = _grams(found["one"]) * factor
        else:
            low, high = _grams(found["low"]) * factor, _grams(found["high"]) * factor
            grams = (low + high) / 2
            read.assumed.append(f"“{typed}”按中间值 {_shown(grams)} 克计")
        if not 0 < grams <= largest:
            reason = "是 0 克" if grams <= 0 else f"超过每人 {_shown(largest)} 克，不合常理（是不是多打了数字？）"
            read.refused.append(f"“{typed}”{reason}，没有计入")
            continue
        if unit in _LIQUID:
            read.assumed.append(f"“{typed}”按 1 毫升约 1 克计")
        elif factor != 1.0:
            read.assumed.append(f"“{typed}”按 {_shown(grams)} 克计")
        read.items.append((name, grams))
    read.rest = _SEPARATORS.sub(" ", _ITEM.sub(" ", normal)).strip()
    return read


def parse_ingredient_text(text: str) -> tuple[list[tuple[str, float]], str]:
    """(name, grams) pairs in a 主要食材 cell, and the text left over that has no amount.

    A cell without any amount (`猪肉、青菜`) gives no pairs: it lists ingredients, it does not
    quantify them.
    """
    read = read_ingredient_text(text)
    return read.items, read.rest


@dataclass(frozen=True)
class Where:
    """The cell an ingredient was written in, so a finding can point at it."""

    source: str
    sheet: str
    sheet_id: str
    row: int
    cell: str | None
    column: str
    # The typed table and record index, so a finding about the cell can be built (not compared).
    typed: Any = field(default=None, compare=False, repr=False)
    index: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class IngredientUse:
    """One ingredient of one dish on one day: grams of edible portion per child."""

    day: date
    meal: str | None
    dish: str
    food: str
    grams: float
    where: Where | None = None

