"""Which workbook files Houqin reads, and which of them it writes alerts into."""

from __future__ import annotations

WRITABLE_SUFFIXES = frozenset({".xlsx", ".xlsm"})  # read and written back
READONLY_SUFFIXES = frozenset({".xls", ".ods", ".et"})  # checked, never written
WORKBOOK_SUFFIXES = WRITABLE_SUFFIXES | READONLY_SUFFIXES
