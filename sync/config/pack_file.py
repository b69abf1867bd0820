"""Reading `sheets_schema.json` from disk into a checked Pack, and checking a config's rule
overrides against it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from rules.pack import load as pack_load
from rules.pack.load import SchemaError, check_overrides, load_pack
from rules.pack.spec import Pack
from rules.settings_sheet.rule_settings import check_locks
from sync.errors import HouqinError
from sync.notify.settings import check_sheets

if TYPE_CHECKING:
    from sync.config.loader import Config

# Beside the pack's loader, wherever this module sits.
DEFAULT_SCHEMA = Path(pack_load.__file__).resolve().with_name("sheets_schema.json")


class PackFileError(HouqinError):
    """The schema file is missing, not JSON, or not a valid pack: one message with its place."""


def read_pack(path: Path | None = None) -> Pack:
    file = path or DEFAULT_SCHEMA
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackFileError(f"找不到表格定义文件：{file}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackFileError(f"无法读取表格定义文件 {file}：{exc}") from None
    except json.JSONDecodeError as exc:
        raise PackFileError(f"表格定义文件 {file} 第 {exc.lineno} 行第 {exc.colno} 列：JSON 格式错误（{exc.msg}）") from None
    try:
        return load_pack(data)
    except SchemaError as exc:
        raise PackFileError(f"表格定义文件 {file} 中 {exc.path}：{exc.message}") from None


def pack_for(config: Config) -> Pack:
    """The config's pack, with its `[rules.ID]` overrides checked against the rules' kinds."""
    pack = read_pack(config.schema_path)
    mistake = check_overrides(pack, config.rule_settings)
    if mistake:
        place, message = mistake
        raise PackFileError(f"配置文件 {config.file or ''} 中 {place}：{message}")
    lock = check_locks(pack, config.settings_locked)
    if lock:
        raise PackFileError(f"配置文件 {config.file or ''} 中 [settings_sheet] locked：{lock}")
    unknown = check_sheets(config.notify, {sheet.id: sheet.name for sheet in pack.sheets})
    if unknown:
        raise PackFileError(f"配置文件 {config.file or ''} 中 {unknown}")
    return pack
