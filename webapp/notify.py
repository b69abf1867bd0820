"""The 通知 section of the status page and /api/notify: the last sends per channel, sent or
failed and why, and how many alerts wait. Channels are named by their name and service only;
their URLs (tokens, passwords) never reach a page or a response."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from webapp.db import get_db
from webapp.i18n import t
from webapp.masking import mask

bp = Blueprint("notify", __name__)


def nt(key: str) -> str:
    """The section's words, kept with the page's others in webapp/i18n.py (as notify_KEY)."""
    return t(f"notify_{key}")




def notify_status() -> list[dict[str, Any]]:
    """Per channel (configured ones first): its service, waiting alerts, last five sends."""
    from sync.notify import channels, outbox  # apprise loads only on a page that needs it

    config = current_app.config["HOUQIN_CONFIG"]
    db = get_db()
    recorded = outbox.has_tables(db)
    sends = outbox.last_sends(db) if recorded else {}
    waiting = outbox.pending_counts(db) if recorded else {}
    listed = [(c.name, channels.describe(c)) for c in config.notify.channels]
    listed += [(name, rows[0]["service"]) for name, rows in sends.items() if name not in dict(listed)]
    return [{"name": name, "service": service, "waiting": waiting.get(name, 0),
             "sends": [{"at": s["at"], "kind": s["kind"], "ok": bool(s["ok"]),
                        "unsure": bool(s["unsure"]) if "unsure" in s else False, "reason": mask(s["reason"] or ""),
                        "items": s["items"]} for s in sends.get(name, [])]}
            for name, service in listed]


@bp.app_context_processor
def template_helpers() -> dict[str, Any]:
    return {"notify_status": notify_status, "nt": nt}


@bp.route("/api/notify")
def api_notify():
    return jsonify({"channels": notify_status()})
