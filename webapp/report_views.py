"""The 学期报告 page: this term's figures as the last cycle computed them from the sheets,
each with the rows it counts, and the same figures as a workbook or a Word draft to download.

The figures come from the state database (a view never opens a spreadsheet); the files are
written from those figures on request."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, send_file

from sync.output import strict_json
from sync.report.draft import paragraphs
from sync.report.wording import shown_value
from sync.state import store as state
from webapp.db import get_db
from webapp.views import TABS

bp = Blueprint("report", __name__)
FILES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@bp.route("/report")
def page():
    report = state.latest_term_report(get_db())
    return render_template("report.html", report=report, tab="report", tabs=TABS, shown_value=shown_value,
                           draft=paragraphs(report) if report else [])


@bp.route("/report.<kind>")
def download(kind: str):
    report = state.latest_term_report(get_db())
    if report is None or kind not in (*FILES, "json"):
        abort(404)
    name = f"{report['term']['name']}后勤"
    if kind == "json":
        return Response(strict_json.indented(report), mimetype="application/json")
    from sync.report.docx import write_docx
    from sync.report.xlsx import write_xlsx

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"report.{kind}"
        (write_xlsx if kind == "xlsx" else write_docx)(report, path)
        data = io.BytesIO(path.read_bytes())
    title = f"{name}{'数据' if kind == 'xlsx' else '工作总结（草稿）'}.{kind}"
    return send_file(data, mimetype=FILES[kind], as_attachment=True, download_name=title)
