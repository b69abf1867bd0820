"""A 设置 cell's text as the value a setting's declaration checks, and what is refused.

`coerce` only turns text into the Python value of the setting's type when it reads as one
("3", "３", "3天" -> 3; "关" -> False); anything else is passed on as it is, so that the
declaration's own check (rules.kinds.settings.check_settings) says what was expected.
"""

from __future__ import annotations

import re
from typing import Any

from rules.kinds.settings import (
    BOOL,
    COLUMN_OR_NUMBER,
    DAYS_BY_TEXT,
    INT,
    NUMBER,
    SEVERITY,
    TEXT,
    TEXTS,
    Setting,
)
from rules.text import fold

TRUE_WORDS = ("开", "是", "启用", "打开", "true", "yes", "y", "1", "√", "✓")
FALSE_WORDS = ("关", "否", "停用", "关闭", "false", "no", "n", "0", "×", "✗")
SEVERITY_WORDS = {"错误": "error", "红": "error", "红色": "error", "error": "error",
                  "提醒": "warning", "警告": "warning", "黄": "warning", "黄色": "warning", "warning": "warning"}
SEVERITY_SHOWN = {"error": "错误", "warning": "提醒"}
_UNITS = re.compile(r"\s*(天|日|秒|克|小时|个|次|%|％)$")
_LIST = re.compile(r"[、,，;；\n]+")
# A channel address or a secret: never taken from a sheet anyone may edit.
_URL = re.compile(r"[a-z][a-z0-9+.-]*://|www\.|\$\{", re.IGNORECASE)
_SECRETISH = re.compile(r"(key|token|secret|password|passwd|access_token)\s*[=:]|密码|密钥|[A-Za-z0-9_\-]{24,}",
                        re.IGNORECASE)


def refused(text: str) -> bool:
    """A URL (a channel's webhook) or what looks like a secret: refused wherever typed."""
    return bool(_URL.search(text) or _SECRETISH.search(text))


def coerce(text: str, setting: Setting) -> Any:
    """The value of `setting`'s type that `text` reads as, else `text` itself."""
    folded = fold(text).strip()
    kind = setting.type
    if kind in (INT, DAYS_BY_TEXT, NUMBER, COLUMN_OR_NUMBER):
        number = _UNITS.sub("", folded)
        try:
            value = float(number)
        except ValueError:
            return text
        if kind in (INT, DAYS_BY_TEXT):
            return int(value) if value == int(value) else text
        return int(value) if value == int(value) else value
    if kind == BOOL:
        lowered = folded.lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        return text
    if kind == SEVERITY:
        return SEVERITY_WORDS.get(folded.lower(), text)
    if kind == TEXTS:
        return [part.strip() for part in _LIST.split(text) if part.strip()]
    if kind == TEXT:
        return text.strip()
    return text


def shown(value: Any, setting: Setting, *, switch: bool = False) -> str:
    """A value as the sheet writes it: 开/关 for a rule's switch, 是/否, 错误/提醒, 米饭、牛奶."""
    if value is None:
        return ""
    if setting.type == BOOL:
        return ("开" if value else "关") if switch else ("是" if value else "否")
    if setting.type == SEVERITY:
        return SEVERITY_SHOWN.get(value, str(value))
    if isinstance(value, list):
        return "、".join(map(str, value))
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)
