"""One row of a settings sheet: its cells as typed, and a finding in its 系统提醒."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rules.model import WARNING, Finding
from rules.settings_sheet.values import refused
from rules.validate import TypedTable, finding

REFUSED = ("这里不能填网址或密钥：通知地址和密钥只写在配置文件或环境变量里，本行已忽略",
           "URLs and secrets are never taken from a sheet; this row is ignored")


@dataclass
class Row:
    typed: TypedTable
    index: int
    findings: list[Finding]

    def text(self, column: str) -> str:
        """The cell as typed, trimmed; "" when blank or the column is absent."""
        return (self.typed.raw_text(self.index, column) or "").strip() if self.typed.has(column) else ""

    @property
    def number(self) -> int:
        return self.typed.numbers[self.index]

    def value(self, column: str) -> Any:
        """The cell's typed value (a date of a date column), None when blank or invalid."""
        values = self.typed.columns.get(column)
        return values[self.index] if values is not None else None

    def say(self, column: str, rule: str, zh: str, en: str, value: Any = None) -> None:
        """A warning in this row's 系统提醒: the setting it holds is not used."""
        self.findings.append(finding(self.typed, self.index, column, rule, WARNING, zh, en, value))

    def refuses(self, columns: tuple[str, ...], rule: str) -> bool:
        """A URL or secret typed in any of `columns`: said once, and the row is not used."""
        if any(refused(self.text(c)) for c in columns):
            self.say(columns[0], rule, *REFUSED)
            return True
        return False
