"""Validation: every cell against its column's type and constraints, as findings.

Works a column at a time: the common case (a date column full of real dates, a number
column of numbers) is accepted by a type check per cell, and only the odd cells go through
the parsers. That keeps a 100,000-row sheet cheap next to reading it.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import islice
from operator import is_, itemgetter, lt
from typing import Any

from rules import parse
from rules.model import ERROR, Finding, Table, cell_ref, display_value
from rules.pack.spec import FieldSpec, SheetSpec
from rules.parse import Bad
from rules.text import mask_id

# A field's type -> how one of its cells is read (rules.parse); text for any other type.
_PARSERS = {"number": parse.parse_number, "integer": parse.parse_integer, "time": parse.parse_time,
            "yearmonth": parse.parse_yearmonth}
_DAY_PARSERS = {"date": parse.parse_date, "datetime": parse.parse_datetime}

TYPE_NAMES = {
    "string": ("文字", "text"),
    "integer": ("整数", "a whole number"),
    "number": ("数字", "a number"),
    "date": ("日期", "a date"),
    "datetime": ("日期和时间", "a date and time"),
    "time": ("时间", "a time"),
    "yearmonth": ("月份", "a month"),
    "boolean": ("是/否", "yes/no"),
}


# A number column without a maximum in the pack still has this one: a cell beyond it is a typing
# slip (1e307, a phone number in 数量), and sums or products of such cells overflow to inf/NaN.
LARGEST_PLAUSIBLE = 1e12

# Cell classes accepted as they are for each column type (bool is never a number).
FAST_CLASSES: dict[str, frozenset[type]] = {
    "string": frozenset({str}),
    "integer": frozenset({int, float}),
    "number": frozenset({int, float}),
    "date": frozenset({date}),
    "datetime": frozenset({datetime}),
    "time": frozenset({time}),
    "yearmonth": frozenset(),
    "boolean": frozenset({bool}),
}


@dataclass
class TypedTable:
    """A table's values by column, typed; None where blank or invalid (see `invalid`).

    `numbers[i]` is the sheet row number of the i-th record. Rules read columns with zip.
    """

    table: Table
    spec: SheetSpec
    numbers: list[int]
    columns: dict[str, list[Any]]
    raw: dict[str, list[Any]]
    invalid: dict[str, set[int]] = field(default_factory=dict)
    # Records that repeat an earlier one's key (a pack sheet with uniqueKey): counted once.
    repeated: set[int] = field(default_factory=set)
    _identities: Sequence[str] | None = None
    # Sheet row number -> record index: {} while the records are in sheet order (always, from a
    # sheet), filled only for records out of order; None until first asked.
    _positions: dict[int, int] | None = None

    def __len__(self) -> int:
        return len(self.numbers)

    def position(self, number: int) -> int | None:
        """The index of the record on sheet row `number`, or None. Records come in sheet order,
        so a bisection finds it; a dict of a million rows would cost some 70 MB."""
        numbers = self.numbers
        if self._positions is None:
            in_order = all(map(lt, numbers, islice(numbers, 1, None)))
            self._positions = {} if in_order else {n: i for i, n in enumerate(numbers)}
        if self._positions:
            return self._positions.get(number)
        at = bisect_left(numbers, number)
        return at if at < len(numbers) and numbers[at] == number else None

    def has(self, name: str) -> bool:
        return name in self.columns

    def column(self, name: str) -> list[Any]:
        """Typed values of a column, or all None when the sheet lacks it."""
        return self.columns.get(name) or [None] * len(self.numbers)

    def cell(self, index: int, name: str) -> str | None:
        column = self.table.columns.get(name)
        return cell_ref(self.numbers[index], column) if column is not None else None

    def raw_text(self, index: int, name: str) -> str | None:
        """The cell as typed; None when blank, whichever source says "blank" how."""
        values = self.raw.get(name)
        if not values:
            return None
        text = values[index]
        if text.__class__ is not str:  # text is the common case: as it is
            text = display_value(text)
        return text if text and text.strip() else None

    def identity(self, index: int) -> str:
        """The row's identity from its key columns, stable when rows move or are inserted."""
        if self._identities is None:
            self._identities = _identities(self)
        return self._identities[index]


