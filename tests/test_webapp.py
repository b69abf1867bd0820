"""The status page and API through Flask's test client, on a real state database."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rules.model import Finding
from sync.config.loader import Config, WebSettings
from sync.cycle.outcome import RunResult, SourceResult
from sync.sources.base import WriteOutcome
from sync.state import store as state
from webapp import create_app

NOW = datetime.now(ZoneInfo("Asia/Shanghai"))


def findings() -> list[Finding]:
    def make(key, kind, severity, message, value=None, cell="B4", sheet="安全检查"):
        return Finding(source="园.xlsx", sheet=sheet, row=4, column="检查对象", cell=cell, rule="r", kind=kind,
                       severity=severity, message=message, message_en=f"EN {message}", value=value, key=key,
                       sheet_id="inspections")

    return [
        make("k1", "validation", "error", "检查对象（B4）“<script>alert(1)</script>”不是日期", "<script>alert(1)</script>"),
        make("k2", "rule", "warning", "“滑梯”安全检查还有 2 天到期", cell="G5"),
        make("k3", "validation", "error", "证件号（E3）不对", "350582198803150011", "E3", "外来人员登记"),
    ]


def record(db, password=None):
    result = RunResult(started=NOW - timedelta(seconds=3), finished=NOW, today=NOW.date(), findings=findings(),
                       sources=[SourceResult(source="园.xlsx", kind="xlsx", read_ok=True,
                                             write=WriteOutcome("skipped", "文件正被“张老师”用Excel/WPS打开，下次同步再写入"))],
                       summary={"calendar_warnings": ["2027 年的法定节假日数据缺失"],
                                "coverage": {"入园体检率": {"count": 41, "total": 42, "percent": 97.6, "target": 100}}})
    state.record_run(db, result)


@pytest.fixture
def app(make_app):
    return make_app(record)


def every_tab(client, lang: str = "") -> str:
    """The page's tabs as one text (the to-do, overview, history and the full list)."""
    return "".join(client.get(f"/?tab={tab}{lang}").get_data(as_text=True) for tab in ("todo", "overview", "history", "list"))


def test_page_shows_everything_escaped_and_masked(app):
    page = every_tab(app.test_client())
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "350582198803150011" not in page and "350*************11" in page
    assert "文件正被“张老师”用Excel/WPS打开，下次同步再写入" in page
    assert "2027 年的法定节假日数据缺失" in page and "97.6%" in page
    assert "“滑梯”安全检查还有 2 天到期" in page
    assert re.search(r"<svg[^>]*class=\"chart wide\"", page) and re.search(r"<svg[^>]*class=\"chart narrow\"", page)


def test_english_switch(app):
    client = app.test_client()
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Sync now" in page and "EN “滑梯”安全检查还有 2 天到期" in page
    assert "Sync now" in client.get("/").get_data(as_text=True)  # remembered


def test_post_without_csrf_token_is_refused(app):
    client = app.test_client()
    assert client.post("/sync").status_code == 400
    assert app.config["calls"] == []
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    assert client.post("/sync", data={"csrf_token": token}).status_code == 302
    assert app.config["calls"] == [1]


def test_api_filters_and_masks(app):
    client = app.test_client()
    body = client.get("/api/findings?kind=validation").get_json()
    assert body["total"] == 2 and {f["cell"] for f in body["findings"]} == {"B4", "E3"}
    assert all("350582198803150011" not in str(f) for f in body["findings"])
    assert client.get("/api/findings?severity=warning&q=滑梯").get_json()["total"] == 1
    assert client.get("/api/findings?limit=x").status_code == 400
    status = client.get("/api/status").get_json()
    assert status["last_run"]["errors"] == 2 and "backup" not in status["sources"][0]


