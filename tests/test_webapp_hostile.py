"""The page and the login as an attacker tries them: guessing, stolen cookies, open
redirects, recovering masked ID numbers through search, oversized parameters."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from rules.model import Finding
from sync.config.loader import Config, WebSettings
from sync.cycle.outcome import RunResult, SourceResult
from sync.state import store as state
from webapp import create_app

NOW = datetime.now(ZoneInfo("Asia/Shanghai"))
ID_NUMBER = "350582198803150011"
PASSWORD = "园长的密码"


def _record(db) -> None:
    visitor = Finding(source="园.xlsx", sheet="外来人员登记", row=3, column="证件号", cell="E3", rule="r",
                      kind="validation", severity="error", message=f"证件号（E3）“{ID_NUMBER}”校验位不对",
                      message_en=f"ID number (E3) '{ID_NUMBER}' has a wrong check digit", value=ID_NUMBER, key="k")
    state.record_run(db, RunResult(started=NOW, finished=NOW, today=NOW.date(), findings=[visitor], summary={},
                                   sources=[SourceResult(source="园.xlsx", kind="xlsx", read_ok=True)]))


def _app(tmp_path, **web):
    config = Config(paths=[tmp_path], state_db=tmp_path / "state.sqlite3", web=WebSettings(**web))
    _record(config.state_db)
    return create_app(config, secret_key="test")


def _token(client, path="/login") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))[1]


def _log_in(client, next_path: str = "") -> object:
    token = _token(client)
    return client.post("/login" + (f"?next={next_path}" if next_path else ""),
                       data={"csrf_token": token, "password": PASSWORD})


def test_login_is_rate_limited_per_client_address(tmp_path):
    app = _app(tmp_path, password=PASSWORD)
    guesser = app.test_client()
    token = _token(guesser)
    for _ in range(10):
        assert guesser.post("/login", data={"csrf_token": token, "password": "猜一个"}).status_code == 401
    refused = guesser.post("/login", data={"csrf_token": token, "password": PASSWORD})
    assert refused.status_code == 429
    assert "密码试错太多次，请 10 分钟后再试" in refused.get_data(as_text=True)
    # Another computer in the office is not locked out by the guesser.
    colleague = app.test_client()
    colleague.environ_base["REMOTE_ADDR"] = "192.168.1.23"
    assert _log_in(colleague).status_code == 302


def test_logout_ends_the_session_even_for_a_copied_cookie(tmp_path):
    app = _app(tmp_path, password=PASSWORD)
    client = app.test_client()
    assert _log_in(client).status_code == 302
    stolen = client.get_cookie("session").value
    assert client.get("/api/status").status_code == 200
    assert client.post("/logout", data={"csrf_token": _token(client, "/")}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/api/status").status_code == 401
    assert thief.get("/").status_code == 302


def _session_cookie(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_cookie_is_secure_over_https_only(tmp_path):
    plain = _app(tmp_path, password=PASSWORD).test_client()
    assert "Secure" not in _session_cookie(_log_in(plain))
    https = _app(tmp_path, password=PASSWORD, https=True).test_client()
    assert "Secure" in _session_cookie(_log_in(https))
    proxied = _app(tmp_path, password=PASSWORD).test_client()
    proxied.environ_base["HTTP_X_FORWARDED_PROTO"] = "https"
    assert "Secure" in _session_cookie(_log_in(proxied))


def test_rate_limit_behind_a_proxy_counts_each_forwarded_address(tmp_path):
    app = _app(tmp_path, password=PASSWORD, proxy=True)
    guesser, colleague = app.test_client(), app.test_client()
    guesser.environ_base["HTTP_X_FORWARDED_FOR"] = "10.0.0.7"
    colleague.environ_base["HTTP_X_FORWARDED_FOR"] = "10.0.0.8"
    token = _token(guesser)
    for _ in range(10):
        guesser.post("/login", data={"csrf_token": token, "password": "猜"})
    assert guesser.post("/login", data={"csrf_token": token, "password": "猜"}).status_code == 429
    assert _log_in(colleague).status_code == 302


@pytest.mark.parametrize("target", ["/%09/evil.example", "//evil.example", "/%5Cevil.example", "/%0A/evil.example",
                                    "https://evil.example/", "/%20/evil.example", "evil.example"])
def test_next_never_leaves_the_site(tmp_path, target):
    response = _log_in(_app(tmp_path, password=PASSWORD).test_client(), target)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_next_keeps_a_path_on_this_site(tmp_path):
    response = _log_in(_app(tmp_path, password=PASSWORD).test_client(), "/%3Fsheet%3D%E5%BA%93%E5%AD%98")
    assert response.headers["Location"] == "/?sheet=%E5%BA%93%E5%AD%98"


def test_search_never_matches_what_the_page_masks(tmp_path):
    client = _app(tmp_path).test_client()
    assert client.get("/api/findings?q=350").get_json()["total"] == 1  # the shown (masked) text
    assert client.get("/api/findings?q=校验位").get_json()["total"] == 1
    assert ID_NUMBER[:3] + "*" in client.get("/?tab=list&q=校验位").get_data(as_text=True)  # the page searches too
    for start in range(3, len(ID_NUMBER) - 2):  # every hidden digit run an attacker might try
        probe = ID_NUMBER[start:start + 4]
        if probe in "350*************11":
            continue
        assert client.get(f"/api/findings?q={probe}").get_json()["total"] == 0, probe
        assert ID_NUMBER[:3] + "*" not in client.get(f"/?tab=list&q={probe}").get_data(as_text=True)


@pytest.mark.parametrize("query", ["q=" + "滑" * 100_000, "offset=" + str(2**63), "offset=-1", "limit=99999999999999999999",
                                   "sheet=" + "x" * 5000, "offset=１２"])
def test_oversized_or_out_of_range_parameters_are_a_400_with_a_message(tmp_path, query):
    client = _app(tmp_path).test_client()
    response = client.get(f"/api/findings?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_an_oversized_search_on_the_page_is_a_400_with_a_message(tmp_path):
    response = _app(tmp_path).test_client().get("/?q=" + "滑" * 100_000)
    assert response.status_code == 400 and "太长" in response.get_data(as_text=True)