def _identity_text(value: Any) -> str:
    if value is None:
        return ""
    if value.__class__ is str:
        return value
    return display_value(value) or ""


def _identities(typed: TypedTable) -> Sequence[str]:
    """Key columns (else the pack's first three) joined per row ("牛奶/2026-11-01"), in the
    pack's order whatever the sheet's; a row whose key cells are all blank is known by its
    content instead; a repeated identity gets "#2", "#3"."""
    keys = [k for k in typed.spec.key_fields if k in typed.columns] or \
        [f.name for f in typed.spec.fields if f.name in typed.columns][:3]
    if not keys:
        return _numbered(_contents(typed))
    # Typed values are already trimmed and normalised; invalid cells fall back to their raw text.
    columns = []
    for name in keys:
        values = typed.columns[name]
        if typed.spec.field(name).type == "date":
            # A term's rows share a few hundred dates: format each once.
            iso = {v: v.isoformat() for v in set(values) if v is not None}
            texts = [iso.get(v, "") for v in values]
        else:
            texts = list(map(_identity_text, values))
        for index in typed.invalid.get(name, ()):
            texts[index] = _identity_text(typed.raw[name][index])
        columns.append(texts)
    bases = list(map("/".join, zip(*columns, strict=True))) if len(columns) > 1 else columns[0]
    if not all(bases) or "/" * (len(columns) - 1) in bases:
        contents = _contents(typed)
        blank = "/" * (len(columns) - 1)
        bases = [contents[i] if base == blank else base for i, base in enumerate(bases)]
    return _numbered(bases)


def _contents(typed: TypedTable) -> list[str]:
    """A short fingerprint of each row's cells, in the pack's column order."""
    names = [f.name for f in typed.spec.fields if f.name in typed.raw]
    rows = zip(*(map(_identity_text, typed.raw[name]) for name in names), strict=True) if names else \
        ([] for _ in typed.numbers)
    return ["内容" + hashlib.sha1("\x1f".join(row).encode("utf-8")).hexdigest()[:10] for row in rows]


def _numbered(bases: list[str]) -> Sequence[str]:
    if len(set(bases)) == len(bases):
        return bases
    return _Numbered(bases)


class _Numbered(Sequence[str]):
    """Identities of rows some of which share a base: "牛奶/2026-11-01", then "…#2".

    Held as each row's base (equal bases kept once) and its count, composed when asked: a
    1,048,576-row sheet of repeated items would otherwise hold a million strings."""

    def __init__(self, bases: list[str]):
        kept: dict[str, str] = {}
        seen: dict[str, int] = {}
        self.bases: list[str] = []
        self.counts = array("I")
        for base in bases:
            count = seen.get(base, 0) + 1
            seen[base] = count
            self.bases.append(kept.setdefault(base, base))
            self.counts.append(count)

    def __len__(self) -> int:
        return len(self.bases)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        count = self.counts[index]
        return self.bases[index] if count == 1 else f"{self.bases[index]}#{count}"


def finding(
    typed: TypedTable, index: int | None, name: str | None, rule: str, severity, zh: str, en: str,
    value: Any = None, kind: str = "validation",
) -> Finding:
    """A finding about one row (and column) of a typed table, with its stable key."""
    table = typed.table
    row = typed.numbers[index] if index is not None else None
    cell = typed.cell(index, name) if index is not None and name else None
    return Finding(
        source=table.source, sheet=table.sheet, row=row, column=name, cell=cell, rule=rule, kind=kind,
        severity=severity, message=zh, message_en=en, value=display_value(value),
        key=row_key(typed, index, rule, name, kind), sheet_id=table.sheet_id,
    )


