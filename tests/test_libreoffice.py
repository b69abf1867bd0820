"""A workbook Houqin wrote opens in LibreOffice, and the highlighting rules read back."""

from __future__ import annotations

import shutil
import subprocess

from openpyxl import load_workbook

from rules.alerts import Alert
from sync.sources.xlsx.writing import SheetAlerts, write_alerts
from tests.conftest import require
from tests.staff_workbooks import HEADER_ROW, make_staff_workbook


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
