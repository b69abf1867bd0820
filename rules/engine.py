"""Runs the pack's rules over validated tables: (tables, today, settings) -> findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rules.model import Finding
from rules.schema import Pack
from rules.validate import TypedTable


@dataclass
class Settings:
    """What a deployment decides that rules need: today, terms, classes, overrides."""

    today: date
    classes: list[str] = field(default_factory=list)
    outbreak_mode: bool = False
    rule_settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Explicit terms (objects with name, start, end); empty means the default terms each year.
    terms: list[Any] = field(default_factory=list)
    autumn: tuple[str, str] = ("09-01", "01-20")
    spring: tuple[str, str] = ("02-20", "07-10")
    extra_holidays: list[date] = field(default_factory=list)
    extra_workdays: list[date] = field(default_factory=list)
    start_date: date | None = None


def evaluate(tables: list[TypedTable], pack: Pack, settings: Settings) -> tuple[list[Finding], dict[str, Any]]:
    """Every enabled rule of the pack over the tables; a rule that cannot run says so."""
    return [], {}
