"""Reading `sheets_schema.json` from disk into a checked Pack, and checking a config's rule
overrides against it.

Checking a pack against its JSON Schema needs `jsonschema`, whose import alone costs a command
about 0.1 s. The same contents always pass or fail alike, so a pack that passed leaves a marker
named by the hash of its bytes and of the JSON Schema in the user's cache folder; the next
command reading those very bytes skips that check (the pack's own consistency is checked every
time). A marker that cannot be written only costs the next command the check again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from rules.pack import load as pack_load
from rules.pack.load import SchemaError, check_overrides, load_pack
from rules.pack.meta_schema import PACK
from rules.pack.spec import Pack
from rules.settings_sheet.rule_settings import check_locks
from sync.errors import HouqinError
from sync.install import places
from sync.notify.settings import check_sheets

if TYPE_CHECKING:
    from sync.config.loader import Config

# Beside the pack's loader, wherever this module sits.
DEFAULT_SCHEMA = Path(pack_load.__file__).resolve().with_name("sheets_schema.json")


class PackFileError(HouqinError):
    """The schema file is missing, not JSON, or not a valid pack: one message with its place."""


def _shape_marker(contents: bytes) -> Path:
    """The cache file that says these bytes passed the pack's JSON Schema as it is now."""
    digest = hashlib.sha256(contents)
    digest.update(json.dumps(PACK, sort_keys=True).encode("utf-8"))
    return places.cache_dir() / "pack-checked" / digest.hexdigest()


def read_pack(path: Path | None = None) -> Pack:
    file = path or DEFAULT_SCHEMA
    try:
        contents = file.read_bytes()
        data = json.loads(contents.decode("utf-8"))
    except FileNotFoundError:
        raise PackFileError(f"找不到表格定义文件：{file}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackFileError(f"无法读取表格定义文件 {file}：{exc}") from None
    except json.JSONDecodeError as exc:
        raise PackFileError(f"表格定义文件 {file} 第 {exc.lineno} 行第 {exc.colno} 列：JSON 格式错误（{exc.msg}）") from None
    marker = _shape_marker(contents)
    try:
        known_good = marker.is_file()
    except OSError:
        known_good = False
    try:
        pack = load_pack(data, shape_checked=known_good)
    except SchemaError as exc:
        raise PackFileError(f"表格定义文件 {file} 中 {exc.path}：{exc.message}") from None
    if not known_good:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # a read-only or full cache folder: the next command checks the shape again
    return pack


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
