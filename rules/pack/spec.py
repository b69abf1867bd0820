"""The pack: sheets, fields and rules from `sheets_schema.json`, checked before use.

`load_pack` takes the parsed JSON (reading the file is the caller's job) and either returns
a `Pack` or raises `SchemaError` naming the JSON path of the first mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jsonschema

from rules.pack.meta_schema import PACK
from rules.text import fold, header_key


class SchemaError(Exception):
    """A mistake in the pack schema, with the JSON path where it is."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    unit: str = ""
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    true_values: tuple[str, ...] = ("是", "Y", "y", "yes", "Yes", "YES", "true", "TRUE", "True", "√", "✓")
    false_values: tuple[str, ...] = ("否", "N", "n", "no", "No", "NO", "false", "FALSE", "False", "×", "✗")
    personal: bool = False
    description: str = ""

    @property
    def header(self) -> str:
        """The header text `init` writes: the name with its unit, as staff know it."""
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    @property
    def header_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(header_key(t) for t in (self.name, *self.aliases)))


@dataclass(frozen=True)
class RuleSpec:
    id: str
    kind: str
    sheet_id: str
    params: dict[str, Any]
    path: str


@dataclass
class SheetSpec:
    id: str
    name: str
    fields: list[FieldSpec]
    aliases: tuple[str, ...] = ()
    description: str = ""
    key_fields: tuple[str, ...] = ()
    missing_values: frozenset[str] = frozenset({""})
    rules: list[RuleSpec] = field(default_factory=list)

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(fold(t) for t in (self.name, *self.aliases)))


@dataclass
class Pack:
    sheets: list[SheetSpec]
    alert_header: str = "系统提醒"
    title: str = ""

    def sheet(self, sheet_id: str) -> SheetSpec:
        for spec in self.sheets:
            if spec.id == sheet_id:
                return spec
        raise KeyError(sheet_id)


def json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def load_pack(data: Any) -> Pack:
    """Check `data` against the pack's JSON Schema and its own consistency; build the Pack."""
    validator = jsonschema.Draft202012Validator(PACK, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        first = errors[0]
        raise SchemaError(json_path(first.absolute_path), first.message)
    default_missing = data.get("missingValues", [""])
    sheets: list[SheetSpec] = []
    seen_ids: set[str] = set()
    for s_index, raw in enumerate(data["sheets"]):
        where = f"$.sheets[{s_index}]"
        if raw["id"] in seen_ids:
            raise SchemaError(where + ".id", f"工作表 id {raw['id']!r} 重复")
        seen_ids.add(raw["id"])
        fields = [_field(f) for f in raw["fields"]]
        names = [f.name for f in fields]
        for f_index, name in enumerate(names):
            if names.index(name) != f_index:
                raise SchemaError(f"{where}.fields[{f_index}].name", f"列名 {name!r} 重复")
        for k_index, key in enumerate(raw.get("keyFields", [])):
            if key not in names:
                raise SchemaError(f"{where}.keyFields[{k_index}]", f"没有名为 {key!r} 的列")
        sheet = SheetSpec(
            id=raw["id"],
            name=raw["name"],
            fields=fields,
            aliases=tuple(raw.get("aliases", ())),
            description=raw.get("description", ""),
            key_fields=tuple(raw.get("keyFields", ())),
            missing_values=frozenset(raw.get("missingValues", default_missing)),
        )
        for r_index, rule in enumerate(raw.get("rules", [])):
            params = {k: v for k, v in rule.items() if k not in ("id", "kind")}
            sheet.rules.append(
                RuleSpec(id=rule["id"], kind=rule["kind"], sheet_id=sheet.id, params=params, path=f"{where}.rules[{r_index}]")
            )
        sheets.append(sheet)
    pack = Pack(sheets=sheets, alert_header=data.get("alertHeader", "系统提醒"), title=data.get("title", ""))
    check_rule_references(pack)
    return pack


# Rule settings that name a column of the rule's own sheet.
_FIELD_KEYS = ("date", "field", "left", "start", "end", "quantity", "category", "plus", "minus", "month", "income",
               "spend", "since")


def _referenced_fields(params: dict[str, Any]) -> list[tuple[str, str]]:
    """(JSON path suffix, column name) of every column a rule's settings name."""
    found: list[tuple[str, str]] = []
    for key in _FIELD_KEYS:
        value = params.get(key)
        if isinstance(value, str):
            found.append((f".{key}", value))
        elif isinstance(value, list):
            found.extend((f".{key}[{i}]", v) for i, v in enumerate(value) if isinstance(v, str))
    if isinstance(params.get("right"), str):
        found.append((".right", params["right"]))
    if isinstance(params.get("days"), str):
        found.append((".days", params["days"]))
    for group in ("when", "require"):
        for i, item in enumerate(params.get(group, [])):
            found.append((f".{group}[{i}].field", item["field"]))
    found.extend((f".item[{i}]", name) for i, name in enumerate(params.get("item", [])))
    for key in ("due", "interval", "members"):
        nested = params.get(key) or {}
        for sub in ("field", "category_field", "birth_field"):
            if isinstance(nested.get(sub), str):
                found.append((f".{key}.{sub}", nested[sub]))
    found.extend((f".match[{i}]", name) for i, name in enumerate(params.get("match", [])))
    return found


def check_rule_references(pack: Pack) -> None:
    """Every column a rule names exists in its sheet; other sheets named exist; ids are unique."""
    ids: set[str] = set()
    sheet_ids = {s.id for s in pack.sheets}
    for sheet in pack.sheets:
        names = {f.name for f in sheet.fields}
        for rule in sheet.rules:
            if rule.id in ids:
                raise SchemaError(rule.path + ".id", f"规则 id {rule.id!r} 重复")
            ids.add(rule.id)
            for suffix, name in _referenced_fields(rule.params):
                if name not in names:
                    raise SchemaError(rule.path + suffix, f"工作表「{sheet.name}」没有名为 {name!r} 的列")
            for key in ("source_sheet",):
                other = rule.params.get(key)
                if other is not None and other not in sheet_ids:
                    raise SchemaError(f"{rule.path}.{key}", f"没有 id 为 {other!r} 的工作表")
            members = rule.params.get("members") or {}
            if members.get("from_sheet") and members["from_sheet"] not in sheet_ids:
                raise SchemaError(rule.path + ".members.from_sheet", f"没有 id 为 {members['from_sheet']!r} 的工作表")


def _field(raw: dict[str, Any]) -> FieldSpec:
    c = raw.get("constraints", {})
    extra: dict[str, Any] = {}
    if "trueValues" in raw:
        extra["true_values"] = tuple(raw["trueValues"])
    if "falseValues" in raw:
        extra["false_values"] = tuple(raw["falseValues"])
    return FieldSpec(
        name=raw["name"],
        type=raw["type"],
        aliases=tuple(raw.get("aliases", ())),
        unit=raw.get("unit", ""),
        required=c.get("required", False),
        unique=c.get("unique", False),
        enum=tuple(c.get("enum", ())),
        minimum=c.get("minimum"),
        maximum=c.get("maximum"),
        exclusive_minimum=c.get("exclusiveMinimum"),
        exclusive_maximum=c.get("exclusiveMaximum"),
        min_length=c.get("minLength"),
        max_length=c.get("maxLength"),
        pattern=c.get("pattern"),
        personal=raw.get("personal", False),
        description=raw.get("description", ""),
        **extra,
    )
