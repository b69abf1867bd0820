"""The status page: overview, validation errors, alerts, coverage, chart, history, 立即同步."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from sync import state
from webapp.charts import open_alerts_svg
from webapp.db import get_db
from webapp.i18n import t
from webapp.masking import mask

bp = Blueprint("views", __name__)
PAGE_SIZE = 200


def google_link(result: dict, sheet: str, cell: str | None) -> str | None:
    """A link that opens a Google sheet at the cell; files have none."""
    if not result or not result.get("url"):
        return None
    sheet_id = result.get("sheet_ids", {}).get(sheet)
    if sheet_id is None:
        return None
    return f"{result['url']}#gid={sheet_id}" + (f"&range={cell}" if cell else "")


@bp.app_template_filter("mask")
def mask_filter(value):
    return mask(value)


@bp.app_template_filter("filename")
def filename_filter(value):
    """A workbook as staff know it (its file name); Google sources keep their name."""
    text = str(value or "")
    return text.replace("\\", "/").rsplit("/", 1)[-1] if "/" in text or "\\" in text else text


@bp.app_template_filter("clock")
def clock_filter(value):
    """A stored time stamp as staff read a clock: 2026-11-25 14:24 (the service's time zone)."""
    try:
        return datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value or ""


@bp.route("/")
def index():
    db = get_db()
    run, ok_run, sources = state.overview(db)
    by_source = {s["source"]: s for s in sources}
    filters = {name: request.args.get(name, "") for name in ("sheet", "severity", "q")}
    validation, validation_total = state.findings(db, {"kind": "validation", **filters}, PAGE_SIZE)
    alerts, alerts_total = state.findings(db, {"kind": "rule", **filters}, PAGE_SIZE)
    for row in validation + alerts:
        row["link"] = google_link(by_source.get(row["source"], {}), row["sheet"], row["cell"])
    today = date.fromisoformat(ok_run["today"]) if ok_run and ok_run.get("today") else date.today()
    chart = Markup(open_alerts_svg(state.open_alerts_per_day(db, today)))  # built from numbers and dates only
    return render_template(
        "index.html", run=run, ok_run=ok_run, sources=sources, counts=state.counts_by_sheet(db),
        validation=validation, validation_total=validation_total, alerts=alerts, alerts_total=alerts_total,
        sheets=state.distinct_values(db, "sheet"), filters=filters, chart=chart,
        history=state.run_history(db, 15), resolved=state.recently_resolved(db, 15), page_size=PAGE_SIZE,
        summary=(ok_run or {}).get("summary", {}),
    )


@bp.route("/sync", methods=["POST"])
def sync_now():
    trigger = current_app.config.get("HOUQIN_TRIGGER")
    if trigger is None:
        flash(t("sync_unavailable"))
    else:
        flash(t("sync_started") if trigger() else t("sync_busy"))
    return redirect(url_for("views.index"))
