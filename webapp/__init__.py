"""The status page and JSON API (Flask). It reads the state database only: a page view
never opens a spreadsheet, costs no API quota and never waits for a sync."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_wtf.csrf import CSRFProtect

from sync.config.loader import Config
from sync.install import places
from sync.output import strict_json
from webapp import api, auth, db, i18n, notify, nutrition, params, report_views, views
from webapp.secrets import secret_key_for

csrf = CSRFProtect()


class StrictJSON(DefaultJSONProvider):
    """The API's JSON through the one strict writer: a non-finite number is null, never `NaN`."""

    ensure_ascii = False

    def dumps(self, obj, **kwargs) -> str:
        return strict_json.dumps(obj, default=kwargs.get("default", self.default),
                                 sort_keys=kwargs.get("sort_keys", self.sort_keys))


def create_app(config: Config, trigger_sync: Callable[[], bool] | None = None, secret_key: str | None = None,
               problem: Callable[[], str | None] | None = None, syncing: Callable[[], bool] | None = None) -> Flask:
    """The app for one deployment; `trigger_sync` asks the service for a cycle now, `problem`
    says what keeps it from saving its results and `syncing` whether a cycle is running now
    (both for /healthz)."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or secret_key_for(config),
        HOUQIN_CONFIG=config,
        HOUQIN_DB=Path(config.state_db),
        HOUQIN_LOG=places.log_file(Path(config.state_db)),
        HOUQIN_TRIGGER=trigger_sync,
        HOUQIN_PROBLEM=problem or (lambda: None),
        HOUQIN_SYNCING=syncing or (lambda: False),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        JSON_AS_ASCII=False,
    )
    app.json = StrictJSON(app)
    app.jinja_env.globals["school"] = config.school_name.strip()  # the kindergarten's name, on every page's header
    csrf.init_app(app)
    db.init_app(app)
    params.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(report_views.bp)
    app.register_blueprint(nutrition.bp)
    app.register_blueprint(notify.bp)

    @app.after_request
    def security_headers(response):
        response.headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        # Pages, the API and downloads hold children's names, classes and ID numbers: no
        # browser or proxy keeps a copy (a shared office PC's back button, a disk cache).
        # Only the static assets, which hold no data, may be cached.
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    return app