def row_key(typed: TypedTable, index: int | None, rule: str, name: str | None, kind: str) -> str:
    """source|sheet|row identity|rule(|column): unique in a run, stable when rows move."""
    table = typed.table
    identity = typed.identity(index) if index is not None else ""
    # Two tabs of one workbook may both be the pack's sheet ("库存" and "库存（旧）").
    sheet = table.sheet_id if table.sheet == typed.spec.name else f"{table.sheet_id}@{table.sheet}"
    return f"{table.source}|{sheet}|{identity}|{rule}" + (f"|{name}" if name and kind == "validation" else "")


def _plain(number: float) -> str:
    """1000000, not 1e+06: staff compare it with what they typed."""
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:g}"


def _mask(spec: FieldSpec, value: Any) -> Any:
    if not spec.personal or value is None:
        return value
    return mask_id(str(value))


class _ColumnChecker:
    """Parses and checks one column; collects typed values and findings."""

    def __init__(self, typed: TypedTable, spec: FieldSpec, today: date, missing: frozenset[str]):
        self.typed, self.spec, self.today, self.missing = typed, spec, today, missing
        self.findings: list[Finding] = []
        self.invalid: set[int] = set()
        year = typed.table.extra.get("year")
        self.context_day = date(year, today.month, min(today.day, 28)) if year else today
        self.enum = parse.enum_matcher(spec.enum) if spec.enum else None
        self.pattern = re.compile(spec.pattern) if spec.pattern else None
        numeric = spec.type in ("number", "integer")
        self.maximum = spec.maximum if spec.maximum is not None or not numeric else LARGEST_PLAUSIBLE
        self.minimum = spec.minimum if spec.minimum is not None or not numeric else -LARGEST_PLAUSIBLE

    def bad(self, index: int, raw: Any, zh: str, en: str, rule: str = "validation.type") -> None:
        self.invalid.add(index)
        label = self.spec.header
        shown = display_value(_mask(self.spec, raw))
        text = f"“{shown}”" if shown is not None else ""
        self.findings.append(finding(
            self.typed, index, self.spec.name, rule, ERROR,
            f"{label}（{self.typed.cell(index, self.spec.name)}）{text}{zh}",
            f"{label} ({self.typed.cell(index, self.spec.name)}) {text}{' ' if text else ''}{en}",
            value=_mask(self.spec, raw),
        ))

    def parse_one(self, value: Any) -> Any:
        kind = self.spec.type
        if kind in _DAY_PARSERS:  # a date without a year is read near the day being checked
            return _DAY_PARSERS[kind](value, self.context_day)
        if kind == "boolean":
            return parse.parse_boolean(value, self.spec.true_values, self.spec.false_values)
        return _PARSERS.get(kind, parse.parse_string)(value)

    def run(self, raw: list[Any]) -> list[Any]:
        """Typed values of the column. Cells already of the right type (most of them) are
        taken as they are; only the odd ones are parsed one by one."""
        spec = self.spec
        fast = FAST_CLASSES[spec.type]
        classes = set(map(type, raw))
        if spec.type == "string":
            values = list(map(str.strip, raw)) if classes == {str} else [v.strip() if v.__class__ is str else v for v in raw]
        else:
            values = list(raw)
        odd = [] if classes <= fast else [i for i, v in enumerate(values) if v.__class__ not in fast]
        if str in fast and str in classes:
            texts = set(values) if classes == {str} else {v for v in values if v.__class__ is str}
            blank_texts = self.missing & texts
            if blank_texts:
                odd.extend(i for i, v in enumerate(values) if v.__class__ is str and v in blank_texts)
                odd.sort()
        for index in odd:
            values[index] = self.parse_cell(index, raw[index])
        if spec.type == "integer" and float in classes:
            # Spreadsheets store every number as a float: 30.0 is the whole number 30.
            if classes == {float} and all(map(float.is_integer, values)):
                # One int per distinct number: a million-row column repeats a few hundred.
                distinct = set(values)
                if len(distinct) * 2 < len(values):
                    whole = {number: int(number) for number in distinct}
                    values = list(map(whole.__getitem__, values))
                else:
                    values = list(map(int, values))
            else:
                values = [int(v) if v.__class__ is float and v.is_integer() else v for v in values]
            for index, value in enumerate(values):
                if value.__class__ is float:
                    values[index] = self.parse_cell(index, raw[index])
        self.constrain_column(values, raw)
        if spec.unique:
            self.check_unique(values, raw)
        if all(map(is_, values, raw)):
            # Every cell was already its typed value (a text column, a date column): one list
            # serves as both, which a million-row sheet feels (8 MB a column). Neither is changed after.
            return raw
        return values

    def parse_cell(self, index: int, value: Any) -> Any:
        """One odd cell: blank (maybe required), parsed, or reported."""
        if value is None or (value.__class__ is str and (value in self.missing or value.strip() in self.missing)):
            if self.spec.required:
                kind = TYPE_NAMES[self.spec.type]
                self.bad(index, None, f"是必填项，不能空着（应填{kind[0]}）", f"is required and empty (expected {kind[1]})",
                         "validation.required")
            return None
        parsed = self.parse_one(value)
        if parsed.__class__ is Bad:
            self.bad(index, value, parsed.zh, parsed.en)
            return None
        return parsed

    def constrain_column(self, values: list[Any], raw: list[Any]) -> None:
        """Constraints checked on the distinct values or the extremes first, cells only on a hit."""
        spec = self.spec
        if self.enum is not None:
            canonical = {v: (self.enum(v) if v.__class__ is str else None) for v in set(values) if v is not None}
            if any(c != v for v, c in canonical.items()):
                for index, value in enumerate(values):
                    if value is not None:
                        values[index] = self.constrain(index, raw[index], value)
        bounded = any(b is not None for b in (self.minimum, self.maximum, spec.exclusive_minimum, spec.exclusive_maximum))
        if bounded:
            numbers = [v for v in values if v is not None]
            if numbers and not self.within_bounds(min(numbers), max(numbers)):
                for index, value in enumerate(values):
                    if value is not None:
                        values[index] = self.constrain(index, raw[index], value)
        if spec.pattern or spec.min_length is not None or spec.max_length is not None:
            for index, value in enumerate(values):
                if value is not None:
                    values[index] = self.constrain(index, raw[index], value)

    def within_bounds(self, low: Any, high: Any) -> bool:
        spec = self.spec
        return not (
            (self.minimum is not None and low < self.minimum)
            or (spec.exclusive_minimum is not None and low <= spec.exclusive_minimum)
            or (self.maximum is not None and high > self.maximum)
            or (spec.exclusive_maximum is not None and high >= spec.exclusive_maximum)
        )

    def constrain(self, index: int, raw: Any, value: Any) -> Any:
        spec = self.spec
        if self.enum is not None:
            canonical = self.enum(value) if isinstance(value, str) else None
            if canonical is None:
                options = "/".join(spec.enum)
                self.bad(index, raw, f"不是可选项，应为：{options}", f"is not one of: {options}", "validation.enum")
                return None
            value = canonical
        if isinstance(value, int | float) and not isinstance(value, bool):
            low_zh = low_en = None
            if self.minimum is not None and value < self.minimum:
                low_zh, low_en = f"不能小于 {self.minimum:g}", f"must be at least {self.minimum:g}"
            elif spec.exclusive_minimum is not None and value <= spec.exclusive_minimum:
                low_zh, low_en = f"应大于 {spec.exclusive_minimum:g}", f"must be greater than {spec.exclusive_minimum:g}"
            elif self.maximum is not None and value > self.maximum:
                low_zh, low_en = (f"不能大于 {_plain(self.maximum)}，请检查是否多打了数字",
                                  f"must be at most {_plain(self.maximum)}; check for extra digits")
            elif spec.exclusive_maximum is not None and value >= spec.exclusive_maximum:
                low_zh, low_en = f"应小于 {spec.exclusive_maximum:g}", f"must be less than {spec.exclusive_maximum:g}"
            if low_zh:
                self.bad(index, raw, low_zh, low_en, "validation.range")
                return None
        if isinstance(value, str):
            if self.pattern is not None and not self.pattern.fullmatch(value):
                self.bad(index, raw, "格式不对", f"does not match the pattern {spec.pattern}", "validation.pattern")
                return None
            if spec.min_length is not None and len(value) < spec.min_length:
                self.bad(index, raw, f"太短（至少 {spec.min_length} 个字）", f"is shorter than {spec.min_length}", "validation.length")
                return None
            if spec.max_length is not None and len(value) > spec.max_length:
                self.bad(index, raw, f"太长（最多 {spec.max_length} 个字）", f"is longer than {spec.max_length}", "validation.length")
                return None
        return value

    def check_unique(self, values: list[Any], raw: list[Any]) -> None:
        first: dict[Any, int] = {}
        for index, value in enumerate(values):
            if value is None:
                continue
            key = value.casefold() if isinstance(value, str) else value
            if key in first:
                other = self.typed.cell(first[key], self.spec.name)
                self.bad(index, raw[index], f"与 {other} 重复，{self.spec.name}不能重复",
                         f"duplicates {other}; {self.spec.name} must be unique", "validation.unique")
                values[index] = None
            else:
                first[key] = index


