"""Writing an output file (`report --out`, `nutrition --out`) without ever replacing a file
Houqin did not write: staff workbooks, documents, the config.

Houqin knows its own outputs by a marker it writes into each, whatever the file is called:
workbooks and Word files carry MARKER as their keywords (docProps/core.xml), JSON a top-level
"generator", text a last line. A file is written beside its target and then moved over it, so
a failure halfway leaves the old file whole."""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from sync.errors import HouqinError
from sync.output import strict_json

MARKER = "Houqin 生成的报表"
TEXT_MARKER = f"（{MARKER}）"
_KEYWORDS = re.compile(rb"<cp:keywords>([^<]*)</cp:keywords>")
_LARGEST_OWN_TEXT = 64 * 1024 * 1024


class OutputError(HouqinError):
    """The output file cannot be written where asked: one message, exit 2."""


def is_ours(path: Path) -> bool:
    """Whether the file at `path` carries the marker of a Houqin output."""
    try:
        with path.open("rb") as file:
            head = file.read(4)
            if head.startswith(b"PK"):
                with zipfile.ZipFile(path) as parts:
                    found = _KEYWORDS.search(parts.read("docProps/core.xml"))
                return bool(found) and found[1].decode("utf-8", "replace") == MARKER
            if path.stat().st_size > _LARGEST_OWN_TEXT:
                return False
            file.seek(0)
            text = file.read().decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return False
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return False
        return isinstance(data, dict) and data.get("generator") == MARKER
    return text.rstrip("\n").rsplit("\n", 1)[-1] == TEXT_MARKER


def check_target(out: Path) -> None:
    """Refuse, with the reason, a target that must not or cannot be written."""
    if out.is_dir():
        raise OutputError(f"{out} 是一个文件夹，不是文件；--out 请写一个文件名，例如 {out / ('报表' + (out.suffix or '.xlsx'))}")
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(f"无法写入 {out}：{parent} 是一个文件，不是文件夹")
            break
    if out.exists() and not is_ours(out):
        raise OutputError(f"{out} 已存在，而且不是 Houqin 生成的报表，不会覆盖；请换一个文件名")


def write_output(out: Path, write: Callable[[Path], object]) -> None:
    """`write(temporary)` makes the file; it then replaces `out` (checked again first)."""
    check_target(out)
    temporary = out.with_name(f".{out.stem}.houqin-tmp{out.suffix}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write(temporary)
        os.replace(temporary, out)
    except IsADirectoryError:  # a folder appeared at the name while the report was made
        raise OutputError(f"{out} 是一个文件夹，不是文件；--out 请写一个文件名") from None
    except (FileExistsError, NotADirectoryError):
        raise OutputError(f"无法写入 {out}：路径中有一部分是文件，不是文件夹") from None
    except PermissionError:
        raise OutputError(f"无法写入 {out}：没有写入 {out.parent} 的权限（只读的文件夹或文件），请换一个位置") from None
    except OSError as exc:
        raise OutputError(f"无法写入 {out}：{exc.strerror or exc}（错误号 {exc.errno}）") from None
    finally:
        temporary.unlink(missing_ok=True)


def mark(properties) -> None:
    """Mark an openpyxl workbook's `properties` or a python-docx document's `core_properties`."""
    properties.keywords = MARKER


def write_text_output(out: Path, text: str) -> None:
    """Text with the marker as its last line (the screen shows the same text without it)."""
    write_output(out, lambda path: path.write_text(f"{text}\n{TEXT_MARKER}\n", encoding="utf-8"))


def write_json_output(out: Path, data: dict) -> None:
    """JSON with the marker as its "generator"."""
    marked = {"generator": MARKER, **data}
    write_output(out, lambda path: path.write_text(strict_json.indented(marked) + "\n",
                                                   encoding="utf-8"))
