"""Text normalisation shared by header matching, enum matching and parsing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# A trailing unit in brackets, full- or half-width: 数量（千克）, 带量(克/人).
_TRAILING_UNIT = re.compile(r"[(（\[【][^()（）\[\]【】]*[)）\]】]$")
_SPACES = re.compile(r"\s+")
# What separates several values in one cell: 发热、咳嗽 / 张三,李四.
_LIST = re.compile(r"[、,，;；/\s]+")


@lru_cache(maxsize=8192)  # a sheet repeats the same few hundred dishes, categories and names
def fold(text: str) -> str:
    """Full-width to half-width (NFKC), no whitespace at all: how staff's text is compared."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def folded(value: object) -> str:
    """A cell as compared with another (folded), or "" when it holds no text."""
    return fold(value) if isinstance(value, str) else ""


def listed(value: object) -> list[str]:
    """A cell listing several values (发热、咳嗽): each, stripped; none when it holds no text."""
    if not isinstance(value, str):
        return []
    return [part for part in _LIST.split(value.strip()) if part]


def header_key(text: object) -> str:
    """A header as matched against the pack: folded, trailing unit and '*' markers dropped."""
    if text is None:
        return ""
    key = fold(str(text)).rstrip("*:：")
    while True:
        stripped = _TRAILING_UNIT.sub("", key)
        if stripped == key or not stripped:
            return key
        key = stripped.rstrip("*:：")


def mask_id(text: str) -> str:
    """An ID number as it may be shown: first 3 and last 2 characters (350*************11)."""
    return text[:3] + "*" * (len(text) - 5) + text[-2:] if len(text) > 5 else "*" * len(text)


# 18-digit resident ID (last may be X), 15-digit old IDs, and passport-like codes.
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15}|[A-Z]{1,2}\d{7,9})(?![0-9A-Za-z])")


def mask_ids(text: str) -> str:
    """Every ID number inside a text masked (the page, the API and notifications all use it)."""
    return _ID.sub(lambda m: mask_id(m[0]), text)


def redact(text: str, secrets: Iterable[str], mask: str = "***", shortest: int = 3) -> str:
    """`text` with every secret (a password, token, key) blanked out, the longest first so that
    one secret inside another leaves nothing behind; values shorter than `shortest` are left
    (blanking "a" would blank every "a"). Logs, pages and notifications all use this."""
    for secret in sorted({s for s in secrets if s and len(s) >= shortest}, key=len, reverse=True):
        text = text.replace(secret, mask)
    return text
