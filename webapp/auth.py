"""A password for the page when it is reachable from other computers (config or
HOUQIN_WEB_PASSWORD). Without a password the service only listens on this computer.

Guessing is slowed down (a few tries per client address, then 429), a session ends for good
at logout (its id is kept on the server), and the cookie is `Secure` whenever the page is
reached over https (`[web] https = true`, or a proxy in front saying so).
"""

from __future__ import annotations

import hmac
import sqlite3
from contextlib import suppress
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.db import get_db
from webapp.sessions import end_session, session_is_valid, start_session

bp = Blueprint("auth", __name__)
OPEN_ENDPOINTS = {"auth.login", "static", "api.healthz"}
LOGIN_TRIES = "10 per 10 minutes"


def password() -> str | None:
    return current_app.config["HOUQIN_CONFIG"].web.password


def safe_next(target: str) -> str | None:
    """`target` if it is a path on this site, else None.

    Browsers drop tabs and newlines inside addresses and read a backslash as a slash, so
    `/%09/evil.example` or `/\\evil.example` would leave the site: anything of the kind is refused.
    """
    if not target.startswith("/") or any(ch.isspace() or ch == "\\" or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if target.startswith("//") or parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        given = request.form.get("password", "")
        if password() and hmac.compare_digest(given.encode(), password().encode()):
            try:
                session_id = start_session(current_app.config["HOUQIN_DB"])
            except sqlite3.Error:
                return render_template("login.html", error="login_unavailable"), 503
            session.clear()
            session["user"] = "staff"
            session["sid"] = session_id
            return redirect(safe_next(request.args.get("next", "")) or url_for("views.index"))
        error = "wrong_password"
    return render_template("login.html", error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    with suppress(sqlite3.Error):  # the cookie is cleared all the same; the id expires with its lifetime
        end_session(current_app.config["HOUQIN_DB"], session.get("sid"))
    session.clear()
    return redirect(url_for("auth.login"))


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, `Secure` when this request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure \
            or request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower() == "https"


def _too_many_tries(_error):
    if request.endpoint == "auth.login":
        return render_template("login.html", error="too_many_tries"), 429
    return {"error": "请求太频繁，请稍后再试"}, 429


def init_app(app: Flask) -> None:
    web = app.config["HOUQIN_CONFIG"].web
    if web.proxy:
        # A proxy in front (nginx, IIS): its X-Forwarded-For/-Proto name the real client and scheme.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    app.config["SESSION_COOKIE_SECURE"] = web.https
    app.session_interface = _SessionInterface()
    app.register_blueprint(bp)
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", default_limits=[])
    app.view_functions["auth.login"] = limiter.limit(LOGIN_TRIES, methods=["POST"])(app.view_functions["auth.login"])
    app.register_error_handler(429, _too_many_tries)

    @app.before_request
    def require_login():
        if not password() or request.endpoint in OPEN_ENDPOINTS:
            return None
        if session.get("user") and session_is_valid(get_db(), session.get("sid")):
            return None
        session.pop("user", None)
        if request.path.startswith("/api/"):
            return {"error": "login required"}, 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
