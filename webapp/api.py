"""JSON API: /api/status, /api/findings (filterable), /healthz for monitoring."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, jsonify, request

from sync.state import store as state
from webapp.db import get_db
from webapp.masking import mask
from webapp.params import refusal

bp = Blueprint("api", __name__)
MAX_OFFSET = 10_000_000  # far past any kindergarten's findings, far below SQLite's 64-bit limit


def _whole(text: str, low: int, high: int) -> int | None:
    """`text` as a whole number within [low, high], else None."""
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return None
    value = int(text)
    return value if low <= value <= high else None


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
    limit, offset = _whole(request.args.get("limit", "200"), 1, 5000), _whole(request.args.get("offset", "0"), 0, MAX_OFFSET)
    if limit is None or offset is None:
        return refusal(f"limit 应为 1 到 5000 的整数，offset 应为 0 到 {MAX_OFFSET} 的整数",
                       f"limit must be a whole number from 1 to 5000, offset from 0 to {MAX_OFFSET}")
    rows, total = state.findings(get_db(), filters, limit, offset)
    return jsonify({"total": total, "limit": limit, "offset": offset, "findings": [_masked(r) for r in rows]})


@bp.route("/healthz")
def healthz():
    """200 while syncs run on time; 503 when the last one failed or is three intervals old,
    or when the results cannot be saved (read-only database, full disk), with the reason.
    `syncing` says whether a cycle is running at this moment."""
    problem = current_app.config["HOUQIN_PROBLEM"]()
    if problem:
        return jsonify({"status": "failing", "reason": problem}), 503
    run = state.latest_run(get_db())
    if run is None:
        return jsonify({"status": "starting", "syncing": current_app.config["HOUQIN_SYNCING"]()}), 200
    config = current_app.config["HOUQIN_CONFIG"]
    finished = datetime.fromisoformat(run["finished"])
    age = (datetime.now(finished.tzinfo) - finished).total_seconds()
    late = age > 3 * config.interval_minutes * 60
    healthy = run["status"] == "ok" and not late
    body = {"status": "ok" if healthy else "failing", "last_run": run["finished"], "last_run_id": run["id"],
            "age_seconds": round(age),
            "last_run_status": run["status"], "syncing": current_app.config["HOUQIN_SYNCING"]()}
    return jsonify(body), (200 if healthy else 503)
