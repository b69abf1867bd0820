"""Loading the pack: the parsed `sheets_schema.json` checked and turned into a `Pack`.

`load_pack` takes the parsed JSON (reading the file is the caller's job) and either returns
a `Pack` or raises `SchemaError` naming the JSON path of the first mistake. The shape is
checked by the JSON Schema in rules/pack/meta_schema.py; each rule's settings by the
declaration of its kind (rules/kinds/); `check_overrides` applies the same declarations to
a config's `[rules.ID]` tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rules.kinds import KINDS
from rules.kinds.settings import SettingProblem, check_settings, suggestion
from rules.pack.meta_schema import PACK
from rules.pack.spec import FieldSpec, FigureSpec, Pack, RuleSpec, SheetSpec


class SchemaError(Exception):
    """A mistake in the pack schema, with the JSON path where it is."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def check_shape(data: Any) -> None:
    """Raise `SchemaError` at the first place where `data` breaks the pack's JSON Schema."""
    import jsonschema  # about 0.1 s to import: paid only when a pack's shape is not known good

    validator = jsonschema.Draft202012Validator(PACK, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        first = errors[0]
        raise SchemaError(json_path(first.absolute_path), first.message)


def load_pack(data: Any, *, shape_checked: bool = False) -> Pack:
    """Check `data` against the pack's JSON Schema (unless the caller knows these very contents
    passed it) and its own consistency; build the Pack."""
    if not shape_checked:
        check_shape(data)
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
            unique_key=raw.get("uniqueKey", False),
            missing_values=frozenset(raw.get("missingValues", default_missing)),
            optional=raw.get("optional", False),
        )
        for r_index, rule in enumerate(raw.get("rules", [])):
            params = {k: v for k, v in rule.items() if k not in ("id", "kind")}
            sheet.rules.append(
                RuleSpec(id=rule["id"], kind=rule["kind"], sheet_id=sheet.id, params=params, path=f"{where}.rules[{r_index}]")
            )
        for f_index, figure in enumerate(raw.get("figures", [])):
            sheet.figures.append(_figure(figure, set(names), f"{where}.figures[{f_index}]"))
        sheets.append(sheet)
    pack = Pack(sheets=sheets, alert_header=data.get("alertHeader", "系统提醒"), title=data.get("title", ""))
    check_rules(pack)
    return pack


def check_rules(pack: Pack) -> None:
    """Ids unique; each rule's kind known and its settings as the kind declares them, naming
    only columns of its own sheet and sheets of the pack."""
    ids: set[str] = set()
    sheet_ids = {s.id for s in pack.sheets}
    for sheet in pack.sheets:
        names = {f.name for f in sheet.fields}
        for rule in sheet.rules:
            if rule.id in ids:
                raise SchemaError(rule.path + ".id", f"规则 id {rule.id!r} 重复")
            ids.add(rule.id)
            if rule.kind not in KINDS:
                raise SchemaError(rule.path + ".kind", f"规则 {rule.id} 的类型 {rule.kind!r} 不存在"
                                                       f"{suggestion(rule.kind, sorted(KINDS))}")
            try:
                check_settings(KINDS[rule.kind].settings, rule.params, columns=names, sheets=sheet_ids)
            except SettingProblem as exc:
                raise SchemaError(rule.path + json_path(exc.path)[1:], f"规则 {rule.id}：{exc.message}") from None


def check_overrides(pack: Pack, overrides: Mapping[str, Mapping[str, Any]]) -> tuple[str, str] | None:
    """The first mistake in a config's rule overrides as (place, message), or None.

    Each `[rules.ID]` must name a rule of the pack and only settings that rule's kind accepts."""
    rules = {rule.id: (rule, sheet) for sheet in pack.sheets for rule in sheet.rules}
    for rule_id, params in overrides.items():
        if rule_id not in rules:
            return f"[rules.{rule_id}]", f"没有编号为 {rule_id!r} 的规则{suggestion(rule_id, sorted(rules))}"
        rule, sheet = rules[rule_id]
        try:
            check_settings(KINDS[rule.kind].settings, params, complete=False, columns={f.name for f in sheet.fields},
                           sheets={s.id for s in pack.sheets})
        except SettingProblem as exc:
            setting = ".".join(str(p) for p in exc.path)
            return f"[rules.{rule_id}] {setting}", f"规则 {rule_id}（{rule.params.get('title', rule.kind)}）：{exc.message}"
    return None


def _figure(raw: dict[str, Any], columns: set[str], where: str) -> FigureSpec:
    for c_index, condition in enumerate(raw["count"]):
        if condition["field"] not in columns:
            raise SchemaError(f"{where}.count[{c_index}].field",
                              f"本工作表没有名为 {condition['field']!r} 的列{suggestion(condition['field'], sorted(columns))}")
    return FigureSpec(id=raw["id"], label=raw["label"], label_en=raw.get("label_en", raw["label"]),
                      count=tuple(raw["count"]), target=raw.get("target"))


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
