"""Personal data never shown whole: ID numbers keep their first 3 and last 2 characters."""

from __future__ import annotations

import re

from rules.text import mask_id

# 18-digit resident ID (last may be X), 15-digit old IDs, and passport-like codes.
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15}|[A-Z]{1,2}\d{7,9})(?![0-9A-Za-z])")


def mask(value: object) -> str:
    """Any text with an ID number in it, masked; other text unchanged (escaping is Jinja's job)."""
    if value is None:
        return ""
    return _ID.sub(lambda m: mask_id(m[0]), str(value))