def _repeated_keys(typed: TypedTable) -> list[Finding]:
    """A sheet whose key names one thing (幼儿健康档案: 姓名 + 出生日期 is one child): a later row
    with the same key is a finding on it, and is left out of what the sheet counts."""
    spec = typed.spec
    keys = list(spec.key_fields)
    if not spec.unique_key or not keys or not all(typed.has(k) for k in keys):
        return []
    columns = [typed.columns[k] for k in keys]
    first: dict[tuple, int] = {}
    found: list[Finding] = []
    shown = " + ".join(spec.field(k).header for k in keys)
    for index, values in enumerate(zip(*columns, strict=True)):
        if any(v is None for v in values):
            continue
        key = tuple(v.casefold() if isinstance(v, str) else v for v in values)
        if key not in first:
            first[key] = index
            continue
        typed.repeated.add(index)
        other = typed.numbers[first[key]]
        words = " ".join(display_value(v) or "" for v in values)
        found.append(finding(
            typed, index, keys[0], "validation.duplicate_row", ERROR,
            f"第{typed.numbers[index]}行与第{other}行是同一个（{shown}相同：{words}），统计只算一次；请删除重复的一行",
            f"Row {typed.numbers[index]} repeats row {other} ({shown}: {words}); counted once, delete one of them",
            value=words,
        ))
    return found


