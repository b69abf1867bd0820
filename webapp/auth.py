"""A password for the page when it is reachable from other computers (config or
HOUQIN_WEB_PASSWORD). Without a password the service only listens on this computer."""

from __future__ import annotations

import hmac

from flask import Blueprint, Flask, current_app, redirect, render_template, request, session, url_for

bp = Blueprint("auth", __name__)
OPEN_ENDPOINTS = {"auth.login", "static", "api.healthz"}


def password() -> str | None:
    return current_app.config["HOUQIN_CONFIG"].web.password


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        given = request.form.get("password", "")
        if password() and hmac.compare_digest(given.encode(), password().encode()):
            session.clear()
            session["user"] = "staff"
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("views.index"))
        error = "wrong_password"
    return render_template("login.html", error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    session.pop("user", None)
    return redirect(url_for("auth.login"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def require_login():
        if not password() or request.endpoint in OPEN_ENDPOINTS or session.get("user"):
            return None
        if request.path.startswith("/api/"):
            return {"error": "login required"}, 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
