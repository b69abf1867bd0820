"""Every JSON text Houqin writes: strict JSON (never `NaN` or `Infinity`), Chinese left readable.

One odd cell (a 每人用量 of 1e306) can turn a sum into infinity; Python's `json` would print
`Infinity`, which no JSON reader accepts. A value that is not a finite number is written as
`null` here, and `allow_nan=False` makes any one that slips past a loud error, not bad output.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any


def finite(value: Any) -> Any:
    """`value` with every float that is not finite (inside dicts, lists and tuples) as None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(item) for item in value]
    return value


def dumps(value: Any, *, indent: int | None = None, default: Callable[[Any], Any] | None = None,
          sort_keys: bool = False) -> str:
    """Strict JSON text of `value` (UTF-8 characters kept, not escaped)."""
    return json.dumps(finite(value), ensure_ascii=False, allow_nan=False, indent=indent, default=default,
                      sort_keys=sort_keys)


def indented(value: Any, *, default: Callable[[Any], Any] | None = str) -> str:
    """Strict JSON laid out for people to read (the `--format json` outputs)."""
    return dumps(value, indent=2, default=default)
