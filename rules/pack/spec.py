"""The pack as Houqin uses it: sheets with their fields, rules and declared figures.

Built and checked by rules/pack/load.py from `sheets_schema.json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rules.text import fold, header_key


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    unit: str = ""
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    true_values: tuple[str, ...] = ("是", "Y", "y", "yes", "Yes", "YES", "true", "TRUE", "True", "√", "✓")
    false_values: tuple[str, ...] = ("否", "N", "n", "no", "No", "NO", "false", "FALSE", "False", "×", "✗")
    personal: bool = False
    description: str = ""

    @property
    def header(self) -> str:
        """The header text `init` writes: the name with its unit, as staff know it."""
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    @property
    def header_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(header_key(t) for t in (self.name, *self.aliases)))


@dataclass(frozen=True)
class RuleSpec:
    id: str
    kind: str
    sheet_id: str
    params: dict[str, Any]
    path: str


@dataclass(frozen=True)
class FigureSpec:
    """A figure of a sheet: the share of its rows where `count` holds (入园体检率...).

    `count` is a condition list as in a rule's `when`; `target` is the percent aimed at."""

    id: str
    label: str
    label_en: str
    count: tuple[dict[str, Any], ...]
    target: float | None = None


@dataclass
class SheetSpec:
    id: str
    name: str
    fields: list[FieldSpec]
    aliases: tuple[str, ...] = ()
    description: str = ""
    key_fields: tuple[str, ...] = ()
    unique_key: bool = False  # two rows with the same key fields are one thing written twice
    missing_values: frozenset[str] = frozenset({""})
    rules: list[RuleSpec] = field(default_factory=list)
    figures: list[FigureSpec] = field(default_factory=list)
    optional: bool = False  # a sheet a kindergarten may add (食物成分表): not missed when absent

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(fold(t) for t in (self.name, *self.aliases)))


@dataclass
class Pack:
    sheets: list[SheetSpec]
    alert_header: str = "系统提醒"
    title: str = ""

    def sheet(self, sheet_id: str) -> SheetSpec:
        for spec in self.sheets:
            if spec.id == sheet_id:
                return spec
        raise KeyError(sheet_id)
