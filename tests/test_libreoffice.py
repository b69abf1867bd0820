"""A workbook Houqin wrote opens in LibreOffice, and the highlighting rules read back."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from rules.alerts import Alert
from sync.sources.xlsx.writing import SheetAlerts, write_alerts
from tests.staff_workbooks import HEADER_ROW, make_staff_workbook
from tests.support import require

pytestmark = pytest.mark.office


def test_written_workbook_converts_to_pdf_and_keeps_its_rules(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    require(soffice is not None, "LibreOffice (soffice) is not installed")
    path = make_staff_workbook(tmp_path / "库存.xlsx")
    alerts = {HEADER_ROW + 1: Alert("【错误】“食材0”已过期 24 天", "error"), HEADER_ROW + 2: Alert("【提醒】快到期", "warning")}
    assert write_alerts(path, {"库存": SheetAlerts(HEADER_ROW, alerts)}).status == "written"
    done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                           "--outdir", str(tmp_path / "pdf"), str(path)], capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "pdf" / "库存.pdf"
    assert done.returncode == 0 and pdf.exists() and pdf.stat().st_size > 1000, done.stderr
    sheet = load_workbook(path)["库存"]
    ours = [(r.formula[0], r.dxf.fill.bgColor.rgb) for cf in sheet.conditional_formatting for r in cf.rules if r.type == "expression"]
    assert ours == [('OR(LEFT($H4,4)="【错误】",LEFT($H4,7)="[Error]")', "FFFFC7CE"), ("LEN($H4)>0", "FFFFEB9C")]


def test_a_real_xls_made_by_libreoffice_is_read_and_checked_but_never_written(tmp_path):
    """An old-format .xls (BIFF8, as LibreOffice and old Excel save it) gives the same findings
    as the workbook it was saved from, and the run says why it is not written."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    require(soffice is not None, "LibreOffice (soffice) is not installed")
    from sync.cli.entry import main

    demo = tmp_path / "demo"
    # The demo is made around the day the check looks from: on another day its milk would not be due.
    assert main(["demo", "--dir", str(demo), "--today", "2026-11-25"]) == 0
    original = demo / "食堂管理.xlsx"
    old = tmp_path / "old"
    done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "xls",
                           "--outdir", str(old), str(original)], capture_output=True, text=True, timeout=180)
    xls = old / "食堂管理.xls"
    assert done.returncode == 0 and xls.exists(), done.stderr
    assert xls.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE2 compound file, not a renamed xlsx
    before = xls.read_bytes()

    def milk_messages(path) -> list[str]:
        result = subprocess.run([sys.executable, "-m", "sync", "check", str(path), "--today", "2026-11-25",
                                 "--format", "json"], capture_output=True, text=True, encoding="utf-8", timeout=120)
        assert result.returncode == 1, result.stderr
        return sorted(f["message"] for f in json.loads(result.stdout)["findings"] if "纯牛奶" in f["message"])

    assert milk_messages(xls) == milk_messages(original) != []
    run = subprocess.run([sys.executable, "-m", "sync", "run", str(xls), "--today", "2026-11-25"],
                         capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert "另存为 .xlsx" in run.stdout + run.stderr
    assert xls.read_bytes() == before
