"""JSON API: /api/status, /api/findings (filterable), /healthz for monitoring."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, jsonify, request

from sync import state
from webapp.db import get_db
from webapp.masking import mask

bp = Blueprint("api", __name__)


def _masked(row: dict) -> dict:
    return {k: (mask(v) if isinstance(v, str) and k in ("message", "message_en", "value") else v) for k, v in row.items()}


@bp.route("/api/status")
def status():
    db = get_db()
    run, ok_run, sources = state.overview(db)
    for source in sources:
        source.pop("backup", None)  # a file path on the server is nobody's business on the page
    return jsonify({"last_run": run, "last_ok_run": ok_run, "sources": sources, "sheets": state.counts_by_sheet(db)})


@bp.route("/api/findings")
def findings():
    filters = {name: request.args.get(name, "") for name in (*state.FILTERS, "q")}
    try:
        limit = min(max(int(request.args.get("limit", 200)), 1), 5000)
        offset = max(int(request.args.get("offset", 0)), 0)
    except ValueError:
        return jsonify({"error": "limit and offset must be whole numbers"}), 400
    rows, total = state.findings(get_db(), filters, limit, offset)
    return jsonify({"total": total, "limit": limit, "offset": offset, "findings": [_masked(r) for r in rows]})


@bp.route("/healthz")
def healthz():
    """200 while syncs run on time; 503 when the last one failed or is three intervals old."""
    run = state.latest_run(get_db())
    if run is None:
        return jsonify({"status": "starting"}), 200
    config = current_app.config["HOUQIN_CONFIG"]
    finished = datetime.fromisoformat(run["finished"])
    age = (datetime.now(finished.tzinfo) - finished).total_seconds()
    late = age > 3 * config.interval_minutes * 60
    healthy = run["status"] == "ok" and not late
    body = {"status": "ok" if healthy else "failing", "last_run": run["finished"], "last_run_id": run["id"],
            "age_seconds": round(age),
            "last_run_status": run["status"]}
    return jsonify(body), (200 if healthy else 503)