def test_times_read_like_a_clock_and_an_unreadable_source_says_when_it_was_last_read(app):
    later = NOW + timedelta(hours=2)
    state.record_run(app.config["HOUQIN_DB"], RunResult(
        started=later - timedelta(seconds=2), finished=later, today=later.date(), findings=[],
        sources=[SourceResult(source="园.xlsx", kind="xlsx", read_ok=False, error="文件已损坏，无法读取")], summary={}))
    page = app.test_client().get("/?tab=overview").get_data(as_text=True)
    assert f"上次同步：<time datetime=\"{later.isoformat(timespec='seconds')}\">{later:%Y-%m-%d %H:%M}</time>" in page
    sources = page[page.index('id="sources"'):page.index('id="sheets"')]
    assert f">{NOW:%Y-%m-%d %H:%M}</time>" in sources and "文件已损坏，无法读取" in sources


def test_a_google_sheets_cell_opens_in_google_and_a_workbook_cell_does_not(app):
    url = "https://docs.google.com/spreadsheets/d/KEY/edit"
    google = Finding(source="本园后勤表格", sheet="安全检查", row=4, column="上次检查日期", cell="G4", rule="r",
                     kind="validation", severity="error", message="上次检查日期（G4）不是日期", message_en="EN", value="x",
                     key="g1", sheet_id="inspections")
    state.record_run(app.config["HOUQIN_DB"], RunResult(
        started=NOW, finished=NOW, today=NOW.date(), findings=[google, *findings()], summary={},
        sources=[SourceResult(source="本园后勤表格", kind="gsheets", read_ok=True, url=url, sheet_ids={"安全检查": 123}),
                 SourceResult(source="园.xlsx", kind="xlsx", read_ok=True)]))
    page = app.test_client().get("/").get_data(as_text=True)
    assert f'<a href="{url}#gid=123&amp;range=G4" target="_blank" rel="noopener">G4</a>' in page
    assert "› <span class=\"sheet\">安全检查</span> › B4</span>" in page  # the workbook's cell: plain text


def test_healthz(app, tmp_path):
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    state.record_failed_run(app.config["HOUQIN_DB"], NOW, NOW, "坏了")
    assert client.get("/healthz").status_code == 503


def test_healthz_says_whether_a_cycle_is_running(tmp_path):
    """Monitoring (and whoever is about to press 立即同步) can tell a running cycle from an idle service."""
    config = Config(paths=[tmp_path], state_db=tmp_path / "state.sqlite3")
    record(config.state_db)
    running = [True]
    client = create_app(config, secret_key="test", syncing=lambda: running[0]).test_client()
    assert client.get("/healthz").get_json()["syncing"] is True
    running[0] = False
    assert client.get("/healthz").get_json()["syncing"] is False


def test_security_headers(app):
    response = app.test_client().get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_password_required_when_configured(tmp_path):
    config = Config(paths=[tmp_path], state_db=tmp_path / "state.sqlite3", web=WebSettings(password="园长的密码"))
    record(config.state_db)
    client = create_app(config, secret_key="test").test_client()
    assert client.get("/").status_code == 302
    assert client.get("/api/findings").status_code == 401
    assert client.get("/healthz").status_code == 200  # monitoring stays open, and says nothing private
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login)[1]
    assert client.post("/login", data={"csrf_token": token, "password": "错的"}).status_code == 401
    assert client.post("/login", data={"password": "园长的密码"}).status_code == 400  # no token
    assert client.post("/login", data={"csrf_token": token, "password": "园长的密码"}).status_code == 302
    page = client.get("/")
    assert page.status_code == 200 and "园长的密码" not in page.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/?tab=list", "/api/status", "/api/findings", "/nutrition", "/report",
                                  "/report.xlsx", "/healthz"])
def test_pages_with_childrens_data_are_never_kept_by_the_browser(app, path):
    answer = app.test_client().get(path)
    assert answer.headers.get("Cache-Control") == "no-store", (path, answer.status_code)


def test_static_assets_may_be_cached(app):
    static = next(p for p in Path(app.static_folder).iterdir() if p.is_file())
    answer = app.test_client().get(f"/static/{static.name}")
    assert answer.status_code == 200 and "no-store" not in answer.headers.get("Cache-Control", "")
