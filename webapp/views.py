"""The status page: the headline and today's to-do by person and due date first; the
overview, history and the full filterable list on their own tabs; 立即同步 with progress.

Every part below the bar is rendered once per run (webapp.page_cache): the database only
changes when a cycle records one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

import webapp.todo as todo
from sync.state import store as state
from webapp.charts import open_alerts_svg
from webapp.db import get_db
from webapp.i18n import lang, t
from webapp.masking import mask
from webapp.page_cache import PageCache

bp = Blueprint("views", __name__)
# Tabs of the page in order; another view adds its own link in templates/status/tabs.html.
TABS = ("todo", "overview", "history", "list", "settings")
PER_OWNER = 10       # items per person on the to-do; the person's link shows them all
PER_WORKBOOK = 20    # validation errors per workbook on the to-do
PAGE_SIZE = 100      # rows per page of a person's list and of the full list
PRINT_ALL = 1000     # items per person on the whole list, to print for the weekly meeting
PHONE_SHOWN = 2      # items per person on a phone's first screen; 展开 shows the rest of the PER_OWNER
cache = PageCache()
CSRF_PLACEHOLDER = "\x00csrf\x00"  # where each reader's own token goes in a cached page


@dataclass
class Part:
    """A rendered tab and what the bar above it needs (the latest run)."""

    html: Markup
    run: dict[str, Any] | None


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


def _number(name: str, default: int) -> int:
    try:
        return max(int(request.args.get(name, default)), 1)
    except ValueError:
        return default


@bp.route("/")
def index():
    db = get_db()
    tab = request.args.get("tab", "todo")
    tab = tab if tab in TABS else "todo"
    owner = request.args.get("owner")
    page = _number("page", 1)
    everything = request.args.get("all") == "1" and tab == "todo"
    filters = {name: request.args.get(name, "") for name in ("sheet", "severity", "q")} if tab == "list" else {}
    latest = db.execute("SELECT MAX(id) FROM runs").fetchone()[0]
    key = (str(current_app.config["HOUQIN_DB"]), latest, lang(), tab, owner, page, everything, tuple(filters.items()))
    waiting = request.args.get("wait")
    waiting = waiting if waiting and waiting.isdigit() else None

    def whole(csrf=None) -> str:
        part = cache.get(key, lambda: _render(db, tab, owner, page, filters, everything))
        extra = {"csrf_token": csrf} if csrf else {}
        return render_template("index.html", part=part.html, run=part.run, tab=tab, tabs=TABS, waiting=waiting,
                               estimate=round((part.run or {}).get("duration") or 10), **extra)

    if waiting or session.get("_flashes") or tab == "history":
        # Right after 立即同步 (a message, the progress), or the history with the 通知 sends, which
        # are recorded between runs: rendered for this one view.
        return whole()
    # Otherwise the whole page is the same for every reader of this run but for the CSRF token.
    html = cache.get(("page", *key, bool(session.get("user"))), lambda: whole(lambda: CSRF_PLACEHOLDER))
    return html.replace(CSRF_PLACEHOLDER, generate_csrf())


def _render(db, tab: str, owner: str | None, page: int, filters: dict[str, str], everything: bool = False) -> Part:
    run, ok_run, sources = state.overview(db)
    by_source = {s["source"]: s for s in sources}
    today = (ok_run or {}).get("today") or date.today().isoformat()
    context: dict[str, Any] = {"run": run, "ok_run": ok_run, "today": today, "headline": todo.headline(db),
                               "summary": (ok_run or {}).get("summary", {}), "page": page, "page_size": PAGE_SIZE}

    def linked(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for item in items:
            item["link"] = google_link(by_source.get(item["source"], {}), item["sheet"], item["cell"])
        return items

    if tab == "todo":
        people = todo.owners(db)
        if owner is not None:
            people = [p for p in people if p["owner"] == owner]
        for person in people:
            limit = PAGE_SIZE if owner is not None else PRINT_ALL if everything else PER_OWNER
            items = linked(todo.owner_items(db, person["owner"], limit, (page - 1) * limit if owner is not None else 0))
            person["groups"] = (todo.by_due(items, today) if person["owner"]
                                else todo.by_sheet(items, owner_columns(), {k: t(k) for k in UNASSIGNED_WORDS}))
            person["shown"] = len(items)
        summary = context["summary"]
        # The health watch heads the to-do: outbreak signals, then classes under observation.
        context.update(outbreaks=linked(todo.outbreaks(db, summary.get("urgent_rules") or [])),
                       observations=summary.get("observations") or [])
        context.update(people=people, owner=owner, everything=everything, per_owner=PER_OWNER,
                       fold=owner is None and not everything, phone_shown=PHONE_SHOWN,
                       validation=todo.validation_groups(db, PRINT_ALL if everything else PER_WORKBOOK))
        for group in context["validation"]:
            linked(group["items"])
    elif tab == "overview":
        context.update(sources=sources, counts=state.counts_by_sheet(db))
    elif tab == "history":
        day = date.fromisoformat(today)
        series = state.open_alerts_per_day(db, day)
        context.update(chart=Markup(open_alerts_svg(series) + open_alerts_svg(series, narrow=True)),  # numbers and dates only
                       history=state.run_history(db, 15), resolved=state.recently_resolved(db, 15))
    elif tab == "settings":
        view = state.settings_view(db) or {}
        entries = view.get("entries", [])
        for entry in entries:
            entry["link"] = google_link(by_source.get(entry["source"], {}), entry["settings_sheet"], entry["cell"])
        context.update(view=view, entries=entries, changes=state.settings_changes(db, limit=30),
                       off=[e for e in entries if e["key"].endswith(".enabled") and e["value"] == "关"])
    else:
        rows, total = state.findings(db, filters, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        context.update(rows=linked(rows), total=total, filters=filters, sheets=state.distinct_values(db, "sheet"))
    return Part(Markup(render_template(f"status/{tab}.html", **context)), run)


UNASSIGNED_WORDS = ("no_owner_column", "owner_blank", "not_a_row")


def owner_columns() -> dict[str, list[str]]:
    """Sheet name (and each alias) -> the owner columns the pack gives that sheet (none: [])."""
    config = current_app.config["HOUQIN_CONFIG"]
    found = current_app.config.get("HOUQIN_OWNER_COLUMNS")
    if found is None:
        from sync.config.pack_file import read_pack

        try:
            pack = read_pack(config.schema_path)
        except Exception:  # the page still shows the items, with the general words
            return {}
        found = {}
        for sheet in pack.sheets:
            columns = [f.name for f in sheet.fields if f.name in todo.ROLE_WORDS]
            for name in (sheet.name, *sheet.aliases, *config_names(config, sheet.id)):
                found[name] = columns
        current_app.config["HOUQIN_OWNER_COLUMNS"] = found
    return found


def config_names(config, sheet_id: str) -> list[str]:
    """The titles a Google spreadsheet of the config gives this sheet (sheet_names)."""
    return [names[sheet_id] for s in getattr(config, "spreadsheets", []) or []
            if (names := getattr(s, "sheet_names", {}) or {}) and sheet_id in names]


@bp.route("/sync", methods=["POST"])
def sync_now():
    trigger = current_app.config.get("HOUQIN_TRIGGER")
    if trigger is None:
        flash(t("sync_unavailable"))
        return redirect(url_for("views.index"))
    flash(t("sync_started") if trigger() else t("sync_busy"))
    latest = get_db().execute("SELECT MAX(id) FROM runs").fetchone()[0] or 0
    return redirect(url_for("views.index", wait=latest))  # the page then shows progress until a newer run
