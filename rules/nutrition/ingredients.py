"""What each dish is made of: ingredient rows, and the 主要食材 text staff write instead.

`猪肉（瘦）20克、青菜50克` and `猪肉20g 青菜50g` both read as two ingredients with grams per child.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# A name (no digits, no separators), then grams: 20克, 20g, 20.5 克/人.
_ITEM = re.compile(r"([^\d、，,;；/+\s:：]+?)\s*[:：]?\s*(\d+(?:\.\d+)?)\s*(?:克|g|G)(?:\s*/\s*人)?")
_SEPARATORS = re.compile(r"[、，,;；/+\s:：]+")


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


def parse_ingredient_text(text: str) -> tuple[list[tuple[str, float]], str]:
    """(name, grams) pairs in a 主要食材 cell, and the text left over that has no amount.

    A cell without any amount (`猪肉、青菜`) gives no pairs: it lists ingredients, it does not
    quantify them.
    """
    normal = unicodedata.normalize("NFKC", text)
    items = [(m[1].strip(), float(m[2])) for m in _ITEM.finditer(normal)]
    rest = _SEPARATORS.sub(" ", _ITEM.sub(" ", normal)).strip()
    return items, rest
