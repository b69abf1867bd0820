"""Every xlsx Houqin writes stores staff text as text: a cell typed `=HYPERLINK(…)` is never a
formula (a live link) in the nutrition report or the term report."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from tests.cli_helpers import cli
from tests.nutrition_helpers import kitchen
from tests.support import ROOT

LINK = '=HYPERLINK("http://evil.example/x","点我")'


def formulas(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as parts:
        return [m for name in parts.namelist() if name.startswith("xl/worksheets/")
                for m in re.findall(r"<f>(.*?)</f>", parts.read(name).decode("utf-8"))]


def test_a_formula_typed_as_an_ingredient_is_text_in_the_nutrition_report(tmp_path):
    path = kitchen(tmp_path / "食堂.xlsx", 60)
    book = load_workbook(path)
    book["食谱用料"].append([book["食谱用料"]["A2"].value, "午餐", "米饭", LINK, 20])
    book["食谱用料"]["D5"].data_type = "s"  # staff typed it with a leading apostrophe: text in their file
    book.save(path)
    out = tmp_path / "营养.xlsx"
    done = cli("nutrition", str(path), "--month", "2026-11", "--format", "xlsx", "--out", str(out))
    assert done.returncode in (0, 1), done.stderr
    assert formulas(out) == []
    texts = [c.value for sheet in load_workbook(out).worksheets for row in sheet.iter_rows() for c in row]
    assert any(isinstance(v, str) and "HYPERLINK" in v for v in texts)


def test_every_workbook_writer_saves_through_the_text_guard():
    """openpyxl's save is called in one place: sync/output/xlsx_text.py."""
    calls = [str(p.relative_to(ROOT)) for p in (ROOT / "sync").rglob("*.py")
             if re.search(r"(book|workbook)\.save\(", p.read_text(encoding="utf-8"))]
    assert calls == ["sync/output/xlsx_text.py"]
