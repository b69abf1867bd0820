"""Personal data never shown whole: ID numbers keep their first 3 and last 2 characters."""

from __future__ import annotations

from rules.text import mask_ids


def mask(value: object) -> str:
    """Any text with an ID number in it, masked; other text unchanged (escaping is Jinja's job)."""
    if value is None:
        return ""
    return mask_ids(str(value))