def validate(table: Table, spec: SheetSpec, today: date, *, release_rows: bool = False) -> tuple[TypedTable, list[Finding]]:
    """Type every cell of the pack's columns; report what does not fit, cell by cell.

    With `release_rows` the table's rows are let go as soon as its columns are taken, before
    they are typed: a caller that keeps only the typed table (a cycle) then never holds a big
    sheet's rows, its raw columns and its typed columns at once."""
    raw: dict[str, list[Any]] = {name: list(map(itemgetter(column), table.cells)) for name, column in table.columns.items()}
    if release_rows:
        table.cells = []
    typed = TypedTable(table=table, spec=spec, numbers=table.numbers, columns={}, raw=raw)
    findings: list[Finding] = []
    for name in table.columns:
        checker = _ColumnChecker(typed, spec.field(name), today, spec.missing_values)
        typed.columns[name] = checker.run(raw[name])
        if checker.invalid:
            typed.invalid[name] = checker.invalid
        findings.extend(checker.findings)
    findings.extend(_repeated_keys(typed))
    # A finding made while the columns were still being typed had no full identity yet.
    typed._identities = None
    for item in findings:
        if item.row is not None and (index := typed.position(item.row)) is not None:
            item.key = row_key(typed, index, item.rule, item.column, item.kind)
    return typed, findings
