"""Every JSON text Houqin writes: strict JSON (never `NaN` or `Infinity`), Chinese left readable.

One odd cell (a 每人用量 of 1e306) can turn a sum into infinity; Python's `json` would print
`Infinity`, which no JSON reader accepts. A value that is not a finite number is written as
`null` here, and `allow_nan=False` makes any one that slips past a loud error, not bad output.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any

try:  # CPython's C encoder; Python's own when a build lacks it (same text, slower)
    from _json import make_encoder as _c_make_encoder
except ImportError:  # pragma: no cover - every CPython Houqin ships on has it
    _c_make_encoder = None

_JSON_TYPES = (str, int, float, type(None), dict, list, tuple)  # bool is an int
_PLAIN = frozenset((str, int, bool, type(None)))  # exact types the C encoder writes as they are
_PLAIN_OR_FLOAT = _PLAIN | {float}


def _all_plain(values: Any) -> bool:
    """Whether every value is of a plain exact type or a finite float (no copy needed)."""
    kinds = set(map(type, values))
    if kinds <= _PLAIN:
        return True
    if kinds <= _PLAIN_OR_FLOAT:
        return all(math.isfinite(item) for item in values if type(item) is float)
    return False


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
    if indent == 2 and not sort_keys:
        return indented(value, default=default)
    return json.dumps(finite(value), ensure_ascii=False, allow_nan=False, indent=indent, default=default,
                      sort_keys=sort_keys)


def indented(value: Any, *, default: Callable[[Any], Any] | None = str) -> str:
    """Strict JSON laid out for people to read (the `--format json` outputs): the text of
    `json.dumps(finite(value), ensure_ascii=False, allow_nan=False, indent=2)`.

    Python's encoder lays out indented JSON in pure Python (a finding list of 22,000 took 1.9 s).
    Here Python walks the containers, and every container holding only plain values (a finding)
    goes to the C encoder whole, with separators that carry its depth's indentation.
    """
    parts: list[str] = []
    _Layout(default).value(value, 0, parts)
    return "".join(parts)


class _Layout:
    """The walk behind `indented`: one C encoder per depth, made when first needed."""

    def __init__(self, default: Callable[[Any], Any] | None):
        self.default = default
        self.encoders: dict[int, Callable[[Any, int], Any]] = {}

    def encoder(self, depth: int) -> Callable[[Any, int], Any]:
        made = self.encoders.get(depth)
        if made is None:
            separator = ",\n" + "  " * depth
            if _c_make_encoder is not None:
                made = _c_make_encoder(None, self.default, encode_basestring, None, ": ", separator,
                                       False, False, False)
            else:  # pragma: no cover
                made = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(separator, ": "),
                                        default=self.default).iterencode  # type: ignore[assignment]
            self.encoders[depth] = made
        return made

    def plain(self, value: Any) -> Any:
        """`value` made a JSON value one level deep: not-finite floats None, other types
        through `default` (as Python's encoder would call it)."""
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, _JSON_TYPES):
            return value
        if self.default is None:
            raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
        return self.plain(self.default(value))

    def value(self, value: Any, depth: int, parts: list[str]) -> None:
        value = self.plain(value)
        if isinstance(value, dict):
            self.mapping(value, depth, parts)
        elif isinstance(value, (list, tuple)):
            self.sequence(value, depth, parts)
        else:
            parts.append("".join(self.encoder(depth)(value, 0)))

    def mapping(self, mapping: dict, depth: int, parts: list[str]) -> None:
        if not mapping:
            parts.append("{}")
            return
        inner = "\n" + "  " * (depth + 1)
        items = mapping if _all_plain(mapping.values()) else {key: self.plain(item) for key, item in mapping.items()}
        if items is mapping or not any(isinstance(item, (dict, list, tuple)) for item in items.values()):
            text = "".join(self.encoder(depth + 1)(items, 0))
            parts.append("{" + inner + text[1:-1] + "\n" + "  " * depth + "}")
            return
        parts.append("{")
        first = True
        for key, item in items.items():
            parts.append(inner if first else "," + inner)
            first = False
            # The key's text as the C encoder gives it (ints, floats, None and bools as JSON does).
            key_text = (encode_basestring(key) if type(key) is str
                        else "".join(self.encoder(depth + 1)({key: 0}, 0))[1:-4])
            parts.append(key_text + ": ")
            self.value(item, depth + 1, parts)
        parts.append("\n" + "  " * depth + "}")

    def sequence(self, sequence: list | tuple, depth: int, parts: list[str]) -> None:
        if not sequence:
            parts.append("[]")
            return
        inner = "\n" + "  " * (depth + 1)
        if self.records(sequence):
            parts.append(self.record_list(sequence, depth))
            return
        items = sequence if _all_plain(sequence) else [self.plain(item) for item in sequence]
        if items is sequence or not any(isinstance(item, (dict, list, tuple)) for item in items):
            text = "".join(self.encoder(depth + 1)(items, 0))
            parts.append("[" + inner + text[1:-1] + "\n" + "  " * depth + "]")
            return
        parts.append("[")
        for index, item in enumerate(items):
            parts.append(inner if index == 0 else "," + inner)
            self.value(item, depth + 1, parts)
        parts.append("\n" + "  " * depth + "]")

    @staticmethod
    def records(sequence: list | tuple) -> bool:
        """Whether `sequence` is a list of non-empty dicts of plain values (the findings)."""
        return all(type(item) is dict and item and _all_plain(item.values()) for item in sequence)

    def record_list(self, records: list | tuple, depth: int) -> str:
        """A list of flat records in one call of the C encoder. The encoder writes a newline only
        in a separator (inside a string it is `\\n`), so every `},` + newline is the end of
        one record, and the records' brackets get their own lines by replacing text."""
        outer, inner, field = "  " * depth, "  " * (depth + 1), "\n" + "  " * (depth + 2)
        text = "".join(self.encoder(depth + 2)(records, 0))
        text = text.replace("}," + field + "{", "\n" + inner + "},\n" + inner + "{" + field)
        return "[\n" + inner + "{" + field + text[2:-2] + "\n" + inner + "}\n" + outer + "]"
