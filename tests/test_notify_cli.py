"""Notifications end to end through the real command line on the demo workbooks: one message
for the expired milk, nothing twice, again when it reopens, a digest on request; a failing
channel never fails the sync and is delivered later; no secret in any output, page or API."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sync.cli.entry import main
from sync.config import loader as config_module
from sync.demo import write_demo
from sync.state import store as state
from tests.fake_bots import FakeBots
from tests.notify_helpers import set_milk_expiry
from tests.service_helpers import Served, free_port
from tests.support import ROOT, TODAY
from webapp import create_app


def sync(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sync", *args], cwd=ROOT, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def write_config(folder: Path, url: str, extra: str = "", channels: dict[str, str] | None = None) -> Path:
    """A config for the workbooks in folder/books with one channel (or several, name -> URL)."""
    tables = "".join(f'[[notify.channels]]\nname = "{name}"\nurl = "{address}"\nimmediate = "error"\n'
                     for name, address in (channels or {"园务群": url}).items())
    config = folder / "houqin.toml"
    config.write_text(f"""
[sources]
paths = ["{(folder / 'books').as_posix()}"]
[notify]
quiet_hours = []
{extra}
{tables}""", encoding="utf-8")
    return config


@pytest.fixture
def demo(tmp_path):
    write_demo(tmp_path / "books", today=TODAY)
    return tmp_path


@pytest.fixture
def hook():
    fake = FakeBots()
    yield fake
    fake.close()


def run(config: Path) -> subprocess.CompletedProcess:
    done = sync("run", "--config", str(config), "--today", TODAY.isoformat())
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    return done


def run_here(config: Path) -> int:
    """`run` through the same entry point, in this process (no interpreter start-up)."""
    return main(["run", "--config", str(config), "--today", TODAY.isoformat()])


def test_one_message_for_the_milk_never_twice_again_when_it_reopens_and_a_digest(demo, hook):
    config = write_config(demo, f"json://127.0.0.1:{hook.port}/houqin")
    run(config)
    assert len(hook.received) == 1
    first = hook.received[0]
    assert "纯牛奶" in first.text and "食堂管理.xlsx › 库存 › " in first.text and "经手人 陈阿姨" in first.text
    assert first.payload["title"].startswith("后勤提醒：新发现")

    run(config)  # nothing new
    assert len(hook.received) == 1

    set_milk_expiry(demo, 30)  # fixed: nothing to say
    run(config)
    assert len(hook.received) == 1
    set_milk_expiry(demo, -1)  # expired again: a new opening of the same alert
    run(config)
    assert len(hook.received) == 2
    again = hook.received[1]
    assert "纯牛奶" in again.text and "新发现 1 个问题" in again.payload["title"]

    done = sync("notify", "digest", "--config", str(config), "--today", TODAY.isoformat())
    assert done.returncode == 0, done.stderr
    assert "园务群" in done.stdout and "已发送" in done.stdout
    assert len(hook.received) == 3
    digest = hook.received[2]
    assert digest.payload["title"].startswith("后勤早报 11月25日（周三）") and "按表" in digest.text
    assert "纯牛奶" in digest.text  # among the ten most urgent: an error
    # The page's history knows these runs: `run` is recorded like a service cycle.
    connection = state.connect(demo / "var" / "houqin.sqlite3", readonly=True)
    assert len(state.run_history(connection)) == 4
    connection.close()


def page_and_api(config_path: Path) -> str:
    config = config_module.load(config_path)
    client = create_app(config, secret_key="test").test_client()
    pages = [client.get(path).get_data(as_text=True) for path in ("/?tab=history", "/", "/api/notify", "/api/status", "/api/findings")]
    return "\n".join(pages)


def test_a_failing_channel_never_fails_the_sync_and_is_delivered_next_cycle(demo, hook):
    config = write_config(demo, f"json://127.0.0.1:{hook.port}/houqin")
    hook.fail_status = 500
    assert run_here(config) == 1  # errors found, as without notifications: not "could not run"
    connection = state.connect(demo / "var" / "houqin.sqlite3", readonly=True)
    assert state.latest_run(connection)["status"] == "ok"
    connection.close()
    page = page_and_api(config)
    section = page[page.index('<section id="notify">'):]  # the page itself, not only the API
    assert "园务群" in section and "发送失败" in section and "error=500" in section.split("</section>")[0]

    hook.fail_status = None
    run_here(config)
    delivered = [r for r in hook.received if r.ok]
    assert len(delivered) == 1 and "纯牛奶" in delivered[0].text
    run_here(config)
    assert len([r for r in hook.received if r.ok]) == 1  # nothing sent twice
    assert "已发送" in page_and_api(config)


def test_closed_port_then_open_delivers_once(demo):
    port = free_port()
    config = write_config(demo, f"json://127.0.0.1:{port}/houqin")
    run_here(config)  # nobody listening
    assert "发送失败" in page_and_api(config)
    hook = FakeBots(port=port)
    try:
        run_here(config)
        run_here(config)
        assert len(hook.received) == 1 and "纯牛奶" in hook.received[0].text
    finally:
        hook.close()


def test_no_secret_in_output_log_page_or_api(demo, hook, monkeypatch, capsys):
    """A DingTalk bot whose token and secret come from the environment and which refuses the
    signature (so reasons are logged), an SMTP password in a mail channel that cannot connect,
    a webhook with a password: every output, log line (at DEBUG), page and API response."""
    # The log as the service writes it: a handler on the root logger, here at DEBUG.
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    root = logging.getLogger()
    monkeypatch.setattr(root, "level", logging.DEBUG)
    root.addHandler(handler)
    hook.redirect(monkeypatch)
    token, secret, password = "tok3n5ecretvalue", "SECsignsecretvalue", "Sm7pPassw0rdValue"
    hook.secrets[token] = "SECsomeoneelsessecret"
    for name, value in {"DING_TOKEN": token, "DING_SECRET": secret, "SMTP_PASSWORD": password}.items():
        monkeypatch.setenv(name, value)
    config = write_config(demo, "", channels={
        "钉钉群": "dingtalk://${DING_SECRET}@${DING_TOKEN}/",
        "邮件": f"mailto://houqin:${{SMTP_PASSWORD}}@127.0.0.1:{free_port()}?to=nurse@example.com&from=houqin@example.com"
                "&mode=insecure",
        "网页钩子": f"json://houqin:{password}@127.0.0.1:{hook.port}/hook/{token}"})
    outputs = []
    for args in (("run", "--config", str(config), "--today", TODAY.isoformat()),
                 ("notify", "test", "--config", str(config)),
                 ("notify", "digest", "--config", str(config))):
        try:
            main(list(args))
        finally:
            out = capsys.readouterr()
            outputs.append(out.out + out.err)
    assert "钉钉群" in outputs[1] and "sign not match" in outputs[1] and "已发送" in outputs[1]
    root.removeHandler(handler)
    outputs.append(log.getvalue())
    assert "通知“钉钉群”发送失败" in outputs[-1]
    outputs.append(page_and_api(config))
    everything = "\n".join(outputs)
    assert "发送失败" in everything and "邮件" in everything and "网页钩子" in everything
    for value in (token, secret, password):
        assert value not in everything
    # The state database (readable by anyone on the office PC) holds none of them either.
    stored = (demo / "var" / "houqin.sqlite3").read_bytes()
    assert all(value.encode() not in stored for value in (token, secret, password))


def test_bad_channel_url_is_one_message_that_does_not_repeat_it(tmp_path):
    config = write_config(tmp_path, "dingtalk://tokenvalue123/SECRETvalue456")
    (tmp_path / "books").mkdir()
    done = sync("run", "--config", str(config))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "dingtalk://SECRET@TOKEN/" in done.stderr and "notify.channels[0].url" in done.stderr
    assert "tokenvalue123" not in done.stderr and "SECRETvalue456" not in done.stderr


def test_the_service_notifies_after_its_cycle(demo, hook):
    config = write_config(demo, f"json://houqin:Pw0rdOfTheHook9@127.0.0.1:{hook.port}/houqin", extra='digest_time = ""')
    served = Served("--config", str(config))
    try:
        served.wait_for_runs(1)
        deadline = time.monotonic() + 60  # the run is recorded first, then notified
        while True:
            status, body = served.get("/api/notify")
            channel = json.loads(body)["channels"][0]
            if channel["sends"] or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert channel["name"] == "园务群" and channel["sends"][0]["ok"] and channel["sends"][0]["kind"] == "alerts"
        # The demo's alerts (its new registers make well over a hundred) come batched in a few messages.
        while not any("纯牛奶" in r.text for r in hook.received) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert 1 <= len(hook.received) <= 3 and any("纯牛奶" in r.text for r in hook.received)
        while "园务群" not in served.output() and time.monotonic() < deadline:
            time.sleep(0.3)  # the cycle's log lines come to the service through a queue
        assert "通知“园务群”：已发送" in served.output() and "json://" not in served.output()
        assert "Pw0rdOfTheHook9" not in served.output() + body + served.get("/?tab=history")[1]
    finally:
        served.stop()
