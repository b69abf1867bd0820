"""`report --out` and `nutrition --out`, every format, write only where Houqin may: an existing
file it did not write (a staff workbook, one whose sheet is called like the analysis, a Word
file, the config) is refused with one message and exit 2, byte for byte untouched; so are a
folder, a read-only place and a path under a file. Its own outputs it knows by their marker
and replaces."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook

from sync.cli.entry import main
from sync.demo import write_demo
from sync.output.files import TEXT_MARKER, is_ours

COMMANDS = [("report", fmt) for fmt in ("text", "json", "xlsx", "docx")] + \
           [("nutrition", fmt) for fmt in ("text", "json", "xlsx")]
READ_ONLY = Path("/sys")  # refused even to root, unlike a folder without write permission


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder, today=date(2026, 11, 25))
    return folder


def houqin(capsys, command: str, fmt: str, demo: Path, out: Path) -> tuple[int, str]:
    when = ["--today", "2026-11-25"] if command == "report" else ["--month", "2026-11"]
    code = main([command, str(demo), *when, "--format", fmt, "--out", str(out)])
    return code, capsys.readouterr().err


def not_ours(folder: Path, demo: Path) -> list[Path]:
    staff = folder / "食堂管理.xlsx"
    staff.write_bytes((demo / "食堂管理.xlsx").read_bytes())
    lookalike = folder / "营养.xlsx"
    book = Workbook()
    book.active.title = "膳食营养分析2025秋"
    book.save(lookalike)
    word = folder / "总结.docx"
    Document().save(str(word))
    config = folder / "houqin.toml"
    config.write_text(f'[sources]\npaths = ["{demo.as_posix()}"]\n', encoding="utf-8")
    return [staff, lookalike, word, config]


@pytest.mark.parametrize(("command", "fmt"), COMMANDS)
def test_a_file_houqin_did_not_write_is_never_replaced(capsys, tmp_path, demo, command, fmt):
    for target in not_ours(tmp_path, demo):
        before = target.read_bytes()
        code, err = houqin(capsys, command, fmt, demo, target)
        assert code == 2 and err.count("\n") == 1, (target, err)
        assert str(target) in err and "Traceback" not in err
        assert target.read_bytes() == before, target
    assert sorted(p.name for p in tmp_path.iterdir()) == ["houqin.toml", "总结.docx", "营养.xlsx", "食堂管理.xlsx"]


@pytest.mark.parametrize(("command", "fmt"), COMMANDS)
def test_a_folder_a_read_only_place_and_a_path_under_a_file_are_refused(capsys, tmp_path, demo, command, fmt):
    suffix = ".xlsx" if fmt == "xlsx" else ".docx" if fmt == "docx" else ".txt"
    plain = tmp_path / "备注.txt"
    plain.write_text("staff notes", encoding="utf-8")
    for target, says in ((tmp_path, "文件夹"), (READ_ONLY / f"报表{suffix}", "权限"),
                         (plain / f"报表{suffix}", "是一个文件，不是文件夹")):
        code, err = houqin(capsys, command, fmt, demo, target)
        assert code == 2 and err.count("\n") == 1 and says in err and "Traceback" not in err, (target, err)
    assert plain.read_text(encoding="utf-8") == "staff notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["备注.txt"]


@pytest.mark.parametrize(("command", "fmt"), COMMANDS)
def test_its_own_output_carries_the_marker_and_is_replaced(capsys, tmp_path, demo, command, fmt):
    suffix = {"xlsx": ".xlsx", "docx": ".docx", "json": ".json"}.get(fmt, ".txt")
    out = tmp_path / "sub" / f"报表{suffix}"
    for _ in range(2):
        code, err = houqin(capsys, command, fmt, demo, out)
        assert code == 0, err
        assert is_ours(out)
    if fmt == "json":
        assert json.loads(out.read_text(encoding="utf-8"))["generator"]
    if fmt == "text":
        assert out.read_text(encoding="utf-8").endswith(TEXT_MARKER + "\n")
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # no temporary left


def test_init_writes_through_the_same_guard_and_never_over_any_file(capsys, tmp_path):
    plain = tmp_path / "备注.txt"
    plain.write_text("staff notes", encoding="utf-8")
    for target, says in ((tmp_path, "文件夹"), (READ_ONLY / "后勤表格.xlsx", "权限"),
                         (plain / "后勤表格.xlsx", "是一个文件，不是文件夹"), (plain, "不会覆盖")):
        assert main(["init", "--out", str(target)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and says in err and "Traceback" not in err, (target, err)
    assert plain.read_text(encoding="utf-8") == "staff notes"
    blank = tmp_path / "新" / "后勤表格.xlsx"
    assert main(["init", "--out", str(blank)]) == 0
    assert not is_ours(blank)  # a workbook for staff to fill, not a report Houqin may replace
    assert sorted(p.name for p in blank.parent.iterdir()) == ["后勤表格.xlsx"]


def test_a_folder_or_a_file_that_appears_while_the_report_is_made_is_one_chinese_message(tmp_path):
    """The target checked fine, then something took its place before the move: still refused
    in words, never IsADirectoryError or an English strerror."""
    from sync.output.files import OutputError, write_output

    out = tmp_path / "报表.txt"

    def folder_appears(path):
        path.write_text("x", encoding="utf-8")
        out.mkdir()

    with pytest.raises(OutputError, match="是一个文件夹") as refused:
        write_output(out, folder_appears)
    assert "Is a directory" not in str(refused.value) and out.is_dir() and list(tmp_path.iterdir()) == [out]
    nested = tmp_path / "a" / "报表.txt"

    def file_appears(path):
        raise FileExistsError(17, "File exists")

    with pytest.raises(OutputError, match="路径中有一部分是文件"):
        write_output(nested, file_appears)
