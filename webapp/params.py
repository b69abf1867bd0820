"""Query parameters within sensible bounds: anything oversized is a 400 with a message,
never a slow query or a 500 (SQLite refuses LIKE patterns over 50,000 characters)."""

from __future__ import annotations

from flask import Flask, request

MAX_LENGTH = 200  # a search, a sheet name or a filter value is a few words
MAX_PARAMETERS = 30


def refusal(message: str, message_en: str):
    """A 400 in the form the caller reads: JSON for the API, a line of text for the page."""
    if request.path.startswith("/api/"):
        return {"error": message, "error_en": message_en}, 400
    return message, 400, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app: Flask) -> None:
    @app.before_request
    def bounded_parameters():
        if len(request.args) > MAX_PARAMETERS:
            return refusal(f"参数太多（最多 {MAX_PARAMETERS} 个）", f"Too many parameters (at most {MAX_PARAMETERS})")
        for name, value in request.args.items(multi=True):
            if len(name) > MAX_LENGTH or len(value) > MAX_LENGTH:
                return refusal(f"参数 {name[:40]} 太长（最多 {MAX_LENGTH} 个字）",
                               f"Parameter {name[:40]} is too long (at most {MAX_LENGTH} characters)")
        return None
